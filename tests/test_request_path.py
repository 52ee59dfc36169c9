"""The request path works on objects, never on bytes it produced itself (issue 12).

(a) Per-key isolation pages a top-level list once, with the ownership filter applied where the page is cut: the
list handler runs once per request, and ``page_of`` with a ``visible`` predicate equals the plain scan of the
visible ids.
"""

from __future__ import annotations

from typing import Any, Literal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fake_assistants import FakeAssistants
from fake_assistants.api import routes
from fake_assistants.api.handler_context import Call
from fake_assistants.backend.index import OrderedIndex
from fake_assistants.backend.pagination import page_of, paginate
from fake_assistants.clock import ManualClock

ALICE, BOB = "sk-alice-000000000000", "sk-bob-0000000000000"


@settings(max_examples=300, deadline=None, database=None)
@given(
    owners=st.lists(st.sampled_from(["me", "other", None]), max_size=40),
    order=st.sampled_from(["asc", "desc"]),
    limit=st.integers(1, 6),
    after=st.one_of(st.none(), st.integers(-1, 41)),
    before=st.one_of(st.none(), st.integers(-1, 41)),
)
def test_a_visible_page_is_the_page_of_the_visible_ids(
    owners: list[str | None], order: Literal["asc", "desc"], limit: int, after: int | None, before: int | None
) -> None:
    ids = [f"id_{n}" for n in range(len(owners))]
    index = OrderedIndex(ids)
    owner_of = dict(zip(ids, owners, strict=True))

    def visible(item_id: str) -> bool:
        return owner_of[item_id] in ("me", None)

    def cursor(position: int | None) -> str | None:
        return None if position is None else f"id_{position}"  # -1 and past the end: ids the list never held

    got = page_of(index, order=order, limit=limit, after=cursor(after), before=cursor(before), visible=visible)
    seen = [item_id for item_id in ids if visible(item_id)]
    want = paginate(seen, lambda item_id: item_id, order=order, limit=limit, after=cursor(after), before=cursor(before))
    assert got == want


@pytest.mark.parametrize("isolate", [True, False])
@pytest.mark.parametrize("order", ["asc", "desc"])
def test_a_top_level_list_runs_its_handler_once(monkeypatch: pytest.MonkeyPatch, isolate: bool, order: Any) -> None:
    fake = FakeAssistants(seed=3, clock=ManualClock())
    fake.isolate_keys(isolate)
    alice, bob = fake.client(api_key=ALICE), fake.client(api_key=BOB)
    made: dict[str, list[str]] = {ALICE: [], BOB: []}
    for n in range(5):  # interleaved, so every page of Alice's holds Bob's objects in between
        for key, client in ((ALICE, alice), (BOB, bob)):
            made[key].append(client.beta.assistants.create(model="gpt-4o", name=f"{key[:6]} {n}").id)

    calls: list[Call] = []
    listing = next(route for route in routes.ROUTES if route.operation_id == "listAssistants")
    assert listing.handler is not None
    handler = listing.handler

    def spy(call: Call) -> Any:
        calls.append(call)
        return handler(call)

    spied = tuple(routes.Route(r.method, r.template, r.operation_id, spy) if r is listing else r for r in routes.ROUTES)
    monkeypatch.setattr(routes, "ROUTES", spied)

    everyone = [item_id for pair in zip(made[ALICE], made[BOB], strict=True) for item_id in pair]  # oldest first
    mine = made[ALICE] if isolate else everyone
    expected = mine if order == "asc" else mine[::-1]
    pages: list[list[str]] = []
    after: str | None = None
    while True:
        page = alice.beta.assistants.list(limit=2, order=order, **({"after": after} if after else {}))
        pages.append([assistant.id for assistant in page.data])
        if not page.has_more:
            break
        after = page.data[-1].id
    assert [item_id for page_ids in pages for item_id in page_ids] == expected
    assert len(calls) == len(pages)  # one handler run per request: no second walk, no re-pagination
    assert all((call.visible is not None) == isolate for call in calls)

"""The request path works on objects, never on bytes it produced itself (issue 12).

(a) Per-key isolation pages a top-level list once, with the ownership filter applied where the page is cut: the
list handler runs once per request, and ``page_of`` with a ``visible`` predicate equals the plain scan of the
visible ids. A request body is parsed once: the ownership checks of its ids and the handler share the parse.

(b) An error becomes its envelope in one place (``api/responses.py``): no other module calls ``.envelope()``, and a
bug mid-stream is the same 500 (``errors.internal_error``) as a bug before the stream, in-band.

(c) The contract check (``validate_responses``) and ``shapes="spec"`` read the router's objects (the operation, the
JSON payload, a stream's events before they are framed): they parse nothing the package wrote and match no route
again; ``api/sse.py`` is the one place that frames an event, and nothing on the request path decodes one.

(d) Each request is resolved once on the whole path, from the transport to the handler (issue 22): with the Azure
front door, rate limits, faults and the contract check all on, its route is matched once (``api/routes.resolve``)
and its body parsed once (``ApiRequest.document``), however many layers ask.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

import openai
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fake_assistants import FakeAssistants
from fake_assistants.api import routes
from fake_assistants.api.handler_context import Call
from fake_assistants.backend.index import OrderedIndex
from fake_assistants.backend.pagination import page_of, paginate
from fake_assistants.clock import ManualClock
from fake_assistants.errors import internal_error

PACKAGE = Path(__file__).resolve().parents[2] / "fake_assistants"

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


def test_only_api_responses_builds_the_envelope() -> None:
    callers = sorted(
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text(), str(path)))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "envelope"
    )
    assert set(callers) == {"api/responses.py"}, callers


def test_a_bug_mid_stream_is_the_routers_internal_error_in_band(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeAssistants(seed=4, clock=ManualClock(), progression="immediate")
    client = fake.client(max_retries=0)
    assistant = client.beta.assistants.create(model="gpt-4o", instructions="Be brief.")
    thread = client.beta.threads.create(messages=[{"role": "user", "content": "hi"}])
    client.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id)  # settled, before the bug

    def exploding(*args: object, **kwargs: object) -> Iterator[Any]:
        raise RuntimeError("the engine exploded")
        yield  # a generator, like the engine's

    monkeypatch.setattr("fake_assistants.runs.engine.move_events", exploding)
    expected = internal_error("RuntimeError: the engine exploded")

    with pytest.raises(openai.InternalServerError) as before:  # the router's 500, before any stream
        client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
    response = before.value.response
    assert response.status_code == expected.status == 500
    assert response.headers["x-should-retry"] == expected.headers["x-should-retry"] == "false"
    assert response.json() == expected.envelope()

    second = client.beta.threads.create(messages=[{"role": "user", "content": "hi"}])
    events = list(client.beta.threads.runs.create(thread_id=second.id, assistant_id=assistant.id, stream=True))
    errors = [event for event in events if event.event == "error"]
    assert len(errors) == 1
    assert errors[0].data.model_dump(exclude_unset=True) == expected.envelope()["error"]  # the same, in-band


class CountingMatches:
    """``routes.match``, counting how often a request is matched against the route table."""

    walks = 0

    def __init__(self, real: Any) -> None:
        self.real = real

    def __call__(self, method: str, path: str) -> Any:
        type(self).walks += 1
        return self.real(method, path)


@pytest.mark.parametrize("shapes", ["wire", "spec"])
def test_the_contract_check_reads_objects_not_bytes(monkeypatch: pytest.MonkeyPatch, shapes: Any) -> None:
    import json

    from fake_assistants import jsoncodec

    parsed: list[tuple[str, Any]] = []  # (module of the caller, what it parsed), for callers in fake_assistants

    def spying(real: Any) -> Any:
        def loads(value: Any, *args: Any, **kwargs: Any) -> Any:
            caller = sys._getframe(1).f_globals.get("__name__", "")
            if caller.startswith("fake_assistants"):
                parsed.append((caller, value))
            return real(value, *args, **kwargs)

        return loads

    fakes = {
        validate: FakeAssistants(
            seed=6, clock=ManualClock(), progression="immediate", validate_responses=validate, shapes=shapes
        )
        for validate in (False, True)
    }
    monkeypatch.setattr(json, "loads", spying(json.loads))
    monkeypatch.setattr(jsoncodec, "loads", spying(jsoncodec.loads))
    monkeypatch.setattr(jsoncodec, "read_as_json_does", spying(jsoncodec.read_as_json_does))
    monkeypatch.setattr(routes, "match", CountingMatches(routes.match))
    walks = {validate: _a_flow(fake) for validate, fake in fakes.items()}
    assert walks[True] == walks[False]  # the check matches no route again: it reads the response's operation
    # What the package parsed is the requests' bodies, never a response or a frame it wrote itself.
    request_parsers = {"fake_assistants.api.wire", "fake_assistants.schemas.validation"}
    assert {caller for caller, _ in parsed} <= request_parsers


def _a_flow(fake: FakeAssistants) -> int:
    """:func:`_the_flow` through a client of ``fake``; the route table's walks it took."""
    CountingMatches.walks = 0
    _the_flow(fake.client(max_retries=0))
    assert not fake.contract_violations
    return CountingMatches.walks


def _the_flow(client: openai.OpenAI) -> None:
    """Create, run (polled and streamed), list, miss: six requests, four of them with a body."""
    assistant = client.beta.assistants.create(model="gpt-4o", instructions="Be brief.")
    thread = client.beta.threads.create(messages=[{"role": "user", "content": "hi"}])
    client.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id)
    events = list(client.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id, stream=True))
    client.beta.threads.messages.list(thread.id)
    with pytest.raises(openai.NotFoundError):
        client.beta.assistants.retrieve("asst_missing")
    assert events[-1].event == "thread.run.completed"


REQUEST_PATH = ("api", "server", "transports", "frontdoor", "control/handler.py", "emulator.py")


def _sse_literals(path: Path) -> bool:
    """Whether a module spells an SSE field (a literal holding ``event: `` or ``data: `` at a line's start)."""
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str | bytes):
            text = node.value if isinstance(node.value, str) else node.value.decode("latin-1")
            if re.search(r"(^|\n)(event|data): ", text):
                return True
    return False


def test_one_module_frames_server_sent_events_and_none_decodes_them() -> None:
    found = sorted(
        str(path.relative_to(PACKAGE))
        for top in REQUEST_PATH
        for path in ([PACKAGE / top] if top.endswith(".py") else sorted((PACKAGE / top).rglob("*.py")))
        if _sse_literals(path)
    )
    assert found == ["api/sse.py"]


def test_under_isolation_a_body_is_parsed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    from fake_assistants import jsoncodec

    fake = FakeAssistants(seed=7, clock=ManualClock(), progression="immediate")
    fake.isolate_keys()
    client = fake.client(api_key=ALICE)
    assistant = client.beta.assistants.create(model="gpt-4o", instructions="Be brief.")
    thread = client.beta.threads.create(messages=[{"role": "user", "content": "hi"}])
    parses: list[str] = []

    def spying(real: Any) -> Any:  # the standard parser, and orjson where it reads as the standard one does
        def loads(value: Any, *args: Any, **kwargs: Any) -> Any:
            parsed = real(value, *args, **kwargs)
            caller = sys._getframe(1).f_globals.get("__name__", "")
            if caller.startswith("fake_assistants") and isinstance(parsed, dict) and "assistant_id" in parsed:
                parses.append(caller)
            return parsed

        return loads

    monkeypatch.setattr(json, "loads", spying(json.loads))
    monkeypatch.setattr(jsoncodec, "read_as_json_does", spying(jsoncodec.read_as_json_does))
    run = client.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id)
    assert run.status == "completed"
    assert len(parses) == 1  # the ownership check of ``assistant_id`` and the handler read one parse
    bob = fake.client(api_key=BOB)
    bobs = bob.beta.threads.create(messages=[{"role": "user", "content": "hi"}])
    with pytest.raises(openai.NotFoundError, match=assistant.id):  # the one parse still hides Alice's assistant
        bob.beta.threads.runs.create(thread_id=bobs.id, assistant_id=assistant.id)


@pytest.mark.parametrize("azure", [False, True], ids=["openai", "azure"])
def test_each_request_is_matched_once_and_its_body_parsed_once_on_the_whole_path(
    monkeypatch: pytest.MonkeyPatch, azure: bool
) -> None:
    import json

    from fake_assistants import jsoncodec

    fake = FakeAssistants(seed=8, clock=ManualClock(), progression="immediate", validate_responses=True)
    fake.isolate_keys()  # the ownership checks read the body's ids
    fake.rate_limits(requests_per_minute=1000, tokens_per_minute=1_000_000)  # they ask for the operation
    fake.faults.latency(ms=1, operation="createRun", times=None)  # the faults ask for the operation too
    fake.faults.cut_stream(operation="listMessages", times=None)  # ... and whether the body asks for a stream
    client = fake.azure_client(api_key=ALICE, max_retries=0) if azure else fake.client(api_key=ALICE, max_retries=0)
    bodies: list[tuple[str, Any]] = []

    def spying(real: Any) -> Any:  # the standard parser, and orjson where it reads as the standard one does
        def loads(value: Any, *args: Any, **kwargs: Any) -> Any:
            parsed = real(value, *args, **kwargs)
            caller = sys._getframe(1).f_globals.get("__name__", "")
            if caller.startswith("fake_assistants") and value != b"{}" and parsed is not jsoncodec.UNREAD:
                bodies.append((caller, value))
            return parsed

        return loads

    monkeypatch.setattr(json, "loads", spying(json.loads))
    monkeypatch.setattr(jsoncodec, "read_as_json_does", spying(jsoncodec.read_as_json_does))
    monkeypatch.setattr(routes, "match", CountingMatches(routes.match))
    CountingMatches.walks = 0
    _the_flow(client)
    assert [entry.status for entry in fake.request_log] == [200] * 5 + [404]
    assert [entry.fault for entry in fake.request_log] == [None, None, "latency", "latency", None, None]
    assert CountingMatches.walks == len(fake.request_log)  # one match per request
    assert {caller for caller, _ in bodies} == {"fake_assistants.schemas.validation"}  # the one parse (json_value)
    assert len(bodies) == 4  # the four requests with a body, each parsed once
    assert not fake.contract_violations


def test_a_short_list_query_is_validated_once_and_a_refused_one_every_time(monkeypatch: pytest.MonkeyPatch) -> None:
    from fake_assistants.api import handler_context

    fake = FakeAssistants(seed=2, clock=ManualClock())
    client = fake.client(max_retries=0)
    thread = client.beta.threads.create()
    validated: list[dict[str, str]] = []
    real = handler_context.validate
    monkeypatch.setattr(
        handler_context, "validate", lambda model, data, **kw: validated.append(data) or real(model, data, **kw)
    )
    handler_context._query_as.cache_clear()
    for _ in range(3):
        client.beta.threads.messages.list(thread.id, limit=7, order="asc")
    assert validated == [{"limit": "7", "order": "asc"}]
    long_cursor = "msg_" + "x" * 200  # a long value is not kept: validated at each list
    for _ in range(2):
        client.beta.threads.messages.list(thread.id, after=long_cursor)
    assert len(validated) == 3
    for _ in range(2):
        with pytest.raises(openai.BadRequestError):
            client.beta.threads.messages.list(thread.id, limit=0)
    assert len(validated) == 5

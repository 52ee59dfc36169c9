"""Cursor pagination: ``paginate`` against a reference model, then list endpoints through the real SDK.

The SDK tests build a fresh ``FakeAssistants`` inside each hypothesis example (function-scoped fixtures are not reset
between examples).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Literal

import openai
from hypothesis import given, settings
from hypothesis import strategies as st

from fake_assistants import FakeAssistants
from fake_assistants.backend.pagination import Page, paginate

Order = Literal["asc", "desc"]
Item = tuple[str, int]  # (id, creation index): the id is not the sort key, the position in the list is

orders = st.sampled_from(["asc", "desc"])
# Any limit the API accepts, but often a small one, so that lists of a few items span several pages.
limits = st.one_of(st.integers(min_value=1, max_value=6), st.integers(min_value=1, max_value=100))
# Ids in creation order. They are unique, unsorted, and unrelated to their position.
id_lists = st.lists(st.integers(min_value=0, max_value=10**6).map(lambda n: f"id_{n}"), unique=True, max_size=230)

model_settings = settings(max_examples=150, deadline=None, database=None)
sdk_settings = settings(max_examples=25, deadline=None, database=None)


def items_of(ids: list[str]) -> list[Item]:
    return [(item_id, index) for index, item_id in enumerate(ids)]


def id_of(item: Item) -> str:
    return item[0]


def in_order(ids: list[str], order: Order) -> list[str]:
    """The reference model: the list as the caller sees it, oldest first for ``asc``, newest first for ``desc``."""
    return list(ids) if order == "asc" else list(reversed(ids))


def page_ids(page: Page[Item]) -> list[str]:
    return [id_of(item) for item in page.data]


# --- (a) the paginate function ------------------------------------------------------------------------------------


@model_settings
@given(ids=id_lists, order=orders, limit=limits)
def test_walking_forward_visits_every_item_once_in_order(ids: list[str], order: Order, limit: int) -> None:
    items = items_of(ids)
    expected = in_order(ids, order)
    seen: list[str] = []
    after: str | None = None
    for _ in range(len(ids) + 2):  # at most one page per item, plus the (possibly empty) last one
        page = paginate(items, id_of, order=order, limit=limit, after=after)
        start = len(seen)
        assert page_ids(page) == expected[start : start + limit]
        assert page.has_more == (start + limit < len(expected))
        seen += page_ids(page)
        if not page.has_more:
            break
        after = seen[-1]
    else:
        raise AssertionError("the walk never ended")
    assert seen == expected
    assert items == items_of(ids)  # the input is left alone


@model_settings
@given(ids=id_lists.filter(bool), order=orders, limit=limits, data=st.data())
def test_after_gives_the_items_just_after_the_cursor(
    ids: list[str], order: Order, limit: int, data: st.DataObject
) -> None:
    expected = in_order(ids, order)
    position = data.draw(st.integers(0, len(ids) - 1), label="position of the after cursor")
    page = paginate(items_of(ids), id_of, order=order, limit=limit, after=expected[position])
    rest = expected[position + 1 :]
    assert page_ids(page) == rest[:limit]
    assert page.has_more == (len(rest) > limit)


@model_settings
@given(ids=id_lists.filter(bool), order=orders, limit=limits, data=st.data())
def test_before_alone_gives_the_page_just_before_the_cursor(
    ids: list[str], order: Order, limit: int, data: st.DataObject
) -> None:
    expected = in_order(ids, order)
    position = data.draw(st.integers(0, len(ids) - 1), label="position of the before cursor")
    page = paginate(items_of(ids), id_of, order=order, limit=limit, before=expected[position])
    assert page_ids(page) == expected[max(0, position - limit) : position]
    assert page.has_more == (position > limit)


@model_settings
@given(ids=id_lists.filter(bool), order=orders, limit=limits, data=st.data())
def test_after_and_before_bound_a_window(ids: list[str], order: Order, limit: int, data: st.DataObject) -> None:
    expected = in_order(ids, order)
    low = data.draw(st.integers(0, len(ids) - 1), label="after")
    high = data.draw(st.integers(0, len(ids) - 1), label="before")
    page = paginate(items_of(ids), id_of, order=order, limit=limit, after=expected[low], before=expected[high])
    window = expected[low + 1 : high]  # empty when the cursors cross
    assert page_ids(page) == window[:limit]
    assert page.has_more == (len(window) > limit)


@model_settings
@given(ids=id_lists, order=orders, limit=limits, data=st.data())
def test_unknown_cursor_gives_an_empty_page(ids: list[str], order: Order, limit: int, data: st.DataObject) -> None:
    unknown = data.draw(st.text(max_size=8).filter(lambda text: text not in ids), label="unknown cursor")
    known = data.draw(st.sampled_from([None, *ids]), label="other cursor")
    items = items_of(ids)
    for after, before in [(unknown, None), (None, unknown), (unknown, known), (known, unknown)]:
        page = paginate(items, id_of, order=order, limit=limit, after=after, before=before)
        assert page == Page([], False)


@model_settings
@given(ids=id_lists, order=orders, limit=limits)
def test_first_page(ids: list[str], order: Order, limit: int) -> None:
    page = paginate(items_of(ids), id_of, order=order, limit=limit)
    expected = in_order(ids, order)
    assert page_ids(page) == expected[:limit]
    assert page.has_more == (len(ids) > limit)


# --- (b) list endpoints through the SDK ---------------------------------------------------------------------------


@contextmanager
def sdk_client() -> Iterator[openai.OpenAI]:
    client = FakeAssistants(shapes="spec").client(_strict_response_validation=True, max_retries=0)
    try:
        yield client
    finally:
        client.close()


def add_messages(client: openai.OpenAI, thread_id: str, count: int) -> list[str]:
    """Create ``count`` user messages; their ids, oldest first."""
    return [
        client.beta.threads.messages.create(thread_id, role="user", content=f"message {i}").id for i in range(count)
    ]


@sdk_settings
@given(count=st.integers(0, 30), limit=st.integers(1, 12))
def test_auto_pagination_yields_every_message(count: int, limit: int) -> None:
    with sdk_client() as client:
        thread = client.beta.threads.create()
        created = add_messages(client, thread.id, count)
        newest_first = [m.id for m in client.beta.threads.messages.list(thread.id, limit=limit)]
        oldest_first = [m.id for m in client.beta.threads.messages.list(thread.id, limit=limit, order="asc")]
        explicit_desc = [m.id for m in client.beta.threads.messages.list(thread.id, limit=limit, order="desc")]
    assert newest_first == created[::-1]
    assert explicit_desc == created[::-1]
    assert oldest_first == created


@sdk_settings
@given(count=st.integers(0, 30), limit=st.integers(1, 12), order=orders)
def test_pages_carry_exact_cursors(count: int, limit: int, order: Order) -> None:
    with sdk_client() as client:
        thread = client.beta.threads.create()
        expected = in_order(add_messages(client, thread.id, count), order)
        seen: list[str] = []
        after: str | None = None
        while True:
            raw = client.beta.threads.messages.with_raw_response.list(
                thread.id, limit=limit, order=order, after=openai.omit if after is None else after
            )
            body = raw.http_response.json()
            page = raw.parse()
            ids = [m.id for m in page.data]
            start = len(seen)
            assert ids == expected[start : start + limit]
            assert body["object"] == "list"
            assert body["first_id"] == (ids[0] if ids else None)
            assert body["last_id"] == (ids[-1] if ids else None)
            assert body["has_more"] is page.has_more is (start + limit < count)
            seen += ids
            if not page.has_more:
                break
            after = body["last_id"]
    assert seen == expected


@sdk_settings
@given(count=st.integers(1, 30), limit=st.integers(1, 12), order=orders, data=st.data())
def test_before_cursor_returns_the_preceding_page(count: int, limit: int, order: Order, data: st.DataObject) -> None:
    with sdk_client() as client:
        thread = client.beta.threads.create()
        expected = in_order(add_messages(client, thread.id, count), order)
        position = data.draw(st.integers(0, count - 1), label="position of the before cursor")
        page = client.beta.threads.messages.list(thread.id, limit=limit, order=order, before=expected[position])
    assert [m.id for m in page.data] == expected[max(0, position - limit) : position]
    assert page.has_more is (position > limit)


@sdk_settings
@given(owners=st.lists(st.sampled_from("ab"), max_size=30), limit=st.integers(1, 12))
def test_a_thread_lists_only_its_own_messages(owners: list[str], limit: int) -> None:
    with sdk_client() as client:
        threads = {name: client.beta.threads.create().id for name in "ab"}
        created: dict[str, list[str]] = {"a": [], "b": []}
        for owner in owners:  # interleave the two threads' messages
            message = client.beta.threads.messages.create(threads[owner], role="user", content=f"for {owner}")
            created[owner].append(message.id)
        listed = {
            name: [(m.id, m.thread_id) for m in client.beta.threads.messages.list(thread_id, limit=limit)]
            for name, thread_id in threads.items()
        }
        # A cursor from another thread names no message of this one.
        if created["b"]:
            foreign = client.beta.threads.messages.list(threads["a"], after=created["b"][0])
            assert foreign.data == []
            assert foreign.has_more is False
    for name, thread_id in threads.items():
        assert listed[name] == [(message_id, thread_id) for message_id in reversed(created[name])]
    assert not {i for i, _ in listed["a"]} & {i for i, _ in listed["b"]}


@settings(max_examples=10, deadline=None, database=None)
@given(user_messages_per_run=st.lists(st.integers(0, 3), min_size=1, max_size=3), limit=st.integers(1, 5))
def test_run_id_filter_returns_that_runs_reply(user_messages_per_run: list[int], limit: int) -> None:
    with sdk_client() as client:
        assistant = client.beta.assistants.create(model="gpt-4o", instructions="Be brief.")
        thread = client.beta.threads.create()
        other = client.beta.threads.create()
        add_messages(client, other.id, 2)
        other_run = client.beta.threads.runs.create_and_poll(thread_id=other.id, assistant_id=assistant.id)
        everything: list[str] = []
        replies: dict[str, list[tuple[str, str | None, str | None]]] = {}
        for user_messages in user_messages_per_run:
            everything += add_messages(client, thread.id, user_messages)
            run = client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
            assert run.status == "completed"
            filtered = list(client.beta.threads.messages.list(thread.id, run_id=run.id, limit=limit))
            replies[run.id] = [(m.role, m.run_id, m.assistant_id) for m in filtered]
            assert len(filtered) == 1
            everything.append(filtered[0].id)
        listed = [m.id for m in client.beta.threads.messages.list(thread.id, limit=limit, order="asc")]
        # A run of another thread owns no message here.
        assert client.beta.threads.messages.list(thread.id, run_id=other_run.id).data == []
    for run_id, found in replies.items():
        assert found == [("assistant", run_id, assistant.id)]
    assert listed == everything

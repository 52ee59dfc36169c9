"""Indexed pagination equals the plain scan it replaced (``paginate``, kept as the oracle).

(a) ``OrderedIndex`` under random adds, removes and retags, paged by ``page_of`` with every kind of cursor: live,
deleted, never seen, of another index, of another tag. (b) The same through the SDK: messages of two threads
(with deletes, and the ``run_id`` filter), and vector store files (with the status filter and batches).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Literal

import openai
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fake_assistants import FakeAssistants
from fake_assistants.backend.index import OrderedIndex
from fake_assistants.backend.pagination import page_of, paginate

Order = Literal["asc", "desc"]

model_settings = settings(max_examples=200, deadline=None, database=None)
sdk_settings = settings(max_examples=15, deadline=None, database=None)

TAGS = ("red", "blue", None)
# An operation on the index: add a fresh id (with a tag), remove the n-th live id, retag the n-th live id.
operations = st.lists(
    st.one_of(
        st.tuples(st.just("add"), st.sampled_from(TAGS)),
        st.tuples(st.just("remove"), st.integers(0, 10**6)),
        st.tuples(st.just("retag"), st.integers(0, 10**6), st.sampled_from(TAGS)),
    ),
    max_size=120,
)


def oracle(live: list[tuple[str, str | None]], tag: str | None, filtered: bool) -> list[str]:
    return [item_id for item_id, item_tag in live if not filtered or item_tag == tag]


def id_of(item_id: str) -> str:
    return item_id


@model_settings
@given(ops=operations, order=st.sampled_from(["asc", "desc"]), limit=st.integers(1, 8), data=st.data())
def test_index_pages_equal_the_scan(ops: list[tuple], order: Order, limit: int, data: st.DataObject) -> None:
    index = OrderedIndex()
    other = OrderedIndex(["foreign_0", "foreign_1"])  # another parent's ids
    live: list[tuple[str, str | None]] = []  # the model: (id, tag), oldest first
    removed: list[str] = []
    for number, op in enumerate(ops):
        if op[0] == "add":
            item_id = f"id_{number}"
            index.add(item_id, op[1])
            live.append((item_id, op[1]))
        elif live and op[0] == "remove":
            item_id, _ = live.pop(op[1] % len(live))
            index.remove(item_id)
            removed.append(item_id)
        elif live and op[0] == "retag":
            at = op[1] % len(live)
            index.retag(live[at][0], op[2])
            live[at] = (live[at][0], op[2])
    assert list(index) == oracle(live, None, False)
    candidates = [None, "never_seen", "foreign_0", *[i for i, _ in live], *removed]
    assert other.position("foreign_0") == 0
    for tag, filtered in [(None, False), ("red", True), ("blue", True)]:
        view = index.tagged(tag) if filtered and tag is not None else index
        expected_ids = oracle(live, tag, filtered)
        assert list(view) == expected_ids
        if tag is not None:
            assert index.count(tag) == len(expected_ids)
        for _ in range(6):
            after = data.draw(st.sampled_from(candidates), label="after")
            before = data.draw(st.sampled_from(candidates), label="before")
            got = page_of(view, order=order, limit=limit, after=after, before=before)
            want = paginate(expected_ids, id_of, order=order, limit=limit, after=after, before=before)
            assert got == want, (tag, after, before)


@model_settings
@given(size=st.integers(0, 60), order=st.sampled_from(["asc", "desc"]), limit=st.integers(1, 100))
def test_walking_every_page_visits_each_id_once(size: int, order: Order, limit: int) -> None:
    ids = [f"id_{n}" for n in range(size)]
    index = OrderedIndex(ids)
    seen: list[str] = []
    after: str | None = None
    while True:
        page = page_of(index, order=order, limit=limit, after=after)
        seen += page.data
        if not page.has_more:
            break
        after = page.data[-1]
    assert seen == (ids if order == "asc" else ids[::-1])


def test_adding_an_id_twice_is_refused() -> None:
    index = OrderedIndex(["a"])
    with pytest.raises(ValueError, match="already indexed"):
        index.add("a")


# --- (b) through the SDK ------------------------------------------------------------------------------------------


@contextmanager
def sdk_client(**kwargs: object) -> Iterator[openai.OpenAI]:
    client = FakeAssistants(**kwargs).client(max_retries=0)  # type: ignore[arg-type]
    try:
        yield client
    finally:
        client.close()


@sdk_settings
@given(
    owners=st.lists(st.sampled_from("ab"), max_size=14),
    deletes=st.lists(st.integers(0, 100), max_size=5),
    order=st.sampled_from(["asc", "desc"]),
    limit=st.integers(1, 5),
    data=st.data(),
)
def test_message_lists_equal_the_scan_after_deletes(
    owners: list[str], deletes: list[int], order: Order, limit: int, data: st.DataObject
) -> None:
    with sdk_client() as client:
        threads = {name: client.beta.threads.create().id for name in "ab"}
        created: dict[str, list[str]] = {"a": [], "b": []}
        for owner in owners:
            created[owner].append(client.beta.threads.messages.create(threads[owner], role="user", content="hi").id)
        removed: list[str] = []
        for pick in deletes:
            if created["a"]:
                message_id = created["a"].pop(pick % len(created["a"]))
                client.beta.threads.messages.delete(message_id, thread_id=threads["a"])
                removed.append(message_id)
        cursors = [None, *created["a"], *removed, *created["b"], "msg_unknown"]
        for _ in range(4):
            after = data.draw(st.sampled_from(cursors), label="after")
            before = data.draw(st.sampled_from(cursors), label="before")
            raw = client.beta.threads.messages.with_raw_response.list(
                threads["a"],
                order=order,
                limit=limit,
                after=openai.omit if after is None else after,
                before=openai.omit if before is None else before,
            ).http_response.json()
            want = paginate(created["a"], id_of, order=order, limit=limit, after=after, before=before)
            assert [m["id"] for m in raw["data"]] == want.data
            assert raw["has_more"] is want.has_more


@settings(max_examples=6, deadline=None, database=None)
@given(runs=st.integers(1, 3), limit=st.integers(1, 3), data=st.data())
def test_run_filter_pages_equal_the_scan(runs: int, limit: int, data: st.DataObject) -> None:
    with sdk_client(progression="immediate") as client:
        assistant = client.beta.assistants.create(model="gpt-4o")
        thread = client.beta.threads.create()
        everything: list[tuple[str, str | None]] = []
        for _ in range(runs):
            user = client.beta.threads.messages.create(thread.id, role="user", content="q")
            everything.append((user.id, None))
            run = client.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id)
            reply = client.beta.threads.messages.list(thread.id, limit=1).data[0]
            assert reply.run_id == run.id
            everything.append((reply.id, run.id))
        run_id = data.draw(st.sampled_from([r for _, r in everything if r is not None]), label="run")
        cursor = data.draw(st.sampled_from([None, *[i for i, _ in everything]]), label="after")
        page = client.beta.threads.messages.list(
            thread.id, run_id=run_id, limit=limit, after=openai.omit if cursor is None else cursor
        )
        want = paginate([i for i, r in everything if r == run_id], id_of, order="desc", limit=limit, after=cursor)
    assert [m.id for m in page.data] == want.data


@sdk_settings
@given(
    files=st.integers(1, 6),
    advance=st.lists(st.integers(0, 100), max_size=4),
    drop=st.lists(st.integers(0, 100), max_size=2),
    status=st.sampled_from([None, "in_progress", "completed"]),
    limit=st.integers(1, 4),
    data=st.data(),
)
def test_vector_store_file_lists_equal_the_scan(
    files: int, advance: list[int], drop: list[int], status: str | None, limit: int, data: st.DataObject
) -> None:
    fake = FakeAssistants(progression="manual")
    client = fake.client(max_retries=0)
    try:
        uploaded = [client.files.create(file=(f"f{n}.txt", b"words"), purpose="assistants").id for n in range(files)]
        store = client.vector_stores.create(name="s")
        half = uploaded[: files // 2]
        for file_id in half:
            client.vector_stores.files.create(vector_store_id=store.id, file_id=file_id)
        batch = client.vector_stores.file_batches.create(vector_store_id=store.id, file_ids=uploaded[files // 2 :])
        for pick in advance:
            fake.advance(uploaded[pick % files])
        removed: list[str] = []
        for pick in drop:
            file_id = uploaded[pick % files]
            if file_id not in removed:
                client.vector_stores.files.delete(file_id, vector_store_id=store.id)
                removed.append(file_id)
        statuses = {f.id: f.status for f in client.vector_stores.files.list(store.id, limit=100)}
        kept = [f for f in uploaded if f not in removed]
        in_batch = [f for f in uploaded[files // 2 :] if f not in removed]
        cursors = [None, *uploaded, "file-unknown"]
        after = data.draw(st.sampled_from(cursors), label="after")
        flt = openai.omit if status is None else status
        cur = openai.omit if after is None else after
        listed = client.vector_stores.files.list(store.id, filter=flt, limit=limit, after=cur)  # type: ignore[arg-type]
        batch_listed = client.vector_stores.file_batches.list_files(
            batch.id, vector_store_id=store.id, filter=flt, limit=limit, after=cur  # type: ignore[arg-type]
        )
    finally:
        client.close()

    def wanted(ids: list[str]) -> list[str]:
        chosen = [f for f in ids if status is None or statuses[f] == status]
        return paginate(chosen, id_of, order="desc", limit=limit, after=after).data

    assert [f.id for f in listed.data] == wanted(kept)
    assert [f.id for f in batch_listed.data] == wanted(in_batch)


@sdk_settings
@given(
    kinds=st.lists(st.sampled_from(["assistants", "batch"]), max_size=10),
    deletes=st.lists(st.integers(0, 100), max_size=4),
    order=st.sampled_from(["asc", "desc"]),
    limit=st.integers(1, 4),
    data=st.data(),
)
def test_assistant_and_file_lists_equal_the_scan_after_deletes(
    kinds: list[str], deletes: list[int], order: Order, limit: int, data: st.DataObject
) -> None:
    """Assistants (with deletes) and files (with deletes and the ``purpose`` filter) against the scan."""
    with sdk_client() as client:
        assistants: list[str] = []
        files: list[tuple[str, str]] = []  # (id, purpose)
        for n, purpose in enumerate(kinds):
            assistants.append(client.beta.assistants.create(model="gpt-4o", name=f"a{n}").id)
            files.append((client.files.create(file=(f"f{n}.txt", b"x"), purpose=purpose).id, purpose))  # type: ignore[arg-type]
        gone: list[str] = []
        for pick in deletes:
            if assistants:
                gone.append(assistants.pop(pick % len(assistants)))
                client.beta.assistants.delete(gone[-1])
            if files:
                file_id, _ = files.pop(pick % len(files))
                client.files.delete(file_id)
                gone.append(file_id)
        cursor = data.draw(st.sampled_from([None, *assistants, *[f for f, _ in files], *gone]), label="after")
        after = openai.omit if cursor is None else cursor
        listed = client.beta.assistants.list(order=order, limit=limit, after=after)
        purpose = data.draw(st.sampled_from([None, "assistants", "batch"]), label="purpose")
        raw = client.files.with_raw_response.list(
            order=order, limit=limit, after=after, purpose=openai.omit if purpose is None else purpose
        ).http_response.json()
    assert [a.id for a in listed.data] == paginate(assistants, id_of, order=order, limit=limit, after=cursor).data
    chosen = [f for f, p in files if purpose is None or p == purpose]
    want = paginate(chosen, id_of, order=order, limit=limit, after=cursor)
    assert [f["id"] for f in raw["data"]] == want.data
    assert raw["has_more"] is want.has_more

"""Vector stores, their files and file batches through the real SDK: progression, counts, helpers and errors."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterator
from typing import Any

import openai
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fake_assistants import BASE_URL, FakeAssistants, ManualClock, sdk_http_module
from fake_assistants.backend.vector_stores import advance_vector_store_item, vector_store_file_ids

HTTP = sdk_http_module()
INVALID = "invalid_request_error"
BETA = {"OpenAI-Beta": "assistants=v2", "Authorization": "Bearer sk-test"}

pytestmark = pytest.mark.manual_clock(1_700_000_000)


def make(progression: Any = "per_read") -> tuple[FakeAssistants, openai.OpenAI]:
    fake = FakeAssistants(seed=0, clock=ManualClock(1_700_000_000), progression=progression)
    return fake, fake.client()


@pytest.fixture
def http(fake: FakeAssistants) -> Iterator[Any]:
    raw = HTTP.Client(transport=fake.transport(HTTP), base_url=BASE_URL, headers=BETA)
    yield raw
    raw.close()


def upload(client: openai.OpenAI, content: bytes = b"some text", name: str = "doc.txt") -> Any:
    return client.files.create(file=(name, content), purpose="assistants")


def static(size: int, overlap: int) -> Any:
    return {"type": "static", "static": {"max_chunk_size_tokens": size, "chunk_overlap_tokens": overlap}}


def counts(store: Any) -> dict[str, int]:
    return store.file_counts.model_dump()


def status_tally(files: Any) -> dict[str, int]:
    tally = Counter(f.status for f in files)
    return {name: tally[name] for name in ("in_progress", "completed", "failed", "cancelled")} | {
        "total": sum(tally.values())
    }


# --- stores ----------------------------------------------------------------------------------------------------


def test_create_echoes_every_field_with_real_defaults(client: openai.OpenAI) -> None:
    bare = client.vector_stores.create()
    assert bare.id.startswith("vs_")
    assert (bare.object, bare.name, bare.status, bare.usage_bytes, bare.metadata) == (
        "vector_store",
        None,  # the real API sent null for a store made without a name, never ""
        "completed",
        0,
        {},
    )
    assert counts(bare) == {"cancelled": 0, "completed": 0, "failed": 0, "in_progress": 0, "total": 0}
    assert (bare.expires_after, bare.expires_at, bare.last_active_at) == (None, None, bare.created_at)
    raw = bare.to_dict()
    assert raw["expires_after"] is None and raw["description"] is None  # present, as null

    full = client.vector_stores.create(
        name="FAQ",
        description="what it holds",
        expires_after={"anchor": "last_active_at", "days": 2},
        metadata={"team": "support"},
    )
    assert (full.name, full.metadata, full.to_dict()["description"]) == ("FAQ", {"team": "support"}, "what it holds")
    assert full.expires_after is not None and full.expires_after.days == 2
    assert full.expires_at == full.last_active_at + 2 * 86_400
    assert client.vector_stores.retrieve(full.id) == full


def test_modify_list_and_delete(client: openai.OpenAI) -> None:
    ids = [client.vector_stores.create(name=f"s{i}").id for i in range(3)]
    updated = client.vector_stores.update(ids[0], name="renamed", metadata={"k": "v"})
    assert (updated.name, updated.metadata) == ("renamed", {"k": "v"})
    kept = client.vector_stores.update(ids[0], name=None, expires_after={"anchor": "last_active_at", "days": 1})
    assert kept.name == "renamed" and kept.expires_at is not None
    assert [s.id for s in client.vector_stores.list().data] == ids[::-1]
    assert [s.id for s in client.vector_stores.list(limit=1, order="asc")] == ids  # the SDK pages with `after`
    assert [s.id for s in client.vector_stores.list(before=ids[2], order="asc").data] == ids[:2]
    deleted = client.vector_stores.delete(ids[1])
    assert (deleted.id, deleted.object, deleted.deleted) == (ids[1], "vector_store.deleted", True)
    assert [s.id for s in client.vector_stores.list().data] == [ids[2], ids[0]]


def test_a_store_expires_after_its_days_without_activity(fake: FakeAssistants, client: openai.OpenAI) -> None:
    store = client.vector_stores.create(expires_after={"anchor": "last_active_at", "days": 1})
    assert isinstance(fake.clock, ManualClock)
    fake.clock.advance(86_399)
    assert client.vector_stores.retrieve(store.id).status == "completed"
    client.vector_stores.search(store.id, query="activity")  # renews last_active_at
    fake.clock.advance(86_399)
    assert client.vector_stores.retrieve(store.id).status == "completed"
    fake.clock.advance(1)
    assert client.vector_stores.retrieve(store.id).status == "expired"
    client.vector_stores.search(store.id, query="too late")  # an expired store stays expired
    client.vector_stores.files.create(vector_store_id=store.id, file_id=upload(client).id)
    assert client.vector_stores.retrieve(store.id).status == "expired"


def test_file_ids_on_create_start_in_progress_and_one_read_completes_them(client: openai.OpenAI) -> None:
    files = [upload(client, b"alpha"), upload(client, b"beta gamma")]
    store = client.vector_stores.create(file_ids=[f.id for f in files])
    assert (store.status, counts(store)["in_progress"], store.usage_bytes) == ("in_progress", 2, 0)
    assert [f.status for f in client.vector_stores.files.list(store.id)] == ["in_progress"] * 2  # a list is no read
    again = client.vector_stores.retrieve(store.id)
    assert (again.status, counts(again)["completed"], again.usage_bytes) == ("completed", 2, 5 + 10)


def test_immediate_progression_completes_at_creation() -> None:
    _, client = make("immediate")
    store = client.vector_stores.create(file_ids=[upload(client).id])
    assert (store.status, counts(store)["completed"]) == ("completed", 1)


def test_manual_progression_moves_only_when_told() -> None:
    fake, client = make("manual")
    backend = fake._backend
    a, b = upload(client, b"aaa"), upload(client, b"bbbb")
    store = client.vector_stores.create(file_ids=[a.id])
    client.vector_stores.files.create(vector_store_id=store.id, file_id=b.id)
    for _ in range(3):
        assert client.vector_stores.retrieve(store.id).status == "in_progress"
        assert client.vector_stores.files.retrieve(a.id, vector_store_id=store.id).status == "in_progress"
    assert advance_vector_store_item(backend, a.id, 0) == "completed"
    assert counts(client.vector_stores.retrieve(store.id))["in_progress"] == 1
    assert advance_vector_store_item(backend, store.id, 0) == "completed"
    assert client.vector_stores.retrieve(store.id).usage_bytes == 7
    with pytest.raises(KeyError):
        advance_vector_store_item(backend, "vs_unknown", 0)


# --- vector store files ----------------------------------------------------------------------------------------


def test_a_file_in_many_stores_and_deleting_it_everywhere(client: openai.OpenAI) -> None:
    shared, own = upload(client, b"shared!"), upload(client, b"own")
    first = client.vector_stores.create(file_ids=[shared.id, own.id])
    second = client.vector_stores.create(file_ids=[shared.id])
    for store in (first, second):
        client.vector_stores.retrieve(store.id)
    client.files.delete(shared.id)
    one, two = client.vector_stores.retrieve(first.id), client.vector_stores.retrieve(second.id)
    assert (counts(one)["total"], one.usage_bytes) == (1, 3)
    assert (counts(two)["total"], two.usage_bytes) == (0, 0)
    with pytest.raises(openai.NotFoundError):
        client.vector_stores.files.retrieve(shared.id, vector_store_id=first.id)


def test_deleting_a_vector_store_file_or_store_keeps_the_file(client: openai.OpenAI) -> None:
    kept = upload(client)
    store = client.vector_stores.create(file_ids=[kept.id])
    deleted = client.vector_stores.files.delete(kept.id, vector_store_id=store.id)
    assert (deleted.id, deleted.object, deleted.deleted) == (kept.id, "vector_store.file.deleted", True)
    assert counts(client.vector_stores.retrieve(store.id))["total"] == 0
    client.vector_stores.files.create(vector_store_id=store.id, file_id=kept.id)
    client.vector_stores.delete(store.id)
    assert client.files.retrieve(kept.id).id == kept.id


def test_vector_store_file_fields_attributes_and_chunking(client: openai.OpenAI) -> None:
    stored = upload(client, b"x" * 40)
    store = client.vector_stores.create()
    created = client.vector_stores.files.create(
        vector_store_id=store.id,
        file_id=stored.id,
        attributes={"lang": "en", "year": 2024, "draft": False},
        chunking_strategy=static(200, 100),
    )
    assert (created.id, created.object, created.vector_store_id) == (stored.id, "vector_store.file", store.id)
    assert (created.status, created.usage_bytes, created.last_error) == ("in_progress", 0, None)
    assert created.attributes == {"lang": "en", "year": 2024, "draft": False}
    assert created.chunking_strategy is not None and created.chunking_strategy.type == "static"
    assert created.chunking_strategy.static.max_chunk_size_tokens == 200  # type: ignore[union-attr]
    done = client.vector_stores.files.retrieve(stored.id, vector_store_id=store.id)
    assert (done.status, done.usage_bytes) == ("completed", 40)
    updated = client.vector_stores.files.update(stored.id, vector_store_id=store.id, attributes={"lang": "fr"})
    assert updated.attributes == {"lang": "fr"}
    auto = client.vector_stores.files.create(vector_store_id=store.id, file_id=upload(client).id)
    assert auto.chunking_strategy is not None
    assert auto.chunking_strategy.static.model_dump() == {  # type: ignore[union-attr]
        "max_chunk_size_tokens": 800,
        "chunk_overlap_tokens": 400,
    }


def test_list_vector_store_files_filters_and_pages() -> None:
    fake, client = make("manual")
    ids = [upload(client, b"%d" % i).id for i in range(4)]
    store = client.vector_stores.create(file_ids=ids)
    advance_vector_store_item(fake._backend, ids[1], 0)
    advance_vector_store_item(fake._backend, ids[3], 0)
    assert [f.id for f in client.vector_stores.files.list(store.id, filter="completed")] == [ids[3], ids[1]]
    assert [f.id for f in client.vector_stores.files.list(store.id, filter="in_progress", order="asc")] == [
        ids[0],
        ids[2],
    ]
    page = client.vector_stores.files.list(store.id, limit=3, order="asc")
    assert (len(page.data), page.has_more) == (3, True)
    assert [f.id for f in client.vector_stores.files.list(store.id, limit=3, order="asc")] == ids
    assert vector_store_file_ids(fake._backend, store.id) == tuple(ids)
    assert vector_store_file_ids(fake._backend, store.id, completed_only=True) == (ids[1], ids[3])


def test_reattaching_a_file_starts_it_over(client: openai.OpenAI) -> None:
    stored = upload(client)
    store = client.vector_stores.create(file_ids=[stored.id])
    client.vector_stores.retrieve(store.id)
    again = client.vector_stores.files.create(vector_store_id=store.id, file_id=stored.id, attributes={"v": 2})
    assert (again.status, again.attributes) == ("in_progress", {"v": 2})
    assert counts(client.vector_stores.retrieve(store.id))["total"] == 1


def test_upload_and_poll_helpers(client: openai.OpenAI) -> None:
    store = client.vector_stores.create(name="helpers")
    single = client.vector_stores.files.upload_and_poll(vector_store_id=store.id, file=("one.txt", b"one"))
    assert single.status == "completed"
    batch = client.vector_stores.file_batches.upload_and_poll(
        store.id, files=[(f"f{i}.txt", b"file %d" % i) for i in range(8)], max_concurrency=4
    )
    assert batch.status == "completed"
    assert counts(batch) == {"cancelled": 0, "completed": 8, "failed": 0, "in_progress": 0, "total": 8}
    final = client.vector_stores.retrieve(store.id)
    assert counts(final)["completed"] == 9
    assert final.usage_bytes == 3 + 8 * 6


def test_async_helpers(fake: FakeAssistants) -> None:
    async def main() -> tuple[Any, Any]:
        client = fake.async_client()
        store = await client.vector_stores.create(name="async")
        batch = await client.vector_stores.file_batches.upload_and_poll(
            store.id, files=[("a.txt", b"alpha"), ("b.txt", b"beta")]
        )
        single = await client.vector_stores.files.upload_and_poll(vector_store_id=store.id, file=("c.txt", b"gamma"))
        return batch, single

    batch, single = asyncio.run(main())
    assert (batch.status, batch.file_counts.completed, single.status) == ("completed", 2, "completed")


# --- file batches ----------------------------------------------------------------------------------------------


def test_batch_status_and_counts_agree_at_every_step() -> None:
    """Python's poll watches ``file_counts.in_progress`` and Node's the ``status``: both must tell the same."""
    fake, client = make("manual")
    ids = [upload(client, b"%d" % i).id for i in range(3)]
    store = client.vector_stores.create()
    batch = client.vector_stores.file_batches.create(store.id, file_ids=[*ids, ids[0]])  # a repeat counts once
    seen = [batch]
    for file_id in ids:
        seen.append(client.vector_stores.file_batches.retrieve(batch.id, vector_store_id=store.id))
        advance_vector_store_item(fake._backend, file_id, 0)
    seen.append(client.vector_stores.file_batches.retrieve(batch.id, vector_store_id=store.id))
    assert [b.file_counts.in_progress for b in seen] == [3, 3, 2, 1, 0]
    for item in seen:
        assert (item.status == "in_progress") == (item.file_counts.in_progress > 0)
        assert item.file_counts.total == 3
    assert client.vector_stores.file_batches.poll(batch.id, vector_store_id=store.id).status == "completed"


def test_batch_with_files_entries_keeps_each_files_settings(client: openai.OpenAI) -> None:
    a, b = upload(client), upload(client)
    store = client.vector_stores.create()
    batch = client.vector_stores.file_batches.create_and_poll(
        store.id,
        files=[
            {"file_id": a.id, "attributes": {"kind": "a"}},
            {
                "file_id": b.id,
                "chunking_strategy": static(100, 0),
            },
        ],
    )
    assert (batch.object, batch.status, batch.vector_store_id) == ("vector_store.file_batch", "completed", store.id)
    assert batch.id.startswith("vsfb_")
    listed = {f.id: f for f in client.vector_stores.file_batches.list_files(batch.id, vector_store_id=store.id)}
    assert listed[a.id].attributes == {"kind": "a"}
    assert listed[b.id].chunking_strategy.static.max_chunk_size_tokens == 100  # type: ignore[union-attr]


def test_batch_file_ids_share_the_batch_settings(client: openai.OpenAI) -> None:
    ids = [upload(client).id for _ in range(2)]
    store = client.vector_stores.create()
    batch = client.vector_stores.file_batches.create(store.id, file_ids=ids, attributes={"src": "batch"})
    listed = client.vector_stores.file_batches.list_files(batch.id, vector_store_id=store.id, filter="in_progress")
    assert [f.attributes for f in listed] == [{"src": "batch"}] * 2


def test_cancel_cancels_the_files_in_progress() -> None:
    fake, client = make("manual")
    ids = [upload(client, b"%d" % i).id for i in range(3)]
    store = client.vector_stores.create()
    batch = client.vector_stores.file_batches.create(store.id, file_ids=ids)
    advance_vector_store_item(fake._backend, ids[0], 0)
    cancelled = client.vector_stores.file_batches.cancel(batch.id, vector_store_id=store.id)
    assert cancelled.status == "cancelled"
    assert counts(cancelled) == {"cancelled": 2, "completed": 1, "failed": 0, "in_progress": 0, "total": 3}
    whole = client.vector_stores.retrieve(store.id)
    assert (whole.status, counts(whole)["cancelled"], whole.usage_bytes) == ("completed", 2, 1)
    with pytest.raises(openai.BadRequestError) as caught:
        client.vector_stores.file_batches.cancel(batch.id, vector_store_id=store.id)
    assert caught.value.body["message"] == "Cannot cancel vector store file batch with status 'cancelled'."  # type: ignore[index]


# --- errors ----------------------------------------------------------------------------------------------------


def test_not_found_errors(client: openai.OpenAI) -> None:
    store = client.vector_stores.create()
    with pytest.raises(openai.NotFoundError) as caught:
        client.vector_stores.retrieve("vs_missing")
    assert caught.value.body == {
        "message": "No vector store found with id 'vs_missing'.",
        "type": INVALID,
        "param": None,
        "code": None,
    }
    with pytest.raises(openai.NotFoundError) as caught:
        client.vector_stores.files.create(vector_store_id=store.id, file_id="file-missing")
    assert caught.value.body["message"] == "No such File object: file-missing"  # type: ignore[index]
    with pytest.raises(openai.NotFoundError):
        client.vector_stores.files.retrieve("file-missing", vector_store_id=store.id)
    with pytest.raises(openai.NotFoundError):
        client.vector_stores.file_batches.retrieve("vsfb_missing", vector_store_id=store.id)
    with pytest.raises(openai.NotFoundError):
        client.vector_stores.create(file_ids=["file-missing"])
    assert [s.id for s in client.vector_stores.list()] == [store.id]  # the failed create made nothing


def test_wrong_id_prefix(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        client.vector_stores.retrieve("store-1")
    assert caught.value.body["message"] == "Invalid 'vector_store_id': 'store-1'. Expected an ID that begins with 'vs'."  # type: ignore[index]


STATIC = "chunking_strategy.static"


@pytest.mark.parametrize(
    ("body", "param", "code"),
    [
        ({"chunking_strategy": {"type": "static"}}, "chunking_strategy.static", "missing_required_parameter"),
        (
            {"chunking_strategy": static(99, 0)},
            f"{STATIC}.max_chunk_size_tokens",
            "integer_below_min_value",
        ),
        (
            {"chunking_strategy": static(4097, 0)},
            f"{STATIC}.max_chunk_size_tokens",
            "integer_above_max_value",
        ),
        (
            {"chunking_strategy": static(800, 401)},
            f"{STATIC}.chunk_overlap_tokens",
            "invalid_value",
        ),
        ({"chunking_strategy": {"type": "semantic"}}, "chunking_strategy.type", "invalid_value"),
        ({"expires_after": {"anchor": "last_active_at", "days": 366}}, "expires_after.days", "integer_above_max_value"),
        ({"file_ids": ["f"] * 501}, "file_ids", "array_above_max_length"),
        ({"metadata": {f"k{i}": "v" for i in range(17)}}, "metadata", "object_above_max_properties"),
        ({"surprise": 1}, "surprise", "unknown_parameter"),
    ],
)
def test_bad_store_bodies_answer_400_and_change_nothing(
    http: Any, client: openai.OpenAI, body: dict[str, Any], param: str, code: str
) -> None:
    response = http.post("/vector_stores", json=body)
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert (error["type"], error["param"], error["code"]) == (INVALID, param, code)
    assert client.vector_stores.list().data == []


@pytest.mark.parametrize(
    ("attributes", "param", "code"),
    [
        ({f"k{i}": 1 for i in range(17)}, "attributes", "object_above_max_properties"),
        ({"k" * 65: 1}, "attributes", "string_above_max_length"),
        ({"k": "v" * 513}, "attributes.k", "string_above_max_length"),
        ({"k": [1]}, "attributes.k", "invalid_type"),
        ({"k": {"a": 1}}, "attributes.k", "invalid_type"),
        ("nope", "attributes", "invalid_type"),
    ],
)
def test_bad_attributes(http: Any, client: openai.OpenAI, attributes: Any, param: str, code: str) -> None:
    stored = upload(client)
    store = client.vector_stores.create(file_ids=[stored.id])
    before = client.vector_stores.files.retrieve(stored.id, vector_store_id=store.id)
    for path in (f"/vector_stores/{store.id}/files", f"/vector_stores/{store.id}/files/{stored.id}"):
        body = (
            {"file_id": stored.id, "attributes": attributes} if path.endswith("/files") else {"attributes": attributes}
        )
        response = http.post(path, json=body)
        assert response.status_code == 400, response.text
        error = response.json()["error"]
        assert (error["param"], error["code"]) == (param, code)
    assert client.vector_stores.files.retrieve(stored.id, vector_store_id=store.id) == before


@pytest.mark.parametrize(
    ("body", "param", "code"),
    [
        ({}, "file_ids", "missing_required_parameter"),
        ({"file_ids": []}, "file_ids", "array_below_min_length"),
        ({"file_ids": ["a"], "files": [{"file_id": "a"}]}, "files", "invalid_value"),
        ({"files": [{"attributes": {}}]}, "files[0].file_id", "missing_required_parameter"),
    ],
)
def test_bad_batch_bodies(http: Any, client: openai.OpenAI, body: dict[str, Any], param: str, code: str) -> None:
    store = client.vector_stores.create()
    response = http.post(f"/vector_stores/{store.id}/file_batches", json=body)
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert (error["param"], error["code"]) == (param, code)
    assert counts(client.vector_stores.retrieve(store.id))["total"] == 0


# --- property: counts, usage and references stay true under any sequence -----------------------------------------

OPERATIONS = st.lists(
    st.one_of(
        st.tuples(st.just("upload"), st.integers(0, 40)),
        st.tuples(st.just("new_store"), st.just(0)),
        st.tuples(st.just("attach"), st.integers(0, 99)),
        st.tuples(st.just("batch"), st.integers(0, 99)),
        st.tuples(st.just("detach"), st.integers(0, 99)),
        st.tuples(st.just("delete_file"), st.integers(0, 99)),
        st.tuples(st.just("delete_store"), st.integers(0, 99)),
        st.tuples(st.just("read_store"), st.integers(0, 99)),
        st.tuples(st.just("read_file"), st.integers(0, 99)),
        st.tuples(st.just("cancel"), st.integers(0, 99)),
    ),
    max_size=25,
)


class World:
    """Drives one emulator with the SDK and remembers which files each store should hold."""

    def __init__(self, progression: str) -> None:
        _, self.client = make(progression)
        self.sizes: dict[str, int] = {}
        self.members: dict[str, set[str]] = {}
        self.batches: list[tuple[str, str]] = []

    def pick(self, items: list[str], n: int) -> str | None:
        return items[n % len(items)] if items else None

    def pair(self, n: int) -> tuple[str, str] | None:
        store, file_id = self.pick(sorted(self.members), n), self.pick(sorted(self.sizes), n // 3)
        return None if store is None or file_id is None else (store, file_id)

    def apply(self, name: str, n: int) -> None:
        client, pair = self.client, self.pair(n)
        if name == "upload":
            self.sizes[upload(client, b"w " * n).id] = 2 * n
        elif name == "new_store":
            self.members[client.vector_stores.create().id] = set()
        elif name in ("attach", "batch") and pair is not None:
            store, file_id = pair
            if name == "attach":
                client.vector_stores.files.create(vector_store_id=store, file_id=file_id)
            else:
                self.batches.append((store, client.vector_stores.file_batches.create(store, file_ids=[file_id]).id))
            self.members[store].add(file_id)
        elif name == "detach" and pair is not None and pair[1] in self.members[pair[0]]:
            client.vector_stores.files.delete(pair[1], vector_store_id=pair[0])
            self.members[pair[0]].discard(pair[1])
        elif name == "delete_file" and (file_id := self.pick(sorted(self.sizes), n)) is not None:
            client.files.delete(file_id)
            del self.sizes[file_id]
            for held in self.members.values():
                held.discard(file_id)
        elif name == "delete_store" and (store := self.pick(sorted(self.members), n)) is not None:
            client.vector_stores.delete(store)
            del self.members[store]
            self.batches = [(s, b) for s, b in self.batches if s != store]
        elif name == "read_store" and (store := self.pick(sorted(self.members), n)) is not None:
            client.vector_stores.retrieve(store)
        elif name == "read_file" and pair is not None and pair[1] in self.members[pair[0]]:
            client.vector_stores.files.retrieve(pair[1], vector_store_id=pair[0])
        elif name == "cancel" and self.batches:
            store, batch_id = self.batches[n % len(self.batches)]
            if client.vector_stores.file_batches.list_files(batch_id, vector_store_id=store, filter="in_progress").data:
                client.vector_stores.file_batches.cancel(batch_id, vector_store_id=store)

    def check(self) -> None:
        client = self.client
        assert {f.id for f in client.files.list()} == set(self.sizes)
        stores = {store.id: store for store in client.vector_stores.list(limit=100)}  # lists never move files
        assert set(stores) == set(self.members)
        for store_id, store in stores.items():
            files = list(client.vector_stores.files.list(store_id, limit=100))
            assert {f.id for f in files} == self.members[store_id]  # no reference to a deleted file
            assert counts(store) == status_tally(files)
            completed = [f for f in files if f.status == "completed"]
            assert store.usage_bytes == sum(self.sizes[f.id] for f in completed) == sum(f.usage_bytes for f in files)
            assert (store.status == "in_progress") == (store.file_counts.in_progress > 0)
        for store_id, batch_id in self.batches:
            batch = client.vector_stores.file_batches.list_files(batch_id, vector_store_id=store_id, limit=100)
            assert {f.id for f in batch} <= self.members[store_id]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(operations=OPERATIONS, progression=st.sampled_from(["per_read", "manual", "immediate"]))
def test_counts_usage_and_references_stay_true(operations: list[tuple[str, int]], progression: str) -> None:
    world = World(progression)
    for name, n in [("upload", 3), ("new_store", 0), *operations]:
        world.apply(name, n)
        world.check()


def test_fake_advance_moves_vector_store_files_under_manual_progression() -> None:
    fake = FakeAssistants(progression="manual")
    client = fake.client()
    file = client.files.create(file=("a.txt", b"alpha"), purpose="assistants")
    store = client.vector_stores.create(name="s", file_ids=[file.id])
    assert client.vector_stores.retrieve(store.id).file_counts.in_progress == 1
    assert fake.advance(store.id) == "completed"
    assert client.vector_stores.retrieve(store.id).file_counts.completed == 1


def test_the_upload_limit_is_a_constructor_option() -> None:
    client = FakeAssistants(max_upload_bytes=4).client()
    with pytest.raises(openai.APIStatusError) as info:
        client.files.create(file=("big.txt", b"12345"), purpose="assistants")
    assert info.value.status_code == 413
    assert client.files.list().data == []


def test_by_clock_progression_completes_files_when_their_time_comes() -> None:
    clock = ManualClock(1_900_000_000)
    fake = FakeAssistants(progression="by_clock", seconds_per_status=5, clock=clock)
    client = fake.client()
    file = client.files.create(file=("a.txt", b"alpha"), purpose="assistants")
    store = client.vector_stores.create(name="s", file_ids=[file.id])
    clock.advance(4)
    assert client.vector_stores.retrieve(store.id).file_counts.in_progress == 1
    clock.advance(1)
    assert client.vector_stores.retrieve(store.id).status == "completed"

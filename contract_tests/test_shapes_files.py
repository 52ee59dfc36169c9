"""Files and vector stores, driven through the real SDK, answer bodies the spec accepts, exactly."""

from __future__ import annotations

from typing import Any

import openai
import pytest

from fake_assistants import FakeAssistants
from fake_assistants.backend.vector_stores import advance_vector_store_item

from . import spec
from .recorder import Recorder, assert_covered

STATIC: Any = {"type": "static", "static": {"max_chunk_size_tokens": 100, "chunk_overlap_tokens": 20}}
GUIDE = b"Returns are accepted within 30 days. Refunds go back to the original card.\n" * 30


def upload(client: openai.OpenAI, name: str, content: bytes) -> Any:
    return client.files.create(file=(name, content), purpose="assistants")


def test_file_shapes(recorder: Recorder) -> None:
    client = recorder.client
    plain = upload(client, "notes.txt", b"hello")
    client.files.create(
        file=("data.jsonl", b'{"a": 1}\n'), purpose="batch", expires_after={"anchor": "created_at", "seconds": 3600}
    )
    client.files.create(file=("pic.png", b"\x89PNG\r\n\x1a\n\x00"), purpose="vision")
    client.files.retrieve(plain.id)
    client.files.list()
    client.files.list(purpose="batch")
    first_page = client.files.list(limit=1, order="asc")
    client.files.wait_for_processing(plain.id)
    client.files.delete(plain.id)

    recorder.check_all()
    assert_covered(recorder, {"createFile", "listFiles", "retrieveFile", "deleteFile"})
    assert first_page.has_more is True
    assert recorder.last("deleteFile").body == {"id": plain.id, "object": "file", "deleted": True}
    assert recorder.of("createFile")[0].body["expires_at"] is None  # null, as the real API sent it


def test_download_is_the_exact_bytes(fake_assistants: FakeAssistants) -> None:
    """``downloadFile``'s 200 is the file itself (the spec: ``{"type": "string"}``), never a JSON document."""
    client = fake_assistants.client()
    content = bytes(range(256)) * 3
    stored = upload(client, "blob.bin", content)
    response = client.files.with_raw_response.content(stored.id)
    assert response.http_request.url.path.endswith(f"/files/{stored.id}/content")
    assert response.headers["content-type"] == "application/octet-stream"
    assert response.content == content
    assert spec.contract().operation("downloadFile").response_ref is None


def test_vector_store_shapes(recorder: Recorder) -> None:
    client = recorder.client
    files = [upload(client, f"doc{i}.txt", GUIDE) for i in range(2)]
    full = client.vector_stores.create(
        name="Support FAQ",
        description="Answers.",
        file_ids=[f.id for f in files],
        expires_after={"anchor": "last_active_at", "days": 7},
        chunking_strategy=STATIC,
        metadata={"suite": "contract"},
    )
    bare = client.vector_stores.create()
    client.vector_stores.retrieve(full.id)
    client.vector_stores.retrieve(bare.id)
    client.vector_stores.update(full.id, name="Renamed", metadata={"step": "2"})
    client.vector_stores.update(bare.id, expires_after={"anchor": "last_active_at", "days": 1})
    client.vector_stores.list()
    first_page = client.vector_stores.list(limit=1, order="asc")
    client.vector_stores.delete(bare.id)

    recorder.check_all()
    assert_covered(
        recorder,
        {"createVectorStore", "getVectorStore", "modifyVectorStore", "listVectorStores", "deleteVectorStore"},
    )
    assert first_page.has_more is True
    assert [e.body["status"] for e in recorder.of("createVectorStore")] == ["in_progress", "completed"]
    assert recorder.of("getVectorStore")[0].body["file_counts"]["completed"] == 2
    assert recorder.last("deleteVectorStore").body == {"id": bare.id, "object": "vector_store.deleted", "deleted": True}


def test_vector_store_file_shapes(recorder: Recorder) -> None:
    client = recorder.client
    store = client.vector_stores.create(name="kb")
    guide = upload(client, "guide.txt", GUIDE)
    other = upload(client, "other.txt", b"Nothing to see.")
    client.vector_stores.files.create(
        vector_store_id=store.id, file_id=guide.id, chunking_strategy=STATIC, attributes={"lang": "en", "year": 2024}
    )
    client.vector_stores.files.create_and_poll(file_id=other.id, vector_store_id=store.id)
    client.vector_stores.files.retrieve(guide.id, vector_store_id=store.id)
    client.vector_stores.files.update(guide.id, vector_store_id=store.id, attributes={"lang": "fr", "draft": True})
    client.vector_stores.files.list(store.id)
    client.vector_stores.files.list(store.id, filter="completed", limit=1, order="asc")
    client.vector_stores.files.content(guide.id, vector_store_id=store.id)
    client.vector_stores.search(
        store.id,
        query="refunds card",
        max_num_results=3,
        filters={"type": "and", "filters": [{"type": "eq", "key": "lang", "value": "fr"}]},
        ranking_options={"ranker": "auto", "score_threshold": 0.1},
        rewrite_query=True,
    )
    client.vector_stores.search(store.id, query=["zzz", "qqq"])
    client.vector_stores.files.delete(other.id, vector_store_id=store.id)

    recorder.check_all()
    assert_covered(
        recorder,
        {
            "createVectorStoreFile",
            "getVectorStoreFile",
            "updateVectorStoreFileAttributes",
            "listVectorStoreFiles",
            "retrieveVectorStoreFileContent",
            "searchVectorStore",
            "deleteVectorStoreFile",
        },
    )
    found = recorder.of("searchVectorStore")[0].body["data"]
    assert found and {hit["file_id"] for hit in found} == {guide.id}
    assert recorder.of("searchVectorStore")[1].body["data"] == []
    assert len(recorder.last("retrieveVectorStoreFileContent").body["data"]) > 1
    assert recorder.last("deleteVectorStoreFile").body == {
        "id": other.id,
        "object": "vector_store.file.deleted",
        "deleted": True,
    }


@pytest.mark.fake_assistants(progression="manual")
def test_file_batch_shapes(recorder: Recorder, fake_assistants: FakeAssistants) -> None:
    client = recorder.client
    store = client.vector_stores.create(name="batches")
    ids = [upload(client, f"part{i}.txt", b"part %d" % i).id for i in range(3)]
    running = client.vector_stores.file_batches.create(store.id, file_ids=ids[:2], attributes={"kind": "a"})
    client.vector_stores.file_batches.retrieve(running.id, vector_store_id=store.id)
    client.vector_stores.file_batches.list_files(running.id, vector_store_id=store.id)
    client.vector_stores.file_batches.cancel(running.id, vector_store_id=store.id)
    done = client.vector_stores.file_batches.create(
        store.id, files=[{"file_id": ids[2], "attributes": {"kind": "b"}, "chunking_strategy": {"type": "auto"}}]
    )
    advance_vector_store_item(fake_assistants._backend, done.id, 0)
    client.vector_stores.file_batches.retrieve(done.id, vector_store_id=store.id)
    client.vector_stores.file_batches.list_files(done.id, vector_store_id=store.id, filter="completed")
    client.vector_stores.files.list(store.id, filter="cancelled")

    recorder.check_all()
    assert_covered(
        recorder,
        {
            "createVectorStoreFileBatch",
            "getVectorStoreFileBatch",
            "cancelVectorStoreFileBatch",
            "listFilesInVectorStoreBatch",
        },
    )
    batches = [e.body for e in recorder.exchanges if e.body.get("object") == "vector_store.file_batch"]
    batch_statuses = [batch["status"] for batch in batches]
    assert batch_statuses[:3] == ["in_progress", "in_progress", "cancelled"]
    assert recorder.last("getVectorStoreFileBatch").body["status"] == "completed"
    assert len(recorder.last("listVectorStoreFiles").body["data"]) == 2


def test_error_bodies_match_error_response(recorder: Recorder) -> None:
    client = recorder.client
    store = client.vector_stores.create()
    stored = upload(client, "a.txt", b"a")
    calls = [
        lambda: client.files.retrieve("file-missing"),
        lambda: client.files.delete("file-missing"),
        lambda: client.files.content("file-missing"),
        lambda: client.vector_stores.retrieve("vs_missing"),
        lambda: client.vector_stores.files.retrieve("file-missing", vector_store_id=store.id),
        lambda: client.vector_stores.files.create(vector_store_id=store.id, file_id="file-missing"),
        lambda: client.vector_stores.file_batches.retrieve("vsfb_missing", vector_store_id=store.id),
        lambda: client.vector_stores.retrieve("not-a-store"),
        lambda: client.vector_stores.create(
            chunking_strategy={"type": "static", "static": STATIC["static"] | {"chunk_overlap_tokens": 60}}
        ),
        lambda: client.vector_stores.search(store.id, query="x", max_num_results=51),
        lambda: client.vector_stores.files.create(
            vector_store_id=store.id, file_id=stored.id, attributes={"k": "v" * 513}
        ),
        lambda: client.files.create(file=("a.txt", b"a"), purpose="nonsense"),  # type: ignore[arg-type]
    ]
    for call in calls:
        with pytest.raises(openai.APIStatusError):
            call()
    recorder.raw("POST", "/files", json={"purpose": "assistants"})  # not multipart

    recorder.check_all()
    assert [e.status for e in recorder.exchanges if e.status != 200] == [404] * 7 + [400] * 6

"""The Files API through the real SDK: multipart uploads, exact bytes back, listing, expiry, limits and errors."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import openai
import pytest

from fake_assistants import BASE_URL, FakeAssistants, ManualClock, sdk_http_module
from fake_assistants.settings import DEFAULT_MAX_UPLOAD_BYTES

HTTP = sdk_http_module()
INVALID = "invalid_request_error"

pytestmark = pytest.mark.manual_clock(1_700_000_000)


@pytest.fixture
def http(fake: FakeAssistants) -> Iterator[Any]:
    """Raw HTTP on the emulator, for bodies the SDK cannot send."""
    raw = HTTP.Client(transport=fake.transport(HTTP), base_url=BASE_URL, headers={"Authorization": "Bearer sk-test"})
    yield raw
    raw.close()


def upload(client: openai.OpenAI, name: str = "data.csv", content: bytes = b"a,b\n1,2\n", **kwargs: Any) -> Any:
    return client.files.create(file=(name, content), purpose=kwargs.pop("purpose", "assistants"), **kwargs)


def error_of(response: Any) -> dict[str, Any]:
    body: dict[str, Any] = response.json()["error"]
    return body


# --- upload, read back, delete ---------------------------------------------------------------------------------


def test_upload_records_filename_bytes_purpose_and_status(client: openai.OpenAI) -> None:
    created = upload(client)
    assert created.id.startswith("file-") and len(created.id) == len("file-") + 22
    assert (created.object, created.filename, created.bytes, created.purpose) == ("file", "data.csv", 8, "assistants")
    assert created.status == "processed"
    assert created.created_at == 1_700_000_000
    assert created.expires_at is None
    assert client.files.retrieve(created.id) == created


def test_content_is_the_exact_bytes(client: openai.OpenAI) -> None:
    content = bytes(range(256)) + b"\r\n--boundary-looking\r\n" + "ünïcode".encode()
    created = upload(client, "blob.bin", content)
    assert created.bytes == len(content)
    assert client.files.content(created.id).content == content


def test_raw_bytes_and_file_objects_upload_too(client: openai.OpenAI, tmp_path: Any) -> None:
    path = tmp_path / "report.md"
    path.write_bytes(b"# Report\n")
    with path.open("rb") as handle:
        from_disk = client.files.create(file=handle, purpose="user_data")
    from_bytes = client.files.create(file=b"raw", purpose="assistants")
    assert (from_disk.filename, from_disk.bytes, from_disk.purpose) == ("report.md", 9, "user_data")
    assert (from_bytes.filename, from_bytes.bytes) == ("upload", 3)


def test_wait_for_processing_returns_at_once(client: openai.OpenAI) -> None:
    created = upload(client)
    assert client.files.wait_for_processing(created.id, poll_interval=3600).status == "processed"


def test_delete_removes_the_file(client: openai.OpenAI) -> None:
    created = upload(client)
    deleted = client.files.delete(created.id)
    assert (deleted.id, deleted.object, deleted.deleted) == (created.id, "file", True)
    with pytest.raises(openai.NotFoundError) as caught:
        client.files.retrieve(created.id)
    assert caught.value.body == {
        "message": f"No such File object: {created.id}",
        "type": INVALID,
        "param": "id",
        "code": None,
    }
    with pytest.raises(openai.NotFoundError):
        client.files.content(created.id)
    with pytest.raises(openai.NotFoundError):
        client.files.delete(created.id)
    assert client.files.list().data == []


def test_async_client_uploads(fake: FakeAssistants) -> None:
    async def main() -> tuple[Any, bytes]:
        client = fake.async_client()
        created = await client.files.create(file=("a.txt", b"async"), purpose="assistants")
        content = await client.files.content(created.id)
        return created, content.content

    created, content = asyncio.run(main())
    assert (created.filename, content) == ("a.txt", b"async")


def test_evals_purpose_is_kept_although_the_response_schema_omits_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """The spec accepts ``evals`` on upload but its ``OpenAIFile`` (and the SDK's model) does not list it."""
    monkeypatch.delenv("FAKE_ASSISTANTS_VALIDATE_RESPONSES", raising=False)  # this answer breaks the spec, knowingly
    loose = FakeAssistants(seed=0).client(_strict_response_validation=False)
    assert loose.files.create(file=("e.jsonl", b"{}\n"), purpose="evals").purpose == "evals"


# --- expiry ----------------------------------------------------------------------------------------------------


def test_expires_after_sets_expires_at_and_the_file_goes_when_it_comes(fake: FakeAssistants) -> None:
    client = fake.client()
    clock = fake.clock
    assert isinstance(clock, ManualClock)
    short = upload(client, expires_after={"anchor": "created_at", "seconds": 3600})
    batch = upload(client, "in.jsonl", b"{}\n", purpose="batch")
    forever = upload(client)
    assert short.expires_at == short.created_at + 3600
    assert batch.expires_at == batch.created_at + 30 * 86_400  # the documented default for purpose=batch
    store = client.vector_stores.create(file_ids=[short.id, forever.id])

    clock.advance(3599)
    assert client.files.retrieve(short.id).id == short.id
    clock.advance(1)
    with pytest.raises(openai.NotFoundError):
        client.files.retrieve(short.id)
    assert [f.id for f in client.files.list().data] == [forever.id, batch.id]
    assert [f.id for f in client.vector_stores.files.list(store.id).data] == [forever.id]


# --- listing ---------------------------------------------------------------------------------------------------


def test_list_filters_by_purpose_and_pages(client: openai.OpenAI) -> None:
    ids = [upload(client, f"f{i}.txt", purpose="assistants" if i % 2 else "user_data").id for i in range(5)]
    newest_first = client.files.list()
    assert [f.id for f in newest_first.data] == ids[::-1]
    assert newest_first.has_more is False
    assert [f.id for f in client.files.list(purpose="assistants").data] == [ids[3], ids[1]]
    assert client.files.list(purpose="vision").data == []

    page = client.files.list(limit=2, order="asc")
    assert ([f.id for f in page.data], page.has_more) == (ids[:2], True)
    assert [f.id for f in client.files.list(limit=2, order="asc")] == ids  # the SDK follows `after`
    assert [f.id for f in client.files.list(after=ids[3]).data] == ids[:3][::-1]


def test_list_limit_goes_up_to_ten_thousand(client: openai.OpenAI, http: Any) -> None:
    upload(client)
    assert len(client.files.list(limit=10_000).data) == 1
    response = http.get("/files", params={"limit": 10_001})
    assert response.status_code == 400
    assert error_of(response) == {
        "message": "Invalid 'limit': integer above maximum value. Expected a value <= 10000, but got 10001 instead.",
        "type": INVALID,
        "param": "limit",
        "code": "integer_above_max_value",
    }


# --- limits and bad uploads ------------------------------------------------------------------------------------


def test_the_upload_limit_answers_413_and_keeps_nothing(fake: FakeAssistants, client: openai.OpenAI) -> None:
    assert fake._backend.settings.max_upload_bytes == DEFAULT_MAX_UPLOAD_BYTES == 512 * 1024 * 1024
    fake._backend.settings = replace(fake._backend.settings, max_upload_bytes=10)
    assert upload(client, content=b"x" * 10).bytes == 10
    with pytest.raises(openai.APIStatusError) as caught:
        upload(client, content=b"x" * 11)
    assert caught.value.status_code == 413
    assert caught.value.body == {
        "message": "File is too large (11 bytes). The maximum size of an uploaded file is 10 bytes.",
        "type": INVALID,
        "param": "file",
        "code": "file_too_large",
    }
    assert len(client.files.list().data) == 1


FILE = {"file": ("a.txt", b"abc")}


@pytest.mark.parametrize(
    ("request_kwargs", "status", "param", "code"),
    [
        ({"files": FILE}, 400, "purpose", "missing_required_parameter"),
        ({"files": {"other": ("a.txt", b"abc")}, "data": {"purpose": "assistants"}}, 400, "other", "unknown_parameter"),
        ({"files": FILE, "data": {"purpose": "assistants", "x": "1"}}, 400, "x", "unknown_parameter"),
        ({"files": FILE, "data": {"purpose": "poetry"}}, 400, "purpose", "invalid_value"),
        (
            {"files": FILE, "data": {"purpose": "assistants", "expires_after[anchor]": "created_at"}},
            400,
            "expires_after.seconds",
            "missing_required_parameter",
        ),
        (
            {
                "files": FILE,
                "data": {"purpose": "assistants", "expires_after[anchor]": "now", "expires_after[seconds]": "3600"},
            },
            400,
            "expires_after.anchor",
            "invalid_value",
        ),
        (
            {
                "files": FILE,
                "data": {
                    "purpose": "assistants",
                    "expires_after[anchor]": "created_at",
                    "expires_after[seconds]": "60",
                },
            },
            400,
            "expires_after.seconds",
            "integer_below_min_value",
        ),
        ({"json": {"purpose": "assistants"}}, 400, None, None),
        ({"content": b"junk", "headers": {"content-type": "multipart/form-data; boundary=zz"}}, 400, None, None),
        ({"content": b"", "headers": {"content-type": "multipart/form-data"}}, 400, None, None),
    ],
)
def test_bad_uploads_answer_400_and_keep_nothing(
    http: Any, client: openai.OpenAI, request_kwargs: dict[str, Any], status: int, param: str | None, code: str | None
) -> None:
    response = http.post("/files", **request_kwargs)
    assert response.status_code == status
    error = error_of(response)
    assert (error["type"], error["param"], error["code"]) == (INVALID, param, code)
    assert client.files.list().data == []


def test_missing_file_part(http: Any, client: openai.OpenAI) -> None:
    response = http.post("/files", files={"purpose": (None, "assistants")})
    assert response.status_code == 400
    assert error_of(response)["message"] == "Missing required parameter: 'file'."
    assert client.files.list().data == []


def test_files_need_no_beta_header(http: Any, client: openai.OpenAI) -> None:
    response = http.post("/files", files=FILE, data={"purpose": "assistants"})
    assert response.status_code == 200
    assert http.get(f"/files/{response.json()['id']}").json()["bytes"] == 3

"""Handlers for /files: a multipart upload, list, retrieve, download (the exact bytes) and delete.

The upload's ``multipart/form-data`` body is read by ``schemas.multipart``. Its fields are ``file`` (the bytes and
a filename), ``purpose`` and optionally ``expires_after[anchor]`` and ``expires_after[seconds]``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...backend import files as ops
from ...backend.models import JsonDict
from ...errors import ApiError, missing_parameter
from ...schemas.file_requests import CreateFileForm, ListFilesQuery
from ...schemas.multipart import form_fields, read_form
from ...schemas.validation import validate
from ..handler_context import Call, RawBody
from ..serialize_files import file_wire
from ..wire import ApiRequest

_DEFAULT_FILENAME = "upload"  # the name the SDK gives raw bytes


@dataclass(frozen=True)
class Upload:
    """An upload's form, read: its text fields, and its file's name and bytes (``None``: no ``file`` part)."""

    fields: dict[str, Any]
    filename: str | None
    content: bytes | None


def read_upload(request: ApiRequest) -> Upload | ApiError:
    """The request's multipart form, read once per request (its 400 as the value, to raise). Server mode reads a
    big one in a worker thread before the request takes the emulator's lock, so the lock is held only to store it."""
    return request.found("upload", _read_request)


def _read_request(request: ApiRequest) -> Upload | ApiError:
    return _read(request.header("content-type"), request.body)


def _read(content_type: str | None, body: bytes) -> Upload | ApiError:
    try:
        fields, part = form_fields(read_form(content_type, body))
    except ApiError as error:
        return error
    return Upload(fields, None if part is None else part.filename, None if part is None else bytes(part.data))


def create(call: Call) -> JsonDict:
    source = call.source
    upload = read_upload(source) if source is not None else _read(call.headers.get("content-type"), call.body)
    if isinstance(upload, ApiError):
        raise upload
    form = validate(CreateFileForm, upload.fields, strict=False)
    if upload.content is None:
        raise missing_parameter("file")
    stored = ops.upload_file(
        call.backend,
        call.now,
        filename=upload.filename or _DEFAULT_FILENAME,
        content=upload.content,
        purpose=form.purpose,
        expires_after_seconds=None if form.expires_after is None else form.expires_after.seconds,
    )
    return file_wire(stored)


def list_(call: Call) -> JsonDict:
    query = call.query_as(ListFilesQuery)
    return call.list_page(ops.list_order(call.backend, query.purpose), call.backend.files.__getitem__, query, file_wire)


def retrieve(call: Call) -> JsonDict:
    return file_wire(call.backend.file(call.params["file_id"]))


def download(call: Call) -> RawBody:
    return RawBody(call.backend.file(call.params["file_id"]).content)


def delete(call: Call) -> JsonDict:
    ops.delete_file(call.backend, call.params["file_id"])
    return {"id": call.params["file_id"], "object": "file", "deleted": True}

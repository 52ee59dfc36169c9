"""Handlers for /files: a multipart upload, list, retrieve, download (the exact bytes) and delete.

The upload's ``multipart/form-data`` body is read by ``schemas.multipart``. Its fields are ``file`` (the bytes and
a filename), ``purpose`` and optionally ``expires_after[anchor]`` and ``expires_after[seconds]``.
"""

from __future__ import annotations

from ...backend import files as ops
from ...backend.models import JsonDict
from ...errors import missing_parameter
from ...schemas.file_requests import CreateFileForm, ListFilesQuery
from ...schemas.multipart import form_fields, read_form
from ...schemas.validation import validate
from ..handler_context import Call, RawBody
from ..serialize_files import file_wire

_DEFAULT_FILENAME = "upload"  # the name the SDK gives raw bytes


def create(call: Call) -> JsonDict:
    fields, upload = form_fields(read_form(call.headers.get("content-type"), call.body))
    form = validate(CreateFileForm, fields, strict=False)
    if upload is None:
        raise missing_parameter("file")
    stored = ops.upload_file(
        call.backend,
        call.now,
        filename=upload.filename or _DEFAULT_FILENAME,
        content=bytes(upload.data),
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

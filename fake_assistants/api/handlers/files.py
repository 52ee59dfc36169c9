"""Handlers for /files: a multipart upload, list, retrieve, download (the exact bytes) and delete.

The upload's ``multipart/form-data`` body is parsed by ``python-multipart``. Its fields are ``file`` (the bytes and
a filename), ``purpose`` and optionally ``expires_after[anchor]`` and ``expires_after[seconds]``.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header

from ...backend import files as ops
from ...backend.models import JsonDict
from ...errors import bad_multipart, missing_parameter, no_multipart_boundary, not_multipart
from ...schemas.file_requests import CreateFileForm, ListFilesQuery
from ...schemas.validation import validate
from ..handler_context import Call, RawBody
from ..serialize_files import file_wire

_NESTED = re.compile(r"^(\w+)\[(\w+)\]$")  # expires_after[seconds]
_DEFAULT_FILENAME = "upload"  # the name the SDK gives raw bytes

# The parser logs a warning before it raises on a malformed body; the 400 carries the same text, so drop the log.
_SILENT = logging.Logger("fake_assistants.multipart")
_SILENT.addHandler(logging.NullHandler())


@dataclass
class FormPart:
    name: str
    filename: str | None
    data: bytearray = field(default_factory=bytearray)


class _FormReader:
    """Collects the parts of a multipart body from the parser's callbacks."""

    def __init__(self) -> None:
        self.parts: list[FormPart] = []
        self._headers: dict[str, bytes] = {}
        self._header_field = bytearray()
        self._header_value = bytearray()
        self._data = bytearray()

    def on_part_begin(self) -> None:
        self._headers, self._data = {}, bytearray()

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_field += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def on_header_end(self) -> None:
        self._headers[self._header_field.decode("latin-1").lower()] = bytes(self._header_value)
        self._header_field, self._header_value = bytearray(), bytearray()

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        self._data += data[start:end]

    def on_part_end(self) -> None:
        _, options = parse_options_header(self._headers.get("content-disposition"))
        filename = options.get(b"filename")
        self.parts.append(
            FormPart(
                name=options.get(b"name", b"").decode("utf-8", "replace"),
                filename=None if filename is None else filename.decode("utf-8", "replace"),
                data=self._data,
            )
        )


def read_form(content_type: str | None, body: bytes) -> list[FormPart]:
    """The parts of a ``multipart/form-data`` body, in order; a 400 for any other body."""
    mime, options = parse_options_header(content_type)
    boundary = options.get(b"boundary")
    if mime != b"multipart/form-data":
        raise not_multipart(content_type)
    if not boundary:
        raise no_multipart_boundary(content_type)
    reader = _FormReader()
    try:
        parser = MultipartParser(
            boundary,
            {
                "on_part_begin": reader.on_part_begin,
                "on_header_field": reader.on_header_field,
                "on_header_value": reader.on_header_value,
                "on_header_end": reader.on_header_end,
                "on_part_data": reader.on_part_data,
                "on_part_end": reader.on_part_end,
            },
        )
        parser.logger = _SILENT
        parser.write(body)
        parser.finalize()
    except FormParserError as exc:
        raise bad_multipart(exc) from exc
    return reader.parts


def _fields(parts: list[FormPart]) -> tuple[dict[str, Any], FormPart | None]:
    """The text fields (``a[b]`` names nested as ``{"a": {"b": ...}}``) and the ``file`` part."""
    fields: dict[str, Any] = {}
    upload: FormPart | None = None
    for part in parts:
        if part.name == "file":
            upload = part
            continue
        value = part.data.decode("utf-8", "replace")
        nested = _NESTED.match(part.name)
        if nested is None:
            fields[part.name] = value
            continue
        outer = fields.get(nested[1])
        if not isinstance(outer, dict):
            outer = fields[nested[1]] = {}
        outer[nested[2]] = value
    return fields, upload


def create(call: Call) -> JsonDict:
    fields, upload = _fields(read_form(call.headers.get("content-type"), call.body))
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

"""Multipart request bodies (``POST /files``): the parts of a ``multipart/form-data`` body, read by
``python-multipart``, and its text fields as a dict for the request model (``a[b]`` names nested as ``{"a": {"b"}}``).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header

from ..errors import bad_multipart, no_multipart_boundary, not_multipart

_NESTED = re.compile(r"^(\w+)\[(\w+)\]$")  # expires_after[seconds]

# The parser logs a warning before it raises on a malformed body; the 400 carries the same text, so drop the log.
_SILENT = logging.Logger("fake_assistants.multipart")
_SILENT.addHandler(logging.NullHandler())


@dataclass
class FormPart:
    name: str
    filename: str | None
    data: bytearray = field(default_factory=bytearray)


MAX_FORM_PARTS = 1_000  # an upload takes a handful (file, purpose, expires_after[...]): the rest is a flood


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
        if len(self.parts) >= MAX_FORM_PARTS:
            raise FormParserError(f"it holds more than {MAX_FORM_PARTS} parts")
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


def form_fields(parts: list[FormPart]) -> tuple[dict[str, Any], FormPart | None]:
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

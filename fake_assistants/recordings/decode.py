"""From raw HTTP (a URL, headers, body bytes) to an :class:`Exchange`: gzip, JSON and SSE bodies.

Every cassette format ends here, so a body is decoded the same way whatever recorded it.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from .model import Exchange

Headers = Mapping[str, str]
GZIP_MAGIC = b"\x1f\x8b"


class BodyError(ValueError):
    """A body that cannot be decoded; the reader adds the file and the interaction."""


def header(headers: Headers, name: str) -> str | None:
    wanted = name.lower()
    return next((value for key, value in headers.items() if key.lower() == wanted), None)


def body_bytes(body: bytes | str | None, headers: Headers, *, what: str) -> bytes:
    """The body's bytes, gunzipped when it says (or looks) so."""
    if body is None:
        return b""
    raw = body.encode("utf-8") if isinstance(body, str) else body
    encoding = (header(headers, "content-encoding") or "").lower()
    if "gzip" in encoding or raw.startswith(GZIP_MAGIC):
        try:
            return _inflate(raw, zlib.MAX_WBITS | 16, what)
        except (OSError, EOFError, zlib.error) as exc:
            raise BodyError(f"the {what} body is not valid gzip ({exc or 'truncated'})") from None
    if "deflate" in encoding:
        try:
            return _inflate(raw, zlib.MAX_WBITS, what)
        except zlib.error as exc:
            raise BodyError(f"the {what} body is not valid deflate data ({exc})") from None
    return raw


MAX_INFLATED_BYTES = 32 * 1024 * 1024  # a recorded body, decompressed (the largest JSON body the API takes)


def _inflate(raw: bytes, wbits: int, what: str) -> bytes:
    """``raw`` decompressed, member after member, never past :data:`MAX_INFLATED_BYTES` (a bomb stops there)."""
    out = bytearray()
    while raw:
        inflater = zlib.decompressobj(wbits)
        out += inflater.decompress(raw, MAX_INFLATED_BYTES + 1 - len(out))
        if len(out) > MAX_INFLATED_BYTES or inflater.unconsumed_tail:
            raise BodyError(f"the {what} body decompresses to more than {MAX_INFLATED_BYTES} bytes")
        if not inflater.eof:
            raise EOFError("truncated")
        raw = inflater.unused_data.lstrip(b"\0")
    return bytes(out)


def parse_sse(text: str) -> tuple[tuple[str, str], ...]:
    """Server-sent events as ``(event, data)`` pairs; data lines of one event are joined by newlines."""
    events: list[tuple[str, str]] = []
    name, data = "message", list[str]()
    for line in text.replace("\r\n", "\n").split("\n"):
        if not line:
            if data:
                events.append((name, "\n".join(data)))
            name, data = "message", []
        elif line.startswith(":"):
            continue
        else:
            field, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if field == "event":
                name = value
            elif field == "data":
                data.append(value)
    if data:
        events.append((name, "\n".join(data)))
    return tuple(events)


def _json_or_none(raw: bytes, content_type: str, *, what: str) -> Any:
    if not raw.strip():
        return None
    if "json" not in content_type and not raw.lstrip().startswith((b"{", b"[")):
        return None  # multipart uploads, file contents: not part of the JSON contract
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        if "json" in content_type:
            raise BodyError(f"the {what} body says it is JSON but is not ({exc})") from None
        return None


def exchange_from_http(
    *,
    method: str,
    url: str,
    request_headers: Headers,
    request_body: bytes | str | None,
    status: int,
    response_headers: Headers,
    response_body: bytes | str | None,
) -> Exchange:
    """One exchange from what any HTTP recorder keeps."""
    parts = urlsplit(url)
    path = parts.path or "/"
    request_type = (header(request_headers, "content-type") or "").lower()
    content_type = (header(response_headers, "content-type") or "").split(";")[0].strip().lower()
    request_raw = body_bytes(request_body, request_headers, what="request")
    response_raw = body_bytes(response_body, response_headers, what="response")
    events = None
    response = None
    if content_type == "text/event-stream":
        try:
            events = parse_sse(response_raw.decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise BodyError(f"the event stream is not UTF-8 text ({exc})") from None
    else:
        response = _json_or_none(response_raw, content_type, what="response")
    return Exchange(
        method=method.upper(),
        path=path,
        query=parts.query,
        beta=header(request_headers, "openai-beta"),
        request=None if "multipart" in request_type else _json_or_none(request_raw, request_type, what="request"),
        status=status,
        content_type=content_type or "application/json",
        response=response,
        events=events,
    )

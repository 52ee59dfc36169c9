"""Which reader a file needs, and the readers for the shared JSON layout and HAR 1.2.

vcrpy and Ruby VCR cassettes are in :mod:`.vcr`. Each reader turns every interaction into an :class:`Exchange`
through :func:`.decode.exchange_from_http` (or, for the shared layout, directly), and names the interaction
(1-based) in any error.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from .decode import BodyError, exchange_from_http
from .model import Exchange, Recording, RecordingError
from .vcr import read_vcr

Reader = Callable[[str, Any], Recording]


def read_recording(path: str | Path) -> Recording:
    """Read a vcrpy/VCR YAML cassette, a HAR file or a shared-layout JSON recording."""
    file = Path(path)
    source = str(file)
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RecordingError(source, f"cannot read the file ({exc})") from None
    if file.suffix.lower() in (".yaml", ".yml"):
        return read_vcr(source, text)
    try:
        document = json.loads(text)
    except ValueError as exc:
        if file.suffix.lower() in (".json", ".har"):
            raise RecordingError(source, f"not valid JSON ({exc})") from None
        return read_vcr(source, text)  # a cassette without the usual suffix
    return reader_for(source, document)(source, document)


def reader_for(source: str, document: Any) -> Reader:
    if isinstance(document, Mapping) and isinstance(document.get("log"), Mapping):
        return read_har
    if isinstance(document, Mapping) and isinstance(document.get("interactions"), list):
        return read_shared
    raise RecordingError(
        source, "not a recording this tool knows (a vcrpy or VCR YAML cassette, HAR 1.2, or the shared JSON layout)"
    )


def read_shared(source: str, document: Any) -> Recording:
    exchanges = []
    for number, item in enumerate(document["interactions"], start=1):
        if not isinstance(item, Mapping):
            raise RecordingError(source, "an interaction must be an object", interaction=number)
        missing = [key for key in ("method", "path", "status") if key not in item]
        if missing:
            raise RecordingError(source, f"missing {', '.join(missing)}", interaction=number)
        events = item.get("events")
        if events is not None:
            try:
                pairs = tuple((str(event["event"]), str(event["data"])) for event in events)
            except (TypeError, KeyError) as exc:
                raise RecordingError(source, f"an event needs 'event' and 'data' ({exc})", interaction=number) from None
        exchanges.append(
            Exchange(
                method=str(item["method"]).upper(),
                path=str(item["path"]),
                query=str(item.get("query") or ""),
                beta=item.get("beta"),
                request=item.get("request"),
                status=int(item["status"]),
                content_type=str(item.get("content_type") or "application/json"),
                response=item.get("response"),
                events=pairs if events is not None else None,
            )
        )
    origin = document.get("source")
    return Recording(source, tuple(exchanges), dict(origin) if isinstance(origin, Mapping) else {})


def read_har(source: str, document: Any) -> Recording:
    log = document["log"]
    entries = log.get("entries")
    if not isinstance(entries, list):
        raise RecordingError(source, "a HAR file needs log.entries, a list")
    exchanges = []
    for number, entry in enumerate(entries, start=1):
        try:
            request, response = entry["request"], entry["response"]
            content = response.get("content") or {}
            body: bytes | str | None = content.get("text")
            if body is not None and content.get("encoding") == "base64":
                body = base64.b64decode(body, validate=True)
            post = request.get("postData") or {}
            exchanges.append(
                exchange_from_http(
                    method=request["method"],
                    url=request["url"],
                    request_headers=_har_headers(request, post.get("mimeType")),
                    request_body=post.get("text"),
                    status=int(response["status"]),
                    response_headers=_har_headers(response, content.get("mimeType"), decoded=True),
                    response_body=body,
                )
            )
        except (KeyError, TypeError, AttributeError) as exc:
            raise RecordingError(source, f"not a HAR entry: missing or wrong {exc}", interaction=number) from None
        except (BodyError, binascii.Error, ValueError) as exc:
            raise RecordingError(source, str(exc), interaction=number) from None
    creator = log.get("creator") if isinstance(log.get("creator"), Mapping) else {}
    return Recording(source, tuple(exchanges), {"format": "HAR", "creator": creator.get("name")})


def _har_headers(message: Mapping[str, Any], mime: str | None, *, decoded: bool = False) -> dict[str, str]:
    headers = {str(item["name"]): str(item["value"]) for item in message.get("headers") or ()}
    if decoded:  # HAR keeps content.text decoded: its Content-Encoding describes the wire, not the text
        headers = {key: value for key, value in headers.items() if key.lower() != "content-encoding"}
    if mime and not any(key.lower() == "content-type" for key in headers):
        headers["Content-Type"] = mime
    return headers

"""The readers, one per format, behind one protocol, and the call that picks one.

A :class:`Reader` says whether it can read a file and reads it into a :class:`Recording`. :data:`READERS` holds the
formats known here (vcrpy and Ruby VCR cassettes in :mod:`.vcr`, HAR 1.2 and the shared JSON layout here); a reader
for another format only has to produce the same model, and can be passed to :func:`read_recording` and
:func:`read_recordings` beside them. Each reader names the interaction (1-based) in any error.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

from .decode import BodyError, exchange_from_http
from .model import MAX_NESTING, Exchange, Recording, RecordingError, check_document
from .vcr import read_vcr

YAML_SUFFIXES = (".yaml", ".yml")


class Reader(Protocol):
    name: str

    def accepts(self, path: Path) -> bool: ...

    def read(self, path: Path) -> Recording: ...


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RecordingError(str(path), f"cannot read the file ({exc})") from None


def _json_document(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return None


class VcrReader:
    """vcrpy / pytest-recording cassettes (current and old layouts) and Ruby VCR cassettes: YAML files."""

    name = "vcr"

    def accepts(self, path: Path) -> bool:
        return path.suffix.lower() in YAML_SUFFIXES

    def read(self, path: Path) -> Recording:
        return read_vcr(str(path), _text(path))


class HarReader:
    """HAR 1.2 (``log.entries``)."""

    name = "har"

    def accepts(self, path: Path) -> bool:
        if path.suffix.lower() == ".har":
            return True
        document = _json_document(path) if path.suffix.lower() == ".json" else None
        return isinstance(document, Mapping) and isinstance(document.get("log"), Mapping)

    def read(self, path: Path) -> Recording:
        text = _text(path)
        try:
            document = json.loads(text)
        except ValueError as exc:
            raise RecordingError(str(path), f"not valid JSON ({exc})") from None
        if not isinstance(document, Mapping) or not isinstance(document.get("log"), Mapping):
            raise RecordingError(str(path), "not a HAR file: no 'log' object")
        return read_har(str(path), document)


class SharedJsonReader:
    """The shared JSON layout: ``{"source": {...}, "interactions": [...]}``."""

    name = "shared-json"

    def accepts(self, path: Path) -> bool:
        document = _json_document(path) if path.suffix.lower() == ".json" else None
        return isinstance(document, Mapping) and isinstance(document.get("interactions"), list)

    def read(self, path: Path) -> Recording:
        document = _json_document(path)
        if not isinstance(document, Mapping) or not isinstance(document.get("interactions"), list):
            raise RecordingError(str(path), "not the shared JSON layout: no 'interactions' list")
        return read_shared(str(path), document)


READERS: tuple[Reader, ...] = (VcrReader(), HarReader(), SharedJsonReader())


def read_recording(path: str | Path, readers: Sequence[Reader] = READERS) -> Recording:
    """Read one recording with the first of ``readers`` that accepts it."""
    file = Path(path)
    if not file.is_file():
        raise RecordingError(str(file), "cannot read the file (it does not exist)")
    reader = next((r for r in readers if r.accepts(file)), None)
    if reader is None:
        raise RecordingError(
            str(file),
            "not a recording this tool knows (a vcrpy or VCR YAML cassette, HAR 1.2, or the shared JSON layout)",
        )
    try:
        recording = reader.read(file)
    except RecursionError:  # a parser's own recursion limit: nested thousands deep
        problem = f"nested more than {MAX_NESTING} levels deep: this is not a recording"
        raise RecordingError(str(file), problem) from None
    return recording


def read_recordings(directory: Path, readers: Sequence[Reader] = READERS) -> list[Recording]:
    """Every file in ``directory`` that one of ``readers`` accepts, in name order."""
    return [
        read_recording(path, readers)
        for path in sorted(directory.iterdir())
        if path.is_file() and any(r.accepts(path) for r in readers)
    ]


def read_shared(source: str, document: Any) -> Recording:
    check_document(source, document)
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
    return Recording(Path(source).stem, dict(origin) if isinstance(origin, Mapping) else {}, tuple(exchanges), source)


def read_har(source: str, document: Any) -> Recording:
    check_document(source, document)
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
    origin = {"format": "HAR", "creator": creator.get("name")}
    first = entries[0] if entries and isinstance(entries[0], Mapping) else {}
    if first.get("startedDateTime"):
        origin["recorded"] = str(first["startedDateTime"])
    return Recording(Path(source).stem, origin, tuple(exchanges), source)


def _har_headers(message: Mapping[str, Any], mime: str | None, *, decoded: bool = False) -> dict[str, str]:
    headers = {str(item["name"]): str(item["value"]) for item in message.get("headers") or ()}
    if decoded:  # HAR keeps content.text decoded: its Content-Encoding describes the wire, not the text
        headers = {key: value for key, value in headers.items() if key.lower() != "content-encoding"}
    if mime and not any(key.lower() == "content-type" for key in headers):
        headers["Content-Type"] = mime
    return headers

"""Reading recordings of real API traffic, whatever their format, into one model.

A :class:`Reader` says whether it can read a file and reads it into a :class:`Recording`: its source attribution
and its :class:`Exchange` list, in order. :data:`READERS` holds the readers known here; :func:`read_recordings`
asks each in turn. The shared JSON layout (``../shared/recordings/README.md``) is read by
:class:`SharedJsonReader`; a reader for another format (vcrpy / pytest-recording YAML cassettes, Ruby VCR, HAR 1.2)
only has to produce the same model.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol


@dataclass(frozen=True)
class Exchange:
    """One request and its response. ``events`` (name, parsed data) for a stream, else ``response``."""

    method: str
    path: str  # with the /v1 prefix, as sent
    query: str
    request: Any  # the JSON body, or None (no body, or a multipart upload)
    status: int
    content_type: str
    response: Any = None
    events: tuple[tuple[str, Any], ...] | None = None


@dataclass(frozen=True)
class Recording:
    name: str
    source: dict[str, Any]
    exchanges: tuple[Exchange, ...] = field(default_factory=tuple)


class Reader(Protocol):
    name: str

    def accepts(self, path: Path) -> bool: ...

    def read(self, path: Path) -> Recording: ...


class SharedJsonReader:
    """The shared layout: ``{"source": {...}, "interactions": [{method, path, query, request, status, content_type,
    response | events}]}``; stream event data is JSON text (``[DONE]`` for ``done``)."""

    name = "shared-json"

    def accepts(self, path: Path) -> bool:
        if path.suffix != ".json":
            return False
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return False
        return isinstance(document, dict) and "interactions" in document and "source" in document

    def read(self, path: Path) -> Recording:
        document = json.loads(path.read_text(encoding="utf-8"))
        exchanges = []
        for raw in document["interactions"]:
            events = None
            if "events" in raw:
                events = tuple(
                    (e["event"], e["data"] if e["data"] == "[DONE]" else json.loads(e["data"])) for e in raw["events"]
                )
            exchanges.append(
                Exchange(
                    method=raw["method"].upper(),
                    path=raw["path"],
                    query=raw.get("query", ""),
                    request=raw.get("request"),
                    status=raw["status"],
                    content_type=raw.get("content_type", "application/json"),
                    response=raw.get("response"),
                    events=events,
                )
            )
        return Recording(path.stem, dict(document["source"]), tuple(exchanges))


READERS: tuple[Reader, ...] = (SharedJsonReader(),)


def read_recordings(directory: Path, readers: Sequence[Reader] = READERS) -> list[Recording]:
    """Every file under ``directory`` that one of ``readers`` accepts, read by the first that does (by name)."""
    out = []
    for path in sorted(directory.iterdir()):
        reader = next((r for r in readers if path.is_file() and r.accepts(path)), None)
        if reader is not None:
            out.append(reader.read(path))
    return out

"""JSON to and from bytes, fast where it can be: ``orjson`` when it is installed (the ``fast`` extra), else the
standard ``json`` with compact separators. Both give the same JSON values; state files are read by either."""

from __future__ import annotations

import json
from typing import Any

try:  # pragma: no branch - which one is installed decides
    import orjson as _orjson
except ImportError:  # pragma: no cover - exercised by tests that hide orjson
    _orjson = None  # type: ignore[assignment]

ENCODER = "orjson" if _orjson is not None else "json"


def dumps(value: Any) -> bytes:
    if _orjson is not None:
        return _orjson.dumps(value)
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def loads(data: bytes) -> Any:
    if _orjson is not None:
        return _orjson.loads(data)
    return json.loads(data)

"""JSON to and from bytes, fast where it can be: ``orjson`` when it is installed (the ``fast`` extra), else the
standard ``json`` with compact separators. Both give the same JSON values; state files are read by either."""

from __future__ import annotations

import json
import re
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


UNREAD: Any = object()  # what :func:`read_as_json_does` answers when the standard parser must read the bytes
_LONG_DIGITS = re.compile(rb"(?<![.0-9])[0-9]{19}")  # an integer orjson may make a float (not a fraction's digits)


def read_as_json_does(data: bytes) -> Any:
    """The value ``json.loads(data)`` gives, read by orjson when it is installed and gives the very same value;
    :data:`UNREAD` when the standard parser must read ``data`` itself: orjson is not there, ``data`` holds an integer
    of 19 digits or more (orjson makes one past 64 bits a float), or orjson refuses it (a lone surrogate, ``1e400``, a
    byte-order mark, ``NaN``, nesting past its limit: things the standard parser reads, or refuses in its own way)."""
    if _orjson is None or _LONG_DIGITS.search(data) is not None:
        return UNREAD
    try:
        return _orjson.loads(data)
    except _orjson.JSONDecodeError:
        return UNREAD

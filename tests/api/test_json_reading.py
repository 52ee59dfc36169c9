"""Request bodies are read by orjson where it gives exactly the standard parser's value (issue 26), and by the
standard parser otherwise: integers past 64 bits, lone surrogates, ``1e400``, ``NaN`` and invalid UTF-8 come out as
they always did."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fake_assistants import jsoncodec
from fake_assistants.schemas.validation import json_value

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(st.characters(blacklist_categories=())),  # lone surrogates too
)
VALUES = st.recursive(
    SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4)
)


def standard(data: bytes) -> tuple[str, Any]:
    """What the standard parser makes of ``data`` (NaN and the infinities refused): its value's repr, or its error."""

    def refuse(constant: str) -> Any:
        raise ValueError(constant)

    try:
        return "value", repr(json.loads(data, parse_constant=refuse))
    except (ValueError, RecursionError) as error:
        return "error", type(error).__name__


def ours(data: bytes) -> tuple[str, Any]:
    try:
        return "value", repr(json_value(data))
    except (ValueError, RecursionError) as error:
        return "error", type(error).__name__


@settings(max_examples=400, deadline=None)
@given(value=VALUES, ascii_only=st.booleans())
def test_any_json_value_reads_as_the_standard_parser_reads_it(value: Any, ascii_only: bool) -> None:
    data = json.dumps({"v": value}, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")
    assert ours(data) == standard(data)


@pytest.mark.parametrize(
    "data",
    [
        b'{"a": 18446744073709551616}',
        b'{"a": -9223372036854775809}',
        b'{"a": 123456789012345678901234567890}',
        b'{"a": 0.0002494507247683153}',
        b'{"a": 1e400}',
        b'{"a": "\\ud800"}',
        b'{"a": "\xed\xa0\x80"}',
        b'{"a": NaN}',
        b'{"a": -Infinity}',
        b'{"a": "\xff"}',
        b'\xef\xbb\xbf{"a": 1}',
        b'{"a": 1,}',
        b"[" * 5000 + b"]" * 5000,
    ],
)
def test_what_orjson_would_read_otherwise_reads_as_it_always_did(data: bytes) -> None:
    assert ours(data) == standard(data)


def test_orjson_reads_a_plain_body_when_it_is_there() -> None:
    pytest.importorskip("orjson", reason="the fast extra is not installed")
    assert jsoncodec.read_as_json_does(b'{"model": "gpt-4o", "n": 3}') == {"model": "gpt-4o", "n": 3}
    assert jsoncodec.read_as_json_does(b'{"n": 18446744073709551616}') is jsoncodec.UNREAD


def test_without_orjson_the_standard_parser_reads_everything(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jsoncodec, "_orjson", None)
    assert jsoncodec.read_as_json_does(b'{"n": 1}') is jsoncodec.UNREAD
    assert json_value(b'{"n": 1}') == {"n": 1}

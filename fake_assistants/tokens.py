"""The deterministic token count the emulator reports in ``usage``.

Rule (stable across releases): a token is a run of word characters (``\\w+``) or a single character that is
neither a word character nor white space. ``"Hello, world!"`` is 4 tokens.
"""

from __future__ import annotations

import re

_TOKEN = re.compile(r"\w+|[^\w\s]")


def count_tokens(text: str) -> int:
    return len(_TOKEN.findall(text))


def first_tokens(text: str, limit: int) -> str:
    """The start of ``text`` up to the end of its ``limit``-th token (what a capped reply keeps)."""
    if limit <= 0:
        return ""
    for index, found in enumerate(_TOKEN.finditer(text), start=1):
        if index == limit:
            return text[: found.end()]
    return text


def pieces(text: str, tokens_per_piece: int) -> list[str]:
    """``text`` cut after every ``tokens_per_piece``-th token, for stream deltas. The pieces join to ``text``.

    White space after a cut goes with the next piece (as model tokens carry their leading space): with 2 tokens
    per piece, ``"Hello there, world"`` streams as ``"Hello there"``, ``", world"``. Empty text has no pieces.
    """
    if tokens_per_piece < 1:
        raise ValueError("a piece holds at least one token")
    ends = [found.end() for found in _TOKEN.finditer(text)]
    cuts = [end for end in ends[tokens_per_piece - 1 :: tokens_per_piece] if end < len(text)]
    out: list[str] = []
    start = 0
    for cut in cuts:
        out.append(text[start:cut])
        start = cut
    if start < len(text):
        out.append(text[start:])
    return out

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

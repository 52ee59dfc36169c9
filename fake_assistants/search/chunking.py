"""Turning a file's bytes into the text chunks a vector store indexes.

* **Text**: the bytes are decoded as UTF-8 (a leading byte-order mark is dropped). Bytes that do not decode, or
  that hold a NUL character, are not text: such a file is stored and attached, but yields no chunks.
* **Tokens**: the emulator's documented tokenizer, the regular expression ``\\w+|[^\\w\\s]`` (a run of word
  characters, or one character that is neither a word character nor white space), as used for ``usage``.
* **Chunks**: windows of at most ``max_chunk_size_tokens`` tokens; each window starts ``max_chunk_size_tokens -
  chunk_overlap_tokens`` tokens after the previous one, and the last one ends at the last token. A chunk's text is
  the file's own text from its first token to its last, white space and line breaks kept.
"""

from __future__ import annotations

import re

TOKEN = re.compile(r"\w+|[^\w\s]")


def decode_text(content: bytes) -> str | None:
    """The file's text, or ``None`` when its bytes are not UTF-8 text."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    return None if "\x00" in text else text


def chunk_text(text: str, max_tokens: int, overlap: int) -> tuple[str, ...]:
    if max_tokens < 1 or not 0 <= overlap < max_tokens:
        raise ValueError(f"a chunk holds 1 token or more and overlaps less: got {max_tokens}/{overlap}")
    spans = [match.span() for match in TOKEN.finditer(text)]
    chunks: list[str] = []
    start = 0
    while start < len(spans):
        end = min(start + max_tokens, len(spans))
        chunks.append(text[spans[start][0] : spans[end - 1][1]])
        if end == len(spans):
            break
        start += max_tokens - overlap
    return tuple(chunks)


def chunk_file(content: bytes, max_tokens: int, overlap: int) -> tuple[str, ...]:
    text = decode_text(content)
    return () if text is None else chunk_text(text, max_tokens, overlap)

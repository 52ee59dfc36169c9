"""Deterministic, real-looking ids: one seeded random stream per id prefix."""

from __future__ import annotations

import hashlib
import random
import string
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from .journal import active, record

_BASE62 = string.digits + string.ascii_letters
_HEX = "0123456789abcdef"

# prefix -> (separator, length, alphabet); shaped after the ids the real API issued.
ID_SHAPES: dict[str, tuple[str, int, str]] = {
    "asst": ("_", 24, _BASE62),
    "thread": ("_", 24, _BASE62),
    "msg": ("_", 24, _BASE62),
    "run": ("_", 24, _BASE62),
    "step": ("_", 24, _BASE62),
    "call": ("_", 24, _BASE62),
    "file": ("-", 22, _BASE62),
    "vs": ("_", 32, _HEX),  # 2025 ids (2024 ones were 24 alphanumerics)
    "vsfb": ("_", 32, _HEX),
    "req": ("_", 32, _HEX),
}


def _letters(stream: random.Random, alphabet: str, count: int) -> str:
    """``count`` draws of ``stream.choice(alphabet)``, exactly as it draws them, in bulk.

    ``choice`` calls ``getrandbits(k)`` (``k`` = ``len(alphabet).bit_length()``, at most 8 here) until the value is
    below ``len(alphabet)``; each call takes the top ``k`` bits of the generator's next 32-bit word, which are the
    top bits of the word's top byte. ``getrandbits(32 * n)`` returns the next ``n`` words at once (least significant
    first): as little-endian bytes, every fourth byte is a word's top byte, and one ``translate`` turns those bytes
    into letters, dropping the rejected ones. The same words give the same letters, and the generator ends where
    ``choice`` would have left it: the words of rejected values are drawn again only as many times as needed.
    """
    table, rejected = _TABLES[alphabet]
    letters = b""
    while len(letters) < count:
        wanted = count - len(letters)
        words = stream.getrandbits(32 * wanted).to_bytes(4 * wanted, "little")
        letters += words[3::4].translate(table, rejected)
    return letters.decode("ascii")


def _tables(alphabet: str) -> tuple[bytes, bytes]:
    """For each possible top byte of a word: the letter ``choice`` picks with it, and the bytes it rejects."""
    shift = 8 - len(alphabet).bit_length()
    table = bytes(ord(alphabet[top >> shift]) if top >> shift < len(alphabet) else 0 for top in range(256))
    return table, bytes(top for top in range(256) if top >> shift >= len(alphabet))


def _mint(stream: random.Random, prefix: str, count: int) -> list[str]:
    """The next ``count`` ids of ``prefix``'s stream, in order, from one bulk draw (see :func:`_letters`)."""
    separator, length, alphabet = ID_SHAPES[prefix]
    letters = _letters(stream, alphabet, length * count)
    return [prefix + separator + letters[at : at + length] for at in range(0, length * count, length)]


_TABLES = {alphabet: _tables(alphabet) for alphabet in {alphabet for _, _, alphabet in ID_SHAPES.values()}}


AHEAD = 32  # ids minted at once per stream


@dataclass
class _Ahead:
    start: Any  # the stream's state before it minted ``ids``
    ids: list[str]
    out: int = 0  # how many of ``ids`` are issued


class IdFactory:
    """Issues ids such as ``asst_…`` from a per-prefix stream seeded by ``(seed, prefix)``.

    Two factories with the same seed issue the same ids in the same order, whatever the interleaving of
    prefixes; a different seed gives different ids.
    """

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._streams: dict[str, random.Random] = {}
        self._ahead: dict[str, _Ahead] = {}  # prefix -> the ids its stream has minted ahead, and how many are out
        self.issued: dict[str, int] = {}  # how many ids each stream has issued (what a snapshot records)
        self.given: dict[str, str] = {}  # prefix -> the id its next object takes as given (a world file's)
        self.taken: Callable[[str, str], bool] | None = None  # (prefix, id): an object holds it (a given id)

    def _stream(self, prefix: str) -> random.Random:
        stream = self._streams.get(prefix)
        if stream is None:
            digest = hashlib.sha256(f"fake_assistants:{self.seed}:{prefix}".encode()).digest()
            stream = random.Random(int.from_bytes(digest[:16], "big"))
            self._streams[prefix] = stream
        return stream

    def request_id(self) -> str:
        """A response's ``x-request-id``: 128 bits drawn at once, as 32 hex digits (no object keeps it, so a failed
        request does not give it back). The same id as ``new("req")``, for the one id every response needs."""
        stream = self._streams.get("req") or self._stream("req")
        self.issued["req"] = self.issued.get("req", 0) + 1
        return f"req_{stream.getrandbits(128):032x}"

    def new(self, prefix: str) -> str:
        if prefix == "req":
            return self.request_id()
        if self.given:
            given = self.given.pop(prefix, None)
            if given is not None:  # a world file's id, kept as given: the stream does not move
                return given
        ahead = self._ahead.get(prefix)
        if active():  # a failed request gives its ids back: the next ones are the same
            count, out = self.issued.get(prefix), ahead.out if ahead is not None else 0

            def give_back() -> None:
                if ahead is not None:
                    self._ahead[prefix] = ahead
                    ahead.out = out
                if count is None:
                    self.issued.pop(prefix, None)
                else:
                    self.issued[prefix] = count

            record(give_back)
        self.issued[prefix] = self.issued.get(prefix, 0) + 1
        minted = self._next(prefix)
        while self.taken is not None and self.taken(prefix, minted):  # a given id this stream would have issued
            minted = self._next(prefix)
        return minted

    def _next(self, prefix: str) -> str:
        """The stream's next id: minted :data:`AHEAD` at a time (one draw of the generator for all of them, and
        one copy of its state, which giving ids back needs), the same ids in the same order as one at a time."""
        ahead = self._ahead.get(prefix)
        if ahead is None or ahead.out == len(ahead.ids):
            stream = self._stream(prefix)
            before = ahead
            ahead = self._ahead[prefix] = _Ahead(stream.getstate(), _mint(stream, prefix, AHEAD))
            if active():  # a failed request puts the stream back where it was, with what it had minted
                record(partial(self._unmint, prefix, ahead.start, before))
        minted = ahead.ids[ahead.out]
        ahead.out += 1
        return minted

    def _unmint(self, prefix: str, start: Any, before: _Ahead | None) -> None:
        self._stream(prefix).setstate(start)
        if before is None:
            self._ahead.pop(prefix, None)
        else:
            self._ahead[prefix] = before

    def states(self) -> dict[str, Any]:
        """Each stream's generator state, JSON-ready, where its issued ids leave it (not where minting ahead did):
        restoring it skips replaying every id issued."""
        out: dict[str, Any] = {}
        for prefix, stream in self._streams.items():
            ahead = self._ahead.get(prefix)
            if ahead is not None:
                stream = random.Random()
                stream.setstate(ahead.start)
                _mint(stream, prefix, ahead.out)
            version, internal, gauss = stream.getstate()
            out[prefix] = [version, list(internal), gauss]
        return out

    def resume(self, issued: dict[str, int], states: dict[str, Any]) -> None:
        """Take up the streams where :meth:`states` found them."""
        for prefix, (version, internal, gauss) in states.items():
            self._stream(prefix).setstate((version, tuple(internal), gauss))
            self._ahead.pop(prefix, None)
        self.issued.update(issued)

    def replay(self, issued: dict[str, int]) -> None:
        """Move each stream on by ``issued[prefix]`` ids, so a restored emulator issues the same ids next."""
        for prefix, count in issued.items():
            for _ in range(count - self.issued.get(prefix, 0)):
                self.new(prefix)

"""Deterministic, real-looking ids: one seeded random stream per id prefix."""

from __future__ import annotations

import hashlib
import random
import string
import sys
from array import array
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


def _picks(stream: random.Random, size: int, count: int) -> list[int]:
    """``count`` draws of ``stream.choice`` over ``size`` items, exactly as it draws them, in bulk.

    ``choice`` calls ``getrandbits(k)`` (``k`` = ``size.bit_length()``) until the value is below ``size``; each call
    takes the top ``k`` bits of the generator's next 32-bit word. ``getrandbits(32 * n)`` returns the next ``n``
    words at once (least significant first), so the same words give the same picks, and the generator ends where
    ``choice`` would have left it: the words of rejected values are drawn again only as many times as needed.
    """
    shift = 32 - size.bit_length()
    picks: list[int] = []
    while len(picks) < count:
        wanted = count - len(picks)
        words = array(_WORD, stream.getrandbits(32 * wanted).to_bytes(4 * wanted, "little"))
        if _SWAP:
            words.byteswap()
        picks += [value for value in (word >> shift for word in words) if value < size]
    return picks


def _mint(stream: random.Random, prefix: str, count: int) -> list[str]:
    """The next ``count`` ids of ``prefix``'s stream, in order, from one bulk draw (see :func:`_picks`)."""
    separator, length, alphabet = ID_SHAPES[prefix]
    picks = _picks(stream, len(alphabet), length * count)
    letters = "".join([alphabet[pick] for pick in picks])
    return [prefix + separator + letters[at : at + length] for at in range(0, length * count, length)]


AHEAD = 32  # ids minted at once per stream


@dataclass
class _Ahead:
    start: Any  # the stream's state before it minted ``ids``
    ids: list[str]
    out: int = 0  # how many of ``ids`` are issued


_SWAP = sys.byteorder == "big"
_WORD = next(code for code in "ILH" if array(code).itemsize == 4)  # an unsigned 32-bit array item


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

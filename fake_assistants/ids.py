"""Deterministic, real-looking ids: one seeded random stream per id prefix."""

from __future__ import annotations

import hashlib
import random
import string
import sys
from array import array
from collections.abc import Callable
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
        separator, length, alphabet = ID_SHAPES[prefix]
        stream = self._stream(prefix)
        if active():  # a failed request gives its ids back: the next ones are the same
            state, count = stream.getstate(), self.issued.get(prefix)

            def give_back() -> None:
                stream.setstate(state)
                if count is None:
                    self.issued.pop(prefix, None)
                else:
                    self.issued[prefix] = count

            record(give_back)
        self.issued[prefix] = self.issued.get(prefix, 0) + 1
        minted = prefix + separator + "".join([alphabet[pick] for pick in _picks(stream, len(alphabet), length)])
        while self.taken is not None and self.taken(prefix, minted):  # a given id this stream would have issued
            minted = prefix + separator + "".join([alphabet[pick] for pick in _picks(stream, len(alphabet), length)])
        return minted

    def states(self) -> dict[str, Any]:
        """Each stream's generator state, JSON-ready: restoring it skips replaying every id issued."""
        out: dict[str, Any] = {}
        for prefix, stream in self._streams.items():
            version, internal, gauss = stream.getstate()
            out[prefix] = [version, list(internal), gauss]
        return out

    def resume(self, issued: dict[str, int], states: dict[str, Any]) -> None:
        """Take up the streams where :meth:`states` found them."""
        for prefix, (version, internal, gauss) in states.items():
            self._stream(prefix).setstate((version, tuple(internal), gauss))
        self.issued.update(issued)

    def replay(self, issued: dict[str, int]) -> None:
        """Move each stream on by ``issued[prefix]`` ids, so a restored emulator issues the same ids next."""
        for prefix, count in issued.items():
            for _ in range(count - self.issued.get(prefix, 0)):
                self.new(prefix)

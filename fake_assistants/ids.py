"""Deterministic, real-looking ids: one seeded random stream per id prefix."""

from __future__ import annotations

import hashlib
import random
import string

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


class IdFactory:
    """Issues ids such as ``asst_…`` from a per-prefix stream seeded by ``(seed, prefix)``.

    Two factories with the same seed issue the same ids in the same order, whatever the interleaving of
    prefixes; a different seed gives different ids.
    """

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._streams: dict[str, random.Random] = {}
        self.issued: dict[str, int] = {}  # how many ids each stream has issued (what a snapshot records)

    def _stream(self, prefix: str) -> random.Random:
        stream = self._streams.get(prefix)
        if stream is None:
            digest = hashlib.sha256(f"fake_assistants:{self.seed}:{prefix}".encode()).digest()
            stream = random.Random(int.from_bytes(digest[:16], "big"))
            self._streams[prefix] = stream
        return stream

    def new(self, prefix: str) -> str:
        separator, length, alphabet = ID_SHAPES[prefix]
        stream = self._stream(prefix)
        if active() and prefix != "req":  # a failed request gives its ids back: the next ones are the same
            state, count = stream.getstate(), self.issued.get(prefix)

            def give_back() -> None:
                stream.setstate(state)
                if count is None:
                    self.issued.pop(prefix, None)
                else:
                    self.issued[prefix] = count

            record(give_back)
        self.issued[prefix] = self.issued.get(prefix, 0) + 1
        return prefix + separator + "".join(stream.choice(alphabet) for _ in range(length))

    def replay(self, issued: dict[str, int]) -> None:
        """Move each stream on by ``issued[prefix]`` ids, so a restored emulator issues the same ids next."""
        for prefix, count in issued.items():
            for _ in range(count - self.issued.get(prefix, 0)):
                self.new(prefix)

"""Clocks: where the emulator reads "now" from.

The default :class:`SystemClock` calls ``time.time()`` on every read, so freezegun and time-machine move it.
A :class:`ManualClock` only moves when a test tells it to.
"""

from __future__ import annotations

import time
from typing import Protocol


class Clock(Protocol):
    """Anything that tells the current Unix time in whole seconds."""

    def now(self) -> int: ...


class SystemClock:
    """Follows ``time.time()`` (and therefore freezegun and time-machine)."""

    def now(self) -> int:
        return int(time.time())

    def __repr__(self) -> str:
        return "SystemClock()"


class ManualClock:
    """A clock that stands still until :meth:`advance` or :meth:`set` moves it."""

    def __init__(self, start: int = 1_700_000_000) -> None:
        self._now = int(start)

    def now(self) -> int:
        return self._now

    def advance(self, seconds: int) -> int:
        if seconds < 0:
            raise ValueError("a ManualClock never goes backwards")
        self._now += int(seconds)
        return self._now

    def set(self, timestamp: int) -> None:
        if timestamp < self._now:
            raise ValueError("a ManualClock never goes backwards")
        self._now = int(timestamp)

    def __repr__(self) -> str:
        return f"ManualClock(start={self._now})"


class OffsetClock:
    """Another clock, moved on by a fixed number of seconds (how ``fake.advance_clock`` moves a clock it does not
    own, such as the system clock)."""

    def __init__(self, base: Clock, offset: int) -> None:
        if isinstance(base, OffsetClock):
            offset += base.offset
            base = base.base
        self.base: Clock = base
        self.offset: int = offset

    def now(self) -> int:
        return self.base.now() + self.offset

    def __repr__(self) -> str:
        return f"OffsetClock({self.base!r}, {self.offset})"

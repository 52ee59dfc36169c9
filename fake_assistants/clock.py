"""Clocks: where the emulator reads "now" from.

The default :class:`SystemClock` calls ``time.time()`` on every read, so freezegun and time-machine move it.
A :class:`ManualClock` only moves when a test tells it to.
"""

from __future__ import annotations

import time
from typing import Protocol

LATEST = 253_402_300_799
"""The latest "now" a clock may be moved to: 9999-12-31T23:59:59Z. Every timestamp the emulator derives from it
(expiries included, a few years on at most) stays far below 2**53 - 1, the largest integer JavaScript holds
exactly, and so within int64 too."""


def check_advance(now: int, seconds: int) -> None:
    """Refuse to move a clock past :data:`LATEST`."""
    if now + seconds > LATEST:
        raise ValueError(f"the clock cannot move past {LATEST} (9999-12-31): {now} + {seconds} is later")


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
        check_advance(self._now, seconds)
        self._now += int(seconds)
        return self._now

    def set(self, timestamp: int) -> None:
        if timestamp < self._now:
            raise ValueError("a ManualClock never goes backwards")
        check_advance(timestamp, 0)
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

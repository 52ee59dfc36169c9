"""Clocks: where the emulator reads "now" from.

The default :class:`SystemClock` calls ``time.time()`` on every read, so freezegun and time-machine move it.
A :class:`ManualClock` only moves when a test tells it to.

The API counts whole seconds; moving a clock takes seconds as an ``int``, a ``float`` or a ``datetime.timedelta``
(as freezegun's ``tick()`` and time-machine's ``shift()`` do). A clock keeps the fractions, to the microsecond, and
reports "now" rounded down to the second, as ``int(time.time())`` does: two moves of 0.5 s move "now" by one second,
and one move of 1.5 s by one second (the next 0.5 s makes it two).
"""

from __future__ import annotations

import math
import time
from datetime import timedelta
from typing import Protocol

MICROSECONDS = 1_000_000
Duration = int | float | timedelta
"""How far to move a clock: seconds (``int`` or ``float``) or a ``timedelta``."""


def to_microseconds(amount: Duration) -> int:
    """A duration in whole microseconds (a float is rounded to the nearest one); a negative, infinite or NaN
    duration, or something else, is a ``ValueError``."""
    if isinstance(amount, timedelta):
        micros = amount // timedelta(microseconds=1)
    elif isinstance(amount, bool) or not isinstance(amount, (int, float)):
        raise ValueError(f"the clock moves by seconds (an int or a float) or a timedelta, not {amount!r}")
    elif isinstance(amount, float) and not math.isfinite(amount):
        raise ValueError(f"the clock moves by a finite number of seconds, not {amount!r}")
    else:
        micros = amount * MICROSECONDS if isinstance(amount, int) else round(amount * MICROSECONDS)
    if micros < 0:
        raise ValueError("the clock moves forward only: a duration of 0 or more")
    return int(micros)

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
        self._micros = int(start) * MICROSECONDS

    def now(self) -> int:
        return self._micros // MICROSECONDS

    def advance(self, seconds: Duration) -> int:
        """Move on by ``seconds`` (an int, a float or a timedelta; fractions add up); returns the new "now"."""
        if not isinstance(seconds, timedelta) and isinstance(seconds, (int, float)) and seconds < 0:
            raise ValueError("a ManualClock never goes backwards")
        micros = to_microseconds(seconds)
        check_advance(self.now(), (self._micros % MICROSECONDS + micros) // MICROSECONDS)
        self._micros += micros
        return self.now()

    def set(self, timestamp: int) -> None:
        if timestamp < self.now():
            raise ValueError("a ManualClock never goes backwards")
        check_advance(timestamp, 0)
        self._micros = int(timestamp) * MICROSECONDS

    def __repr__(self) -> str:
        return f"ManualClock(start={self.now()})"


class OffsetClock:
    """Another clock, moved on by a fixed duration (how ``fake.advance_clock`` moves a clock it does not own, such
    as the system clock). ``offset`` is in seconds; fractions of a second add up (``offset_micros``)."""

    def __init__(self, base: Clock, offset: Duration) -> None:
        micros = offset * MICROSECONDS if isinstance(offset, int) and not isinstance(offset, bool) else None
        if micros is None:
            micros = to_microseconds(offset)
        if isinstance(base, OffsetClock):
            micros += base.offset_micros
            base = base.base
        self.base: Clock = base
        self.offset_micros: int = micros

    @property
    def offset(self) -> int:
        """The offset in whole seconds (rounded down)."""
        return self.offset_micros // MICROSECONDS

    def now(self) -> int:
        return self.base.now() + self.offset

    def __repr__(self) -> str:
        return f"OffsetClock({self.base!r}, {self.offset})"

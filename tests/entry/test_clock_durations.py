"""The clock takes seconds as ints, floats and timedeltas, as freezegun's tick() and time-machine's shift() do; the
API counts whole seconds, so fractions add up and "now" is rounded down."""

from __future__ import annotations

import math
from datetime import timedelta

import pytest
import time_machine
from hypothesis import given
from hypothesis import strategies as st

from fake_assistants import FakeAssistants, ManualClock
from fake_assistants.clock import MICROSECONDS


def test_a_float_moves_the_clock_and_its_fraction_is_kept() -> None:
    fake = FakeAssistants(clock=ManualClock(1_000))
    assert fake.advance_clock(1.5) == 1_001
    assert fake.advance_clock(0.5) == 1_002
    assert fake.client().beta.threads.create().created_at == 1_002


def test_a_timedelta_moves_the_clock() -> None:
    fake = FakeAssistants(clock=ManualClock(1_000))
    assert fake.advance_clock(timedelta(minutes=2, milliseconds=500)) == 1_120
    assert fake.clock.advance(timedelta(milliseconds=500)) == 1_121  # type: ignore[attr-defined]


def test_the_system_clock_takes_fractions_too() -> None:
    with time_machine.travel(2_000_000_000.0, tick=False):
        fake = FakeAssistants()
        assert fake.advance_clock(0.75) == 2_000_000_000
        assert fake.advance_clock(0.25) == 2_000_000_001
        assert fake.advance_clock(timedelta(seconds=9)) == 2_000_000_010


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        (-0.5, "the clock moves forward only: a duration of 0 or more"),
        (timedelta(seconds=-1), "the clock moves forward only: a duration of 0 or more"),
        (math.nan, "the clock moves by a finite number of seconds, not nan"),
        (math.inf, "the clock moves by a finite number of seconds, not inf"),
        ("5", "the clock moves by seconds (an int or a float) or a timedelta, not '5'"),
        (True, "the clock moves by seconds (an int or a float) or a timedelta, not True"),
    ],
)
def test_what_cannot_move_the_clock_says_why_and_moves_nothing(amount: object, message: str) -> None:
    fake = FakeAssistants(clock=ManualClock(1_000))
    with pytest.raises(ValueError) as caught:
        fake.advance_clock(amount)  # type: ignore[arg-type]
    assert str(caught.value) == message
    assert fake.clock.now() == 1_000


@given(st.lists(st.floats(min_value=0, max_value=10_000, allow_nan=False), max_size=20))
def test_now_is_the_sum_of_the_moves_rounded_down(moves: list[float]) -> None:
    fake = FakeAssistants(clock=ManualClock(0))
    for move in moves:
        fake.advance_clock(move)
    exact = sum(round(move * MICROSECONDS) for move in moves)
    assert fake.clock.now() == exact // MICROSECONDS

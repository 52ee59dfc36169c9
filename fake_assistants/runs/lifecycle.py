"""The run lifecycle as a declared table, and the progression policies that decide when a run moves."""

from __future__ import annotations

from collections.abc import Mapping

from ..backend.models import RunStatus

ACTIVE_STATUSES: frozenset[RunStatus] = frozenset({"queued", "in_progress", "requires_action", "cancelling"})
TERMINAL_STATUSES: frozenset[RunStatus] = frozenset({"cancelled", "failed", "completed", "incomplete", "expired"})

# Every status a run may move to from each status. The engine refuses any other move.
TRANSITIONS: Mapping[RunStatus, frozenset[RunStatus]] = {
    "queued": frozenset({"in_progress", "cancelling", "failed", "expired"}),
    "in_progress": frozenset({"requires_action", "completed", "failed", "incomplete", "cancelling", "expired"}),
    "requires_action": frozenset({"queued", "cancelling", "expired"}),
    "cancelling": frozenset({"cancelled"}),
    "cancelled": frozenset(),
    "failed": frozenset(),
    "completed": frozenset(),
    "incomplete": frozenset(),
    "expired": frozenset(),
}

RUN_LIFETIME_SECONDS = 600

"""
- ``per_read`` (default): each retrieve of a run moves it one status.
- ``immediate``: a run settles (reaches a status that waits on the client, or a terminal one) as soon as it is
  created, read, or given its tool outputs.
- ``by_clock``: a run moves one status per ``seconds_per_status`` of the emulator's clock (freezegun, time-machine
  or a ``ManualClock`` move it); the moves are dated when they fell due.
- ``manual``: a run moves only when the test calls ``fake.advance(run_id)``.
"""

# Statuses the engine moves a run out of by itself; the others wait on the client or are final.
MOVING_STATUSES: frozenset[RunStatus] = frozenset({"queued", "in_progress", "cancelling"})


class IllegalTransition(RuntimeError):
    """The engine was asked for a move the lifecycle table does not allow (a bug in the emulator)."""

"""The scripted response engine: the queue of turns a test declares, consumed in FIFO order by runs."""

from __future__ import annotations

from collections import deque
from typing import TypeVar

from .turns import (
    DEFAULT_REPLY_TEXT,
    ERROR_CODES,
    INCOMPLETE_REASONS,
    ErrorCode,
    Expire,
    Fail,
    Incomplete,
    IncompleteReason,
    Reply,
    Turn,
)

TurnT = TypeVar("TurnT", Reply, Fail, Incomplete, Expire)


class Script:
    """What the emulated assistant says. ``fake.script.reply("x")`` queues the next run's reply.

    A run takes its turn when it starts (``queued`` → ``in_progress``). A run that finds the queue empty replies
    with :data:`~fake_assistants.script.turns.DEFAULT_REPLY_TEXT`.
    """

    def __init__(self) -> None:
        self._pending: deque[Turn] = deque()
        self._consumed: list[Turn] = []

    def reply(self, text: str) -> Reply:
        """Queue a text reply for the next run."""
        if not isinstance(text, str):
            raise TypeError(f"a scripted reply is a str, not {type(text).__name__}")
        return self._queue(Reply(text))

    def fail(self, code: ErrorCode = "server_error", message: str = "Something went wrong.") -> Fail:
        """Queue a failure: the next run ends ``failed`` with this ``last_error``."""
        if code not in ERROR_CODES:
            raise ValueError(f"a run's last_error code is one of {ERROR_CODES}, not {code!r}")
        return self._queue(Fail(code, message))

    def incomplete(self, reason: IncompleteReason = "max_completion_tokens") -> Incomplete:
        """Queue an ``incomplete`` ending for the next run, with ``incomplete_details.reason``."""
        if reason not in INCOMPLETE_REASONS:
            raise ValueError(f"an incomplete run's reason is one of {INCOMPLETE_REASONS}, not {reason!r}")
        return self._queue(Incomplete(reason))

    def expire(self) -> Expire:
        """Queue an expiry: the next run ends ``expired`` instead of answering."""
        return self._queue(Expire())

    def _queue(self, turn: TurnT) -> TurnT:
        self._pending.append(turn)
        return turn

    def next_turn(self) -> Turn:
        if self._pending:
            turn = self._pending.popleft()
            self._consumed.append(turn)
            return turn
        return Reply(DEFAULT_REPLY_TEXT)

    @property
    def pending(self) -> tuple[Turn, ...]:
        """Scripted turns no run has taken yet."""
        return tuple(self._pending)

    @property
    def consumed(self) -> tuple[Turn, ...]:
        """Scripted turns runs have taken, in order (default replies are not listed)."""
        return tuple(self._consumed)

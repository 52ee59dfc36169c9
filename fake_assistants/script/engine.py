"""The scripted response engine: the queue of turns a test declares, consumed in FIFO order by runs."""

from __future__ import annotations

from collections import deque

from .turns import DEFAULT_REPLY_TEXT, Reply, Turn


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
        turn = Reply(text)
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

    def clear(self) -> None:
        self._pending.clear()

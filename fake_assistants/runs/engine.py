"""The run engine: moves runs through the lifecycle table, lazily, when they are observed.

Nothing runs in the background. A run moves when it is read (per the progression policy), when a test calls
``fake.advance``, or when the clock passes its ``expires_at``.
"""

from __future__ import annotations

from ..backend.models import Message, Run, RunStatus, Thread, Usage
from ..backend.state import Backend
from ..errors import invalid_request
from ..script.turns import Expire, Fail, Incomplete, Reply
from .lifecycle import ACTIVE_STATUSES, TERMINAL_STATUSES, TRANSITIONS, IllegalTransition
from .tokens import count_tokens


def transition(run: Run, to: RunStatus) -> None:
    if to not in TRANSITIONS[run.status]:
        raise IllegalTransition(f"run {run.id} cannot move from {run.status!r} to {to!r}")
    run.status = to


def expire_if_due(backend: Backend, run: Run, now: int) -> bool:
    """Expire an active run whose ``expires_at`` has passed. Returns whether it did."""
    due = run.expires_at is not None and now >= run.expires_at
    if due and run.status in ACTIVE_STATUSES and run.status != "cancelling":
        transition(run, "expired")
        return True
    return False


def active_run(backend: Backend, thread: Thread, now: int) -> Run | None:
    """The thread's active run, if any, after expiring any run whose time is up."""
    for run_id in reversed(thread.run_ids):
        run = backend.runs[run_id]
        if run.status in ACTIVE_STATUSES and not expire_if_due(backend, run, now):
            return run
    return None


def step(backend: Backend, run: Run, now: int) -> bool:
    """Move ``run`` one status forward. Returns False when it cannot move (terminal, or waiting on the client)."""
    if run.status in TERMINAL_STATUSES or expire_if_due(backend, run, now):
        return False
    if run.status == "queued":
        transition(run, "in_progress")
        run.started_at = now
        run.turn = backend.script.next_turn()
        return True
    if run.status == "in_progress":
        _play_turn(backend, run, now)
        return True
    if run.status == "cancelling":
        transition(run, "cancelled")
        run.cancelled_at = now
        run.expires_at = None
        return True
    return False


def settle(backend: Backend, run: Run, now: int) -> None:
    """Move ``run`` until it stops: a terminal status, or one that waits on the client."""
    while step(backend, run, now):
        pass


def observe(backend: Backend, run: Run, now: int) -> None:
    """A client read ``run``: apply expiry, then the progression policy."""
    if expire_if_due(backend, run, now):
        return
    if backend.progression == "per_read":
        step(backend, run, now)
    elif backend.progression == "immediate":
        settle(backend, run, now)


def started(backend: Backend, run: Run, now: int) -> None:
    """A run was just created."""
    if backend.progression == "immediate":
        settle(backend, run, now)


def cancel(backend: Backend, run: Run, now: int) -> None:
    expire_if_due(backend, run, now)
    if run.status in TERMINAL_STATUSES or run.status == "cancelling":
        raise invalid_request(f"Cannot cancel run with status '{run.status}'.")
    transition(run, "cancelling")
    if backend.progression == "immediate":
        settle(backend, run, now)


def _play_turn(backend: Backend, run: Run, now: int) -> None:
    """Play the run's turn: the move out of ``in_progress`` into the status the turn ends in."""
    turn = run.turn
    if isinstance(turn, Expire):
        transition(run, "expired")
        return
    thread = backend.threads[run.thread_id]
    prompt = count_tokens(run.instructions) + sum(
        count_tokens(_text_of(backend.messages[message_id])) for message_id in thread.message_ids
    )
    run.expires_at = None
    if isinstance(turn, Fail):
        transition(run, "failed")
        run.failed_at = now
        run.last_error = {"code": turn.code, "message": turn.message}
        run.usage = Usage(prompt_tokens=prompt, completion_tokens=0)
        return
    if isinstance(turn, Incomplete):
        transition(run, "incomplete")
        run.incomplete_details = {"reason": turn.reason}
        run.usage = Usage(prompt_tokens=prompt, completion_tokens=0)
        return
    assert isinstance(turn, Reply)
    message = Message(
        id=backend.ids.new("msg"),
        created_at=now,
        thread_id=run.thread_id,
        role="assistant",
        content=[{"type": "text", "text": {"value": turn.text, "annotations": []}}],
        assistant_id=run.assistant_id,
        run_id=run.id,
        completed_at=now,
    )
    backend.messages[message.id] = message
    thread.message_ids.append(message.id)
    transition(run, "completed")
    run.completed_at = now
    run.usage = Usage(prompt_tokens=prompt, completion_tokens=count_tokens(turn.text))


def _text_of(message: Message) -> str:
    return " ".join(part["text"]["value"] for part in message.content if part["type"] == "text")

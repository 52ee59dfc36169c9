"""The run engine: moves runs through the lifecycle table, lazily, when they are observed.

Nothing runs in the background. A run moves when it is read (per its progression policy), when a test calls
``fake.advance``, when its tool outputs arrive, or when the clock passes its ``expires_at``. Each move is a
generator of events (see ``events.py``); the functions without ``_events`` apply a move and drop its events.
"""

from __future__ import annotations

from collections.abc import Generator, Sequence

from ..backend.models import Run, Thread
from ..backend.state import Backend
from ..backend.vector_stores import ready_thread_stores
from ..errors import cannot_cancel, no_tool_outputs_expected, tool_outputs_mismatch
from ..script.turns import CallFunctions
from ..settings import Progression
from .context import run_context
from .events import Event, Events, drain
from .lifecycle import ACTIVE_STATUSES, MOVING_STATUSES, TERMINAL_STATUSES
from .play import (
    accept_outputs,
    end_cancelled,
    end_expired,
    open_ahead,
    play_ending,
    play_tool_step,
    transition,
)
from .rules import check_turn, default_turn


def policy(backend: Backend, run: Run) -> Progression:
    return run.progression or backend.settings.progression


# --- expiry ----------------------------------------------------------------------------------------------------


def expire_events(backend: Backend, run: Run, now: int) -> Events:
    """Expire an active run whose ``expires_at`` has passed (a cancelling run finishes cancelling instead)."""
    if run.status in ACTIVE_STATUSES and run.expires_at is not None and now >= run.expires_at:
        if run.status == "cancelling":
            yield from end_cancelled(backend, run, now)
        else:
            yield from end_expired(backend, run, now)


def expire_if_due(backend: Backend, run: Run, now: int) -> bool:
    """Apply expiry; returns whether the run is now over because of it."""
    before = run.status
    drain(expire_events(backend, run, now))
    return run.status != before


def active_run(backend: Backend, thread: Thread, now: int) -> Run | None:
    """The thread's active run, if any, brought up to the clock. Only the newest run can be active: a run is
    refused while another is, and runs are never deleted one by one."""
    run = backend.active_run_candidate(thread)
    if run is None or run.status not in ACTIVE_STATUSES:
        return None
    catch_up(backend, run, now)
    return run if run.status in ACTIVE_STATUSES else None


# --- moves -----------------------------------------------------------------------------------------------------


def move_events(backend: Backend, run: Run, now: int) -> Generator[Event, None, None]:
    """One move: out of ``queued``, ``in_progress`` or ``cancelling``. Nothing for a run that waits or is over."""
    expired = list(expire_events(backend, run, now))
    if expired:
        yield from expired
        return
    if run.status == "queued":
        yield from _start(backend, run, now)
    elif run.status == "in_progress":
        yield from _play(backend, run, now)
    elif run.status == "cancelling":
        yield from end_cancelled(backend, run, now)


def step(backend: Backend, run: Run, now: int) -> bool:
    """Move ``run`` once. Returns False when it could not move (over, waiting on the client, or being streamed)."""
    if run.streaming:
        return False
    if run.status not in MOVING_STATUSES:
        expire_if_due(backend, run, now)
        return False
    drain(move_events(backend, run, now))
    return True


def settle_events(backend: Backend, run: Run, now: int) -> Events:
    """Move ``run`` until it stops: a terminal status, or one that waits on the client.

    A consumer that reads the events slowly (a stream) lets other requests in between. If one of them cancels the
    run meanwhile, the move in hand is dropped where it stands and the run is cancelled instead.
    """
    while run.status in MOVING_STATUSES:
        moving = move_events(backend, run, now)
        for event in moving:
            ours = run.status
            yield event
            if run.status != ours:  # another request moved the run while the consumer read this event
                moving.close()
                yield Event(f"thread.run.{run.status}", run)
                break
    yield from expire_events(backend, run, now)


def stream_events(run: Run, events: Events) -> Events:
    """``events`` for a stream that owns ``run`` from now on: reads and the clock leave it to the stream until the
    stream is done (a cancel still lands, and the stream tells it)."""
    run.streaming = True
    return _owned(run, events)


def _owned(run: Run, events: Events) -> Events:
    try:
        yield from events
    finally:
        run.streaming = False


def catch_up(backend: Backend, run: Run, now: int) -> None:
    """Apply what the clock alone decides: expiry, and the moves of a by-clock run that have fallen due."""
    if run.streaming:
        return
    if policy(backend, run) == "by_clock":
        interval = backend.settings.seconds_per_status
        while run.status in MOVING_STATUSES and run.moved_at + interval <= now:
            due = run.moved_at + interval
            if expire_if_due(backend, run, due):
                return
            drain(move_events(backend, run, due))
    expire_if_due(backend, run, now)


def observe(backend: Backend, run: Run, now: int) -> None:
    """A client read ``run``: apply the clock, then the progression policy (nothing moves a run that is over)."""
    if run.status not in ACTIVE_STATUSES:
        return
    catch_up(backend, run, now)
    current = policy(backend, run)
    if current == "per_read":
        step(backend, run, now)
    elif current == "immediate":
        drain(settle_events(backend, run, now))


def started(backend: Backend, run: Run, now: int) -> None:
    """A run was just created, or given its tool outputs."""
    if policy(backend, run) == "immediate":
        drain(settle_events(backend, run, now))


def _start(backend: Backend, run: Run, now: int) -> Events:
    """``queued`` → ``in_progress``. A new run picks its turn first; a failing pick changes nothing. The thread's
    own vector store is ready before the run searches it."""
    ready_thread_stores(backend, backend.threads[run.thread_id].tool_resources)
    if run.turn is None:
        context = run_context(backend, run)
        selection = backend.script.select(context)
        turn = selection.turn if selection is not None else default_turn(context)
        check_turn(turn, context)
        backend.script.take(selection, run.id) if selection is not None else None
        run.turn = turn
        run.responder = selection.responder if selection is not None else None
        run.started_at = now
    yield transition(run, "in_progress", now)
    yield from open_ahead(backend, run, now)


def _play(backend: Backend, run: Run, now: int) -> Events:
    """``in_progress`` → the next status the turn reaches: ``requires_action`` or an ending."""
    assert run.turn is not None
    if run.turn_position >= len(run.turn.steps) and run.turn.ending is None and _asks_again(run):
        _follow_up(backend, run)
    while True:
        while run.turn_position < len(run.turn.steps):
            tool_step = run.turn.steps[run.turn_position]
            run.turn_position += 1
            yield from play_tool_step(backend, run, now, tool_step)
            if run.status != "in_progress":
                return
        if not (_continues(run) and _follow_up(backend, run)):
            break
    yield from play_ending(backend, run, now, run.turn.ending)


def _asks_again(run: Run) -> bool:
    """A responder's turn that ended open after a round of function calls: the responder says what comes next."""
    assert run.turn is not None
    return run.responder is not None and any(isinstance(s, CallFunctions) for s in run.turn.steps)


def _continues(run: Run) -> bool:
    """A responder that continues (a model) reads what the steps of its open turn did, and says what comes next in
    the same move, whatever the steps were."""
    assert run.turn is not None
    return run.responder is not None and run.responder.continues and run.turn.ending is None and bool(run.turn.steps)


def _follow_up(backend: Backend, run: Run) -> bool:
    """Ask the run's responder for the turn that follows; False when it passes (the open turn then ends)."""
    assert run.responder is not None
    context = run_context(backend, run)
    follow_up = run.responder(context)
    if follow_up is None:
        return False
    check_turn(follow_up, context)
    run.turn, run.turn_position = follow_up, 0
    return True


# --- client actions --------------------------------------------------------------------------------------------


def cancel_events(backend: Backend, run: Run, now: int) -> Events:
    """Checks at once (a finished run cannot be cancelled), then returns the events of the cancellation."""
    catch_up(backend, run, now)
    if run.status in TERMINAL_STATUSES or run.status == "cancelling":
        raise cannot_cancel(run.status)
    return _cancelling(backend, run, now)


def _cancelling(backend: Backend, run: Run, now: int) -> Events:
    run.required_action = None
    yield transition(run, "cancelling", now)
    if policy(backend, run) == "immediate":
        yield from settle_events(backend, run, now)


def cancel(backend: Backend, run: Run, now: int) -> None:
    drain(cancel_events(backend, run, now))


def submit_events(backend: Backend, run: Run, now: int, outputs: Sequence[tuple[str, str]]) -> Events:
    """Tool outputs arrive: the waiting step completes and the run goes back to ``queued``.

    Checks first (the real 400s): the run must be in ``requires_action``, and the outputs must answer exactly the
    calls in ``required_action``. Nothing changes when a check fails.
    """
    catch_up(backend, run, now)
    if run.status != "requires_action" or run.required_action is None or run.waiting_step_id is None:
        raise no_tool_outputs_expected(run.status)
    calls = run.required_action["submit_tool_outputs"]["tool_calls"]
    expected = [call["id"] for call in calls]
    given = [tool_call_id for tool_call_id, _ in outputs]
    if sorted(given) != sorted(expected):
        raise tool_outputs_mismatch(expected, given)
    return _resuming(backend, run, now, dict(outputs))


def _resuming(backend: Backend, run: Run, now: int, outputs: dict[str, str]) -> Events:
    yield from accept_outputs(backend, run, now, outputs)
    if policy(backend, run) == "immediate":
        yield from settle_events(backend, run, now)


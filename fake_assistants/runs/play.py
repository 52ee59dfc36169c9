"""Playing a turn: the tool steps, the function-call rounds, and the ending, as state changes with their events.

Every function here is a generator of :class:`Event`. It changes state as it goes, so a consumer must serialize
each event's data before asking for the next one (streaming does; polling just drains).

Token accounting (see ``tokens.py`` for the count): every step the "model" writes (a tool-call step or a message)
reads a prompt (the run's instructions, the thread's messages, and the run's tool calls and outputs so far) and
writes its completion (the function names and arguments, the code, the query, or the reply). A step's ``usage`` is
that pair; the run's ``usage`` is the sum over its steps, set when the run ends. ``max_prompt_tokens`` and
``max_completion_tokens`` cap the run's running totals: a step that would pass a cap ends the run ``incomplete``
instead (a reply is cut at the cap and its message left ``incomplete``).
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Sequence

from ..backend.files import upload_file
from ..backend.models import NO_ATTACHMENTS, NO_METADATA, JsonDict, Message, Run, RunStatus, RunStep, Thread, Usage
from ..backend.state import Backend
from ..journal import keep
from ..script.context import ToolOutput
from ..script.turns import (
    DEFAULT_REPLY_TEXT,
    Ending,
    Expire,
    Fail,
    Incomplete,
    IncompleteReason,
    Reply,
    ToolStep,
    is_image_name,
)
from ..steps import Annotation, kind_of, kind_of_call
from ..steps.message import Say
from ..tokens import count_tokens, first_tokens, pieces
from .context import message_text
from .events import Event, Events, MessageDelta, StepDelta
from .file_search import search_options, search_results
from .lifecycle import TRANSITIONS, IllegalTransition
from .scope import run_scope


def transition(run: Run, to: RunStatus, now: int) -> Event:
    if to not in TRANSITIONS[run.status]:
        raise IllegalTransition(f"run {run.id} cannot move from {run.status!r} to {to!r}")
    run.status = to
    run.moved_at = now
    return Event(f"thread.run.{to}", run)


# --- token accounting ------------------------------------------------------------------------------------------


def prompt_tokens(backend: Backend, run: Run) -> int:
    messages = thread_tokens(backend, backend.threads[run.thread_id])
    tool_io = sum(count_tokens(out.name + out.arguments) + count_tokens(out.output) for out in run.tool_outputs)
    return count_tokens(run.instructions or "") + messages + tool_io


def thread_tokens(backend: Backend, thread: Thread) -> int:
    """The tokens of the thread's messages, each counted once: the sum over its settled first messages (none is
    ``in_progress``: their text no longer changes) is kept per thread and grows with it, so a run's prompt costs
    what was added since the last one. A deletion before the kept ones, or a failed request, starts the sum anew."""
    ids = thread.message_ids
    count = len(ids)
    start = total = 0
    kept = backend.thread_tokens.get(thread.id)
    if kept is not None and kept[0] <= count and ids.window(kept[0] - 1, kept[0]) == [kept[1]]:
        start, total = kept[0], kept[2]
    settled, pending, open_before = start, 0, False
    messages = backend.messages
    for message_id in ids.window(start, count):
        message = messages[message_id]
        tokens = count_tokens(message_text(message))
        open_before = open_before or message.status == "in_progress"  # what follows an open one is not kept
        if open_before:
            pending += tokens
        else:
            total += tokens
            settled += 1
    if settled > start:
        backend.thread_tokens[thread.id] = (settled, ids.window(settled - 1, settled)[0], total)
    return total + pending


def spent(backend: Backend, run: Run) -> Usage:
    usages = [backend.steps[step_id].usage for step_id in run.step_ids]
    return Usage(
        prompt_tokens=sum(u.prompt_tokens for u in usages if u is not None),
        completion_tokens=sum(u.completion_tokens for u in usages if u is not None),
    )


def _over_budget(backend: Backend, run: Run, completion: int) -> IncompleteReason | None:
    used = spent(backend, run)
    if run.max_prompt_tokens is not None and used.prompt_tokens + prompt_tokens(backend, run) > run.max_prompt_tokens:
        return "max_prompt_tokens"
    if run.max_completion_tokens is not None and used.completion_tokens + completion > run.max_completion_tokens:
        return "max_completion_tokens"
    return None


def _completion_left(backend: Backend, run: Run) -> int | None:
    if run.max_completion_tokens is None:
        return None
    return max(run.max_completion_tokens - spent(backend, run).completion_tokens, 0)


# --- steps -----------------------------------------------------------------------------------------------------


def _new_step(backend: Backend, run: Run, now: int, details: JsonDict) -> RunStep:
    step = RunStep(
        id=backend.ids.new("step"),
        created_at=now,
        run_id=run.id,
        thread_id=run.thread_id,
        assistant_id=run.assistant_id,
        type=details["type"],
        step_details=details,
    )
    backend.put_step(step)
    return step


def _open_step(backend: Backend, run: Run, now: int, details: JsonDict) -> tuple[RunStep, list[Event]]:
    """A new step, in_progress, with its events; or the one opened ahead (:func:`open_ahead`), already told."""
    ahead = backend.steps.get(run.opened_step_id) if run.opened_step_id is not None else None
    run.opened_step_id = None
    if ahead is not None and ahead.status == "in_progress" and ahead.type == details["type"]:
        return ahead, []
    step = _new_step(backend, run, now, details)
    return step, [Event("thread.run.step.created", step), Event("thread.run.step.in_progress", step)]


def open_ahead(backend: Backend, run: Run, now: int) -> Events:
    """The run just started: when it works on a tool step first, open that step now, so that a client polling the
    run's steps sees it ``in_progress`` (the live API listed it) before the next move plays it. Not when token caps
    may end the run first. (A message is opened with its step, as it is written.)"""
    turn = run.turn
    if turn is None or run.max_prompt_tokens is not None or run.max_completion_tokens is not None:
        return
    if run.turn_position >= len(turn.steps) or isinstance(turn.steps[run.turn_position], Say):
        return
    step, opened = _open_step(backend, run, now, {"type": "tool_calls", "tool_calls": []})
    run.opened_step_id = step.id
    yield from opened


def _charged(run: Run, counted: Usage, *, ending: bool = False) -> Usage:
    """A step's usage: as counted; or, for a turn whose model reported its usage (``Turn.usage``), that usage,
    charged to the turn's first step (its ending's message when it has no steps) and nothing to its other steps."""
    turn = run.turn
    if turn is None or turn.usage is None:
        return counted
    first = not turn.steps if ending else run.turn_position == 1
    return Usage(turn.usage.prompt_tokens, turn.usage.completion_tokens) if first else Usage(0, 0)


def _complete_step(step: RunStep, now: int, usage: Usage) -> Event:
    step.status = "completed"
    step.completed_at = now
    step.usage = usage
    return Event("thread.run.step.completed", step)


class StepPlayer:
    """The run engine's side of playing one step of a turn (``steps.Player``): a step kind decides what the step
    is, this writes it into the state with its events."""

    def __init__(self, backend: Backend, run: Run, now: int) -> None:
        self.backend, self.run, self.now = backend, run, now

    def new_call_id(self) -> str:
        return self.backend.ids.new("call")

    def tool_calls(
        self, completion_tokens: int, make_calls: Callable[[], list[JsonDict]], *, wait_for_outputs: bool = False
    ) -> Events:
        backend, run, now = self.backend, self.run, self.now
        reason = _over_budget(backend, run, completion_tokens)
        if reason is not None:
            yield from end_incomplete(backend, run, now, reason)
            return
        usage = _charged(run, Usage(prompt_tokens=prompt_tokens(backend, run), completion_tokens=completion_tokens))
        calls = make_calls()
        step, opened = _open_step(backend, run, now, {"type": "tool_calls", "tool_calls": []})
        yield from opened
        stored: list[JsonDict] = step.step_details["tool_calls"]
        size = backend.settings.stream_chunk_tokens
        for index, call in enumerate(calls):  # written a delta at a time, as the stream tells them
            for delta in kind_of_call(call["type"]).stream_call(call, index, stored, size):
                yield _step_delta(step, delta)
        if wait_for_outputs:
            run.waiting_step_id = step.id
            run.required_action = {"type": "submit_tool_outputs", "submit_tool_outputs": {"tool_calls": calls}}
            yield transition(run, "requires_action", now)
        else:
            yield _complete_step(step, now, usage)

    def save_output_file(self, name: str, content: bytes) -> str:
        backend, run = self.backend, self.run
        with backend.ownership.acting_as_owner_of(run.thread_id):  # the thread's owner, whoever moved the run
            stored = upload_file(backend, self.now, filename=name, content=content, purpose="assistants_output")
        run.output_files[name] = stored.id
        return stored.id

    def search(self, query: str) -> tuple[list[JsonDict], float]:
        backend, run = self.backend, self.run
        limit, threshold = search_options(run.tools)
        scope = run_scope(backend, run)
        return search_results(backend, scope, query, max_num_results=limit, score_threshold=threshold), threshold

    def write_message(self, text: str, annotations: Sequence[Annotation]) -> Events:
        """A message mid-turn: written like a reply, and the run stays ``in_progress`` for the turn's next step."""
        backend, run, now = self.backend, self.run, self.now
        if _over_budget(backend, run, 0) == "max_prompt_tokens":
            yield from end_incomplete(backend, run, now, "max_prompt_tokens")
            return
        cut = yield from _write_message(backend, run, now, Reply(text, tuple(annotations)), ending=False)
        if cut:
            run.incomplete_details = {"reason": "max_completion_tokens"}
            yield from _finish(backend, run, now, "incomplete")


def play_tool_step(backend: Backend, run: Run, now: int, tool_step: ToolStep) -> Events:
    """One step of a turn, played by its kind (``fake_assistants.steps``). A function-call round stops the run in
    ``requires_action``; a message is written and the run goes on; the others complete at once."""
    yield from kind_of(tool_step).play(tool_step, StepPlayer(backend, run, now))


def accept_outputs(backend: Backend, run: Run, now: int, outputs: dict[str, str]) -> Events:
    """The waiting function-call step gets its outputs and completes; the run goes back to ``queued``."""
    assert run.required_action is not None and run.waiting_step_id is not None
    calls = run.required_action["submit_tool_outputs"]["tool_calls"]
    completion = sum(count_tokens(c["function"]["name"]) + count_tokens(c["function"]["arguments"]) for c in calls)
    usage = _charged(run, Usage(prompt_tokens=prompt_tokens(backend, run), completion_tokens=completion))
    waiting = backend.steps[run.waiting_step_id]
    keep(waiting.step_details["tool_calls"])
    for step_call in waiting.step_details["tool_calls"]:
        step_call["function"]["output"] = outputs[step_call["id"]]
    for call in calls:
        function = call["function"]
        run.tool_outputs.append(ToolOutput(call["id"], function["name"], function["arguments"], outputs[call["id"]]))
    yield _complete_step(waiting, now, usage)
    run.required_action = None
    run.waiting_step_id = None
    yield transition(run, "queued", now)


def _step_delta(step: RunStep, call: JsonDict) -> Event:
    return Event("thread.run.step.delta", StepDelta(step.id, call))


# --- endings ---------------------------------------------------------------------------------------------------


def play_ending(backend: Backend, run: Run, now: int, ending: Ending | None) -> Events:
    if ending is None:
        ending = Reply(DEFAULT_REPLY_TEXT)
    if isinstance(ending, Expire):
        run.expires_at = now
        yield from end_expired(backend, run, now)
        return
    if isinstance(ending, Fail | Incomplete):
        reason = _over_budget(backend, run, 0)
        if reason is not None:
            yield from end_incomplete(backend, run, now, reason)
            return
        read = Usage(prompt_tokens=prompt_tokens(backend, run), completion_tokens=0)
        if isinstance(ending, Fail):
            run.last_error = {"code": ending.code, "message": ending.message}
            run.failed_at = now
            yield from _finish(backend, run, now, "failed", extra=read)
        else:
            run.incomplete_details = {"reason": ending.reason}
            yield from _finish(backend, run, now, "incomplete", extra=read)
        return
    yield from _reply(backend, run, now, ending)


def _reply(backend: Backend, run: Run, now: int, reply: Reply) -> Events:
    if _over_budget(backend, run, 0) == "max_prompt_tokens":
        yield from end_incomplete(backend, run, now, "max_prompt_tokens")
        return
    cut = yield from _write_message(backend, run, now, reply)
    if cut:
        run.incomplete_details = {"reason": "max_completion_tokens"}
        yield from _finish(backend, run, now, "incomplete")
    else:
        run.completed_at = now
        yield from _finish(backend, run, now, "completed")


def _write_message(
    backend: Backend, run: Run, now: int, reply: Reply, *, ending: bool = True
) -> Generator[Event, None, bool]:
    """A message_creation step and its message, written as the stream tells it. Returns whether the completion
    budget cut the text (the message is then ``incomplete``). ``ending``: the turn's reply, not a step's message."""
    left = _completion_left(backend, run)
    text = reply.text
    cut = left is not None and count_tokens(text) > left
    if cut:
        text = first_tokens(text, left or 0)
    prompt = prompt_tokens(backend, run)
    message_id = backend.ids.new("msg")
    step, opened = _open_step(
        backend, run, now, {"type": "message_creation", "message_creation": {"message_id": message_id}}
    )
    yield from opened
    message = Message(
        id=message_id,
        created_at=now,
        thread_id=run.thread_id,
        role="assistant",
        content=[],
        assistant_id=run.assistant_id,
        run_id=run.id,
        attachments=NO_ATTACHMENTS,
        metadata=NO_METADATA,
        status="in_progress",
    )
    backend.put_message(message)
    yield Event("thread.message.created", message)
    yield Event("thread.message.in_progress", message)
    given = reply.pieces if "".join(reply.pieces) == text else ()  # a model's own deltas, unless cut
    annotations = _annotations(reply, text, run.output_files)
    yield from _write_text(backend, message, text, annotations, given, streamed=run.streaming)
    yield from _attach_images(backend, run, message)
    if cut:
        message.status = "incomplete"
        message.incomplete_at = now
        message.incomplete_details = {"reason": "max_tokens"}
        yield Event("thread.message.incomplete", message)
    else:
        message.status = "completed"
        message.completed_at = now
        yield Event("thread.message.completed", message)
    counted = Usage(prompt_tokens=prompt, completion_tokens=count_tokens(text))
    yield _complete_step(step, now, _charged(run, counted, ending=ending))
    return cut


def _attach_images(backend: Backend, run: Run, message: Message) -> Events:
    """Images the run's code produced follow the text as ``image_file`` parts."""
    for file_id in run.output_files.values():
        stored = backend.files.get(file_id)
        if stored is None or not is_image_name(stored.filename):
            continue
        part: JsonDict = {"type": "image_file", "image_file": {"file_id": file_id}}
        message.content.append(part)
        yield Event("thread.message.delta", MessageDelta(message.id, {"index": len(message.content) - 1, **part}))


def _annotations(reply: Reply, text: str, output_files: dict[str, str]) -> list[JsonDict]:
    out: list[JsonDict] = []
    for annotation in reply.annotations:
        start = text.find(annotation.marker)
        if start < 0:
            continue  # cut off by max_completion_tokens
        out.append(
            {
                "type": annotation.kind,
                "text": annotation.marker,
                annotation.kind: {"file_id": output_files.get(annotation.file_id, annotation.file_id)},
                "start_index": start,
                "end_index": start + len(annotation.marker),
            }
        )
    return out


def _write_text(
    backend: Backend,
    message: Message,
    text: str,
    annotations: list[JsonDict],
    given: Sequence[str] = (),
    *,
    streamed: bool = True,
) -> Events:
    """Write the message's text a piece at a time (the ``given`` pieces, else ``stream_chunk_tokens`` each): each
    delta carries only its piece, and the annotations that end in it; the first carries ``annotations`` even when
    empty. A run nobody streams (polled: its events are drained) gets a text without annotations at once, as the
    pieces would have left it, and no delta is made."""
    value: JsonDict = {"value": "", "annotations": []}
    message.content = [{"type": "text", "text": value}]
    if not streamed and not annotations:
        value["value"] = text
        return
    start = 0
    for number, piece in enumerate(given or pieces(text, backend.settings.stream_chunk_tokens) or [""]):
        end = start + len(piece)
        landed = [(i, a) for i, a in enumerate(annotations) if start < a["end_index"] <= end]
        value["value"] += piece
        value["annotations"] += [a for _, a in landed]
        delta_text: JsonDict = {"value": piece}
        if number == 0 or landed:
            delta_text["annotations"] = [{"index": i, **a} for i, a in landed]
        yield Event("thread.message.delta", MessageDelta(message.id, {"index": 0, "type": "text", "text": delta_text}))
        start = end


def end_incomplete(backend: Backend, run: Run, now: int, reason: IncompleteReason) -> Events:
    run.incomplete_details = {"reason": reason}
    yield from _finish(backend, run, now, "incomplete")


def end_expired(backend: Backend, run: Run, now: int) -> Events:
    """The run's time ran out: it and its open steps expire."""
    for step in _open_steps(backend, run):
        step.status = "expired"
        step.expired_at = run.expires_at
    run.required_action = None
    run.waiting_step_id = None
    yield transition(run, "expired", now)


def end_cancelled(backend: Backend, run: Run, now: int) -> Events:
    """The run, its open steps and any message it was still writing stop here."""
    for message_id in list(backend.threads[run.thread_id].message_ids.tagged(run.id)):
        message = backend.messages[message_id]
        if message.status == "in_progress":
            message.status = "incomplete"
            message.incomplete_at = now
            message.incomplete_details = {"reason": "run_cancelled"}
            yield Event("thread.message.incomplete", message)
    for step in _open_steps(backend, run):
        step.status = "cancelled"
        step.cancelled_at = now
        yield Event("thread.run.step.cancelled", step)
    run.required_action = None
    run.waiting_step_id = None
    run.cancelled_at = now
    run.expires_at = None
    yield transition(run, "cancelled", now)


def _finish(backend: Backend, run: Run, now: int, status: RunStatus, extra: Usage | None = None) -> Events:
    used = spent(backend, run)
    if extra is not None:
        used = Usage(used.prompt_tokens + extra.prompt_tokens, used.completion_tokens + extra.completion_tokens)
    run.usage = used
    run.expires_at = None
    yield transition(run, status, now)


def _open_steps(backend: Backend, run: Run) -> list[RunStep]:
    return [backend.steps[s] for s in run.step_ids if backend.steps[s].status == "in_progress"]

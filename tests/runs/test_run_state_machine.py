"""A stateful property test of the run engine, driven through the ``openai`` SDK.

Hypothesis picks sequences of client actions (script a turn, create, retrieve, poll, advance, cancel, submit tool
outputs, add a message, move the clock) on two threads, under a progression policy it also picks. Before each
action the machine reads the thread through the SDK (``runs.list`` brings runs up to the clock, as every write does),
decides from that view whether the real API would answer 400, and checks that the emulator answers 400 exactly
then, with the real text, and changes nothing when it does. After every action an invariant reads everything back
and checks the lifecycle (``TRANSITIONS``), the timestamps, the steps and messages, and that each run plays the turn
it took from the script.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

import openai
import pytest
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from openai.types.beta.threads import Message, Run
from openai.types.beta.threads.runs import RunStep

from fake_assistants import DEFAULT_REPLY_TEXT, FakeAssistants, ManualClock
from fake_assistants.pytest_plugin import DEPRECATION_FILTERS
from fake_assistants.runs.lifecycle import (
    ACTIVE_STATUSES,
    MOVING_STATUSES,
    RUN_LIFETIME_SECONDS,
    TERMINAL_STATUSES,
    TRANSITIONS,
)
from fake_assistants.script.script import ScriptedTurn
from fake_assistants.settings import PROGRESSIONS

pytestmark = [pytest.mark.filterwarnings(f) for f in DEPRECATION_FILTERS]

START = 1_800_000_000
FUNCTIONS = ("get_weather", "get_time")
LIST: dict[str, Any] = {"order": "asc", "limit": 100}
# The run timestamps that, once set, never change (``expires_at`` is dropped when a run ends, so it is not one).
STAMPS = ("created_at", "started_at", "cancelled_at", "failed_at", "completed_at")


def reachable(source: str, target: str) -> bool:
    """Whether ``TRANSITIONS`` leads from ``source`` to ``target`` in zero or more moves."""
    seen, todo = {source}, deque([source])
    while todo:
        status = todo.popleft()
        if status == target:
            return True
        for following in TRANSITIONS[status]:  # type: ignore[index]
            if following not in seen:
                seen.add(following)
                todo.append(following)
    return False


def test_reachable_follows_the_table() -> None:
    assert reachable("queued", "completed") and reachable("requires_action", "cancelled")
    assert reachable("in_progress", "in_progress") and reachable("requires_action", "in_progress")
    assert not reachable("cancelling", "expired") and not reachable("completed", "queued")


# --- scripted turns ---------------------------------------------------------------------------------------------

Kind = Literal["reply", "calls", "code", "fail", "incomplete", "expire"]


@dataclass(frozen=True)
class Plan:
    """A turn the machine scripts, and what it should make the run that takes it do."""

    kind: Kind
    text: str | None = None  # the reply, for turns that end with one
    rounds: tuple[tuple[str, ...], ...] = ()  # function-call rounds, each of 1 or 2 parallel calls
    code: str | None = None
    error: tuple[str, str] | None = None
    reason: str | None = None

    def queue(self, fake: FakeAssistants) -> ScriptedTurn:
        script = fake.script
        if self.kind == "reply":
            assert self.text is not None
            return script.reply(self.text)
        if self.kind == "calls":
            assert self.text is not None
            first, *later = self.rounds
            turn = script.call_function(first[0], {"round": 0})
            for name in first[1:]:
                turn = turn.and_call(name, {"round": 0, "parallel": True})
            for number, round_ in enumerate(later, start=1):
                turn = turn.then_call(round_[0], {"round": number})
                for name in round_[1:]:
                    turn = turn.and_call(name, {"round": number, "parallel": True})
            return turn.then_reply(self.text)
        if self.kind == "code":
            assert self.code is not None and self.text is not None
            return script.run_code(self.code, "4\n").then_reply(self.text)
        if self.kind == "fail":
            assert self.error is not None
            return script.fail(self.error[0], self.error[1])  # type: ignore[arg-type]
        if self.kind == "incomplete":
            return script.incomplete(self.reason)  # type: ignore[arg-type]
        return script.expire()

    @property
    def replies(self) -> bool:
        return self.kind in ("reply", "calls", "code")


DEFAULT_PLAN = Plan("reply", text=DEFAULT_REPLY_TEXT)

texts = st.sampled_from(["Sunny.", "It is noon.", "Done: 4.", "Here you go!"])
one_round = st.lists(st.sampled_from(FUNCTIONS), min_size=1, max_size=2).map(tuple)
rounds = st.lists(one_round, min_size=1, max_size=2).map(tuple)
calls = st.builds(lambda r, text: Plan("calls", text=text, rounds=r), rounds, texts)
plans = st.one_of(
    calls,  # twice as likely as the others: function-call rounds are where most of the lifecycle is
    calls,
    texts.map(lambda text: Plan("reply", text=text)),
    texts.map(lambda text: Plan("code", text=text, code="print(2 + 2)")),
    st.sampled_from(
        [("server_error", "Something went wrong."), ("rate_limit_exceeded", "Slow down."), ("invalid_prompt", "No.")]
    ).map(lambda error: Plan("fail", error=error)),
    st.sampled_from(["max_completion_tokens", "max_prompt_tokens"]).map(lambda r: Plan("incomplete", reason=r)),
    st.just(Plan("expire")),
)


# --- what the observer remembers about a run ------------------------------------------------------------------


@dataclass
class Seen:
    thread_id: str
    status: str
    stamps: dict[str, int] = field(default_factory=dict)
    cancel_accepted: bool = False
    steps_settled: bool = False  # its steps were read once it was terminal: they can no longer change
    steps: list[RunStep] = field(default_factory=list)


def function_calls(step: RunStep) -> list[Any]:
    if step.step_details.type != "tool_calls":
        return []
    return [call for call in step.step_details.tool_calls if call.type == "function"]


class RunMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.clock = ManualClock(start=START)
        # spec shapes and a strict client: REST messages show their status, which the checks below read
        self.fake = FakeAssistants(seed=0, clock=self.clock, progression="per_read", shapes="spec")
        self.progression = "per_read"
        self.client = self.fake.client()
        tools: list[Any] = [{"type": "code_interpreter"}]
        tools += [
            {"type": "function", "function": {"name": name, "parameters": {"type": "object", "properties": {}}}}
            for name in FUNCTIONS
        ]
        self.assistant_id = self.client.beta.assistants.create(model="gpt-4o", instructions="Be brief.", tools=tools).id
        self.thread_ids = [self.client.beta.threads.create().id for _ in range(2)]
        self.runs_of: dict[str, list[str]] = {thread_id: [] for thread_id in self.thread_ids}
        self.user_messages: dict[str, list[str]] = {thread_id: [] for thread_id in self.thread_ids}
        self.seen: dict[str, Seen] = {}
        self.scripted: list[tuple[ScriptedTurn, Plan]] = []
        self.outputs: dict[str, str] = {}  # tool call id -> the output submitted for it

    # --- setup --------------------------------------------------------------------------------------------

    @initialize(progression=st.sampled_from(PROGRESSIONS), opening=calls)
    def start(self, progression: str, opening: Plan) -> None:
        """Pick the progression, and open with a run that calls functions (the longest lifecycle)."""
        self.fake.progression = progression  # type: ignore[assignment]
        self.progression = progression
        self.create_run(thread=0, plan=opening, scripted=1)

    # --- reading ------------------------------------------------------------------------------------------

    @property
    def runs(self) -> Any:
        return self.client.beta.threads.runs

    def list_runs(self, thread_id: str) -> list[Run]:
        runs: list[Run] = self.runs.list(thread_id=thread_id, **LIST).data
        assert [run.id for run in runs] == self.runs_of[thread_id]
        for run in runs:
            self.observe(run)
        active = [run for run in runs if run.status in ACTIVE_STATUSES]
        assert len(active) <= 1, f"{thread_id} has several active runs: {[(r.id, r.status) for r in active]}"
        assert not active or active[0].id == runs[-1].id, "only a thread's newest run can be active"
        return runs

    def current(self) -> dict[str, Run]:
        """Every run, brought up to the clock (``runs.list`` applies expiry and by-clock moves, never per-read)."""
        return {run.id: run for thread_id in self.thread_ids for run in self.list_runs(thread_id)}

    def active_on(self, thread_id: str) -> Run | None:
        active = [run for run in self.list_runs(thread_id) if run.status in ACTIVE_STATUSES]
        return active[0] if active else None

    def snapshot(self, run_ids: Iterable[str] = ()) -> list[Any]:
        """The wire state an erroring call must leave as it was (reads that change nothing at the same instant)."""
        state: list[Any] = [[entry.turn for entry in self.fake.script.pending]]
        for thread_id in self.thread_ids:
            state.append([run.model_dump() for run in self.runs.list(thread_id=thread_id, **LIST).data])
            messages = self.client.beta.threads.messages.list(thread_id=thread_id, **LIST).data
            state.append([message.model_dump() for message in messages])
        for run_id in run_ids:
            steps = self.runs.steps.list(run_id, thread_id=self.seen[run_id].thread_id, **LIST).data
            state.append([step.model_dump() for step in steps])
        return state

    def refused(self, call: Callable[[], object], message: str | None, run_ids: Iterable[str] = ()) -> None:
        """``call`` must fail with the real API's 400 (and ``message``, when given) and change nothing."""
        run_ids = list(run_ids)
        before = self.snapshot(run_ids)
        with pytest.raises(openai.BadRequestError) as caught:
            call()
        error = caught.value
        assert error.status_code == 400 and error.type == "invalid_request_error" and isinstance(error.body, dict)
        event("refused: " + re.sub(r"\b(thread|run|call)_\w+", r"\1_*", error.body["message"]))
        if message is not None:
            assert error.body["message"] == message
        assert self.snapshot(run_ids) == before, "a refused call changed the state"

    def plan_of(self, run_id: str) -> Plan:
        for entry, plan in self.scripted:
            if entry.run_id == run_id:
                return plan
        return DEFAULT_PLAN

    # --- the observer: every run object the SDK hands back goes through here ---------------------------------

    def observe(self, run: Run) -> None:
        now = self.clock.now()
        seen = self.seen.get(run.id)
        if seen is None:
            seen = self.seen[run.id] = Seen(run.thread_id, run.status)
        before = seen.status
        if before in TERMINAL_STATUSES:
            assert run.status == before, f"{run.id} left terminal {before!r} for {run.status!r}"
        assert reachable(before, run.status), f"{run.id}: {before!r} -> {run.status!r} is not in TRANSITIONS"
        if run.status != before:
            event(f"seen {before} -> {run.status}")
        seen.status = run.status
        for name in STAMPS:
            value = getattr(run, name)
            if name in seen.stamps:
                assert value == seen.stamps[name], f"{run.id}.{name} changed from {seen.stamps[name]} to {value}"
            elif value is not None:
                seen.stamps[name] = value
                assert value <= now, f"{run.id}.{name} is in the future"

        # Timestamps in order.
        assert run.created_at >= START
        if run.started_at is not None:
            assert run.created_at <= run.started_at
        for name in ("cancelled_at", "failed_at", "completed_at"):
            value = getattr(run, name)
            if value is not None:
                assert (run.started_at or run.created_at) <= value, f"{run.id}.{name} before it started"
        # The fields each status carries.
        assert (run.failed_at is not None) == (run.status == "failed")
        assert (run.completed_at is not None) == (run.status == "completed")
        assert (run.cancelled_at is not None) == (run.status == "cancelled")
        assert (run.last_error is not None) == (run.status == "failed")
        assert (run.incomplete_details is not None) == (run.status == "incomplete")
        assert (run.required_action is not None) == (run.status == "requires_action")
        if run.status in ("in_progress", "requires_action", "completed", "failed", "incomplete"):
            assert run.started_at is not None, f"{run.id} is {run.status} but never started"
        if run.status in ACTIVE_STATUSES:
            assert run.usage is None
            assert run.expires_at == run.created_at + RUN_LIFETIME_SECONDS
            assert now < run.expires_at, f"{run.id} is still {run.status} after its expires_at"
        if run.status in ("completed", "failed", "incomplete"):
            assert run.usage is not None
            assert run.usage.total_tokens == run.usage.prompt_tokens + run.usage.completion_tokens
        if run.status in ("completed", "failed", "incomplete", "cancelled"):
            assert run.expires_at is None
        if run.status == "expired":
            assert run.expires_at is not None and run.created_at <= run.expires_at <= now
        # Cancellation: only the client cancels, and a cancelled run ends cancelled.
        if run.status in ("cancelling", "cancelled"):
            assert seen.cancel_accepted, f"{run.id} is {run.status} but nobody cancelled it"
        if seen.cancel_accepted:
            assert run.status in ("cancelling", "cancelled"), f"{run.id} was cancelled but is {run.status}"
        # The run plays the turn it took.
        plan = self.plan_of(run.id)
        if run.status == "completed":
            assert plan.replies
        elif run.status == "failed":
            assert plan.kind == "fail" and plan.error is not None and run.last_error is not None
            assert (run.last_error.code, run.last_error.message) == plan.error
        elif run.status == "incomplete":
            assert plan.kind == "incomplete" and run.incomplete_details is not None
            assert run.incomplete_details.reason == plan.reason
        elif run.status == "expired":
            lifetime_over = now >= run.created_at + RUN_LIFETIME_SECONDS
            assert plan.kind == "expire" or lifetime_over, f"{run.id} expired early without a scripted expiry"
        elif run.status == "requires_action":
            assert plan.kind == "calls"

    # --- invariants ---------------------------------------------------------------------------------------

    @invariant()
    def script_is_consumed_in_order(self) -> None:
        consumed = list(self.fake.script.consumed)
        queued = [entry for entry, _ in self.scripted]
        assert consumed == queued[: len(consumed)], "runs took scripted turns out of order"
        assert list(self.fake.script.pending) == queued[len(consumed) :]
        takers = [entry.run_id for entry in consumed]
        assert len(set(takers)) == len(takers) and all(run_id in self.seen for run_id in takers)
        assert self.fake.script.errors == ()

    @invariant()
    def state_is_consistent(self) -> None:
        for thread_id in self.thread_ids:
            runs = self.list_runs(thread_id)
            messages = self.client.beta.threads.messages.list(thread_id=thread_id, **LIST).data
            created = [message.created_at for message in messages]
            assert created == sorted(created), "messages are not in order"
            users = [message.id for message in messages if message.role == "user"]
            assert users == self.user_messages[thread_id]
            run_ids = {run.id for run in runs}
            for message in messages:
                assert message.thread_id == thread_id
                if message.role == "assistant":
                    assert message.run_id in run_ids and message.assistant_id == self.assistant_id
                else:
                    assert message.run_id is None
            for run in runs:
                self.check_steps(run, [message for message in messages if message.run_id == run.id])

    def check_steps(self, run: Run, messages: list[Message]) -> None:
        seen = self.seen[run.id]
        if not seen.steps_settled:
            seen.steps = self.runs.steps.list(run.id, thread_id=run.thread_id, **LIST).data
            seen.steps_settled = run.status in TERMINAL_STATUSES
        steps = seen.steps
        plan = self.plan_of(run.id)
        for message in messages:
            assert message.created_at >= run.created_at
            assert message.status == "completed" and message.completed_at is not None
        made = [step for step in steps if step.step_details.type == "message_creation"]
        made_ids = [step.step_details.message_creation.message_id for step in made]  # type: ignore[union-attr]
        assert sorted(made_ids) == sorted(message.id for message in messages), (
            f"{run.id}: message_creation steps {made_ids} vs its messages {[m.id for m in messages]}"
        )
        for step in steps:
            assert step.run_id == run.id and step.thread_id == run.thread_id
            assert step.created_at >= run.created_at and step.created_at >= (run.started_at or run.created_at)
            for name in ("completed_at", "cancelled_at", "expired_at", "failed_at"):
                value = getattr(step, name)
                if value is not None:
                    assert step.status == name.removesuffix("_at") and step.created_at <= value <= self.clock.now()
            if run.status in TERMINAL_STATUSES:
                assert step.status != "in_progress", f"{run.id} is {run.status} with an open step"
            for call in function_calls(step):
                if step.status == "completed":
                    assert call.function.output == self.outputs[call.id]
                else:
                    assert call.function.output is None
        rounds = [step for step in steps if function_calls(step)]
        assert len(rounds) <= len(plan.rounds)
        for number, step in enumerate(rounds):
            assert tuple(call.function.name for call in function_calls(step)) == plan.rounds[number]
        open_steps = [step for step in steps if step.status == "in_progress"]
        if run.status == "requires_action":
            assert run.required_action is not None
            required = run.required_action.submit_tool_outputs.tool_calls
            assert [step.id for step in open_steps] == [rounds[-1].id], f"{run.id} waits on the wrong step"
            assert [call.id for call in required] == [call.id for call in function_calls(rounds[-1])]
            assert [call.function.name for call in required] == list(plan.rounds[len(rounds) - 1])
        if run.status == "completed":
            assert len(messages) == 1 and len(made) == 1
            text = messages[0].content[0]
            assert text.type == "text" and text.text.value == plan.text
            assert len(rounds) == len(plan.rounds)
            codes = [
                call
                for step in steps
                if step.step_details.type == "tool_calls"
                for call in step.step_details.tool_calls
                if call.type == "code_interpreter"
            ]
            assert [call.code_interpreter.input for call in codes] == ([plan.code] if plan.kind == "code" else [])
        else:
            assert messages == [], f"{run.id} is {run.status} but wrote a message"

    # --- rules --------------------------------------------------------------------------------------------

    @rule(plan=plans)
    def script_turn(self, plan: Plan) -> None:
        self.scripted.append((plan.queue(self.fake), plan))

    @rule(thread=st.integers(0, 1), plan=plans, scripted=st.integers(0, 3))
    def create_run(self, thread: int, plan: Plan, scripted: int) -> None:
        """Create a run; when the thread is free, script ``plan`` for it first, mostly (else the script decides)."""
        thread_id = self.thread_ids[thread]
        active = self.active_on(thread_id)

        def create() -> Run:
            return self.runs.create(thread_id=thread_id, assistant_id=self.assistant_id)  # type: ignore[no-any-return]

        if active is not None:
            message = f"Thread {thread_id} already has an active run {active.id}."
            self.refused(create, message, [active.id])
            return
        if scripted:
            self.script_turn(plan)
        run = create()
        self.runs_of[thread_id].append(run.id)
        assert run.created_at == self.clock.now() and run.thread_id == thread_id
        if self.progression == "immediate":
            assert run.status not in MOVING_STATUSES
        else:
            assert run.status == "queued"
        self.observe(run)

    def pick(self, data: st.DataObject, runs: dict[str, Run], prefer: Callable[[Run], bool]) -> Run:
        favoured = sorted(run_id for run_id, run in runs.items() if prefer(run))
        use_favoured = bool(favoured) and data.draw(st.booleans(), label="favoured")
        pool = favoured if use_favoured else sorted(runs)
        return runs[data.draw(st.sampled_from(pool), label="run")]

    def has_runs(self) -> bool:
        return bool(self.seen)

    @precondition(has_runs)
    @rule(data=st.data(), times=st.integers(1, 4))
    def retrieve(self, data: st.DataObject, times: int) -> None:
        before = self.pick(data, self.current(), lambda run: run.status in MOVING_STATUSES)
        for _ in range(times):
            run = self.runs.retrieve(before.id, thread_id=before.thread_id)
            self.observe(run)
            if self.progression == "per_read" and before.status in MOVING_STATUSES:
                assert run.status in TRANSITIONS[before.status]
            elif self.progression == "immediate":
                assert run.status not in MOVING_STATUSES
            else:
                assert run.status == before.status
            before = run

    @precondition(has_runs)
    @rule(data=st.data())
    def settle(self, data: st.DataObject) -> None:
        """Let a run go until it waits on the client or ends, by the means its progression gives a client."""
        before = self.pick(data, self.current(), lambda run: run.status in MOVING_STATUSES)
        if self.progression in ("per_read", "immediate"):
            run = self.runs.poll(before.id, thread_id=before.thread_id, poll_interval_ms=0)
            self.observe(run)
            status = run.status
        else:
            status = before.status
            for _ in range(10):
                if status not in MOVING_STATUSES:
                    break
                if self.progression == "manual":
                    now = self.fake.advance(before.id)
                else:
                    self.clock.advance(1)  # by_clock: one status a second
                    now = self.current()[before.id].status
                assert now in TRANSITIONS[status], f"{before.id}: {status} -> {now} in one move"
                status = now
        assert status not in MOVING_STATUSES, f"{before.id} is still {status}"

    @precondition(has_runs)
    @rule(data=st.data(), times=st.integers(1, 4))
    def advance(self, data: st.DataObject, times: int) -> None:
        picked = self.pick(data, self.current(), lambda run: run.status in MOVING_STATUSES)
        run_id, before = picked.id, picked.status
        for _ in range(times):
            status = self.fake.advance(run_id)
            if before in MOVING_STATUSES:
                assert status in TRANSITIONS[before]
            else:
                assert status == before
            assert self.current()[run_id].status == status
            before = status

    @precondition(has_runs)
    @rule(data=st.data())
    def cancel(self, data: st.DataObject) -> None:
        before = self.pick(data, self.current(), lambda run: run.status in ACTIVE_STATUSES)

        def cancel() -> Run:
            return self.runs.cancel(before.id, thread_id=before.thread_id)  # type: ignore[no-any-return]

        if before.status in TERMINAL_STATUSES or before.status == "cancelling":
            self.refused(cancel, f"Cannot cancel run with status '{before.status}'.", [before.id])
            return
        self.seen[before.id].cancel_accepted = True
        event(f"cancel: accepted from {before.status}")
        run = cancel()
        self.observe(run)
        if self.progression == "immediate":
            assert run.status == "cancelled" and run.cancelled_at == self.clock.now()
        else:
            assert run.status == "cancelling"

    @precondition(has_runs)
    @rule(data=st.data(), reverse=st.booleans())
    def submit_tool_outputs(self, data: st.DataObject, reverse: bool) -> None:
        """Answer the calls the run asks for (in either order): accepted exactly when it is ``requires_action``."""
        before = self.pick(data, self.current(), lambda run: run.status == "requires_action")
        action = before.required_action
        required = [call.id for call in action.submit_tool_outputs.tool_calls] if action else ["call_notarealcall"]
        self.submit(before, required[::-1] if reverse else required, valid=True)

    @precondition(has_runs)
    @rule(data=st.data(), mode=st.sampled_from(["missing", "extra", "wrong", "duplicate"]))
    def submit_wrong_tool_outputs(self, data: st.DataObject, mode: str) -> None:
        """Tool outputs that do not answer exactly the calls the run asks for: always refused."""
        before = self.pick(data, self.current(), lambda run: run.status == "requires_action")
        action = before.required_action
        required = [call.id for call in action.submit_tool_outputs.tool_calls] if action else ["call_notarealcall"]
        given = {
            "missing": required[:-1] if len(required) > 1 else [],
            "extra": [*required, "call_extra"],
            "wrong": [*required[:-1], "call_wrong"],
            "duplicate": [*required, required[0]],
        }[mode]
        self.submit(before, given, valid=False)

    def submit(self, before: Run, call_ids: list[str], *, valid: bool) -> None:
        outputs: list[Any] = [{"tool_call_id": call_id, "output": f"output of {call_id}"} for call_id in call_ids]

        def submit() -> Run:
            return self.runs.submit_tool_outputs(  # type: ignore[no-any-return]
                before.id, thread_id=before.thread_id, tool_outputs=outputs
            )

        if before.status != "requires_action":
            message = f'Runs in status "{before.status}" do not accept tool outputs.'
            self.refused(submit, message if call_ids else None, [before.id])
            return
        if not valid:
            self.refused(submit, None, [before.id])
            return
        self.outputs.update({output["tool_call_id"]: output["output"] for output in outputs})
        event("submit: accepted")
        run = submit()
        self.observe(run)
        if self.progression == "immediate":
            assert run.status not in MOVING_STATUSES
        else:
            assert run.status == "queued"

    @rule(thread=st.integers(0, 1))
    def add_message(self, thread: int) -> None:
        thread_id = self.thread_ids[thread]
        active = self.active_on(thread_id)

        def add() -> Message:
            return self.client.beta.threads.messages.create(thread_id=thread_id, role="user", content="And now?")

        if active is not None:
            message = f"Can't add messages to {thread_id} while a run {active.id} is active."
            self.refused(add, message, [active.id])
            return
        added = add()
        assert added.created_at == self.clock.now() and added.role == "user"
        self.user_messages[thread_id].append(added.id)

    @rule(seconds=st.sampled_from([1, 2, 5, 120, 599, 600, 601, 1500]))
    def advance_clock(self, seconds: int) -> None:
        before = self.current()
        self.clock.advance(seconds)
        now = self.clock.now()
        after = self.current()
        for run_id, old in before.items():
            new = after[run_id]
            if old.status not in ACTIVE_STATUSES:
                continue
            # Only the clock moved: a run the clock does not drive can only have expired (a cancelling one then
            # finishes cancelling); a by-clock run moves one status a second.
            clock_driven = self.progression == "by_clock" and old.status in MOVING_STATUSES
            if now >= old.created_at + RUN_LIFETIME_SECONDS and not clock_driven:
                event(f"clock: {self.progression} run {old.status} outlived its lifetime")
                assert new.status == ("cancelled" if old.status == "cancelling" else "expired"), (
                    f"{run_id} was {old.status}, past its lifetime it is {new.status}"
                )
            elif not clock_driven:
                assert new.status == old.status, f"{run_id} moved from {old.status} to {new.status} on a clock tick"
            elif seconds >= 3:
                assert new.status not in MOVING_STATUSES, f"{run_id} is still {new.status} {seconds}s later"


RunMachine.TestCase.settings = settings(
    max_examples=40,
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestRunStateMachine = RunMachine.TestCase

"""The scripted response engine: the turns a test declares, and how a run picks the one it plays.

A run picks its turn when it starts (``queued`` → ``in_progress``):

1. the first queued turn whose binding (assistant, thread or predicate) matches the run, in the order queued;
2. else the first queued unbound turn;
3. else the first responder (bound ones that match, then unbound ones, in registration order) that returns a turn;
4. else, with ``strict=True``, a :class:`ScriptError`; without, the default turn (see ``runs.defaults``).

Queued turns are consumed; responders stay.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..journal import JList, record
from ..recordings import read_recording
from ..recordings.importer import import_recording
from .codec import queue
from .context import RunContext
from .files import ScriptFile, ScriptFileError, parse_script, read_script
from .queued import Matcher as Matcher
from .queued import ScriptedTurn as ScriptedTurn
from .queued import ScriptError as ScriptError
from .turns import (
    Annotation,
    Arguments,
    ErrorCode,
    IncompleteReason,
    OutputFile,
    Turn,
    as_annotations,
)

Responder = Callable[[RunContext], "Turn | ScriptedTurn | str | None"]
"""A callable that decides a run's turn from its context: a turn, a reply text, or None to pass."""


@dataclass(frozen=True)
class ResponderEntry:
    respond: Responder
    matcher: Matcher | None

    @property
    def continues(self) -> bool:
        """Whether the responder is asked again after any step of its open turn, not only after function calls: a
        responder says so with a true ``continues`` attribute (a model responder reads the search results and code
        logs of the steps it asked for)."""
        return bool(getattr(self.respond, "continues", False))

    def __call__(self, context: RunContext) -> Turn | None:
        try:
            answer = self.respond(context)
        except Exception as exc:
            name = getattr(self.respond, "__name__", repr(self.respond))
            raise ScriptError(f"responder {name} raised {type(exc).__name__}: {exc} (run {context.run_id})") from exc
        if answer is None:
            return None
        if isinstance(answer, str):
            return Turn.reply(answer)
        if isinstance(answer, ScriptedTurn):
            return answer.turn
        if isinstance(answer, Turn):
            return answer
        raise ScriptError(
            f"responder {getattr(self.respond, '__name__', self.respond)!r} returned {type(answer).__name__}; "
            "expected a Turn, a str or None"
        )


@dataclass(frozen=True)
class Selection:
    """The turn a run plays, and where it came from (a responder is asked again to continue an open turn)."""

    turn: Turn
    responder: ResponderEntry | None = None
    queued: ScriptedTurn | None = None


class _Vocabulary:
    """The verbs that queue a turn, under this object's binding."""

    def _script(self) -> Script:
        raise NotImplementedError

    def _matcher(self) -> Matcher | None:
        raise NotImplementedError

    def add(self, turn: Turn) -> ScriptedTurn:
        """Queue a turn built with :class:`Turn`."""
        return self._script()._queue(ScriptedTurn(turn, self._matcher()))

    def reply(self, text: str, annotations: Sequence[Annotation] | None = None) -> ScriptedTurn:
        """Queue a text reply."""
        return self.add(Turn.reply(text, as_annotations(annotations)))

    def call_function(self, name: str, arguments: Arguments = None) -> ScriptedTurn:
        """Queue a function call: the run stops in ``requires_action`` until the output arrives.

        Chain ``.and_call(...)`` for parallel calls, ``.then_call(...)`` for another round, ``.then_reply(...)``.
        """
        return self.add(Turn.call_function(name, arguments))

    def run_code(self, input: str, output: str | None = None, files: Sequence[OutputFile] = ()) -> ScriptedTurn:
        """Queue a code_interpreter step, with the logs it prints and the files it writes (then the default reply,
        unless chained)."""
        return self.add(Turn.run_code(input, output, files))

    def search_files(self, query: str) -> ScriptedTurn:
        """Queue a file_search step over the run's vector stores (then the default reply, unless chained)."""
        return self.add(Turn.search_files(query))

    def say(self, text: str, annotations: Sequence[Annotation] | None = None) -> ScriptedTurn:
        """Queue a message written mid-turn; chain the tool steps and messages that follow it."""
        return self.add(Turn.say(text, annotations))

    def fail(self, code: ErrorCode = "server_error", message: str = "Something went wrong.") -> ScriptedTurn:
        """Queue a failure: the run ends ``failed`` with this ``last_error``."""
        return self.add(Turn.fail(code, message))

    def incomplete(self, reason: IncompleteReason = "max_completion_tokens") -> ScriptedTurn:
        """Queue an ``incomplete`` ending, with ``incomplete_details.reason``."""
        return self.add(Turn.incomplete(reason))

    def expire(self) -> ScriptedTurn:
        """Queue an expiry: the run ends ``expired`` instead of answering."""
        return self.add(Turn.expire())

    def respond_with(self, responder: Responder) -> Responder:
        """Register a responder: called with the run context when no queued turn matches. Usable as a decorator."""
        self._script()._responders.append(ResponderEntry(responder, self._matcher()))
        return responder

    # Bindings ---------------------------------------------------------------------------------------------------
    def for_assistant(self, assistant: str) -> ScriptBinding:
        """Turns queued through the result only serve runs of this assistant (by id or by name)."""
        return self.bound(Matcher(assistant=assistant))

    def for_thread(self, thread_id: str) -> ScriptBinding:
        """Turns queued through the result only serve runs on this thread."""
        return self.bound(Matcher(thread=thread_id))

    def when(self, predicate: Callable[[RunContext], bool]) -> ScriptBinding:
        """Turns queued through the result only serve runs whose context satisfies ``predicate``."""
        return self.bound(Matcher(predicate=predicate))

    def bound(self, matcher: Matcher) -> ScriptBinding:
        """Turns queued through the result only serve runs ``matcher`` accepts (and this binding's, if any): the
        one way to bind a turn, which ``for_assistant``, ``for_thread``, ``when`` and the turn codec use."""
        current = self._matcher()
        return ScriptBinding(self._script(), current.narrowed(matcher) if current else matcher)


class ScriptBinding(_Vocabulary):
    """The script, narrowed to runs a matcher accepts."""

    def __init__(self, script: Script, matcher: Matcher) -> None:
        self.__script = script
        self.matcher = matcher

    def _script(self) -> Script:
        return self.__script

    def _matcher(self) -> Matcher | None:
        return self.matcher


class Script(_Vocabulary):
    """What the emulated assistant does. ``fake.script.reply("x")`` queues the next run's reply.

    ``strict=True`` makes a run that no turn or responder serves a :class:`ScriptError` naming the run, instead of
    the default reply.
    """

    def __init__(self, *, strict: bool = False) -> None:
        self.strict = strict
        self._pending: list[ScriptedTurn] = JList()  # a failed request puts back the turn it took
        self._consumed: list[ScriptedTurn] = JList()
        self._responders: list[ResponderEntry] = []
        self._errors: list[str] = []
        # Where a script file's ``faults:`` go: the emulator's ``fake.faults.add_from`` (None: a bare script).
        self.fault_sink: Callable[[list[dict[str, Any]]], object] | None = None
        # Where a script file's ``model:`` goes (with the file's folder): the emulator makes it a model responder
        # (``fake_assistants.chat``); None: a bare script.
        self.model_sink: Callable[[dict[str, Any], Path | None], object] | None = None

    def _script(self) -> Script:
        return self

    def _matcher(self) -> Matcher | None:
        return None

    def _queue(self, entry: ScriptedTurn) -> ScriptedTurn:
        self._pending.append(entry)
        return entry

    # Selection (called by the run engine) -----------------------------------------------------------------------
    def select(self, context: RunContext) -> Selection | None:
        """The turn for a starting run, without consuming it (see :meth:`take`). None: play the default turn."""
        for bound in (True, False):
            for entry in self._pending:
                if (entry.matcher is not None) == bound and (entry.matcher is None or entry.matcher.matches(context)):
                    return Selection(entry.turn, queued=entry)
        for bound in (True, False):
            for responder in self._responders:
                if (responder.matcher is not None) != bound:
                    continue
                if responder.matcher is not None and not responder.matcher.matches(context):
                    continue
                turn = responder(context)
                if turn is not None:
                    return Selection(turn, responder=responder)
        if self.strict:
            raise ScriptError(
                f"strict script: run {context.run_id} (assistant {context.assistant.id}, thread {context.thread_id}) "
                "has no scripted turn and no responder that answers it"
            )
        return None

    def take(self, selection: Selection, run_id: str) -> None:
        """Consume a selected queued turn, once the run has accepted it."""
        if selection.queued is not None:
            queued = selection.queued
            record(lambda: setattr(queued, "run_id", None))
            queued.run_id = run_id
            self._pending.remove(selection.queued)
            self._consumed.append(selection.queued)

    def record_error(self, message: str) -> None:
        self._errors.append(message)

    def load(self, path: str | Path) -> int:
        """Queue the turns of a YAML or JSON script file (see ``fake_assistants.script.files``); returns how many."""
        return self._apply(read_script(path), model_from=Path(path).parent)

    def load_recording(self, path: str | Path) -> int:
        """Queue one turn per run of a recording (vcrpy/VCR cassette, HAR, or the shared JSON layout), bound so that
        the same client code gets the recorded answers; returns how many. See ``docs/recordings.md``."""
        return self.add_from(import_recording(read_recording(path)).document)

    def add_from(self, document: Mapping[str, Any]) -> int:
        """Queue the turns of a script document (the script file schema, as a dict); returns how many."""
        return self._apply(parse_script(json.dumps(document), source="script document", yaml=False))

    def _apply(self, spec: ScriptFile, *, model_from: Path | None = None) -> int:
        """Apply a parsed script. Only a script file (``model_from``: its folder) may name a model: a document (the
        control API's, say) may not make the emulator reach another server or write a recording."""
        if spec.model is not None and model_from is None:
            raise ScriptFileError("only a script file can name a model (model:), not a script document")
        if spec.faults:
            if self.fault_sink is None:
                raise ScriptFileError("this script has faults, and only an emulator's script can take them")
            try:
                self.fault_sink(spec.faults)
            except ValueError as exc:
                raise ScriptFileError(f"faults: {exc}") from None
        if spec.model is not None:
            if self.model_sink is None:
                raise ScriptFileError("this script names a model, and only an emulator's script can take one")
            try:
                self.model_sink(spec.model, model_from)
            except ValueError as exc:
                raise ScriptFileError(f"model: {exc}") from None
        if spec.strict is not None:
            self.strict = spec.strict
        for turn in spec.turns:
            queue(self, turn)
        return len(spec.turns)

    # What tests read --------------------------------------------------------------------------------------------
    @property
    def pending(self) -> tuple[ScriptedTurn, ...]:
        """Queued turns no run has taken yet, in queue order."""
        return tuple(self._pending)

    @property
    def consumed(self) -> tuple[ScriptedTurn, ...]:
        """Queued turns runs have taken, in order (each knows its ``run_id``)."""
        return tuple(self._consumed)

    @property
    def errors(self) -> tuple[str, ...]:
        """Script errors runs ran into (each was also answered to the client as a 500)."""
        return tuple(self._errors)

    def assert_all_consumed(self) -> None:
        """Raise AssertionError if a queued turn was never played or a run hit a script error."""
        problems = [f"script error: {error}" for error in self._errors]
        problems += [f"turn never played: {entry!r}" for entry in self._pending]
        if problems:
            raise AssertionError("fake_assistants script check failed:\n  " + "\n  ".join(problems))

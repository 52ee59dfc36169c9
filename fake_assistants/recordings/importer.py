"""A recording as a script: each recorded run becomes one scripted turn that gives the same answers.

For every run the recording shows (in the order it first appears), the turn holds:

* its tool steps: function-call rounds with their recorded arguments (from the run's ``required_action``, or from
  its recorded steps), code interpreter steps with their input and logs, file search steps, and the messages it
  wrote between them (``say``), in the recorded order, as :mod:`.played` reads them (conformance reads them there
  too), in the one JSON form of steps;
* its ending: the text of the assistant's reply when the run completed, ``fail`` with the recorded ``last_error``,
  ``incomplete`` with its reason, or ``expire``;
* its binding: the assistant's name when the recording shows it, so that the same client code, which creates the
  same assistants, gets the same answers in the same order.

What cannot be carried over is listed in :attr:`ImportedScript.notes` (and as comments at the top of the YAML file):
annotations that cite recorded file ids, and failure codes or incomplete reasons the script vocabulary does not
have.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ..steps import kind_of
from ..steps.message import Say
from .model import Recording, RecordingError
from .played import PlayedRun, played

FAIL_CODES = ("server_error", "rate_limit_exceeded", "invalid_prompt")
INCOMPLETE_REASONS = ("max_completion_tokens", "max_prompt_tokens")


@dataclass
class ImportedScript:
    """The script document (the script file schema, as a dict) and what could not be imported, and why."""

    document: dict[str, Any]
    notes: list[str] = field(default_factory=list)

    def to_yaml(self, *, source: str = "") -> str:
        import yaml  # type: ignore[import-untyped]

        origin = f"# Imported from {_inline(source)} by `fake-assistants import`."
        header = [origin if source else "# Imported recording."]
        header += ["# One turn per recorded run, in the order the runs were made."]
        header += [f"# Not imported: {_inline(note)}" for note in self.notes]

        class Dumper(yaml.SafeDumper):  # type: ignore[misc]
            pass

        def text(dumper: Any, value: str) -> Any:  # code and long replies read best as literal blocks
            style = "|" if "\n" in value else None
            return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

        Dumper.add_representer(str, text)
        body: str = yaml.dump(self.document, Dumper=Dumper, sort_keys=False, allow_unicode=True, width=120)
        return "\n".join(header) + "\n" + body


@dataclass
class _Run:
    id: str
    assistant_id: str | None = None
    snapshots: list[dict[str, Any]] = field(default_factory=list)


def _inline(text: str) -> str:
    """``text`` on one comment line: a recorded value's line breaks (and every other unprintable character) are
    escaped, so that no recorded id can add a key to the generated script."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


def import_recording(recording: Recording) -> ImportedScript:
    """The script of ``recording``'s runs; :class:`RecordingError` (one line) when its objects have shapes no API
    answered with (``required_action`` a string)."""
    try:
        return _import(recording)
    except (AttributeError, TypeError, KeyError, ValueError, IndexError) as exc:
        if isinstance(exc, RecordingError):
            raise
        problem = f"an object of an unexpected shape ({type(exc).__name__}: {_inline(str(exc))[:200]})"
        raise RecordingError(recording.path or recording.name, problem) from None


def _import(recording: Recording) -> ImportedScript:
    objects = list(_objects(recording))
    assistants = {obj["id"]: obj for obj in objects if obj.get("object") == "assistant" and "id" in obj}
    runs: dict[str, _Run] = {}
    steps: dict[str, dict[str, Any]] = {}
    messages: dict[str, dict[str, Any]] = {}
    for obj in objects:
        kind, object_id = obj.get("object"), obj.get("id")
        if not isinstance(object_id, str):
            continue
        if kind == "thread.run":
            run = runs.setdefault(object_id, _Run(object_id))
            run.assistant_id = obj.get("assistant_id") or run.assistant_id
            run.snapshots.append(obj)
        elif kind == "thread.run.step":
            steps[object_id] = {**steps.get(object_id, {}), **obj}
        elif kind == "thread.message" and obj.get("role") == "assistant" and obj.get("run_id"):
            messages[object_id] = obj
    imported = ImportedScript({"turns": []})
    for run in runs.values():
        imported.document["turns"].append(_turn(run, assistants, steps, messages, imported.notes))
    imported.notes[:] = [_inline(note) for note in imported.notes]  # recorded ids among them: one line each
    return imported


def _objects(recording: Recording) -> Iterator[dict[str, Any]]:
    """Every API object the recording's responses and stream events carry, in the order they were seen."""
    for exchange in recording.exchanges:
        if exchange.status >= 400:
            continue
        bodies = [data for _, data in exchange.event_objects()] if exchange.streamed else [exchange.response]
        for body in bodies:
            if not isinstance(body, dict):
                continue
            if body.get("object") == "list" and isinstance(body.get("data"), list):
                yield from (item for item in body["data"] if isinstance(item, dict))
            else:
                yield body


def _turn(
    run: _Run,
    assistants: dict[str, dict[str, Any]],
    steps: dict[str, dict[str, Any]],
    messages: dict[str, dict[str, Any]],
    notes: list[str],
) -> dict[str, Any]:
    turn: dict[str, Any] = {}
    name = assistants.get(run.assistant_id or "", {}).get("name")
    if name:
        turn["assistant"] = name
    run_steps = sorted(
        (step for step in steps.values() if step.get("run_id") == run.id),
        key=lambda step: (step.get("created_at") or 0,),
    )
    written = sorted(
        (m for m in messages.values() if m.get("run_id") == run.id), key=lambda m: m.get("created_at") or 0
    )
    result = played(run.snapshots, run_steps, written)
    if result.annotations():
        notes.append(
            f"{result.annotations()} annotation(s) in the messages of {run.id}: they cite recorded file ids; "
            "the text is kept"
        )
    if result.unseen:
        notes.append(f"{result.unseen} message(s) {run.id} wrote between steps: the recording never shows their text")
    if result.steps:
        turn["steps"] = [_step_json(step) for step in result.steps]
    turn.update(_ending(run, result, notes))
    return turn


def _step_json(step: Any) -> dict[str, Any]:
    """A step in the one JSON form (``{kind: value}``); a message without its annotations."""
    if isinstance(step, Say):
        step = Say(step.text)
    kind = kind_of(step)
    return {kind.name: kind.to_json(step)}


def _ending(run: _Run, result: PlayedRun, notes: list[str]) -> dict[str, Any]:
    status = result.status
    if status == "completed":
        if result.reply is None:
            notes.append(f"the reply of {run.id}: the recording never shows its message (the default reply plays)")
            return {}
        return {"reply": result.reply.text}
    if status == "failed":
        error = result.last_error or {}
        code = error.get("code") if error.get("code") in FAIL_CODES else "server_error"
        if code != error.get("code"):
            notes.append(f"{run.id} failed with code {error.get('code')!r}, which a script cannot give: server_error")
        return {"fail": {"code": code, "message": error.get("message") or "Something went wrong."}}
    if status == "incomplete":
        reason = result.incomplete_reason
        if reason not in INCOMPLETE_REASONS:
            notes.append(f"{run.id} ended incomplete for {reason!r}: imported as max_completion_tokens")
            reason = "max_completion_tokens"
        return {"incomplete": reason}
    if status == "expired":
        return {"expire": True}
    return {}  # cancelled by the client, or the recording stops before the run ended

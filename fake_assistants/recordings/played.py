"""What a recorded run played: one reading, in the step vocabulary, for every module that needs it.

Both the importer (a recording as a script, ``importer.py``) and conformance (replaying a fixture,
``conformance/replay.py``) ask it; each gathers the run's recorded objects from its own format and builds its own
ending from :class:`PlayedRun`. The rules:

* With recorded steps, in their order: a ``message_creation`` step says its message (:data:`UNSEEN` when the
  recording never shows it); a ``tool_calls`` step is read back by the step kind of each call's ``type``
  (:meth:`~fake_assistants.steps.base.StepKind.from_public_calls`, the inverse of ``public_call``), consecutive
  calls of one type together. When the last step says a message, that message is the reply; else the run's last
  message no step placed is. Messages no recorded step places are said after the steps.
* Without recorded steps: each distinct round of function calls the run's ``required_action`` showed, then the
  messages it wrote before its last, which is the reply.
* A message's text is its text parts joined; its annotations cite the file ids ``file_id`` maps them to.

A new tool-call kind is read here by itself, through its ``from_public_calls``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import Any

from ..steps import kind_of_call
from ..steps.base import Annotation
from ..steps.message import Say

JsonDict = dict[str, Any]
UNSEEN = "text"  # the text of a message a recorded step wrote but the recording never shows


@dataclass(frozen=True)
class PlayedRun:
    """One recorded run: the steps it played, its reply (its last message), and how it ended."""

    steps: tuple[Any, ...]  # step values (``CallFunctions``, ``RunCode``, ``SearchFiles``, ``Say``, ...), in order
    reply: Say | None  # the run's last message, if the recording shows it
    status: str | None  # the last status the recording shows
    last_error: JsonDict | None
    incomplete_reason: str | None
    unseen: int = 0  # messages said with the text UNSEEN: the recording never shows them

    def annotations(self) -> int:
        """How many annotations the run's messages carry."""
        said = [step for step in self.steps if isinstance(step, Say)] + ([self.reply] if self.reply else [])
        return sum(len(message.annotations) for message in said)


def played(
    snapshots: Sequence[JsonDict],
    steps: Sequence[JsonDict],
    messages: Sequence[JsonDict],
    *,
    file_id: Callable[[str], str] = str,
) -> PlayedRun:
    """What the run played, from its recorded snapshots (oldest first), its recorded steps (in the order it took
    them) and the assistant messages it wrote (oldest first)."""
    by_id = {message["id"]: message for message in messages if isinstance(message.get("id"), str)}
    out: list[Any] = []
    placed: set[str] = set()
    reply: Say | None = None
    for step in steps:
        out += _step(step, by_id, placed, file_id)
    if steps and _says(steps[-1]) and out and isinstance(out[-1], Say):
        reply = out.pop()
    unplaced = [message for message in messages if message.get("id") not in placed]
    if reply is None and unplaced:
        reply = say(unplaced.pop(), file_id)
    if not steps:
        out += _rounds(snapshots)
    out += [say(message, file_id) for message in unplaced]  # said, but placed by no recorded step
    last = snapshots[-1] if snapshots else {}
    return PlayedRun(
        steps=tuple(out),
        reply=reply,
        status=last.get("status"),
        last_error=last.get("last_error"),
        incomplete_reason=(last.get("incomplete_details") or {}).get("reason"),
        unseen=sum(1 for step in out if isinstance(step, Say) and step.text == UNSEEN),
    )


def _says(step: JsonDict) -> bool:
    return (step.get("step_details") or {}).get("type") == "message_creation"


def _step(step: JsonDict, by_id: dict[str, JsonDict], placed: set[str], file_id: Callable[[str], str]) -> list[Any]:
    details = step.get("step_details") or {}
    if details.get("type") == "message_creation":
        message_id = str((details.get("message_creation") or {}).get("message_id"))
        placed.add(message_id)
        message = by_id.get(message_id)
        return [say(message, file_id) if message is not None else Say(UNSEEN)]
    found: list[Any] = []
    calls = details.get("tool_calls") or [] if details.get("type") == "tool_calls" else []
    for call_type, group in groupby(calls, key=lambda call: call.get("type")):
        try:
            kind = kind_of_call(call_type)
        except KeyError:
            continue  # a tool no step kind plays
        found += kind.from_public_calls(list(group))
    return found


def _rounds(snapshots: Sequence[JsonDict]) -> list[Any]:
    """Each distinct round of calls the run's ``required_action`` asked for, read back by their kind."""
    rounds: list[Any] = []
    seen: set[tuple[str, ...]] = set()
    for snapshot in snapshots:
        action = snapshot.get("required_action") or {}
        calls = (action.get("submit_tool_outputs") or {}).get("tool_calls") or []
        key = tuple(call.get("id", "") for call in calls)
        if calls and key not in seen:
            seen.add(key)
            rounds += kind_of_call("function").from_public_calls(calls)
    return rounds


def say(message: JsonDict, file_id: Callable[[str], str] = str) -> Say:
    """A recorded message as a step: its text parts joined, its annotations citing ``file_id`` of their files."""
    parts = [part.get("text") or {} for part in message.get("content") or () if part.get("type") == "text"]
    text = "".join(part.get("value", "") for part in parts)
    annotations = tuple(_annotation(note, file_id) for part in parts for note in part.get("annotations") or ())
    return Say(text, tuple(note for note in annotations if note is not None))


def _annotation(note: JsonDict, file_id: Callable[[str], str]) -> Annotation | None:
    kind = note.get("type")
    if kind not in ("file_citation", "file_path"):
        return None
    return Annotation(file_id((note.get(kind) or {}).get("file_id", "")), note.get("text", ""), kind)

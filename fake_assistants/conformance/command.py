"""``fake-assistants conform``: replay users' own recordings and say what a client would feel.

Exit status: 0 when every recording conforms (notes allowed), 1 when one differs, 2 when one cannot be read or
replayed. Whatever the input, the command ends with one of these and a one-line message, never a traceback. The text
report lists each difference on its line, then the notes (:mod:`.judge`), then one verdict line per recording;
``--json`` prints one JSON document instead.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from ..emulator import FakeAssistants
from ..recordings import Recording, RecordingError, read_recording
from ..world import WorldError
from ..world.infer import infer_world
from .derive import derive
from .judge import Verdict, judge
from .replay import Difference


class Unreadable(Exception):
    """A recording that cannot be read or replayed; the message is the one line to print."""


def conform(
    sources: Sequence[str],
    *,
    as_json: bool = False,
    strict: bool = False,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    try:
        verdicts = [(recording.path, _judged(recording, strict, err)) for recording in map(_read, sources)]
    except Unreadable as problem:
        print(f"fake-assistants conform: {problem}", file=err)
        return 2
    failures = sum(len(verdict.failures) for _, verdict in verdicts)
    if as_json:
        report = {
            "differences": failures,
            "notes": sum(len(verdict.notes()) for _, verdict in verdicts),
            "strict": strict,
            "reports": [_report(path, verdict) for path, verdict in verdicts],
        }
        print(json.dumps(report, indent=1, default=str), file=out)
        return 1 if failures else 0
    for path, verdict in verdicts:
        for difference in verdict.failures:
            print(difference, file=out)
        for note in verdict.notes():
            print(f"{path}: note: {note}", file=out)
        outcome = "conforms" if verdict.conforms else f"{len(verdict.failures)} difference(s)"
        print(f"{path}: {verdict.exchanges} exchange(s) replayed, {outcome}", file=out)
    return 1 if failures else 0


def _read(source: str) -> Recording:
    try:
        return read_recording(source)
    except RecordingError as error:
        raise Unreadable(str(error)) from None
    except Exception as error:  # a reader's oversight must still end in one line, not a traceback
        raise Unreadable(f"{source}: cannot read the recording ({_one_line(error)})") from None


def _judged(recording: Recording, strict: bool, err: TextIO) -> Verdict:
    try:
        fake, existing = _standing_in(recording, err)
        return judge(derive(recording, placeholders=False), strict=strict, fake=fake, existing=existing)
    except Exception as error:  # a recording the replay cannot follow: say so in one line
        raise Unreadable(f"{recording.path}: cannot replay the recording ({_one_line(error)})") from None


def _standing_in(recording: Recording, err: TextIO) -> tuple[FakeAssistants, list[str]]:
    """An emulator holding the objects the recording uses but never creates (a world inferred from what its
    responses show, ``world/infer.py``), and their ids. A world that cannot be loaded is said in one line; the replay
    then runs without it (what uses those objects answers 404, and differs)."""
    fake = FakeAssistants(progression="manual", validate_responses=False)
    world = infer_world(recording)
    try:
        fake.load_world(world.document)
    except WorldError as error:
        print(f"fake-assistants conform: {recording.path}: cannot stand in what it never creates: {error}", file=err)
        return fake, []
    return fake, list(world.ids())


def _report(path: str, verdict: Verdict) -> dict[str, Any]:
    return {
        "recording": path,
        "recorded": verdict.recorded.isoformat() if verdict.recorded else None,
        "exchanges": verdict.exchanges,
        "conforms": verdict.conforms,
        "differences": [_difference(d) for d in verdict.failures],
        "notes": verdict.notes(),
        "added_later": [
            {**_difference(note.difference), "key": note.key, "since": note.since} for note in verdict.eras
        ],
        "skipped": dict(verdict.skipped),
    }


def _difference(difference: Difference) -> dict[str, Any]:
    return {
        "recording": difference.recording,
        "exchange": difference.exchange,
        "path": difference.path,
        "real": difference.real,
        "emulator": difference.emulator,
    }


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return f"{type(error).__name__}: {text}" if text else type(error).__name__

"""Judging a replay as a client would feel it: differences that matter, notes for the rest.

:mod:`.replay` reports every place the emulator answers differently. Not every one is something a client of the
recording's day could have missed:

* **Eras.** The emulator answers as the API did at its end. A key it sends that the recording lacks is a *note*
  when :data:`fake_assistants.contract.eras.ADDED` dates that key after the recording (no client of that era could
  have relied on it); ``strict=True`` counts such keys as failures. The recording's date is its ``recorded`` source
  value (the shared JSON layout), or the ``Date`` header of its first answer (cassettes, HAR); a recording with no
  date is judged as if older than every key.
* **Other traffic.** Calls outside the Assistants surface (chat completions, embeddings, models, moderations...) are
  not replayed; a note says how many, by endpoint.
* **Server errors.** A recorded 5xx was the live service failing, not the contract: it is not replayed (a note says
  so).
* **Objects made outside the recording.** A list of ids that holds an id the recording never shows as an object (a
  vector store attached by a call the recording left out, say) cannot be replayed: a note names the ids.

Everything else is a failure.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..api.routes import match
from ..contract.eras import added_key, after, recorded_on
from ..emulator import FakeAssistants
from .replay import ID_VALUE, Difference, Replay

ABSENT = "(absent)"
_INDEX = re.compile(r"\[\d+\]")
_PREFIX = re.compile(r"^(/v1|/openai(/deployments/[^/]+)?)(?=/)")


@dataclass(frozen=True)
class EraNote:
    """A key the emulator sends that the recording lacks, added to the API after the recording."""

    difference: Difference
    key: str
    since: str

    def __str__(self) -> str:
        return f"{self.difference.recording}[{self.difference.exchange}] {self.difference.path}: added {self.since}"


@dataclass
class Verdict:
    recording: str
    exchanges: int
    recorded: date | None
    failures: list[Difference] = field(default_factory=list)
    eras: list[EraNote] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)  # endpoint -> calls outside the Assistants surface
    server_errors: int = 0
    unseen: list[Difference] = field(default_factory=list)  # lists holding ids of objects made outside the recording

    @property
    def conforms(self) -> bool:
        return not self.failures

    def notes(self) -> list[str]:
        """One line per kind of note."""
        out = []
        if self.eras:
            keys = Counter(f"{note.key} ({note.since})" for note in self.eras)
            listed = ", ".join(f"{key} x{count}" if count > 1 else key for key, count in sorted(keys.items()))
            when = self.recorded.isoformat() if self.recorded else "an unknown date"
            out.append(f"{len(self.eras)} key(s) the API added after the recording ({when}): {listed}")
        if self.skipped:
            calls = sum(self.skipped.values())
            listed = ", ".join(f"{path} x{count}" for path, count in sorted(self.skipped.items()))
            out.append(f"{calls} call(s) outside the Assistants API skipped: {listed}")
        if self.unseen:
            places = ", ".join(f"[{d.exchange}] {d.path}" for d in self.unseen)
            out.append(f"{len(self.unseen)} list(s) name objects made outside the recording: {places}")
        if self.server_errors:
            out.append(f"{self.server_errors} recorded server error(s) (5xx) not replayed")
        return out


def api_path(path: str) -> str | None:
    """The path as the Assistants routes know it (``/assistants/...``), or None when it is not an API path."""
    found = _PREFIX.match(path)
    return path[found.end() :] if found else None


def outside_the_api(exchange: dict[str, Any]) -> str | None:
    """The endpoint of a call outside the Assistants surface (``chat/completions``), or None for one of ours."""
    path = str(exchange.get("path", ""))
    inner = api_path(path)
    if inner is not None and match(str(exchange.get("method", "")).upper(), inner) is not None:
        return None
    parts = [part for part in (inner or path).split("/") if part][:2]
    named = parts[:1] + [part for part in parts[1:] if part.replace("_", "").isalpha()]  # not an id or a model
    return "/".join(named) or "/"


def judge(
    fixture: dict[str, Any], *, strict: bool = False, fake: FakeAssistants | None = None, existing: Iterable[str] = ()
) -> Verdict:
    """Replay ``fixture`` (see :func:`fake_assistants.conformance.derive.derive`) and sort what differs. ``existing``:
    the ids of objects ``fake`` already holds for those the recording uses but never creates (``world/infer.py``)."""
    exchanges = fixture["exchanges"]
    source = fixture.get("source") or {}
    verdict = Verdict(str(fixture["recording"]), len(exchanges), recorded_on(source.get("recorded")))

    def skip(exchange: dict[str, Any]) -> bool:
        outside = outside_the_api(exchange)
        if outside is not None:
            verdict.skipped[outside] += 1
            return True
        if int(exchange.get("status", 0)) >= 500:
            verdict.server_errors += 1
            return True
        return False

    replay = Replay(fixture, fake or FakeAssistants(progression="manual", validate_responses=False), skip=skip)
    replay.ids.update((object_id, object_id) for object_id in existing)
    shown = _object_ids(exchanges)
    for difference in replay.run():
        note = None if strict else _era(difference, exchanges, verdict.recorded)
        if note is not None:
            verdict.eras.append(note)
        elif _names_unseen(difference, exchanges, shown):
            verdict.unseen.append(difference)
        else:
            verdict.failures.append(difference)
    return verdict


def _era(difference: Difference, exchanges: list[dict[str, Any]], recorded: date | None) -> EraNote | None:
    if difference.real != ABSENT or not difference.within:
        return None
    key = _INDEX.sub("[]", difference.within)
    request_path = str(exchanges[difference.exchange].get("path", ""))
    entry = added_key(difference.kind, key, request_path)
    if entry is None or not after(entry.since, recorded):
        return None
    return EraNote(difference, key, entry.since)


def _object_ids(exchanges: list[dict[str, Any]]) -> set[str]:
    """The ids of every object the recording's answers show (an ``id`` beside an ``object``)."""
    found: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            if isinstance(value.get("id"), str) and isinstance(value.get("object"), str):
                found.add(value["id"])
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for exchange in exchanges:
        walk(exchange.get("response"))
        for _, data in exchange.get("events") or ():
            walk(data)
    return found


def _names_unseen(difference: Difference, exchanges: list[dict[str, Any]], shown: set[str]) -> bool:
    """A list of ids whose length differs, holding an id no answer of the recording shows as an object."""
    if not difference.path.endswith(".length"):
        return False
    listed = _at(exchanges[difference.exchange].get("response"), difference.path.removesuffix(".length"))
    return isinstance(listed, list) and any(
        isinstance(item, str) and ID_VALUE.match(item) and item not in shown for item in listed
    )


def _at(document: Any, path: str) -> Any:
    """The value at a difference's path (``$.a.b[0].c``) in ``document``; None when there is none."""
    for name, index in re.findall(r"\.([^.\[]+)|\[(\d+)\]", path.removeprefix("$")):
        if name and isinstance(document, dict):
            document = document.get(name)
        elif index and isinstance(document, list) and int(index) < len(document):
            document = document[int(index)]
        else:
            return None
    return document

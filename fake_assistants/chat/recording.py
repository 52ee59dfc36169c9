"""Record mode: the turns a model played, kept in a YAML file by the key of their conversation, and replayed.

The file is readable and editable: one entry per conversation, with its key, a one-line summary of it (for people;
replay ignores it) and the turn in the one JSON form of turns (``script/codec.py``)::

    # fake_assistants model recording: the turns a chat model played, by conversation (docs/models.md)
    version: 1
    conversations:
    - key: 5d0c2ab0e1f4a7c3
      said: 'user: "What is 6 times 7?"'
      turn:
        steps: []
        reply: 6 times 7 is 42.
        usage: {prompt_tokens: 31, completion_tokens: 9}

The modes are vcrpy's:

- ``none``: replay only; a conversation that is not in the file is a script error that names it.
- ``once`` (default): replay only when the file exists; when it does not, ask the model and record every turn.
- ``new_episodes``: replay what the file holds, ask the model for the rest and add it.
- ``all``: always ask the model, and record (over an earlier entry of the same conversation).
"""

from __future__ import annotations

import os
import tempfile
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError

from ..script.codec import TurnSpec, turn_to_json
from ..script.script import ScriptError
from ..script.turns import Turn
from ..steps.base import SpecModel

RecordMode = Literal["none", "once", "new_episodes", "all"]
RECORD_MODES: tuple[RecordMode, ...] = ("none", "once", "new_episodes", "all")
HEADER = "# fake_assistants model recording: the turns a chat model played, by conversation (docs/models.md)\n"


class ModelRecordingError(ValueError):
    """A recording file that cannot be read."""


class _Entry(SpecModel):
    key: str
    said: str = ""
    turn: TurnSpec


class _File(SpecModel):
    version: Literal[1] = 1
    conversations: list[_Entry] = Field(default_factory=list)


@dataclass
class Recorded:
    said: str
    turn: Turn


class ModelRecording:
    """The recording file at ``path``, in ``mode``. Read once, when made; written whole after each new turn."""

    def __init__(self, path: str | Path, mode: RecordMode = "once") -> None:
        if mode not in RECORD_MODES:
            raise ValueError(f"record_mode is one of {', '.join(RECORD_MODES)}, not {mode!r}")
        self.path = Path(path)
        self.mode: RecordMode = mode
        existed = self.path.exists()
        self.entries: dict[str, Recorded] = read_recording(self.path) if existed else {}
        self.replays = mode in ("none", "new_episodes") or (mode == "once" and existed)
        self.records = mode in ("new_episodes", "all") or (mode == "once" and not existed)
        self._lock = threading.Lock()  # one responder may serve several emulators, each under its own lock

    def find(self, key: str) -> Turn | None:
        """The recorded turn of the conversation ``key``, when this mode replays it."""
        with self._lock:
            entry = self.entries.get(key) if self.mode != "all" else None  # a session replays what it recorded too
        return entry.turn if entry is not None else None

    def missing(self, key: str, said: str) -> ScriptError:
        """The error for a conversation this mode may not ask the model about, and that the file does not hold."""
        why = "record_mode='none'" if self.mode == "none" else "record_mode='once' and the file already exists"
        return ScriptError(
            f"conversation {key} ({said}) is not recorded in {self.path}, and {why}: record it with "
            "record_mode='new_episodes' (or delete the file and record it again with 'once')"
        )

    def add(self, key: str, said: str, turn: Turn) -> None:
        """Keep ``turn`` as the conversation's, and write the file."""
        with self._lock:
            self.entries[key] = Recorded(said, turn)
            write_recording(self.path, self.entries)


def read_recording(path: Path) -> dict[str, Recorded]:
    import yaml  # type: ignore[import-untyped]

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        spec = _File.model_validate(data)
        return {entry.key: Recorded(entry.said, entry.turn.turn()) for entry in spec.conversations}
    except (OSError, yaml.YAMLError, ValidationError, ValueError) as exc:
        raise ModelRecordingError(f"{path}: not a model recording: {exc}") from None


def write_recording(path: Path, entries: dict[str, Recorded]) -> None:
    """Write every entry, in a readable YAML (multi-line texts as blocks), replacing the file at once."""
    import yaml

    document: dict[str, Any] = {
        "version": 1,
        "conversations": [
            {"key": key, "said": entry.said, "turn": turn_to_json(entry.turn)} for key, entry in entries.items()
        ],
    }
    text = HEADER + yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _dumper() -> type:
    import yaml

    class Dumper(yaml.SafeDumper):  # type: ignore[misc]
        """Multi-line strings as literal blocks, so a recorded reply reads as it was written."""

    def text(dumper: Any, value: str) -> Any:
        style = "|" if "\n" in value else None
        if any(_unsafe(character) for character in value):  # line breaks YAML reads its own way, control codes
            style = '"'  # escaped, so the text reads back byte for byte
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    Dumper.add_representer(str, text)
    return Dumper


def _unsafe(character: str) -> bool:
    if character in "\n\t":
        return False
    return character in "\r\x85\u2028\u2029\ufeff" or unicodedata.category(character)[0] == "C"


_Dumper = _dumper()

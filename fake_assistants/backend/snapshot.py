"""Snapshots: an emulator's whole state as one JSON document, and back.

A snapshot holds every object (assistants, threads, messages, runs and their steps, files with their bytes,
vector stores, their files and batches), which API key created which object, the position of every id stream, the
progression policy, and the script's queued turns. Restoring it gives an emulator that answers exactly as the saved
one would, and issues the same ids next.

What cannot be saved is said plainly: responders and ``when(...)`` predicates are code, so queued turns bound by a
predicate and runs waiting on a responder's next answer are restored without them (such a run finishes with the
default reply).
"""

from __future__ import annotations

import base64
import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import MISSING, fields, replace
from operator import attrgetter
from typing import Any

from ..journal import JDict, JList, builder
from ..script.codec import TurnSpec, entry_to_json, queue, turn_to_json
from ..script.context import ToolOutput
from ..script.script import Script
from .models import (
    NO_ANNOTATIONS,
    NO_ATTACHMENTS,
    NO_METADATA,
    Assistant,
    FileBatch,
    Message,
    Run,
    RunStep,
    StoredFile,
    Thread,
    Usage,
    VectorStore,
    VectorStoreFile,
)
from .snapshot_check import problems
from .state import Backend
from .threads import leaned

FORMAT = "fake_assistants.snapshot"
SAVED_SETTINGS = ("progression", "seconds_per_status", "stream_chunk_tokens")  # with the seed: how the state moves
VERSION = 1
# A state file (``save_state``) packs the messages as columns and rows: one list of field names, then one array of
# values per message, so the keys are not repeated 100 000 times. ``restore`` reads both forms.
PACKED = "packed"
JsonDict = dict[str, Any]


class SnapshotError(ValueError):
    """A document that is not a snapshot this version can restore."""


# --- saving ----------------------------------------------------------------------------------------------------


def snapshot(backend: Backend) -> JsonDict:
    return _document(backend, [_plain(m) for m in backend.messages.values()])


def _document(backend: Backend, messages: Any) -> JsonDict:
    return {
        "format": FORMAT,
        "version": VERSION,
        "seed": backend.settings.seed,
        "ids": dict(backend.ids.issued),
        **{name: getattr(backend.settings, name) for name in SAVED_SETTINGS},
        "assistants": [_plain(a) for a in backend.assistants.values()],
        "threads": [_thread(t) for t in backend.threads.values()],
        "messages": messages,
        "runs": [_run(r) for r in backend.runs.values()],
        "steps": [_plain(s) for s in backend.steps.values()],
        "files": [
            {**_plain(f, skip=("content",)), "content": base64.b64encode(f.content).decode()}
            for f in backend.files.values()
        ],
        "vector_stores": [
            {**_plain(v, skip=_STORE_INDEXES), "files": [_plain(i, skip=("index",)) for i in v.files.values()]}
            for v in backend.vector_stores.values()
        ],
        "batches": [_plain(b, skip=("files",)) for b in backend.batches.values()],
        "owners": dict(backend.ownership.owners),  # which API key created which object (key isolation)
        "script": {
            "strict": backend.script.strict,
            "pending": [form for form in map(entry_to_json, backend.script.pending) if form is not None],
        },
    }


_STORE_INDEXES = ("files", "order", "batch_ids", "usage_bytes")  # rebuilt on restore from the files


def _thread(thread: Thread) -> JsonDict:
    out = _plain(thread, skip=("message_ids", "run_ids"))
    out["message_ids"] = list(thread.message_ids)
    out["run_ids"] = list(thread.run_ids)
    return out


def packed(backend: Backend) -> JsonDict:
    """The snapshot in its state-file form: messages as columns and rows, and no id lists that restore rebuilds
    anyway (a thread's messages and runs, a run's steps)."""
    rows = list(map(_message_row, backend.messages.values()))
    document = _document(backend, {PACKED: MESSAGE_COLUMNS, "rows": rows})
    for thread in document["threads"]:
        thread["message_ids"] = thread["run_ids"] = []
    for run in document["runs"]:
        run["step_ids"] = []
    document["id_states"] = backend.ids.states()  # restoring them is O(1); replaying 100 000 ids is not
    return document


MESSAGE_COLUMNS = [item.name for item in fields(Message)]
_message_values = attrgetter(*MESSAGE_COLUMNS)
_CONTENT, _ATTACHMENTS, _METADATA = (MESSAGE_COLUMNS.index(name) for name in ("content", "attachments", "metadata"))


def _message_row(message: Message) -> list[Any]:
    """A message's values in column order; a plain text content is its string, empty attachments and metadata
    are null (half the JSON values of a short message, and a third of the file)."""
    row = list(_message_values(message))
    content = message.content
    if len(content) == 1 and content[0]["type"] == "text" and not content[0]["text"]["annotations"]:
        row[_CONTENT] = content[0]["text"]["value"]
    if not message.attachments:
        row[_ATTACHMENTS] = None
    if not message.metadata:
        row[_METADATA] = None
    return row


def _content_from(value: str | list[JsonDict]) -> list[JsonDict]:
    """A saved content: a plain text (as ``_message_row`` writes it) is its one text part again."""
    if type(value) is str:
        return JList(({"type": "text", "text": {"value": value, "annotations": NO_ANNOTATIONS}},))
    return value  # type: ignore[return-value]


# Every field, in order, from a saved row: no per-field __setattr__ for 100 000 of them.
_build_message = builder(
    Message,
    MESSAGE_COLUMNS,
    empty={"attachments": NO_ATTACHMENTS, "metadata": NO_METADATA},
    convert={"content": _content_from},
)


def _messages_from(raw: Any) -> list[Message]:
    if isinstance(raw, list):
        return [leaned(Message(**m)) for m in raw]
    columns, rows = raw[PACKED], raw["rows"]
    if columns != MESSAGE_COLUMNS:  # a file from another version: name the values, take defaults for the rest
        defaults = {f.name: None if f.default is MISSING else f.default for f in fields(Message)}
        named = [{**defaults, **dict(zip(columns, row, strict=True))} for row in rows]
        rows = [[values[name] for name in MESSAGE_COLUMNS] for values in named]
    return list(map(_build_message, rows))


def _plain(obj: Any, skip: tuple[str, ...] = ()) -> JsonDict:
    out: JsonDict = {}
    for item in fields(obj):
        if item.name in skip:
            continue
        value = getattr(obj, item.name)
        out[item.name] = _usage(value) if isinstance(value, Usage) else value
    return out


def _usage(usage: Usage | None) -> JsonDict | None:
    return (
        None if usage is None else {"prompt_tokens": usage.prompt_tokens, "completion_tokens": usage.completion_tokens}
    )


def _run(run: Run) -> JsonDict:
    out = _plain(run, skip=("turn", "responder", "tool_outputs", "usage", "step_ids"))
    out["step_ids"] = list(run.step_ids)
    out["usage"] = _usage(run.usage)
    out["turn"] = None if run.turn is None else turn_to_json(run.turn)
    out["tool_outputs"] = [_plain(o) for o in run.tool_outputs]
    return out


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while a large state is built or taken apart (it would walk the young objects
    again and again for nothing: none of them is garbage yet).

    On leaving, the objects still alive are put in the oldest generation at once (``gc.freeze()`` then
    ``gc.unfreeze()``, two list moves), as they would get there after two passes of the collector over all of them:
    a state of 100 000 messages is about a million objects, and the first pass, at the next allocation, took a
    tenth of its load. Not done when the process keeps frozen objects of its own (``gc.get_freeze_count()``)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            if gc.get_freeze_count() == 0:
                gc.freeze()
                gc.unfreeze()
            gc.enable()


# --- restoring -------------------------------------------------------------------------------------------------


def restore(backend: Backend, document: JsonDict) -> None:
    """Load ``document`` into an empty ``backend`` (built with the snapshot's seed)."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise SnapshotError("not a fake_assistants snapshot (no 'format': 'fake_assistants.snapshot')")
    if document.get("version") != VERSION:
        raise SnapshotError(f"snapshot version {document.get('version')!r} is not {VERSION}")
    found = problems(document)
    if found:
        more = f" (and {len(found) - 3} more)" if len(found) > 3 else ""
        raise SnapshotError("the snapshot is damaged: " + "; ".join(found[:3]) + more)
    try:
        with gc_paused():
            _restore(backend, document)
    except (KeyError, TypeError, ValueError) as exc:
        raise SnapshotError(f"the snapshot is damaged: {type(exc).__name__}: {exc}") from exc


def _restore(backend: Backend, doc: JsonDict) -> None:
    if "id_states" in doc:
        backend.ids.resume(doc["ids"], doc["id_states"])
    else:
        backend.ids.replay(doc["ids"])
    backend.settings = replace(backend.settings, **{name: doc[name] for name in SAVED_SETTINGS})
    # Objects go back through the backend's write primitives, in their saved (creation) order, so every index is
    # rebuilt as it was; the id lists a snapshot carries (a thread's messages and runs, a run's steps) follow.
    for a in doc["assistants"]:
        backend.put_assistant(Assistant(**a))
    for t in doc["threads"]:
        backend.put_thread(Thread(**{k: v for k, v in t.items() if k not in ("message_ids", "run_ids")}))
    backend.put_messages(_messages_from(doc["messages"]))
    for r in doc["runs"]:
        backend.put_run(_run_from(r))
    for s in doc["steps"]:
        backend.put_step(RunStep(**{**s, "usage": _usage_from(s["usage"])}))
    for f in doc["files"]:
        backend.put_file(StoredFile(**{**f, "content": base64.b64decode(f["content"])}))
    stores = [
        (VectorStore(**{k: v for k, v in raw.items() if k != "files"}), raw["files"]) for raw in doc["vector_stores"]
    ]
    for store, _ in stores:
        backend.put_store(store)
    for b in doc["batches"]:
        backend.put_batch(FileBatch(**b))
    for store, items in stores:
        for item in items:
            backend.attach(store, VectorStoreFile(**item))
    script: Script = backend.script
    backend.ownership.owners = JDict(doc.get("owners", {}))
    script.strict = doc["script"]["strict"]
    for entry in doc["script"]["pending"]:
        queue(script, _turn_spec(entry))


def _usage_from(raw: JsonDict | None) -> Usage | None:
    return None if raw is None else Usage(raw["prompt_tokens"], raw["completion_tokens"])


def _run_from(raw: JsonDict) -> Run:
    values = {**raw}
    values["usage"] = _usage_from(raw["usage"])
    values["turn"] = None if raw["turn"] is None else _turn_spec(raw["turn"]).turn()
    values["tool_outputs"] = [ToolOutput(**o) for o in raw["tool_outputs"]]
    values["streaming"] = False  # no stream survives a restart
    values.pop("step_ids", None)  # rebuilt from the steps
    return Run(**values)


def _turn_spec(raw: JsonDict) -> TurnSpec:
    """A turn (with its bindings) in the one JSON form; files written before that form are read too: their turn
    had its ending under ``ending`` (a reply as ``{"reply": text, "annotations": [...]}``), a queued one sat under
    ``turn`` beside its bindings."""
    if "turn" in raw:  # a queued turn, as written before
        raw = {**raw["turn"], "assistant": raw.get("assistant"), "thread": raw.get("thread")}
    if "ending" in raw:
        ending = raw["ending"] or {}
        if "reply" in ending:
            ending = {"reply": {"text": ending["reply"], "annotations": ending.get("annotations", [])}}
        raw = {**{key: value for key, value in raw.items() if key != "ending"}, **ending}
    return TurnSpec.model_validate(raw)

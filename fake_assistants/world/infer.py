"""The world a recording needs: the objects it uses but never creates, with the fields its responses show.

A cassette recorded against an assistant made in the dashboard names ``asst_...`` in its requests without ever
creating it; replayed into a fresh emulator, every call on it is a 404. This module reads the recording in order
and finds each id a request uses (in its path or its body) before any response has shown it: the object existed
before the recording began. Each becomes a declaration, with the fields the recording shows for it:

* an assistant: from a response that returns it (a retrieve), else from the runs that name it (their ``model``,
  ``instructions`` and ``tools``, unless the run's own request set them);
* a vector store, a file, a thread: from a response that returns it; a thread's messages that the recording lists
  but never made; a file's contents cannot be known, so a stand-in text of its recorded size takes its place.

``fake-assistants import CASSETTE --world world.yaml`` writes it; ``fake-assistants conform`` loads it before the
replay.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from ..recordings.model import Exchange, Recording
from ..schemas.requests import CreateAssistant

JsonDict = dict[str, Any]
COLLECTIONS = {
    "assistants": "assistant",
    "threads": "thread",
    "messages": "message",
    "files": "file",
    "vector_stores": "vector store",
}
NOT_IDS = frozenset({"runs", "messages", "files", "search", "cancel", "content", "steps", "file_batches"})
BODY_KEYS = {"assistant_id": "assistant", "thread_id": "thread", "file_id": "file", "vector_store_id": "vector store"}
BODY_LISTS = {"file_ids": "file", "vector_store_ids": "vector store"}
OBJECTS = {"assistant": "assistant", "thread": "thread", "file": "file", "vector_store": "vector store"}
# what an assistant is made with: the create request's fields, read off the request model (world/declarations.py too)
ASSISTANT_FIELDS = tuple(CreateAssistant.model_fields)
RUN_FIELDS = ("model", "instructions", "tools")  # what a run shows of its assistant, unless its request set it
MAX_STAND_IN_BYTES = 1 << 20


@dataclass
class InferredWorld:
    document: JsonDict
    notes: list[str] = field(default_factory=list)

    def ids(self) -> list[str]:
        """Every id the world declares."""
        found = [
            item["id"]
            for section in ("files", "vector_stores", "assistants", "threads")
            for item in self.document.get(section, [])
        ]
        found += [m["id"] for thread in self.document.get("threads", []) for m in thread.get("messages", [])]
        return found


def infer_world(recording: Recording) -> InferredWorld:
    reader = _RecordingReader()
    for exchange in recording.exchanges:
        reader.exchange(exchange)
    return reader.world()


class _RecordingReader:
    def __init__(self) -> None:
        self.made: set[str] = set()  # ids first shown by a response to a POST: the recording made them
        self.seen: set[str] = set()  # ids any response has shown
        self.needed: dict[str, str] = {}  # id -> kind: used by a request, never made by the recording before
        self.objects: dict[str, JsonDict] = {}  # the last full object each id was returned as
        self.run_requests: dict[str, JsonDict] = {}  # run id -> the body of the request that created it
        self.runs: list[JsonDict] = []
        self.messages: dict[str, JsonDict] = {}
        self.store_files: dict[str, list[str]] = {}  # vector store id -> its files, as listed

    def exchange(self, exchange: Exchange) -> None:
        for kind, object_id in _requested(exchange):
            if object_id not in self.made and object_id not in self.needed:
                self.needed[object_id] = kind
        if exchange.status >= 400:
            return
        bodies = [data for _, data in exchange.event_objects()] if exchange.streamed else [exchange.response]
        for body in bodies:
            for object_id in _ids_in(body):  # an id a creating request's answer shows first: made by it
                if exchange.method == "POST" and object_id not in self.seen and object_id not in self.needed:
                    self.made.add(object_id)
                self.seen.add(object_id)
            for obj in _objects(body):
                self.shown(obj, exchange)

    def shown(self, obj: JsonDict, exchange: Exchange) -> None:
        object_id = obj.get("id")
        if not isinstance(object_id, str):
            return
        kind = obj.get("object")
        if kind in OBJECTS:
            self.objects[object_id] = obj
        elif kind == "thread.run":
            if object_id not in self.run_requests and exchange.method == "POST":
                self.run_requests[object_id] = exchange.request if isinstance(exchange.request, dict) else {}
            self.runs.append(obj)
        elif kind == "thread.message":
            self.messages.setdefault(object_id, obj)
        elif kind == "vector_store.file":
            store_id = obj.get("vector_store_id")
            if isinstance(store_id, str) and object_id not in self.store_files.setdefault(store_id, []):
                self.store_files[store_id].append(object_id)

    # --- the world --------------------------------------------------------------------------------------------

    def world(self) -> InferredWorld:
        notes: list[str] = []
        wanted = dict(self.needed)
        for store_id, kind in list(wanted.items()):
            if kind == "vector store":
                for file_id in self.store_files.get(store_id, []):
                    if file_id not in self.made:
                        wanted.setdefault(file_id, "file")
        declared = {
            object_id for object_id, kind in wanted.items() if kind in ("file", "vector store", "assistant", "thread")
        }
        sections: dict[str, list[JsonDict]] = {"files": [], "vector_stores": [], "assistants": [], "threads": []}
        for object_id, kind in wanted.items():
            if kind == "file":
                sections["files"].append(self.file(object_id))
            elif kind == "vector store":
                sections["vector_stores"].append(self.store(object_id, declared))
            elif kind == "assistant":
                sections["assistants"].append(self.assistant(object_id, declared, notes))
            elif kind == "thread":
                sections["threads"].append(self.thread(object_id, declared, notes))
        return InferredWorld({name: items for name, items in sections.items() if items}, notes)

    def file(self, file_id: str) -> JsonDict:
        obj = self.objects.get(file_id, {})
        size: int = obj["bytes"] if isinstance(obj.get("bytes"), int) else 0
        stand_in = f"A stand-in for {file_id}: the recording never shows its contents."
        text = stand_in.ljust(min(size, MAX_STAND_IN_BYTES))  # as long as the recorded file, when it says
        out: JsonDict = {"id": file_id, "filename": obj.get("filename") or f"{file_id}.txt"}
        out["purpose"] = obj.get("purpose") or "assistants"
        out["text"] = text
        return _dated(out, obj)

    def store(self, store_id: str, declared: set[str]) -> JsonDict:
        obj = self.objects.get(store_id, {})
        out: JsonDict = {"id": store_id, "name": obj.get("name") or ""}
        for name in ("metadata", "expires_after"):
            if obj.get(name):
                out[name] = obj[name]
        files = [file_id for file_id in self.store_files.get(store_id, []) if file_id in declared]
        if files:
            out["file_ids"] = files
        return _dated(out, obj)

    def assistant(self, assistant_id: str, declared: set[str], notes: list[str]) -> JsonDict:
        obj = self.objects.get(assistant_id)
        out: JsonDict = {"id": assistant_id}
        if obj is not None:
            out |= {name: obj[name] for name in ASSISTANT_FIELDS if obj.get(name) is not None}
        else:
            for run in self.runs:
                if run.get("assistant_id") != assistant_id:
                    continue
                request = self.run_requests.get(run["id"], {})
                for name in RUN_FIELDS:
                    overridden = name in request or (name == "instructions" and "additional_instructions" in request)
                    if name not in out and not overridden and run.get(name) is not None:
                        out[name] = run[name]
            if "model" not in out:
                notes.append(f"assistant {assistant_id}: the recording never shows its model; gpt-4o stands in")
                out["model"] = "gpt-4o"
        _keep_declared_resources(out, declared, notes)
        return _dated(out, obj or {})

    def thread(self, thread_id: str, declared: set[str], notes: list[str]) -> JsonDict:
        obj = self.objects.get(thread_id, {})
        out: JsonDict = {"id": thread_id}
        for name in ("metadata", "tool_resources"):
            if obj.get(name):
                out[name] = obj[name]
        _keep_declared_resources(out, declared, notes)
        runs = {run["id"] for run in self.runs}
        older = [
            message
            for message_id, message in self.messages.items()
            if message.get("thread_id") == thread_id
            and message_id not in self.made
            and message.get("run_id") not in runs
        ]
        older.sort(key=lambda message: message.get("created_at") or 0)
        if older:
            out["messages"] = [_message(message, declared) for message in older]
        return _dated(out, obj)


def _message(obj: JsonDict, declared: set[str]) -> JsonDict:
    parts = [part for part in obj.get("content") or [] if isinstance(part, dict) and part.get("type") == "text"]
    texts = [str((part.get("text") or {}).get("value", "")) for part in parts]
    out: JsonDict = {"id": obj["id"], "role": obj.get("role") or "user", "content": "".join(texts) or "(no text)"}
    if obj.get("assistant_id") in declared:
        out["assistant_id"] = obj["assistant_id"]
    attachments = [a for a in obj.get("attachments") or [] if a.get("file_id") in declared]
    if attachments:
        out["attachments"] = attachments
    if obj.get("metadata"):
        out["metadata"] = obj["metadata"]
    return _dated(out, obj)


def _keep_declared_resources(out: JsonDict, declared: set[str], notes: list[str]) -> None:
    """Tool resources naming objects the world cannot declare (never used by a request) are left out."""
    resources = out.get("tool_resources") or {}
    named = [
        *((resources.get("file_search") or {}).get("vector_store_ids") or []),
        *((resources.get("code_interpreter") or {}).get("file_ids") or []),
    ]
    if any(object_id not in declared for object_id in named):
        notes.append(f"{out['id']}: tool_resources name objects the recording never uses; left out")
        out.pop("tool_resources")
    elif "tool_resources" in out and not named:
        out.pop("tool_resources")


def _dated(out: JsonDict, obj: JsonDict) -> JsonDict:
    if isinstance(obj.get("created_at"), int):
        out["created_at"] = obj["created_at"]
    return out


def _objects(body: Any) -> Iterator[JsonDict]:
    if not isinstance(body, dict):
        return
    if body.get("object") == "list" and isinstance(body.get("data"), list):
        yield from (item for item in body["data"] if isinstance(item, dict))
    else:
        yield body


def _ids_in(value: Any) -> Iterator[str]:
    """Every id a response shows, at any depth: ``id`` and ``*_id`` values, ``*_ids`` lists."""
    if isinstance(value, dict):
        for name, item in value.items():
            if name == "metadata":
                continue
            if isinstance(item, str) and (name == "id" or name.endswith("_id")):
                yield item
            elif isinstance(item, list) and name.endswith("_ids"):
                yield from (entry for entry in item if isinstance(entry, str))
            else:
                yield from _ids_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from _ids_in(item)


def _requested(exchange: Exchange) -> Iterator[tuple[str, str]]:
    """Every ``(kind, id)`` a request names: in its path, and in its body's id fields."""
    parts = exchange.path.strip("/").split("/")
    for collection, value in pairwise(parts):
        kind = COLLECTIONS.get(collection)
        if kind is not None and value not in NOT_IDS and value not in COLLECTIONS:
            yield kind, value
    yield from _body_ids(exchange.request)


def _body_ids(value: Any) -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        for name, item in value.items():
            if name == "metadata":
                continue
            if name in BODY_KEYS and isinstance(item, str):
                yield BODY_KEYS[name], item
            elif name in BODY_LISTS and isinstance(item, list):
                yield from ((BODY_LISTS[name], entry) for entry in item if isinstance(entry, str))
            else:
                yield from _body_ids(item)
    elif isinstance(value, list):
        for item in value:
            yield from _body_ids(item)

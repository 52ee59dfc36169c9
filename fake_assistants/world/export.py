"""The world an emulator's state holds: ``fake-assistants world from-state STATE -o world.yaml``.

A state file is the emulator's whole state, for restarting a server; a world file is a starting point a person reads
and edits. So the world keeps the objects a test starts from (files with their contents, vector stores with their
files, assistants, threads with their messages, each with its id and ``created_at``) and leaves out what a test
makes as it goes: runs and their steps, file batches, the script, the id streams. Fields left at the API's defaults
are left out too. What a world cannot say is listed in :attr:`ExportedWorld.notes`.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import Any

from ..schemas.file_requests import AUTO_CHUNK_TOKENS, AUTO_OVERLAP_TOKENS

JsonDict = dict[str, Any]
_ASSISTANT_DEFAULTS: JsonDict = {
    "name": None,
    "description": None,
    "instructions": None,
    "tools": [],
    "tool_resources": {},
    "metadata": {},
    "temperature": 1.0,
    "top_p": 1.0,
    "response_format": "auto",
    "reasoning_effort": None,
}


@dataclass
class ExportedWorld:
    document: JsonDict
    notes: list[str] = field(default_factory=list)


def world_from_snapshot(snapshot: JsonDict) -> ExportedWorld:
    """The world document of a snapshot (``fake.snapshot()``, or a state file read by ``FakeAssistants.load_state``)."""
    notes: list[str] = []
    document: JsonDict = {}
    files = [_file(item) for item in snapshot.get("files", [])]
    stores = [_store(item, notes) for item in snapshot.get("vector_stores", [])]
    assistants = [_assistant(item) for item in snapshot.get("assistants", [])]
    threads = [_thread(item, snapshot.get("messages", []), notes) for item in snapshot.get("threads", [])]
    for section, items in (("files", files), ("vector_stores", stores), ("assistants", assistants)):
        if items:
            document[section] = items
    if threads:
        document["threads"] = threads
    if snapshot.get("runs"):
        notes.append(f"{len(snapshot['runs'])} run(s) and their steps: a world starts before any run")
    return ExportedWorld(document, notes)


def _file(item: JsonDict) -> JsonDict:
    out: JsonDict = {"id": item["id"], "filename": item["filename"], "purpose": item["purpose"]}
    content = base64.b64decode(item["content"])
    try:
        out["text"] = content.decode("utf-8")
    except UnicodeDecodeError:
        out["base64"] = item["content"]
    out["created_at"] = item["created_at"]
    return out


def _store(item: JsonDict, notes: list[str]) -> JsonDict:
    out: JsonDict = {"id": item["id"], "name": item["name"]}
    if item.get("description") is not None:
        out["description"] = item["description"]
    if item.get("metadata"):
        out["metadata"] = item["metadata"]
    if item.get("expires_after") is not None:
        out["expires_after"] = item["expires_after"]
    entries = item.get("files", [])
    if entries:
        out["file_ids"] = [entry["id"] for entry in entries]
        sizes = {(entry["max_chunk_size_tokens"], entry["chunk_overlap_tokens"]) for entry in entries}
        if sizes != {(AUTO_CHUNK_TOKENS, AUTO_OVERLAP_TOKENS)}:
            size, overlap = sorted(sizes)[0]
            out["chunking_strategy"] = {
                "type": "static",
                "static": {"max_chunk_size_tokens": size, "chunk_overlap_tokens": overlap},
            }
            if len(sizes) > 1:
                notes.append(f"vector store {item['id']}: its files were chunked in several ways; the world uses one")
        if any(entry.get("attributes") for entry in entries):
            notes.append(f"vector store {item['id']}: the attributes of its files")
    out["created_at"] = item["created_at"]
    return out


def _assistant(item: JsonDict) -> JsonDict:
    out: JsonDict = {"id": item["id"], "model": item["model"]}
    for name, default in _ASSISTANT_DEFAULTS.items():
        if item.get(name, default) != default:
            out[name] = item[name]
    out["created_at"] = item["created_at"]
    return out


def _thread(item: JsonDict, messages: list[JsonDict], notes: list[str]) -> JsonDict:
    out: JsonDict = {"id": item["id"]}
    if item.get("metadata"):
        out["metadata"] = item["metadata"]
    if item.get("tool_resources"):
        out["tool_resources"] = item["tool_resources"]
    order = {message_id: index for index, message_id in enumerate(item.get("message_ids", []))}
    own = [message for message in messages if message["thread_id"] == item["id"]]
    own.sort(key=lambda message: order.get(message["id"], len(order)))
    if own:
        out["messages"] = [_message(message, notes) for message in own]
    out["created_at"] = item["created_at"]
    return out


def _message(item: JsonDict, notes: list[str]) -> JsonDict:
    out: JsonDict = {"id": item["id"], "role": item["role"], "content": _content(item, notes)}
    if item.get("assistant_id"):
        out["assistant_id"] = item["assistant_id"]
    if item.get("attachments"):
        out["attachments"] = item["attachments"]
    if item.get("metadata"):
        out["metadata"] = item["metadata"]
    out["created_at"] = item["created_at"]
    return out


def _content(item: JsonDict, notes: list[str]) -> str | list[JsonDict]:
    """A message's content as a create request gives it: a text part is its text (its annotations are lost)."""
    parts: list[JsonDict] = []
    for part in item["content"]:
        if part["type"] == "text":
            if part["text"].get("annotations"):
                notes.append(f"message {item['id']}: the annotations of its text")
            parts.append({"type": "text", "text": part["text"]["value"]})
        else:
            parts.append(part)
    if len(parts) == 1 and parts[0]["type"] == "text":
        return str(parts[0]["text"])
    return parts


def dump_world(document: JsonDict, header: list[str]) -> str:
    """A world document as YAML, with comment lines on top; multi-line texts as literal blocks."""
    import yaml  # type: ignore[import-untyped]

    class Dumper(yaml.SafeDumper):  # type: ignore[misc]
        pass

    def text(dumper: Any, value: str) -> Any:
        style = "|" if "\n" in value and not value.endswith((" ", "\t")) else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    Dumper.add_representer(str, text)
    plain = json.loads(json.dumps(document))  # the state's own containers (journaled dicts and lists) as plain ones
    body: str = yaml.dump(plain or {}, Dumper=Dumper, sort_keys=False, allow_unicode=True, width=120)
    return "".join(f"# {line}\n" for line in header) + body

"""A world document read into declarations: every object checked as the API would check its create request.

A world declares objects in the real API's own field names: ``files``, ``vector_stores``, ``assistants`` and
``threads`` (with their ``messages``), each optionally with its ``id`` (kept as given, whatever its shape) and
``created_at``; and ``api_key``, the key that owns them all under key isolation. What only a world can say is said
with three more keys: a file's contents come from ``path`` (relative to the world file), ``text`` or ``base64``;
a vector store's ``files`` declares files inline, as the ``files`` section does.

Everything that can be checked without an emulator is checked here: unknown fields, duplicate ids, values (through
the API's own request models), file contents, and references between the world's objects. A reference to an id the
world does not declare is checked again when the world is loaded, against the objects the emulator already holds.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel

from ..errors import ApiError
from ..schemas.file_requests import CreateVectorStore, FilePurpose
from ..schemas.requests import CreateAssistant, CreateMessage, CreateThread
from ..schemas.validation import validate
from .source import Lines, Pointer, WorldError

SECTIONS = ("files", "vector_stores", "assistants", "threads")
TOP_KEYS = ("api_key", *SECTIONS)
PURPOSES = (*get_args(FilePurpose), "assistants_output")  # an upload's purposes, and what runs wrote
MAX_FILE_BYTES = 512 * 1024 * 1024
KINDS = {"files": "file", "vector_stores": "vector store", "assistants": "assistant", "threads": "thread"}

_OWN = ("id", "created_at")
FILE_FIELDS = (*_OWN, "filename", "purpose", "path", "text", "base64")
STORE_FIELDS = (*_OWN, *CreateVectorStore.model_fields, "files")
ASSISTANT_FIELDS = (*_OWN, *CreateAssistant.model_fields)
THREAD_FIELDS = (*_OWN, *CreateThread.model_fields)
MESSAGE_FIELDS = (*_OWN, *CreateMessage.model_fields, "assistant_id")


@dataclass
class Declared:
    """One declared object: its kind, its id (``None``: a seeded one), where it stands, and its create request."""

    kind: str
    id: str | None
    pointer: Pointer
    created_at: int | None = None
    request: Any = None  # the validated create request (a pydantic model), or for a file its FileContent
    inline: list[Declared] = field(default_factory=list)  # a vector store's files declared in it
    made: str | None = None  # the id it was given when the world loaded

    def name(self) -> str:
        return f"{self.kind} {self.id!r}" if self.id is not None else f"{_a(self.kind)} without an id"


@dataclass
class FileContent:
    filename: str
    purpose: str
    content: bytes


@dataclass
class ThreadDeclared(Declared):
    messages: list[Declared] = field(default_factory=list)


@dataclass
class World:
    """A checked world: what it declares, in the order it is loaded (files, stores, assistants, threads)."""

    lines: Lines
    api_key: str | None = None
    files: list[Declared] = field(default_factory=list)
    vector_stores: list[Declared] = field(default_factory=list)
    assistants: list[Declared] = field(default_factory=list)
    threads: list[ThreadDeclared] = field(default_factory=list)

    @property
    def source(self) -> str:
        return self.lines.source

    def objects(self) -> Iterator[Declared]:
        yield from self.files
        yield from self.vector_stores
        yield from self.assistants
        for thread in self.threads:
            yield thread
            yield from thread.messages

    def summary(self) -> dict[str, list[str | None]]:
        """The ids each section declares (``None`` for an object that gets a seeded id)."""
        return {
            "files": [item.id for item in self.files],
            "vector_stores": [item.id for item in self.vector_stores],
            "assistants": [item.id for item in self.assistants],
            "threads": [item.id for item in self.threads],
            "messages": [message.id for thread in self.threads for message in thread.messages],
        }

    def check_references(self, exists: Callable[[str, str], bool] | None = None) -> None:
        """Refuse the first reference to an object the world does not declare and (``exists(kind, id)``) the
        emulator does not hold."""
        declared = {(item.kind, item.id) for item in self.objects() if item.id is not None}
        for owner, pointer, kind, object_id in self.references():
            if (kind, object_id) in declared or (exists is not None and exists(kind, object_id)):
                continue
            holder = " and the emulator does not hold" if exists is not None else ""
            raise self.lines.error(
                pointer, f"{owner.name()} names {kind} {object_id!r}, which the world does not declare{holder}"
            )

    def references(self) -> Iterator[tuple[Declared, Pointer, str, str]]:
        """Every ``(object, pointer, kind, id)`` a declared object refers to."""
        for store in self.vector_stores:
            for index, file_id in enumerate(store.request.file_ids or []):
                yield store, (*store.pointer, "file_ids", index), "file", file_id
        for item in [*self.assistants, *self.threads]:
            yield from _resource_references(item)
        for thread in self.threads:
            for message in thread.messages:
                request, assistant_id = message.request
                for index, attachment in enumerate(request.attachments or []):
                    yield message, (*message.pointer, "attachments", index), "file", attachment.file_id
                if assistant_id is not None:
                    yield message, (*message.pointer, "assistant_id"), "assistant", assistant_id


def _resource_references(item: Declared) -> Iterator[tuple[Declared, Pointer, str, str]]:
    resources = item.request.tool_resources
    if resources is None:
        return
    at = (*item.pointer, "tool_resources")
    if resources.code_interpreter is not None:
        for index, file_id in enumerate(resources.code_interpreter.file_ids):
            yield item, (*at, "code_interpreter", "file_ids", index), "file", file_id
    if resources.file_search is not None:
        for index, store_id in enumerate(resources.file_search.vector_store_ids or []):
            yield item, (*at, "file_search", "vector_store_ids", index), "vector store", store_id
        for helper in resources.file_search.vector_stores or []:
            for index, file_id in enumerate(helper.get("file_ids") or []):
                yield item, (*at, "file_search", "vector_stores", 0, "file_ids", index), "file", file_id


def read_world(document: Any, lines: Lines, base: Path | None) -> World:
    """Check a world document. ``base``: the folder ``path`` is read from (``None``: no ``path`` allowed)."""
    return _Reader(lines, base).world(document)


class _Reader:
    def __init__(self, lines: Lines, base: Path | None) -> None:
        self.lines = lines
        self.base = base
        self.ids: dict[str, Pointer] = {}  # every declared id, where it was declared

    def fail(self, pointer: Pointer, problem: str) -> WorldError:
        return self.lines.error(pointer, problem)

    def world(self, document: Any) -> World:
        if not isinstance(document, dict):
            raise self.fail((), f"a world is a mapping of {', '.join(TOP_KEYS)}")
        for key in document:
            if key not in TOP_KEYS:
                raise self.fail((key,), f"unknown section {key!r} (a world has {', '.join(TOP_KEYS)})")
        world = World(self.lines)
        key = document.get("api_key")
        if key is not None and (not isinstance(key, str) or not key):
            raise self.fail(("api_key",), "api_key is a non-empty string: the key that owns the world's objects")
        world.api_key = key
        for section in SECTIONS:
            items = document.get(section)
            if items is None:
                continue
            if not isinstance(items, list):
                raise self.fail((section,), f"{section} is a list of {KINDS[section]}s")
            for index, item in enumerate(items):
                self.section_item(world, section, item, (section, index))
        return world

    def section_item(self, world: World, section: str, item: Any, pointer: Pointer) -> None:
        if section == "files":
            world.files.append(self.file(item, pointer))
        elif section == "vector_stores":
            world.vector_stores.append(self.store(world, item, pointer))
        elif section == "assistants":
            world.assistants.append(
                self.declared("assistant", _returned_tools(item), pointer, ASSISTANT_FIELDS, CreateAssistant)
            )
        else:
            world.threads.append(self.thread(item, pointer))

    # --- one object -------------------------------------------------------------------------------------------

    def head(self, kind: str, item: Any, pointer: Pointer, allowed: tuple[str, ...]) -> Declared:
        """The id and ``created_at`` of an object, after its fields are checked against what ``kind`` declares."""
        if not isinstance(item, dict):
            raise self.fail(pointer, f"{_a(kind)} is a mapping of its fields")
        object_id = item.get("id")
        if object_id is not None and (not isinstance(object_id, str) or not object_id.strip()):
            raise self.fail((*pointer, "id"), f"{_a(kind)}'s id is a non-empty string, not {object_id!r}")
        declared = Declared(kind, object_id, pointer)
        for key in item:
            if key not in allowed:
                shown = ", ".join(allowed)
                raise self.fail((*pointer, key), f"{declared.name()}: unknown field {key!r} (its fields: {shown})")
        if object_id is not None:
            if object_id in self.ids:
                first = self.lines.line(self.ids[object_id])
                also = f"line {first}" if first is not None else self.lines.where(self.ids[object_id])
                raise self.fail((*pointer, "id"), f"duplicate id {object_id!r}: {also} declares it too")
            self.ids[object_id] = (*pointer, "id")
        created_at = item.get("created_at")
        if created_at is not None and (type(created_at) is not int or created_at < 0):
            raise self.fail((*pointer, "created_at"), f"{declared.name()}: created_at is a Unix time in whole seconds")
        declared.created_at = created_at
        return declared

    def declared(
        self, kind: str, item: Any, pointer: Pointer, allowed: tuple[str, ...], model: type[BaseModel]
    ) -> Declared:
        declared = self.head(kind, item, pointer, allowed)
        declared.request = self.validated(declared, model, {k: v for k, v in item.items() if k not in _OWN})
        return declared

    def validated(self, declared: Declared, model: type[BaseModel], fields: dict[str, Any]) -> Any:
        try:
            return validate(model, fields)
        except ApiError as error:
            raise self.fail(
                (*declared.pointer, *_param_pointer(error.param)), f"{declared.name()}: {error.message}"
            ) from None

    def file(self, item: Any, pointer: Pointer) -> Declared:
        declared = self.head("file", item, pointer, FILE_FIELDS)
        sources = [key for key in ("path", "text", "base64") if key in item]
        if len(sources) != 1:
            raise self.fail(pointer, f"{declared.name()}: give its contents as exactly one of path, text or base64")
        (how,) = sources
        value = item[how]
        if not isinstance(value, str):
            raise self.fail((*pointer, how), f"{declared.name()}: {how} is a string")
        filename = item.get("filename")
        if filename is None and how == "path":
            filename = Path(value).name
        if not isinstance(filename, str) or not filename:
            raise self.fail(pointer, f"{declared.name()}: a file given by {how} needs its filename")
        purpose = item.get("purpose", "assistants")
        if purpose not in PURPOSES:
            raise self.fail(
                (*pointer, "purpose"), f"{declared.name()}: purpose is one of {', '.join(PURPOSES)}, not {purpose!r}"
            )
        declared.request = FileContent(filename, purpose, self.content(declared, how, value))
        return declared

    def content(self, declared: Declared, how: str, value: str) -> bytes:
        at = (*declared.pointer, how)
        if how == "text":
            return value.encode("utf-8", "surrogatepass")
        if how == "base64":
            try:
                return base64.b64decode(value, validate=True)
            except (binascii.Error, ValueError):
                raise self.fail(at, f"{declared.name()}: base64 is not valid base64") from None
        if self.base is None:
            raise self.fail(
                at, f"{declared.name()}: this world is not a file, so its files are given by text or base64"
            )
        path = (self.base / value).resolve()
        if Path(value).is_absolute() or not path.is_relative_to(self.base.resolve()):
            raise self.fail(at, f"{declared.name()}: path {value!r} is outside the world file's folder")
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                raise self.fail(at, f"{declared.name()}: {value!r} is larger than {MAX_FILE_BYTES} bytes")
            return path.read_bytes()
        except OSError as exc:
            raise self.fail(at, f"{declared.name()}: cannot read {value!r}: {exc.strerror or exc}") from None

    def store(self, world: World, item: Any, pointer: Pointer) -> Declared:
        declared = self.head("vector store", item, pointer, STORE_FIELDS)
        fields = {k: v for k, v in item.items() if k not in (*_OWN, "files")}
        inline = item.get("files") or []
        if not isinstance(inline, list):
            raise self.fail((*pointer, "files"), f"{declared.name()}: files is a list of files, declared as in files:")
        for index, entry in enumerate(inline):
            file = self.file(entry, (*pointer, "files", index))
            world.files.append(file)  # made with the other files, then added to this store
            declared.inline.append(file)
        declared.request = self.validated(declared, CreateVectorStore, fields)
        return declared

    def thread(self, item: Any, pointer: Pointer) -> ThreadDeclared:
        head = self.head("thread", item, pointer, THREAD_FIELDS)
        declared = ThreadDeclared(head.kind, head.id, pointer, head.created_at)
        messages = item.get("messages") or []
        if not isinstance(messages, list):
            raise self.fail((*pointer, "messages"), f"{declared.name()}: messages is a list of messages")
        fields = {k: v for k, v in item.items() if k not in (*_OWN, "messages")}
        declared.request = self.validated(declared, CreateThread, fields)
        for index, message in enumerate(messages):
            at = (*pointer, "messages", index)
            one = self.head("message", message, at, MESSAGE_FIELDS)
            assistant_id = message.get("assistant_id")
            if assistant_id is not None and not isinstance(assistant_id, str):
                raise self.fail((*at, "assistant_id"), f"{one.name()}: assistant_id is a string")
            rest = {k: v for k, v in message.items() if k not in (*_OWN, "assistant_id")}
            one.request = (self.validated(one, CreateMessage, rest), assistant_id)
            declared.messages.append(one)
        return declared


def _returned_tools(item: Any) -> Any:
    """An assistant whose tools are given as the API returns them (``fake.snapshot()``, a recording): a file search
    tool's ``ranking_options`` carry ``hybrid_search: null``, which a create request cannot say. It is dropped."""
    tools = item.get("tools") if isinstance(item, dict) else None
    if not isinstance(tools, list):
        return item
    taken = []
    for tool in tools:
        search = tool.get("file_search") if isinstance(tool, dict) else None
        ranking = search.get("ranking_options") if isinstance(search, dict) else None
        if isinstance(search, dict) and isinstance(ranking, dict) and ranking.get("hybrid_search", 0) is None:
            ranking = {k: v for k, v in ranking.items() if k != "hybrid_search"}
            tool = {**tool, "file_search": {**search, "ranking_options": ranking}}
        taken.append(tool)
    return {**item, "tools": taken}


def _a(kind: str) -> str:
    return f"an {kind}" if kind[0] in "aeiou" else f"a {kind}"


def _param_pointer(param: str | None) -> Pointer:
    if not param:
        return ()
    return tuple(int(part[1:-1]) if part.startswith("[") else part for part in re.findall(r"\[\d+\]|[^.\[\]]+", param))

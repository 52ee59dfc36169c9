"""Loading a checked world into an emulator's state: all of it, or (on any problem) nothing.

Each object is made by the backend's own operation, as its create request would make it (the same checks, the same
defaults), with the id the world gives it: the id factory hands the given id to the next object of that kind
(``IdFactory.given``), and seeded ids never repeat a given one (``IdFactory.taken``). Files in a vector store are
ingested before the world is in place, so a search finds them at once. The whole load is one undo transaction
(``journal.py``): a world with one bad object adds nothing.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from ..backend.assistants import create_assistant
from ..backend.files import upload_file
from ..backend.state import Backend
from ..backend.threads import add_message, create_thread
from ..backend.vector_stores import advance_vector_store_item, create_vector_store, ready_thread_stores
from ..errors import ApiError
from ..journal import transaction
from .declarations import Declared, World

T = TypeVar("T")
PREFIXES = {"file": "file", "vector store": "vs", "assistant": "asst", "thread": "thread", "message": "msg"}


def exists_in(backend: Backend) -> Callable[[str, str], bool]:
    """``exists(kind, id)`` over the objects ``backend`` holds."""
    return lambda kind, object_id: backend.holds(PREFIXES[kind], object_id)


def load(backend: Backend, world: World) -> dict[str, list[str]]:
    """Add the world's objects to ``backend``. Returns the ids of what was made, by section."""
    with backend.lock:
        world.check_references(exists_in(backend))
        for item in world.objects():
            if item.id is not None and backend.holds(PREFIXES[item.kind], item.id):
                raise world.lines.error(
                    (*item.pointer, "id"), f"duplicate id: the emulator already holds {item.name()}"
                )
        now = backend.clock.now()
        owner = backend.ownership.acting(world.api_key) if world.api_key else contextlib.nullcontext()
        try:
            with transaction(backend.write_fault), owner:
                _make_all(backend, world, now)
        finally:
            backend.ids.given.clear()
    return {section: [str(made_id) for made_id in ids] for section, ids in _made(world).items()}


def _made(world: World) -> dict[str, list[str | None]]:
    return {
        "files": [item.made for item in world.files],
        "vector_stores": [item.made for item in world.vector_stores],
        "assistants": [item.made for item in world.assistants],
        "threads": [item.made for item in world.threads],
        "messages": [message.made for thread in world.threads for message in thread.messages],
    }


def _make_all(backend: Backend, world: World, now: int) -> None:
    for item in world.files:
        with _making(backend, world, item):
            content = item.request
            stored = upload_file(
                backend, now, filename=content.filename, content=content.content, purpose=content.purpose
            )
            _dated(stored, item, now)
    for item in world.vector_stores:
        with _making(backend, world, item):
            request = item.request
            if item.inline:
                file_ids = [*(request.file_ids or []), *(str(file.made) for file in item.inline)]
                request = request.model_copy(update={"file_ids": file_ids})
            store = create_vector_store(backend, now, request)
            _dated(store, item, now)
            if item.created_at is not None:
                store.last_active_at = item.created_at
                for entry in store.files.values():
                    entry.created_at = item.created_at
            advance_vector_store_item(backend, store.id, now)  # ingested: searchable when the test starts
    for item in world.assistants:
        with _making(backend, world, item):
            _dated(create_assistant(backend, now, item.request), item, now)
    for thread_item in world.threads:
        with _making(backend, world, thread_item):
            thread = create_thread(backend, now, thread_item.request.model_copy(update={"messages": None}))
            _dated(thread, thread_item, now)
        for message_item in thread_item.messages:
            request, assistant_id = message_item.request
            with _making(backend, world, message_item):
                message = add_message(backend, thread, now, request)
                message.assistant_id = assistant_id
                _dated(message, message_item, now)
        ready_thread_stores(backend, thread.tool_resources)


def _dated(made: Any, item: Declared, now: int) -> None:
    item.made = made.id
    if item.created_at is not None:
        made.created_at = item.created_at


@contextlib.contextmanager
def _making(backend: Backend, world: World, item: Declared) -> Iterator[None]:
    """Make one object with its given id; an API error becomes the world's error, naming the object."""
    if item.id is not None:
        backend.ids.given[PREFIXES[item.kind]] = item.id
    try:
        yield
    except ApiError as error:
        raise world.lines.error(item.pointer, f"{item.name()}: {error.message}") from None
    finally:
        backend.ids.given.pop(PREFIXES[item.kind], None)

"""The route table: every operation of the Assistants-era API (a method and path template, the spec's operationId),
the handler that serves it (if any), :func:`match`, and the id prefixes path parameters must carry."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from ..backend.files import expire_files
from .handler_context import Call, Handler
from .handlers import assistants, files, runs, steps, threads
from .handlers import vector_stores as stores
from .wire import ApiRequest

# The operations that change nothing, whatever the state (no run moves with the clock, no file expires): the
# router serves them without the undo journal (tests/api/test_atomicity.py checks that they write nothing).
READS_ONLY = frozenset({"listAssistants", "getAssistant", "getThread", "listMessages", "getMessage"})


@dataclass(frozen=True)
class Route:
    method: str
    template: str
    operation_id: str
    handler: Handler | None = None
    # Files never needed ``OpenAI-Beta``; vector stores left the beta in 2025 and were served without it.
    needs_beta_header: bool = field(init=False, compare=False, repr=False)
    writes: bool = field(init=False, compare=False, repr=False)  # may change the state: served in a transaction

    def __post_init__(self) -> None:
        object.__setattr__(self, "needs_beta_header", not self.template.startswith(("/files", "/vector_stores")))
        object.__setattr__(self, "writes", self.operation_id not in READS_ONLY)


Result = TypeVar("Result")


def _fresh(handler: Callable[[Call], Result]) -> Callable[[Call], Result]:
    """The handler, run once the files whose ``expires_at`` has come are gone."""

    def serve(call: Call) -> Result:
        expire_files(call.backend, call.now)
        return handler(call)

    return serve


_FILE_ROUTES: tuple[Route, ...] = (
    Route("GET", "/files", "listFiles", _fresh(files.list_)),
    Route("POST", "/files", "createFile", _fresh(files.create)),
    Route("DELETE", "/files/{file_id}", "deleteFile", _fresh(files.delete)),
    Route("GET", "/files/{file_id}", "retrieveFile", _fresh(files.retrieve)),
    Route("GET", "/files/{file_id}/content", "downloadFile", _fresh(files.download)),
)

_VECTOR_STORE_ROUTES: tuple[Route, ...] = (
    Route("GET", "/vector_stores", "listVectorStores", _fresh(stores.list_)),
    Route("POST", "/vector_stores", "createVectorStore", _fresh(stores.create)),
    Route("GET", "/vector_stores/{vector_store_id}", "getVectorStore", _fresh(stores.retrieve)),
    Route("POST", "/vector_stores/{vector_store_id}", "modifyVectorStore", _fresh(stores.modify)),
    Route("DELETE", "/vector_stores/{vector_store_id}", "deleteVectorStore", _fresh(stores.delete)),
    Route(
        "POST",
        "/vector_stores/{vector_store_id}/file_batches",
        "createVectorStoreFileBatch",
        _fresh(stores.create_batch),
    ),
    Route(
        "GET",
        "/vector_stores/{vector_store_id}/file_batches/{batch_id}",
        "getVectorStoreFileBatch",
        _fresh(stores.retrieve_batch),
    ),
    Route(
        "POST",
        "/vector_stores/{vector_store_id}/file_batches/{batch_id}/cancel",
        "cancelVectorStoreFileBatch",
        _fresh(stores.cancel_batch),
    ),
    Route(
        "GET",
        "/vector_stores/{vector_store_id}/file_batches/{batch_id}/files",
        "listFilesInVectorStoreBatch",
        _fresh(stores.list_batch_files),
    ),
    Route("GET", "/vector_stores/{vector_store_id}/files", "listVectorStoreFiles", _fresh(stores.list_files)),
    Route("POST", "/vector_stores/{vector_store_id}/files", "createVectorStoreFile", _fresh(stores.create_file)),
    Route(
        "GET", "/vector_stores/{vector_store_id}/files/{file_id}", "getVectorStoreFile", _fresh(stores.retrieve_file)
    ),
    Route(
        "DELETE",
        "/vector_stores/{vector_store_id}/files/{file_id}",
        "deleteVectorStoreFile",
        _fresh(stores.delete_file),
    ),
    Route(
        "POST",
        "/vector_stores/{vector_store_id}/files/{file_id}",
        "updateVectorStoreFileAttributes",
        _fresh(stores.update_file),
    ),
    Route(
        "GET",
        "/vector_stores/{vector_store_id}/files/{file_id}/content",
        "retrieveVectorStoreFileContent",
        _fresh(stores.file_content),
    ),
    Route("POST", "/vector_stores/{vector_store_id}/search", "searchVectorStore", _fresh(stores.search)),
)


ROUTES: tuple[Route, ...] = (
    Route("GET", "/assistants", "listAssistants", assistants.list_),
    Route("POST", "/assistants", "createAssistant", assistants.create),
    Route("GET", "/assistants/{assistant_id}", "getAssistant", assistants.retrieve),
    Route("POST", "/assistants/{assistant_id}", "modifyAssistant", assistants.modify),
    Route("DELETE", "/assistants/{assistant_id}", "deleteAssistant", assistants.delete),
    *_FILE_ROUTES,
    Route("POST", "/threads", "createThread", threads.create_thread),
    Route("POST", "/threads/runs", "createThreadAndRun", runs.create_thread_and_run),
    Route("GET", "/threads/{thread_id}", "getThread", threads.retrieve_thread),
    Route("POST", "/threads/{thread_id}", "modifyThread", threads.modify_thread),
    Route("DELETE", "/threads/{thread_id}", "deleteThread", threads.delete_thread),
    Route("GET", "/threads/{thread_id}/messages", "listMessages", threads.list_messages),
    Route("POST", "/threads/{thread_id}/messages", "createMessage", threads.create_message),
    Route("GET", "/threads/{thread_id}/messages/{message_id}", "getMessage", threads.retrieve_message),
    Route("POST", "/threads/{thread_id}/messages/{message_id}", "modifyMessage", threads.modify_message),
    Route("DELETE", "/threads/{thread_id}/messages/{message_id}", "deleteMessage", threads.delete_message),
    Route("GET", "/threads/{thread_id}/runs", "listRuns", runs.list_),
    Route("POST", "/threads/{thread_id}/runs", "createRun", runs.create),
    Route("GET", "/threads/{thread_id}/runs/{run_id}", "getRun", runs.retrieve),
    Route("POST", "/threads/{thread_id}/runs/{run_id}", "modifyRun", runs.modify),
    Route("POST", "/threads/{thread_id}/runs/{run_id}/cancel", "cancelRun", runs.cancel),
    Route("GET", "/threads/{thread_id}/runs/{run_id}/steps", "listRunSteps", steps.list_),
    Route("GET", "/threads/{thread_id}/runs/{run_id}/steps/{step_id}", "getRunStep", steps.retrieve),
    Route(
        "POST",
        "/threads/{thread_id}/runs/{run_id}/submit_tool_outputs",
        "submitToolOuputsToRun",
        runs.submit_tool_outputs,
    ),
    *_VECTOR_STORE_ROUTES,
)

# Path parameters whose ids must carry their prefix; the real API answered a 400 otherwise. A file id is not
# checked: the files API answers any unknown id with its 404.
ID_PREFIXES = {
    "assistant_id": "asst",
    "thread_id": "thread",
    "message_id": "msg",
    "run_id": "run",
    "step_id": "step",
    "vector_store_id": "vs",
    "batch_id": "vsfb",
}


PATHS_KEPT = 4096  # the paths whose routes an emulator remembers (see SeenPaths)
PATH_KEPT_LENGTH = 200  # the longest path it remembers (an API path with two ids is under 100 characters)
_UNKNOWN: Any = object()


def resolve(request: ApiRequest, seen: SeenPaths | None = None) -> tuple[Route, dict[str, str]] | None:
    """The route an API request (``/v1/...``) matches, with its path parameters (shared by every request of the
    same path: read them, never change them); matched once per request, however many layers of the path ask (the
    rate limits, the faults, the router), and, given the paths an emulator has ``seen``, once per path."""
    known = request.known
    found = known.get("route", _UNKNOWN)
    if found is _UNKNOWN:
        if seen is None:
            found = _match_path(request)
        else:
            if seen.table is not ROUTES:  # a test swapped the table
                seen.clear()
                seen.table = ROUTES
            path = (request.method, request.path)
            found = seen.get(path, _UNKNOWN)
            if found is _UNKNOWN:
                found = _match_path(request)
                if len(request.path) <= PATH_KEPT_LENGTH:  # a hostile path is matched, never kept
                    if len(seen) >= PATHS_KEPT:
                        seen.clear()
                    seen[path] = found
        known["route"] = found
    return found  # type: ignore[no-any-return]


class SeenPaths(dict[tuple[str, str], "tuple[Route, dict[str, str]] | None"]):
    """The routes of the paths (method and path) one emulator has served, up to :data:`PATHS_KEPT` of them (a
    suite's ids are many: then it starts over), for the route table they were matched in."""

    def __init__(self) -> None:
        super().__init__()
        self.table = ROUTES


def _match_path(request: ApiRequest) -> tuple[Route, dict[str, str]] | None:
    path = request.path
    return match(request.method.upper(), path[3:].rstrip("/")) if path.startswith("/v1/") else None


def operation_of(request: ApiRequest) -> str | None:
    """The spec's operationId of the route ``request`` matches (``None``: it matches none)."""
    found = resolve(request)
    return found[0].operation_id if found is not None else None


def match(method: str, path: str) -> tuple[Route, dict[str, str]] | None:
    """The route ``method path`` (relative to ``/v1``) matches; the request path resolves through :func:`resolve`.

    The first route of :data:`ROUTES`, in order, whose template the path fits: its literal segments equal, each
    parameter a non-empty segment. Only the routes of the same method, length and first segment are tried."""
    segments = path.split("/")
    first = segments[1] if len(segments) > 1 else ""
    for route, literals, names in RouteIndex.of(ROUTES).get((method, len(segments), first), ()):
        for at, literal in literals:
            if segments[at] != literal:
                break
        else:
            params = {}
            for at, name in names:
                if not segments[at]:
                    break
                params[name] = segments[at]
            else:
                return route, params
    return None


Segments = tuple[tuple[int, str], ...]  # (position, literal or parameter name)


class RouteIndex(dict[tuple[str, int, str], list[tuple[Route, Segments, Segments]]]):
    """A route table's routes under their method, number of segments and first segment (always a literal), each
    with the positions of its other literal segments and of its parameters, in table order."""

    last: RouteIndex | None = None  # the index of the table last asked for (a test may swap the table)

    def __init__(self, routes: tuple[Route, ...]) -> None:
        super().__init__()
        self.routes = routes
        for route in routes:
            parts = route.template.split("/")
            literals = tuple((at, part) for at, part in enumerate(parts) if at > 1 and not part.startswith("{"))
            names = tuple((at, part[1:-1]) for at, part in enumerate(parts) if part.startswith("{"))
            self.setdefault((route.method, len(parts), parts[1]), []).append((route, literals, names))

    @classmethod
    def of(cls, routes: tuple[Route, ...]) -> RouteIndex:
        index = cls.last
        if index is None or index.routes is not routes:
            index = cls.last = cls(routes)
        return index

"""The route table: every operation of the Assistants-era API, and the handler that serves it (if any)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .call import Handler
from .handlers import assistants, runs, threads


@dataclass(frozen=True)
class Route:
    method: str
    template: str
    operation_id: str
    handler: Handler | None = None
    pattern: re.Pattern[str] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", self.template)
        object.__setattr__(self, "pattern", re.compile(f"^{regex}$"))

    @property
    def needs_beta_header(self) -> bool:
        return not self.template.startswith("/files")


ROUTES: tuple[Route, ...] = (
    Route("GET", "/assistants", "listAssistants", assistants.list_),
    Route("POST", "/assistants", "createAssistant", assistants.create),
    Route("GET", "/assistants/{assistant_id}", "getAssistant", assistants.retrieve),
    Route("POST", "/assistants/{assistant_id}", "modifyAssistant", assistants.modify),
    Route("DELETE", "/assistants/{assistant_id}", "deleteAssistant", assistants.delete),
    Route("GET", "/files", "listFiles"),
    Route("POST", "/files", "createFile"),
    Route("DELETE", "/files/{file_id}", "deleteFile"),
    Route("GET", "/files/{file_id}", "retrieveFile"),
    Route("GET", "/files/{file_id}/content", "downloadFile"),
    Route("POST", "/threads", "createThread", threads.create_thread),
    Route("POST", "/threads/runs", "createThreadAndRun"),
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
    Route("GET", "/threads/{thread_id}/runs/{run_id}/steps", "listRunSteps"),
    Route("GET", "/threads/{thread_id}/runs/{run_id}/steps/{step_id}", "getRunStep"),
    Route("POST", "/threads/{thread_id}/runs/{run_id}/submit_tool_outputs", "submitToolOuputsToRun"),
    Route("GET", "/vector_stores", "listVectorStores"),
    Route("POST", "/vector_stores", "createVectorStore"),
    Route("GET", "/vector_stores/{vector_store_id}", "getVectorStore"),
    Route("POST", "/vector_stores/{vector_store_id}", "modifyVectorStore"),
    Route("DELETE", "/vector_stores/{vector_store_id}", "deleteVectorStore"),
    Route("POST", "/vector_stores/{vector_store_id}/file_batches", "createVectorStoreFileBatch"),
    Route("GET", "/vector_stores/{vector_store_id}/file_batches/{batch_id}", "getVectorStoreFileBatch"),
    Route(
        "POST", "/vector_stores/{vector_store_id}/file_batches/{batch_id}/cancel", "cancelVectorStoreFileBatch"
    ),
    Route(
        "GET", "/vector_stores/{vector_store_id}/file_batches/{batch_id}/files", "listFilesInVectorStoreBatch"
    ),
    Route("GET", "/vector_stores/{vector_store_id}/files", "listVectorStoreFiles"),
    Route("POST", "/vector_stores/{vector_store_id}/files", "createVectorStoreFile"),
    Route("GET", "/vector_stores/{vector_store_id}/files/{file_id}", "getVectorStoreFile"),
    Route("DELETE", "/vector_stores/{vector_store_id}/files/{file_id}", "deleteVectorStoreFile"),
    Route("POST", "/vector_stores/{vector_store_id}/files/{file_id}", "updateVectorStoreFileAttributes"),
    Route("GET", "/vector_stores/{vector_store_id}/files/{file_id}/content", "retrieveVectorStoreFileContent"),
    Route("POST", "/vector_stores/{vector_store_id}/search", "searchVectorStore"),
)

# Path parameters whose ids must carry their prefix; the real API answered a 400 otherwise.
ID_PREFIXES = {
    "assistant_id": "asst",
    "thread_id": "thread",
    "message_id": "msg",
    "run_id": "run",
    "step_id": "step",
}


def match(method: str, path: str) -> tuple[Route, dict[str, str]] | None:
    for route in ROUTES:
        if route.method != method:
            continue
        found = route.pattern.match(path)
        if found is not None:
            return route, found.groupdict()
    return None

"""The route table: every operation of the Assistants-era API, and the handler that serves it (if any)."""

from __future__ import annotations

from .handlers import assistants, runs, steps, threads
from .route import Route
from .routes_files import FILE_ID_PREFIXES, FILE_ROUTES, VECTOR_STORE_ROUTES

ROUTES: tuple[Route, ...] = (
    Route("GET", "/assistants", "listAssistants", assistants.list_),
    Route("POST", "/assistants", "createAssistant", assistants.create),
    Route("GET", "/assistants/{assistant_id}", "getAssistant", assistants.retrieve),
    Route("POST", "/assistants/{assistant_id}", "modifyAssistant", assistants.modify),
    Route("DELETE", "/assistants/{assistant_id}", "deleteAssistant", assistants.delete),
    *FILE_ROUTES,
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
    *VECTOR_STORE_ROUTES,
)

# Path parameters whose ids must carry their prefix; the real API answered a 400 otherwise.
ID_PREFIXES = {
    "assistant_id": "asst",
    "thread_id": "thread",
    "message_id": "msg",
    "run_id": "run",
    "step_id": "step",
    **FILE_ID_PREFIXES,
}


def match(method: str, path: str) -> tuple[Route, dict[str, str]] | None:
    for route in ROUTES:
        if route.method != method:
            continue
        found = route.pattern.match(path)
        if found is not None:
            return route, found.groupdict()
    return None

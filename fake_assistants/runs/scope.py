"""A run's file scope: which files and vector stores its tools may use.

The scope is the union of the assistant's ``tool_resources`` (its knowledge base), the thread's ``tool_resources``,
the run's own (create-and-run), and the files attached to the thread's messages, limited to the tools the run has.
Nothing from another thread is ever in it.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..backend.models import JsonDict, Run
from ..backend.state import Backend
from ..backend.vector_stores import vector_store_file_ids
from ..script.context import FileScope


def _ids(resources: JsonDict, tool: str, key: str) -> list[str]:
    return list(resources.get(tool, {}).get(key, []))


def run_scope(backend: Backend, run: Run) -> FileScope:
    assistant = backend.assistants.get(run.assistant_id)
    thread = backend.threads[run.thread_id]
    layers = [layer for layer in (assistant.tool_resources if assistant else {}, thread.tool_resources) if layer]
    layers.append(run.tool_resources)
    tool_types = {tool["type"] for tool in run.tools}
    code_files: list[str] = []
    stores: list[str] = []
    if "code_interpreter" in tool_types:
        code_files = [file_id for layer in layers for file_id in _ids(layer, "code_interpreter", "file_ids")]
        code_files += _attached(backend, thread.message_ids, "code_interpreter")
    if "file_search" in tool_types:
        stores = [store_id for layer in layers for store_id in _ids(layer, "file_search", "vector_store_ids")]
    store_files = [file_id for store_id in dict.fromkeys(stores) for file_id in _store_file_ids(backend, store_id)]
    return FileScope(
        code_interpreter_file_ids=_unique(code_files),
        vector_store_ids=_unique(stores),
        file_search_file_ids=_unique(store_files),
    )


def _attached(backend: Backend, message_ids: Iterable[str], tool: str) -> list[str]:
    return [
        attachment["file_id"]
        for message_id in message_ids
        for attachment in backend.messages[message_id].attachments
        if any(t.get("type") == tool for t in attachment.get("tools", []))
    ]


def _unique(ids: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(ids))


def _store_file_ids(backend: Backend, vector_store_id: str) -> tuple[str, ...]:
    return vector_store_file_ids(backend, vector_store_id) if vector_store_id in backend.vector_stores else ()

"""Tool resources as stored on assistants and threads."""

from __future__ import annotations

from ..api.schemas import ToolResources
from ..errors import not_implemented
from .models import JsonDict


def tool_resources_wire(resources: ToolResources | None) -> JsonDict:
    if resources is None:
        return {}
    if resources.file_search is not None and resources.file_search.vector_stores:
        raise not_implemented("the 'tool_resources.file_search.vector_stores' helper")
    out: JsonDict = {}
    if resources.code_interpreter is not None:
        out["code_interpreter"] = {"file_ids": list(resources.code_interpreter.file_ids)}
    if resources.file_search is not None:
        out["file_search"] = {"vector_store_ids": list(resources.file_search.vector_store_ids or [])}
    return out

"""Assistant operations."""

from __future__ import annotations

from ..schemas.requests import CreateAssistant, ModifyAssistant
from .echo import echoed, echoed_names
from .models import Assistant
from .state import Backend
from .tool_resources import resolve_tool_resources

# Fields an assistant does not keep as sent (see backend/echo.py): a default the API filled in, or resources resolved.
_DERIVED = frozenset({"tools", "tool_resources", "metadata", "temperature", "top_p", "response_format"})


def create_assistant(backend: Backend, now: int, request: CreateAssistant) -> Assistant:
    resources = resolve_tool_resources(backend, now, request.tool_resources)
    assistant = Assistant(
        **echoed(request, Assistant, _DERIVED),
        id=backend.ids.new("asst"),
        created_at=now,
        tools=request.tools or [],
        tool_resources=resources,
        metadata=request.metadata or {},
        temperature=1.0 if request.temperature is None else request.temperature,
        top_p=1.0 if request.top_p is None else request.top_p,
        response_format=request.response_format or "auto",
    )
    backend.put_assistant(assistant)
    backend.ownership.claim(assistant.id)
    return assistant


def modify_assistant(backend: Backend, assistant_id: str, now: int, request: ModifyAssistant) -> Assistant:
    assistant = backend.assistant(assistant_id)
    given = request.model_fields_set
    # Validate everything before changing anything: a bad request changes no state.
    resources = (
        resolve_tool_resources(backend, now, request.tool_resources) if request.tool_resources is not None else None
    )
    if request.model is not None:
        assistant.model = request.model
    for name in echoed_names(ModifyAssistant, Assistant, _DERIVED | {"model"}):
        if name in given:
            setattr(assistant, name, getattr(request, name))
    if request.tools is not None:
        assistant.tools = request.tools
    if resources is not None:
        assistant.tool_resources = resources
    if request.metadata is not None:
        assistant.metadata = request.metadata
    if "temperature" in given:
        assistant.temperature = 1.0 if request.temperature is None else request.temperature
    if "top_p" in given:
        assistant.top_p = 1.0 if request.top_p is None else request.top_p
    if "response_format" in given:
        assistant.response_format = request.response_format or "auto"
    return assistant


def delete_assistant(backend: Backend, assistant_id: str) -> None:
    backend.assistant(assistant_id)
    backend.drop_assistant(assistant_id)

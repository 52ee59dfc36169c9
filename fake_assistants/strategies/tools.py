"""What a run may do, read from an assistant's tools: its functions (name, parameters, strict), and whether it has
code_interpreter and file_search."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

EMPTY_PARAMETERS: Mapping[str, Any] = {"type": "object", "properties": {}}


@dataclass(frozen=True)
class Function:
    """A function tool: its name, the JSON Schema of its arguments, and whether ``strict`` is on."""

    name: str
    parameters: Mapping[str, Any]
    strict: bool = False


@dataclass(frozen=True)
class Tools:
    """The tools of a run, as the strategies need them."""

    functions: tuple[Function, ...] = ()
    code_interpreter: bool = False
    file_search: bool = False

    @property
    def types(self) -> frozenset[str]:
        """The tool ``type`` values declared (``"function"``, ``"code_interpreter"``, ``"file_search"``)."""
        found = {"function"} if self.functions else set()
        found |= {"code_interpreter"} if self.code_interpreter else set()
        found |= {"file_search"} if self.file_search else set()
        return frozenset(found)

    def has_tool(self, tool_type: str) -> bool:
        return tool_type in self.types


def _plain(value: Any) -> Any:
    """A tool as plain JSON: an SDK object (pydantic) is dumped, a mapping is kept."""
    dump = getattr(value, "model_dump", None)
    if callable(dump):
        return dump(mode="json", exclude_none=True)
    return value


def read_tools(source: Any) -> Tools:
    """The tools of ``source``: an assistant (an SDK ``Assistant``, or a mapping with ``tools``, such as the keywords
    of ``assistants.create``), or the list of tools itself."""
    source = _plain(source)
    tools: Any = source.get("tools", ()) if isinstance(source, Mapping) else source
    if tools is None:
        tools = ()
    if not isinstance(tools, Iterable) or isinstance(tools, str | bytes):
        raise TypeError("the tools are a list of tool definitions, or an assistant that has them")
    functions: list[Function] = []
    types: set[str] = set()
    for index, tool in enumerate(_plain(tool) for tool in tools):
        if not isinstance(tool, Mapping) or not isinstance(tool.get("type"), str):
            raise TypeError(f"tool {index} is not a tool definition (a mapping with a 'type')")
        types.add(tool["type"])
        if tool["type"] == "function":
            function = tool.get("function")
            if not isinstance(function, Mapping) or not isinstance(function.get("name"), str):
                raise TypeError(f"tool {index} is a function without a name")
            parameters = function.get("parameters") or EMPTY_PARAMETERS
            functions.append(Function(function["name"], parameters, bool(function.get("strict"))))
    return Tools(tuple(functions), "code_interpreter" in types, "file_search" in types)

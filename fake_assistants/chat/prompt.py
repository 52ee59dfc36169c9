"""A run, as a Chat Completions request: what the model is asked, and the key of that conversation.

The mapping, in the order the request holds it:

- ``messages``: one ``system`` message with the run's effective instructions (the assistant's, or the run's
  override, then its additional instructions); the thread's messages oldest first (the last ``n`` of them under a
  ``last_messages`` truncation strategy; ``user`` and ``assistant``; a
  message with ``image_url`` parts sends them as ``image_url`` content parts); then what this run did so far: each
  of its messages as an ``assistant`` message, each tool-call step as an ``assistant`` message with ``tool_calls``
  followed by one ``tool`` message per call (a function's submitted output, a search's results, the code's logs).
- ``tools``: the run's function tools as they are; ``file_search`` as a function ``file_search(query)``;
  ``code_interpreter`` as a function ``code_interpreter(code)`` only when the responder has an executor.
- ``tool_choice`` (a named ``file_search`` or ``code_interpreter`` becomes that function) and
  ``parallel_tool_calls``, when there are tools.
- ``response_format`` (unless ``auto``), ``temperature``, ``top_p``, and ``max_completion_tokens`` (what is left of
  the run's cap), then the responder's own options (``seed``, ...), which win.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

from ..script.context import RunContext

JsonDict = dict[str, Any]

FILE_SEARCH = "file_search"
CODE_INTERPRETER = "code_interpreter"
FILE_SEARCH_TOOL: JsonDict = {
    "type": "function",
    "function": {
        "name": FILE_SEARCH,
        "description": "Search the files the user gave you. Cite a result by writing its marker, e.g. 【0:0†a.txt】.",
        "parameters": {
            "type": "object",
            "properties": {"query": {"type": "string", "description": "what to look for"}},
            "required": ["query"],
        },
    },
}
CODE_INTERPRETER_TOOL: JsonDict = {
    "type": "function",
    "function": {
        "name": CODE_INTERPRETER,
        "description": "Run Python code and read what it prints.",
        "parameters": {
            "type": "object",
            "properties": {"code": {"type": "string", "description": "the Python code to run"}},
            "required": ["code"],
        },
    },
}


def citation_marker(search: int, result: int, file_name: str) -> str:
    """How the ``result``-th result of the run's ``search``-th search is cited (the real API's marker form)."""
    return f"【{search}:{result}†{file_name}】"


def chat_request(
    context: RunContext,
    *,
    model: str | None,
    options: Mapping[str, Any],
    with_code: bool,
    queries: Sequence[str],
    with_tools: bool = True,
) -> JsonDict:
    """The Chat Completions request for the run's next model turn (without ``stream``). ``queries``: the queries of
    the run's searches so far, in order; ``with_tools=False`` offers no tool (the run asked too many rounds)."""
    tools = _tools(context, with_code) if with_tools else []
    body: JsonDict = {"model": model or context.model, "messages": _messages(context, queries)}
    if tools:
        body["tools"] = tools
        choice = _tool_choice(context.tool_choice)
        offered = {tool["function"]["name"] for tool in tools}
        if not isinstance(choice, Mapping) or choice["function"]["name"] in offered:
            body["tool_choice"] = choice  # a tool the model is not offered (code without an executor): left to it
        body["parallel_tool_calls"] = context.parallel_tool_calls
    if context.response_format not in (None, "auto"):
        body["response_format"] = _plain(context.response_format)
    if context.temperature is not None:
        body["temperature"] = context.temperature
    if context.top_p is not None:
        body["top_p"] = context.top_p
    if context.max_completion_tokens is not None:
        body["max_completion_tokens"] = max(context.max_completion_tokens - context.completion_tokens_used, 1)
    body.update(options)
    return body


def conversation_key(body: Mapping[str, Any]) -> str:
    """The key of a conversation: a hash of its request, without what does not change the answer (streaming) and
    with the emulator's tool-call ids replaced by their order of appearance, so the same conversation has the same
    key in every run and every session."""
    ids: dict[str, str] = {}

    def renamed(call_id: str) -> str:
        return ids.setdefault(call_id, f"call_{len(ids) + 1}")

    messages = []
    for message in body.get("messages", []):
        message = dict(message)
        if "tool_call_id" in message:
            message["tool_call_id"] = renamed(message["tool_call_id"])
        if message.get("tool_calls"):
            message["tool_calls"] = [{**call, "id": renamed(call["id"])} for call in message["tool_calls"]]
        messages.append(message)
    stable = {k: v for k, v in body.items() if k not in ("stream", "stream_options", "messages")}
    text = json.dumps({**stable, "messages": messages}, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def summary(body: Mapping[str, Any], limit: int = 200) -> str:
    """The conversation in one short readable line: its last user message, and how many messages follow it."""
    messages = list(body.get("messages", []))
    users = [i for i, message in enumerate(messages) if message["role"] == "user"]
    if not users:
        return f"{len(messages)} message(s), no user message"
    last = messages[users[-1]]
    text = _text_of(last["content"]).replace("\n", " ")
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    after = len(messages) - users[-1] - 1
    return f'user: "{text}"' + (f" (then {after} more message(s))" if after else "")


# --- messages ----------------------------------------------------------------------------------------------------


def _messages(context: RunContext, queries: Sequence[str]) -> list[JsonDict]:
    out: list[JsonDict] = []
    if context.instructions:
        out.append({"role": "system", "content": context.instructions})
    by_id = {message.id: message for message in context.messages}
    thread = [m for m in context.messages if m.run_id != context.run_id or m.role != "assistant"]
    for message in thread[-_last_messages(context) :]:
        out.append({"role": message.role, "content": _content(message.content, message.text)})
    searches = 0
    for step in context.steps:
        details = step["step_details"]
        if details["type"] == "message_creation":
            written = by_id.get(details["message_creation"]["message_id"])
            if written is not None:
                out.append({"role": "assistant", "content": written.text})
            continue
        calls, answers = [], []
        for call in details["tool_calls"]:
            if call["type"] == "function":
                function = call["function"]
                calls.append(_call(call["id"], function["name"], function["arguments"]))
                if function.get("output") is not None:
                    answers.append(_answer(call["id"], function["output"]))
            elif call["type"] == "file_search":
                query = queries[searches] if searches < len(queries) else ""
                calls.append(_call(call["id"], FILE_SEARCH, json.dumps({"query": query}, ensure_ascii=False)))
                answers.append(_answer(call["id"], _search_answer(searches, call["file_search"]["results"])))
                searches += 1
            elif call["type"] == "code_interpreter":
                code = call["code_interpreter"]
                calls.append(_call(call["id"], CODE_INTERPRETER, json.dumps({"code": code["input"]})))
                logs = [output["logs"] for output in code["outputs"] if output.get("type") == "logs"]
                answers.append(_answer(call["id"], "\n".join(logs)))
        out.append({"role": "assistant", "content": None, "tool_calls": calls})
        out.extend(answers)
    return out


def _last_messages(context: RunContext) -> int:
    """How many of the thread's messages the model reads: its ``last_messages`` truncation, else all of them."""
    strategy = context.truncation_strategy or {}
    if strategy.get("type") == "last_messages" and strategy.get("last_messages"):
        return int(strategy["last_messages"])
    return len(context.messages)


def _content(parts: Sequence[Mapping[str, Any]], text: str) -> str | list[JsonDict]:
    """A message's content: its text, or, when it has ``image_url`` parts, its text and image parts in order."""
    if not any(part["type"] == "image_url" for part in parts):
        return text
    out: list[JsonDict] = []
    for part in parts:
        if part["type"] == "text":
            out.append({"type": "text", "text": part["text"]["value"]})
        elif part["type"] == "image_url":
            out.append({"type": "image_url", "image_url": _plain(part["image_url"])})
    return out


def _call(call_id: str, name: str, arguments: str) -> JsonDict:
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments}}


def _answer(call_id: str, content: str) -> JsonDict:
    return {"role": "tool", "tool_call_id": call_id, "content": content}


def _search_answer(search: int, results: Sequence[Mapping[str, Any]]) -> str:
    if not results:
        return "No results."
    lines = []
    for index, result in enumerate(results):
        text = "\n".join(part["text"] for part in result.get("content") or [] if part.get("type") == "text")
        lines.append(f"{citation_marker(search, index, result['file_name'])}\n{text}")
    return "\n\n".join(lines)


def _text_of(content: Any) -> str:
    if isinstance(content, str):
        return content
    return " ".join(part.get("text", "") for part in content or [] if part.get("type") == "text")


# --- tools ---------------------------------------------------------------------------------------------------------


def _tools(context: RunContext, with_code: bool) -> list[JsonDict]:
    out: list[JsonDict] = []
    for tool in context.tools:
        if tool["type"] == "function":
            out.append({"type": "function", "function": _plain(tool["function"])})
        elif tool["type"] == "file_search":
            out.append(FILE_SEARCH_TOOL)
        elif tool["type"] == "code_interpreter" and with_code:
            out.append(CODE_INTERPRETER_TOOL)
    return out


def _tool_choice(choice: Any) -> Any:
    if isinstance(choice, Mapping):
        if choice.get("type") in (FILE_SEARCH, CODE_INTERPRETER):
            return {"type": "function", "function": {"name": choice["type"]}}
        return _plain(choice)
    return choice


def _plain(value: Any) -> Any:
    """A read-only context value (mapping proxies, tuples) as plain JSON values."""
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value

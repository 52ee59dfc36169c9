"""A Chat Completions endpoint, reached over plain HTTP (``urllib``): one request, its answer, bounded by a timeout.

Any server that speaks the Chat Completions protocol will do: llama.cpp's server, Ollama, vLLM, LM Studio, or a
hosted chat API. A streamed request (``"stream": true``) is read as server-sent events and put back together into
the same :class:`ChatAnswer` a plain one gives, with the text deltas as the model sent them.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

JsonDict = dict[str, Any]
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


class ChatEndpointError(Exception):
    """The endpoint failed: unreachable, too slow, an HTTP error, or an answer that is not a chat completion."""


@dataclass(frozen=True)
class ChatToolCall:
    """A tool call the model made, with its argument text exactly as the model wrote it."""

    id: str
    name: str
    arguments: str


@dataclass(frozen=True)
class ChatAnswer:
    """What the model answered: its text, its tool calls, why it stopped, and the tokens it reported."""

    content: str | None
    tool_calls: tuple[ChatToolCall, ...] = ()
    finish_reason: str | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    deltas: tuple[str, ...] = field(default=(), compare=False)  # the text, as a stream sent it


@dataclass(frozen=True)
class ChatEndpoint:
    """Where the model is: ``base_url`` (ending in ``/v1`` for most servers) and the key it wants, if any.

    ``timeout`` (seconds) bounds the connection and each read: a server that says nothing for that long fails the
    request with :class:`ChatEndpointError`.
    """

    base_url: str
    api_key: str | None = None
    timeout: float = 60.0
    headers: Mapping[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return self.base_url.rstrip("/") + "/chat/completions"

    def complete(self, body: Mapping[str, Any]) -> ChatAnswer:
        """Send ``body`` to ``/chat/completions`` and read the answer (streamed or not, as ``body`` says)."""
        request = urllib.request.Request(self.url, data=json.dumps(body).encode(), method="POST")
        request.add_header("Content-Type", "application/json")
        request.add_header("Accept", "text/event-stream" if body.get("stream") else "application/json")
        if self.api_key:
            request.add_header("Authorization", f"Bearer {self.api_key}")
        for name, value in self.headers.items():
            request.add_header(name, value)
        try:
            with self._opener().open(request, timeout=self.timeout) as response:
                if body.get("stream"):
                    return read_stream(line.decode("utf-8") for line in response)
                return read_completion(json.loads(response.read()))
        except urllib.error.HTTPError as exc:
            detail = exc.read(500).decode("utf-8", "replace").strip()
            raise ChatEndpointError(f"{self.url} answered HTTP {exc.code}: {detail}") from None
        except TimeoutError:
            raise ChatEndpointError(f"{self.url} did not answer within {self.timeout} s") from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                raise ChatEndpointError(f"{self.url} did not answer within {self.timeout} s") from None
            raise ChatEndpointError(f"{self.url} cannot be reached: {exc.reason}") from None
        except (OSError, ValueError, KeyError, TypeError, IndexError) as exc:
            raise ChatEndpointError(f"{self.url} gave no chat completion: {type(exc).__name__}: {exc}") from None

    def _opener(self) -> urllib.request.OpenerDirector:
        """A loopback server is reached directly, whatever proxy the environment names."""
        if urlsplit(self.url).hostname in LOOPBACK_HOSTS:
            return urllib.request.build_opener(urllib.request.ProxyHandler({}))
        return urllib.request.build_opener()


@dataclass(frozen=True)
class FunctionEndpoint:
    """A model in this process: ``function`` answers a Chat Completions request (a dict) with a ``chat.completion``
    (a dict), streamed or not. What it raises fails the run, as an endpoint's error does."""

    function: Callable[[JsonDict], Mapping[str, Any]]

    def complete(self, body: Mapping[str, Any]) -> ChatAnswer:
        try:
            return read_completion(dict(self.function(dict(body))))
        except ChatEndpointError:
            raise
        except Exception as exc:
            name = getattr(self.function, "__name__", repr(self.function))
            raise ChatEndpointError(f"{name} raised {type(exc).__name__}: {exc}") from None


def read_completion(data: JsonDict) -> ChatAnswer:
    """A ``chat.completion`` object, as the answer it holds."""
    if "error" in data and "choices" not in data:
        raise ChatEndpointError(f"the endpoint answered an error: {json.dumps(data['error'])[:500]}")
    choice = data["choices"][0]
    message = choice["message"]
    calls = tuple(
        ChatToolCall(call["id"], call["function"]["name"], call["function"].get("arguments") or "")
        for call in message.get("tool_calls") or []
    )
    usage = data.get("usage") or {}
    return ChatAnswer(
        content=message.get("content"),
        tool_calls=calls,
        finish_reason=choice.get("finish_reason"),
        prompt_tokens=usage.get("prompt_tokens"),
        completion_tokens=usage.get("completion_tokens"),
    )


def read_stream(lines: Iterator[str]) -> ChatAnswer:
    """``chat.completion.chunk`` events (``data: {...}`` lines, up to ``data: [DONE]``), joined into one answer:
    text deltas in order, tool-call deltas by their ``index``, and the usage of the last chunk that has one."""
    deltas: list[str] = []
    calls: dict[int, dict[str, str]] = {}
    finish_reason: str | None = None
    usage: JsonDict = {}
    seen = 0
    for raw in lines:
        line = raw.strip()
        if not line.startswith("data:"):
            continue
        payload = line[len("data:") :].strip()
        if payload == "[DONE]":
            break
        chunk = json.loads(payload)
        seen += 1
        if "error" in chunk and "choices" not in chunk:
            raise ChatEndpointError(f"the endpoint streamed an error: {json.dumps(chunk['error'])[:500]}")
        usage = chunk.get("usage") or usage
        for choice in chunk.get("choices") or []:
            delta = choice.get("delta") or {}
            if delta.get("content"):
                deltas.append(delta["content"])
            for call in delta.get("tool_calls") or []:
                into = calls.setdefault(call.get("index", 0), {"id": "", "name": "", "arguments": ""})
                into["id"] = call.get("id") or into["id"]
                function = call.get("function") or {}
                into["name"] += function.get("name") or ""
                into["arguments"] += function.get("arguments") or ""
            finish_reason = choice.get("finish_reason") or finish_reason
    if not seen:
        raise ValueError("the stream held no chat.completion.chunk")
    return ChatAnswer(
        content="".join(deltas) if deltas else None,
        tool_calls=tuple(ChatToolCall(c["id"], c["name"], c["arguments"]) for _, c in sorted(calls.items())),
        finish_reason=finish_reason,
        prompt_tokens=usage.get("prompt_tokens"),
        completion_tokens=usage.get("completion_tokens"),
        deltas=tuple(deltas),
    )

"""A Chat Completions stub for the tests: a tiny server on a loopback port that answers what a test queues.

Never the network: it binds 127.0.0.1 on a free port, and stops when the test's ``with`` block ends. A test queues
answers in order (or gives a function of the request); each request is kept in ``requests``.

- :meth:`ChatStub.reply`: a text reply (a ``json_schema`` reply is a reply whose text is the JSON);
- :meth:`ChatStub.call`: tool calls, several for parallel calls, with the argument text given as is;
- :meth:`ChatStub.fail`: an HTTP error with an OpenAI-style error body;
- :meth:`ChatStub.garbage`: a 200 that is not a chat completion;
- :meth:`ChatStub.hang`: never answers (the client's timeout ends it; the stub lets go when it stops).

A request with ``"stream": true`` is answered as ``chat.completion.chunk`` events: the text a few characters per
delta, each call's arguments in pieces, and the usage in a last chunk when ``stream_options.include_usage`` asks.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

JsonDict = dict[str, Any]
DELTA_CHARS = 5  # the characters per streamed text delta


@dataclass(frozen=True)
class Answer:
    content: str | None = None
    calls: tuple[tuple[str, str], ...] = ()  # (name, arguments text)
    usage: tuple[int, int] = (11, 7)  # prompt, completion
    status: int = 200
    hang: bool = False
    garbage: bool = False  # a 200 whose body is not a chat completion
    finish_reason: str | None = None


@dataclass
class ChatStub:
    answers: list[Answer | Callable[[JsonDict], Answer]] = field(default_factory=list)
    requests: list[JsonDict] = field(default_factory=list)
    base_url: str = ""
    stopping: threading.Event = field(default_factory=threading.Event)

    def reply(self, text: str, usage: tuple[int, int] = (11, 7), finish_reason: str | None = None) -> ChatStub:
        self.answers.append(Answer(content=text, usage=usage, finish_reason=finish_reason))
        return self

    def call(self, *calls: tuple[str, str], text: str | None = None, usage: tuple[int, int] = (13, 5)) -> ChatStub:
        self.answers.append(Answer(content=text, calls=calls, usage=usage))
        return self

    def fail(self, status: int = 500) -> ChatStub:
        self.answers.append(Answer(status=status))
        return self

    def garbage(self) -> ChatStub:
        self.answers.append(Answer(garbage=True))
        return self

    def hang(self) -> ChatStub:
        self.answers.append(Answer(hang=True))
        return self

    def answer_with(self, function: Callable[[JsonDict], Answer]) -> ChatStub:
        self.answers.append(function)
        return self

    def next_answer(self, request: JsonDict) -> Answer:
        self.requests.append(request)
        if not self.answers:
            return Answer(status=500)
        answer = self.answers.pop(0)
        return answer(request) if callable(answer) else answer


def completion(answer: Answer, model: str) -> JsonDict:
    message: JsonDict = {"role": "assistant", "content": answer.content}
    if answer.calls:
        message["tool_calls"] = [
            {"id": f"stub_{i}", "type": "function", "function": {"name": name, "arguments": arguments}}
            for i, (name, arguments) in enumerate(answer.calls)
        ]
    prompt, done = answer.usage
    return {
        "id": "chatcmpl-stub",
        "object": "chat.completion",
        "created": 0,
        "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": _finish(answer)}],
        "usage": {"prompt_tokens": prompt, "completion_tokens": done, "total_tokens": prompt + done},
    }


def chunks(answer: Answer, model: str, include_usage: bool) -> Iterator[JsonDict]:
    def chunk(delta: JsonDict, finish: str | None = None) -> JsonDict:
        choice = {"index": 0, "delta": delta, "finish_reason": finish}
        return {
            "id": "chatcmpl-stub",
            "object": "chat.completion.chunk",
            "created": 0,
            "model": model,
            "choices": [choice],
        }

    yield chunk({"role": "assistant", "content": ""})
    text = answer.content or ""
    for start in range(0, len(text), DELTA_CHARS):
        yield chunk({"content": text[start : start + DELTA_CHARS]})
    for index, (name, arguments) in enumerate(answer.calls):
        first = {"index": index, "id": f"stub_{index}", "type": "function", "function": {"name": name, "arguments": ""}}
        yield chunk({"tool_calls": [first]})
        for start in range(0, len(arguments), 3):
            piece = {"index": index, "function": {"arguments": arguments[start : start + 3]}}
            yield chunk({"tool_calls": [piece]})
    yield chunk({}, _finish(answer))
    if include_usage:
        prompt, done = answer.usage
        usage = {"prompt_tokens": prompt, "completion_tokens": done, "total_tokens": prompt + done}
        yield {
            "id": "chatcmpl-stub",
            "object": "chat.completion.chunk",
            "created": 0,
            "model": model,
            "choices": [],
            "usage": usage,
        }


def _finish(answer: Answer) -> str:
    return answer.finish_reason or ("tool_calls" if answer.calls else "stop")


def _handler(stub: ChatStub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet
            return

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            if self.path != "/v1/chat/completions":
                self._send(404, {"error": {"message": f"no route {self.path}", "type": "invalid_request_error"}})
                return
            answer = stub.next_answer(body)
            if answer.hang:
                stub.stopping.wait()  # until the stub stops; the client has given up long before
                return
            if answer.garbage:
                self._send(200, {"hello": "world"})
                return
            if answer.status != 200:
                self._send(answer.status, {"error": {"message": "The model crashed.", "type": "server_error"}})
                return
            if not body.get("stream"):
                self._send(200, completion(answer, body["model"]))
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
            for event in chunks(answer, body["model"], include_usage):
                self.wfile.write(f"data: {json.dumps(event)}\n\n".encode())
            self.wfile.write(b"data: [DONE]\n\n")

        def _send(self, status: int, payload: JsonDict) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler


class running:
    """``with running(stub) as base_url:`` serves ``stub`` on a free loopback port until the block ends."""

    def __init__(self, stub: ChatStub) -> None:
        self.stub = stub
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(stub))
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.01,), daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        self.stub.base_url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        return self.stub.base_url

    def __exit__(self, *exc: object) -> None:
        self.stub.stopping.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()

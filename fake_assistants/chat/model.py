"""``ChatModel``: a responder that plays each run by asking a chat model, and may record what it answers.

``fake.script.respond_with(ChatModel("http://127.0.0.1:11434/v1", model="llama3.2"))`` makes every run that no
queued turn serves ask the model (see ``prompt.py`` for what it is asked, ``answer.py`` for how the answer is
played, ``recording.py`` for record mode). The responder *continues*: after a search or code step it asks the model
again with the step's results, and after a round of function calls, with the submitted outputs.

When the endpoint fails, times out, or answers what the run cannot play, the run ends ``failed`` with
``last_error = {"code": "server_error", "message": "Sorry, something went wrong."}``, as a real run did when its
model failed; ``ChatModel.failures`` keeps why. The emulator never answers a 5xx for it.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import Field

from ..errors import MODEL_FAILED_MESSAGE
from ..script.context import RunContext
from ..script.turns import Turn
from ..steps.base import SpecModel
from .answer import CodeExecutor, search_queries, turn_from_answer
from .endpoint import ChatEndpoint, ChatEndpointError, FunctionEndpoint
from .prompt import chat_request, conversation_key, summary
from .recording import ModelRecording, RecordMode

MAX_RUNS_REMEMBERED = 10_000  # the runs whose search queries a responder keeps (for the requests that follow)
MAX_FAILURES_KEPT = 1_000
LOG = logging.getLogger("fake_assistants.chat")


@dataclass
class _RunMemory:
    queries: list[str] = field(default_factory=list)
    rounds: int = 0


class ChatModel:
    """A responder backed by a Chat Completions endpoint.

    Args:
        base_url: the endpoint (``http://127.0.0.1:8080/v1`` for llama.cpp's server, ``http://127.0.0.1:11434/v1``
            for Ollama, ...). ``None`` only to replay a recording (``record_mode="none"``).
        model: the model to ask; ``None``: the run's own ``model``.
        api_key: sent as ``Authorization: Bearer``; ``api_key_env`` names an environment variable holding it.
        temperature, top_p, seed: sent with every request, over the run's own ``temperature`` and ``top_p``.
        timeout: seconds the endpoint may stay silent (connecting, or between two reads) before the run fails.
        options: more request fields, sent as they are (``{"max_tokens": 200}``, ``{"stop": [...]}``, ...).
        code_executor: runs the code the model writes for ``code_interpreter`` and returns its printed output.
            Without one, ``code_interpreter`` is not offered to the model.
        record, record_mode: the recording file and its mode (``recording.py``): ``"none"``, ``"once"``
            (default), ``"new_episodes"`` or ``"all"``.
        stream: ask the model for a stream (``None``, default: when the run is streamed).
        max_rounds: the model turns one run may take; the last one is offered no tools, so the run ends.
        complete: instead of an endpoint, a function in this process that answers a Chat Completions request (a
            dict) with a ``chat.completion`` (a dict); never streamed.
    """

    continues = True  # asked again after any step of its turn, to read the step's results

    def __init__(
        self,
        base_url: str | None = None,
        *,
        model: str | None = None,
        api_key: str | None = None,
        api_key_env: str | None = None,
        temperature: float | None = None,
        top_p: float | None = None,
        seed: int | None = None,
        timeout: float = 60.0,
        options: Mapping[str, Any] | None = None,
        code_executor: CodeExecutor | None = None,
        record: str | Path | None = None,
        record_mode: RecordMode = "once",
        stream: bool | None = None,
        max_rounds: int = 8,
        complete: Callable[[dict[str, Any]], Mapping[str, Any]] | None = None,
    ) -> None:
        self.recording = ModelRecording(record, record_mode) if record is not None else None
        if base_url is None and complete is None and (self.recording is None or self.recording.records):
            raise ValueError("ChatModel needs a base_url, unless it only replays a recording (record_mode='none')")
        key = api_key if api_key is not None else (os.environ.get(api_key_env) if api_key_env else None)
        self.endpoint: ChatEndpoint | FunctionEndpoint | None = None
        if complete is not None:
            self.endpoint = FunctionEndpoint(complete)
        elif base_url is not None:
            self.endpoint = ChatEndpoint(base_url, key, timeout)
        self.model = model
        sampling = {"temperature": temperature, "top_p": top_p, "seed": seed}
        self.options = {**{k: v for k, v in sampling.items() if v is not None}, **(options or {})}
        self.code_executor = code_executor
        self.stream = stream
        self.max_rounds = max_rounds
        self.failures: list[str] = []  # why runs failed: the endpoint's errors, one line each
        self._runs: dict[str, _RunMemory] = {}
        self.__name__ = repr(self)

    @classmethod
    def from_config(cls, config: Mapping[str, Any], *, relative_to: Path | None = None) -> ChatModel:
        """From a mapping of the keyword arguments (the marker's ``model=``, a script file's ``model:``); a
        relative ``record`` path is read from ``relative_to``."""
        spec = ModelConfig.model_validate(dict(config))
        values = spec.model_dump(exclude_none=True)
        if spec.record is not None and relative_to is not None:
            values["record"] = relative_to / spec.record
        return cls(**values)

    def __repr__(self) -> str:
        where = "no endpoint"
        if isinstance(self.endpoint, ChatEndpoint):
            where = self.endpoint.base_url
        elif isinstance(self.endpoint, FunctionEndpoint):
            where = getattr(self.endpoint.function, "__name__", "a function")
        recording = f", record={str(self.recording.path)!r}" if self.recording else ""
        return f"ChatModel({where!r}, model={self.model!r}{recording})"

    def __call__(self, context: RunContext) -> Turn:
        memory = self._memory(context.run_id)
        body = chat_request(
            context,
            model=self.model,
            options=self.options,
            with_code=self.code_executor is not None,
            queries=memory.queries,
            with_tools=memory.rounds + 1 < self.max_rounds,
        )
        key, said = conversation_key(body), summary(body)
        turn = self.recording.find(key) if self.recording is not None else None
        if turn is None:
            if self.recording is not None and not self.recording.records:
                raise self.recording.missing(key, said)
            try:
                turn = self._ask(body, context)
            except ChatEndpointError as exc:
                self._failed(f"run {context.run_id}: {exc}")
                return Turn.fail("server_error", MODEL_FAILED_MESSAGE)
            if self.recording is not None:
                self.recording.add(key, said, turn)
        memory.queries += search_queries(turn)
        memory.rounds += 1
        return turn

    def _ask(self, body: dict[str, Any], context: RunContext) -> Turn:
        assert self.endpoint is not None
        stream = self.stream if self.stream is not None else context.streamed
        if stream and isinstance(self.endpoint, ChatEndpoint):
            body = {**body, "stream": True, "stream_options": {"include_usage": True}}
        return turn_from_answer(self.endpoint.complete(body), context, self.code_executor)

    def _failed(self, why: str) -> None:
        """Keep why a run failed (the last ``MAX_FAILURES_KEPT``), and say it on the ``fake_assistants.chat`` log."""
        LOG.warning("a model failed: %s", why)
        self.failures.append(why)
        del self.failures[:-MAX_FAILURES_KEPT]

    def _memory(self, run_id: str) -> _RunMemory:
        if run_id not in self._runs and len(self._runs) >= MAX_RUNS_REMEMBERED:
            del self._runs[next(iter(self._runs))]
        return self._runs.setdefault(run_id, _RunMemory())


class ModelConfig(SpecModel):
    """The keyword arguments of :class:`ChatModel` that a marker, a script file or the command line can give."""

    base_url: str | None = None
    model: str | None = None
    api_key: str | None = None
    api_key_env: str | None = None
    temperature: float | None = None
    top_p: float | None = None
    seed: int | None = None
    timeout: float = Field(default=60.0, gt=0)
    options: dict[str, Any] | None = None
    record: str | None = None
    record_mode: RecordMode = "once"
    stream: bool | None = None
    max_rounds: int = Field(default=8, ge=1)

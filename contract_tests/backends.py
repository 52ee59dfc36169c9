"""Backends: one contract test body, run against every place the API can live (fakeredis style).

- ``inprocess``: the SDK over the in-process transport;
- ``server``: the SDK over real HTTP to ``fake.serve()``;
- ``live``: the real API, opt-in: only with ``FAKE_ASSISTANTS_LIVE=1`` and ``OPENAI_API_KEY`` set, and only for
  tests marked with it (files and vector stores: the endpoints that still exist).

A test takes the ``backend`` fixture and says where it may run with ``@pytest.mark.backends("inprocess", ...)``
(default: ``inprocess`` and ``server``). Results are compared after :func:`normalized`: ids and timestamps are
masked, errors are compared by status, ``type`` and ``code``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any

import openai

from fake_assistants import FakeAssistants

from .recorder import Recorder

ALL_BACKENDS = ("inprocess", "server", "live")
DEFAULT_BACKENDS = ("inprocess", "server")
LIVE_ENV = "FAKE_ASSISTANTS_LIVE"
LIVE_BASE_URL = "https://api.openai.com/v1"


def live_unavailable() -> str | None:
    """Why the live backend cannot run here, or None when it can."""
    if os.environ.get(LIVE_ENV) != "1":
        return f"the live backend is opt-in: set {LIVE_ENV}=1 and OPENAI_API_KEY"
    if not os.environ.get("OPENAI_API_KEY"):
        return "the live backend needs OPENAI_API_KEY"
    return None


@dataclass
class Backend:
    name: str
    recorder: Recorder
    fake: FakeAssistants | None  # None for live
    _exits: ExitStack = field(default_factory=ExitStack)

    @property
    def client(self) -> openai.OpenAI:
        return self.recorder.client

    def close(self) -> None:
        self.recorder.close()
        self._exits.close()


def open_backend(name: str) -> Backend:
    if name == "live":
        reason = live_unavailable()
        if reason is not None:
            raise RuntimeError(reason)
        recorder = Recorder(None, base_url=LIVE_BASE_URL, api_key=os.environ["OPENAI_API_KEY"])
        return Backend(name, recorder, None)
    fake = FakeAssistants(seed=0)
    if name == "inprocess":
        return Backend(name, Recorder(fake), fake)
    exits = ExitStack()
    url = exits.enter_context(fake.serve())
    return Backend(name, Recorder(fake, base_url=url, api_key="sk-contract-server"), fake, exits)


@dataclass
class Outcome:
    """What one call did, comparable across backends: a normalized body, or an error's status, type and code."""

    value: Any


def outcome(call: Any) -> Outcome:
    try:
        result = call()
    except openai.APIStatusError as error:
        body: Any = error.body if isinstance(error.body, dict) else {}
        return Outcome(("error", error.status_code, body.get("type"), body.get("code")))
    dumped = result.model_dump() if hasattr(result, "model_dump") else result
    return Outcome(normalized(dumped))


_ID = re.compile(r"^(asst|thread|msg|run|step|call|vs|vsfb|req)_[A-Za-z0-9]+$|^file-[A-Za-z0-9]+$")


def normalized(value: Any) -> Any:
    """``value`` with ids replaced by their kind and timestamps by ``"<time>"``."""
    if isinstance(value, dict):
        return {
            key: "<time>" if _is_time(key, item) else normalized(item) for key, item in sorted(value.items())
        }
    if isinstance(value, list):
        return [normalized(item) for item in value]
    if isinstance(value, str) and _ID.match(value):
        return re.split(r"[_-]", value, maxsplit=1)[0]
    return value


def _is_time(key: str, value: Any) -> bool:
    return (key.endswith("_at") or key == "created") and isinstance(value, int) and not isinstance(value, bool)


def backends_of(marker_args: tuple[str, ...] | None) -> Iterator[str]:
    for name in marker_args or DEFAULT_BACKENDS:
        if name not in ALL_BACKENDS:
            raise ValueError(f"unknown backend {name!r}; backends are {ALL_BACKENDS}")
        yield name

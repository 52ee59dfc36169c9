"""One test body, every backend: in-process, over HTTP to the local server, and (opt-in) the live API.

Each body checks every response it got against the spec, and returns its normalized outcomes; the last test runs
every body on each of its backends itself and holds the backends to the same outcomes (ids and timestamps masked,
errors by status, type and code). No test reads what another one left behind.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from .backends import Backend, live_unavailable, open_backend, outcome

CONVERSATION_BACKENDS = ("inprocess", "server")
FILES_BACKENDS = ("inprocess", "server", "live")


def a_conversation(backend: Backend) -> list[Any]:
    client = backend.client
    assert backend.fake is not None
    backend.fake.script.call_function("get_weather", {"city": "Oslo"}).then_reply("Cold in Oslo.")
    weather: Any = {"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}}
    assistant = client.beta.assistants.create(model="gpt-4o", name="Forecaster", tools=[weather])
    thread = client.beta.threads.create(messages=[{"role": "user", "content": "Oslo?"}])
    run = client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
    assert run.required_action is not None
    call = run.required_action.submit_tool_outputs.tool_calls[0]
    outcomes = [
        outcome(lambda: client.beta.assistants.retrieve(assistant.id)),
        outcome(lambda: run),
        outcome(lambda: client.beta.threads.messages.create(thread.id, role="user", content="more")),  # 400
        outcome(
            lambda: client.beta.threads.runs.submit_tool_outputs_and_poll(
                thread_id=thread.id, run_id=run.id, tool_outputs=[{"tool_call_id": call.id, "output": "-3"}]
            )
        ),
        outcome(lambda: client.beta.threads.runs.steps.list(run.id, thread_id=thread.id, order="asc")),
        outcome(lambda: client.beta.threads.messages.list(thread.id, order="asc")),
        outcome(lambda: client.beta.threads.retrieve("thread_missing")),  # 404
        outcome(lambda: client.beta.assistants.delete(assistant.id)),
    ]
    backend.recorder.check_all()
    return [o.value for o in outcomes]


def files_and_vector_stores(backend: Backend) -> list[Any]:
    client = backend.client
    uploaded = client.files.create(file=("notes.txt", b"The shop opens at nine."), purpose="assistants")
    store = client.vector_stores.create(name="contract", file_ids=[uploaded.id])
    outcomes = [
        outcome(lambda: client.files.retrieve(uploaded.id)),
        outcome(lambda: client.files.content(uploaded.id).read()),
        outcome(lambda: client.vector_stores.files.retrieve(uploaded.id, vector_store_id=store.id).status),
        outcome(lambda: client.files.retrieve("file-missing")),  # 404
        outcome(lambda: client.vector_stores.delete(store.id)),
        outcome(lambda: client.files.delete(uploaded.id)),
    ]
    backend.recorder.check_all()
    return [o.value for o in outcomes[:2] + outcomes[3:]]  # a live store may still be indexing: status not compared


SCENARIOS: dict[str, tuple[Callable[[Backend], list[Any]], tuple[str, ...]]] = {
    "conversation": (a_conversation, CONVERSATION_BACKENDS),
    "files": (files_and_vector_stores, FILES_BACKENDS),
}


@pytest.mark.backends(*CONVERSATION_BACKENDS)
def test_a_conversation(backend: Backend) -> None:
    a_conversation(backend)


@pytest.mark.backends(*FILES_BACKENDS)
def test_files_and_vector_stores(backend: Backend) -> None:
    files_and_vector_stores(backend)


def test_the_backends_agree() -> None:
    for scenario, (body, names) in SCENARIOS.items():
        runs: dict[str, list[Any]] = {}
        for name in names:
            if name == "live" and live_unavailable() is not None:
                continue
            opened = open_backend(name)
            try:
                runs[name] = body(opened)
            finally:
                opened.close()
        assert len(runs) > 1, f"{scenario}: fewer than two backends ran"
        reference_name, reference = next(iter(runs.items()))
        for name, outcomes in runs.items():
            for index, (got, expected) in enumerate(zip(outcomes, reference, strict=True)):
                assert got == expected, f"{scenario}[{index}]: {name} differs from {reference_name}"

"""One test body, every backend: in-process, over HTTP to the local server, and (opt-in) the live API.

Each body checks every response it got against the spec, and keeps its normalized outcomes; the last test holds
the backends to the same outcomes (ids and timestamps masked, errors by status, type and code).
"""

from __future__ import annotations

from typing import Any

import pytest

from .backends import Backend, outcome

OUTCOMES: dict[str, dict[str, list[Any]]] = {}  # scenario -> backend -> outcomes, filled as the bodies run


def keep(scenario: str, backend: Backend, outcomes: list[Any]) -> None:
    OUTCOMES.setdefault(scenario, {})[backend.name] = [o.value for o in outcomes]


@pytest.mark.backends("inprocess", "server")
def test_a_conversation(backend: Backend) -> None:
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
    keep("conversation", backend, outcomes)


@pytest.mark.backends("inprocess", "server", "live")
def test_files_and_vector_stores(backend: Backend) -> None:
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
    keep("files", backend, outcomes[:2] + outcomes[3:])  # a live store may still be indexing: status not compared


def test_the_backends_agree() -> None:
    compared = {scenario: runs for scenario, runs in OUTCOMES.items() if len(runs) > 1}
    if not compared:
        pytest.skip("fewer than two backends ran (run the whole module)")
    for scenario, runs in compared.items():
        reference_name, reference = next(iter(runs.items()))
        for name, outcomes in runs.items():
            for index, (got, expected) in enumerate(zip(outcomes, reference, strict=True)):
                assert got == expected, f"{scenario}[{index}]: {name} differs from {reference_name}"

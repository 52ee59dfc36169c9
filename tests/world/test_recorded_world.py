"""A recording made against objects that already existed: ``conform`` stands them in by itself, and
``import --world`` writes the world that, with the imported script, replays the recording.

``dashboard_assistant.yaml`` is a vcrpy cassette in the real traffic's shape: the real function-calling run of
``tests/recordings/function_tools.yaml`` without the request that created its assistant, as if the assistant had been
made in the dashboard. Its requests name ``asst_LtiaO4m2KzcEDhNxZLOWffZY``; none creates it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openai
import pytest

from fake_assistants import FakeAssistants
from fake_assistants.cli import main
from fake_assistants.recordings import Exchange, Recording, read_recording
from fake_assistants.world import read_world
from fake_assistants.world.infer import infer_world

CASSETTE = Path(__file__).resolve().parent / "dashboard_assistant.yaml"
DASHBOARD_ASSISTANT = "asst_LtiaO4m2KzcEDhNxZLOWffZY"
ENDED = ("requires_action", "completed", "failed", "cancelled", "expired", "incomplete")


def production_flow(client: openai.OpenAI) -> dict[str, Any]:
    """The recorded client code: it never creates its assistant, it names the dashboard's."""
    run = client.beta.threads.create_and_run(
        assistant_id=DASHBOARD_ASSISTANT, thread={"messages": [{"role": "user", "content": "Thursday?"}]}
    )
    while run.status not in ENDED:
        run = client.beta.threads.runs.retrieve(run.id, thread_id=run.thread_id)
    assert run.required_action is not None
    call = run.required_action.submit_tool_outputs.tool_calls[0]
    run = client.beta.threads.runs.submit_tool_outputs_and_poll(
        run_id=run.id, thread_id=run.thread_id, tool_outputs=[{"tool_call_id": call.id, "output": "tacos"}]
    )
    reply = client.beta.threads.messages.list(run.thread_id).data[0]
    return {
        "status": run.status,
        "call": (call.function.name, call.function.arguments),
        "reply": reply.content[0].text.value,  # type: ignore[union-attr]
        "instructions": run.instructions,
        "tools": [tool.model_dump(exclude_none=True) for tool in run.tools],
    }


def recorded() -> dict[str, Any]:
    recording = read_recording(CASSETTE)
    runs = [e.response for e in recording.exchanges if (e.response or {}).get("object") == "thread.run"]
    action = next(run["required_action"] for run in runs if run.get("required_action"))
    function = action["submit_tool_outputs"]["tool_calls"][0]["function"]
    lists = [e.response for e in recording.exchanges if (e.response or {}).get("object") == "list"]
    return {
        "status": runs[-1]["status"],
        "call": (function["name"], function["arguments"]),
        "reply": lists[-1]["data"][0]["content"][0]["text"]["value"],
        "tool_names": [tool["function"]["name"] for tool in runs[-1]["tools"]],
    }


def test_the_cassette_names_an_assistant_it_never_creates() -> None:
    exchanges = read_recording(CASSETTE).exchanges
    assert not any(e.method == "POST" and e.path == "/v1/assistants" for e in exchanges)
    assert exchanges[0].request["assistant_id"] == DASHBOARD_ASSISTANT


def test_conform_stands_in_the_assistant_and_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["conform", "--json", str(CASSETTE)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["differences"] == 0 and report["reports"][0]["exchanges"] == 16


def test_import_writes_a_world_and_a_script_that_replay_the_recording(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script, world = tmp_path / "script.yaml", tmp_path / "world.yaml"
    assert main(["import", str(CASSETTE), "-o", str(script), "--world", str(world)]) == 0
    assert "world written to" in capsys.readouterr().err
    assert read_world(world).summary()["assistants"] == [DASHBOARD_ASSISTANT]
    fake = FakeAssistants(world=world)
    assert fake.script.load(script) == 1
    seen = production_flow(fake.client())
    expected = recorded()
    assert (seen["status"], seen["call"], seen["reply"]) == (expected["status"], expected["call"], expected["reply"])
    assert [tool["function"]["name"] for tool in seen["tools"]] == expected["tool_names"]
    assert fake.script.pending == () and fake.script.errors == ()


# --- what a recording shows of the objects it did not make -----------------------------------------------------------


def exchange(method: str, path: str, response: Any = None, request: Any = None) -> Exchange:
    return Exchange(method, path, request=request, response=response)


ASSISTANT = {
    "id": "asst_Old",
    "object": "assistant",
    "created_at": 1700000000,
    "name": "Old",
    "model": "gpt-4o-mini",
    "instructions": "Be kind.",
    "tools": [
        {
            "type": "file_search",
            "file_search": {
                "ranking_options": {"ranker": "default_2024_08_21", "score_threshold": 0.0, "hybrid_search": None}
            },
        }
    ],
    "tool_resources": {"file_search": {"vector_store_ids": ["vs_old"]}},
    "metadata": {"team": "a"},
    "temperature": 0.5,
    "top_p": 1.0,
    "response_format": "auto",
    "reasoning_effort": None,
    "description": None,
}


def test_a_retrieve_gives_the_assistant_its_fields_and_a_listed_thread_its_older_messages() -> None:
    old_message = {
        "id": "msg_Old",
        "object": "thread.message",
        "thread_id": "thread_Old",
        "role": "user",
        "created_at": 1700000001,
        "run_id": None,
        "assistant_id": None,
        "attachments": [],
        "metadata": {},
        "content": [{"type": "text", "text": {"value": "Hello from before", "annotations": []}}],
    }
    new_message = {
        **old_message,
        "id": "msg_New",
        "created_at": 1700000100,
        "content": [{"type": "text", "text": {"value": "Made now", "annotations": []}}],
    }
    recording = Recording(
        "r",
        exchanges=(
            exchange("GET", "/v1/assistants/asst_Old", ASSISTANT),
            exchange(
                "GET",
                "/v1/vector_stores/vs_old",
                {"id": "vs_old", "object": "vector_store", "name": "Docs", "metadata": {}, "created_at": 1},
            ),
            exchange(
                "GET",
                "/v1/vector_stores/vs_old/files",
                {
                    "object": "list",
                    "data": [{"id": "file-Old", "object": "vector_store.file", "vector_store_id": "vs_old"}],
                },
            ),
            exchange("POST", "/v1/threads/thread_Old/messages", new_message, {"role": "user", "content": "Made now"}),
            exchange("GET", "/v1/threads/thread_Old/messages", {"object": "list", "data": [new_message, old_message]}),
            exchange(
                "POST", "/v1/assistants", {**ASSISTANT, "id": "asst_Made", "tool_resources": {}}, {"model": "gpt-4o"}
            ),
        ),
    )
    inferred = infer_world(recording)
    world = inferred.document
    assert [a["id"] for a in world["assistants"]] == ["asst_Old"]  # asst_Made was made by the recording
    assistant = world["assistants"][0]
    assert (assistant["model"], assistant["instructions"], assistant["temperature"]) == ("gpt-4o-mini", "Be kind.", 0.5)
    assert assistant["tool_resources"] == {"file_search": {"vector_store_ids": ["vs_old"]}}
    assert world["vector_stores"] == [{"id": "vs_old", "name": "Docs", "file_ids": ["file-Old"], "created_at": 1}]
    assert [f["id"] for f in world["files"]] == ["file-Old"]
    assert world["threads"] == [
        {
            "id": "thread_Old",
            "messages": [{"id": "msg_Old", "role": "user", "content": "Hello from before", "created_at": 1700000001}],
        }
    ]
    fake = FakeAssistants(world=world)  # the world loads as it is
    client = fake.client()
    assert client.beta.assistants.retrieve("asst_Old").tool_resources.file_search.vector_store_ids == ["vs_old"]  # type: ignore[union-attr]
    assert [m.id for m in client.beta.threads.messages.list("thread_Old")] == ["msg_Old"]


def test_an_id_a_creating_request_answered_with_is_the_recordings_own() -> None:
    made = {**ASSISTANT, "id": "asst_Made", "tool_resources": {"file_search": {"vector_store_ids": ["vs_helper"]}}}
    recording = Recording(
        "r",
        exchanges=(
            exchange("POST", "/v1/assistants", made, {"model": "gpt-4o", "tool_resources": {"file_search": {}}}),
            exchange("GET", "/v1/vector_stores/vs_helper", {"id": "vs_helper", "object": "vector_store", "name": ""}),
            exchange("GET", "/v1/vector_stores/vs_listed", {"id": "vs_listed", "object": "vector_store", "name": "L"}),
        ),
    )
    assert infer_world(recording).document == {"vector_stores": [{"id": "vs_listed", "name": "L"}]}


def test_conform_replays_even_when_what_it_stands_in_cannot_load(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    refused = {**ASSISTANT, "temperature": 5, "tool_resources": {}}  # a value no create request may give
    path = tmp_path / "odd.json"
    interaction = {
        "method": "GET",
        "path": "/v1/assistants/asst_Old",
        "query": "",
        "beta": "assistants=v2",
        "request": None,
        "status": 200,
        "content_type": "application/json",
        "response": refused,
    }
    path.write_text(json.dumps({"source": {}, "interactions": [interaction]}))
    assert main(["conform", str(path)]) == 1
    captured = capsys.readouterr()
    assert "cannot stand in what it never creates" in captured.err and "temperature" in captured.err
    assert "1 exchange(s) replayed" in captured.out

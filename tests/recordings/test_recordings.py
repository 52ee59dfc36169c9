"""Users' own recordings: vcrpy (current and old layouts), HAR and the shared layout, read alike; imported into
scripts that give the same client code the recorded answers; broken files named, never a traceback.

The cassettes in ``tests/recordings/`` were written by ``tests/recordings/make_cassettes.py`` from real traffic
(free text replaced by placeholders). The client code here does what the recorded test did, in Python.
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import openai
import pytest
import yaml

from fake_assistants import FakeAssistants
from fake_assistants.conformance.derive import derive
from fake_assistants.conformance.replay import replay
from fake_assistants.recordings import Exchange, Recording, RecordingError, read_recording
from fake_assistants.recordings.importer import import_recording
from fake_assistants.script.files import parse_script

from . import make_cassettes

CASSETTES = Path(__file__).resolve().parent
FUNCTION_TOOLS = ("function_tools.yaml", "function_tools_old_layout.yaml", "function_tools.har")
STREAMING = ("streaming_run.yaml", "streaming_run.har")
FAVORITE_FOOD = {
    "type": "function",
    "function": {
        "name": "get_favorite_food_for_day_of_week",
        "description": "gets the user's favorite food for a given day of the week",
        "parameters": {"type": "object", "properties": {"day_of_week": {"type": "string"}}},
    },
}
RECORDED_ARGUMENTS = '{"day_of_week":"Thursday"}'  # the model's own JSON text, kept to the byte
ENDED = ("requires_action", "cancelled", "completed", "failed", "expired", "incomplete")


def collapsed(items: list[str]) -> list[str]:
    return [item for index, item in enumerate(items) if index == 0 or items[index - 1] != item]


# --- what the recordings say ----------------------------------------------------------------------------------------


def recorded_statuses(recording: Recording) -> list[str]:
    return collapsed(
        [e.response["status"] for e in recording.exchanges if (e.response or {}).get("object") == "thread.run"]
    )


def recorded_tool_call(recording: Recording) -> tuple[str, dict[str, Any]]:
    for exchange in recording.exchanges:
        action = (exchange.response or {}).get("required_action")
        if action:
            function = action["submit_tool_outputs"]["tool_calls"][0]["function"]
            return function["name"], json.loads(function["arguments"])
    raise AssertionError("no tool call recorded")


def recorded_reply(recording: Recording) -> str:
    messages = [e.response for e in recording.exchanges if (e.response or {}).get("object") == "list"]
    for name, data in (pair for e in recording.exchanges for pair in e.event_objects()):
        if name == "thread.message.completed":
            return str(data["content"][0]["text"]["value"])
    return str(messages[-1]["data"][0]["content"][0]["text"]["value"])


def recorded_events(recording: Recording) -> list[str]:
    return collapsed([name for e in recording.exchanges for name, _ in e.events or ()])


# --- the same client code -------------------------------------------------------------------------------------------


def favorite_food_flow(client: openai.OpenAI) -> dict[str, Any]:
    assistant = client.beta.assistants.create(model="gpt-4o", tools=[FAVORITE_FOOD])  # type: ignore[list-item]
    run = client.beta.threads.create_and_run(
        assistant_id=assistant.id, thread={"messages": [{"role": "user", "content": "What should I eat on Thursday?"}]}
    )
    statuses = [run.status]
    while run.status not in ENDED:
        run = client.beta.threads.runs.retrieve(run.id, thread_id=run.thread_id)
        statuses.append(run.status)
    assert run.required_action is not None
    call = run.required_action.submit_tool_outputs.tool_calls[0]
    run = client.beta.threads.runs.submit_tool_outputs(
        run.id, thread_id=run.thread_id, tool_outputs=[{"tool_call_id": call.id, "output": "tacos"}]
    )
    statuses.append(run.status)
    while run.status not in ENDED:
        run = client.beta.threads.runs.retrieve(run.id, thread_id=run.thread_id)
        statuses.append(run.status)
    reply = client.beta.threads.messages.list(run.thread_id).data[0]
    return {
        "statuses": collapsed(statuses),
        "call": (call.function.name, json.loads(call.function.arguments)),
        "reply": reply.content[0].text.value,  # type: ignore[union-attr]
        "thread_id": run.thread_id,
        "assistant_id": assistant.id,
    }


def streaming_flow(client: openai.OpenAI) -> dict[str, Any]:
    assistant = client.beta.assistants.create(model="gpt-4o")
    thread = client.beta.threads.create(messages=[{"role": "user", "content": "Hello there, assistant!"}])
    names, text = [], ""
    for event in client.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id, stream=True):
        names.append(event.event)
        if event.event == "thread.message.completed":
            text = event.data.content[0].text.value  # type: ignore[union-attr]
    return {"events": collapsed([*names, "done"]), "reply": text}


# --- readers --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("stem", ["function_tools", "streaming_run"])
def test_every_format_reads_to_the_same_exchanges(stem: str) -> None:
    current = read_recording(CASSETTES / f"{stem}.yaml")
    assert current.source["format"] == "vcrpy"
    assert read_recording(CASSETTES / f"{stem}.har").exchanges == current.exchanges
    shared = CASSETTES.parent / f"{stem}.json"
    try:
        shared.write_text(json.dumps(current.to_shared()))
        assert read_recording(shared).exchanges == current.exchanges
    finally:
        shared.unlink()
    if stem == "function_tools":
        old = read_recording(CASSETTES / "function_tools_old_layout.yaml")
        assert old.source["format"] == "vcrpy (before 1.0)" and old.exchanges == current.exchanges


def test_gzip_json_and_sse_bodies_are_decoded() -> None:
    raw = (CASSETTES / "streaming_run.yaml").read_text()
    assert "!!binary" in raw and "Content-Encoding" in raw
    recording = read_recording(CASSETTES / "streaming_run.yaml")
    created, thread, run = recording.exchanges
    assert created.response["object"] == "assistant" and thread.response["object"] == "thread"
    assert run.streamed and run.events is not None and run.request == {**run.request, "stream": True}
    assert run.events[0][0] == "thread.run.created" and run.events[-1] == ("done", "[DONE]")
    assert run.beta == "assistants=v2" and run.content_type == "text/event-stream"


def test_a_ruby_vcr_cassette_reads_too(tmp_path: Path) -> None:
    body = gzip.compress(json.dumps({"id": "asst_1", "object": "assistant"}).encode(), mtime=0)
    cassette = tmp_path / "ruby.yml"
    cassette.write_text(
        "http_interactions:\n"
        "- request:\n    method: post\n    uri: https://api.openai.com/v1/assistants\n"
        '    body: {encoding: UTF-8, string: \'{"model": "gpt-4o"}\'}\n'
        "    headers: {Content-Type: [application/json], OpenAI-Beta: [assistants=v2]}\n"
        "  response:\n    status: {code: 200, message: OK}\n"
        "    headers: {Content-Type: [application/json], Content-Encoding: [gzip]}\n"
        f"    body: {{encoding: ASCII-8BIT, base64_string: {__import__('base64').b64encode(body).decode()}}}\n"
        "recorded_with: VCR 6.2.0\n"
    )
    (exchange,) = read_recording(cassette).exchanges
    assert (exchange.method, exchange.path, exchange.request, exchange.response["id"]) == (
        "POST",
        "/v1/assistants",
        {"model": "gpt-4o"},
        "asst_1",
    )


# --- broken input: a clear message naming the file and the interaction, exit 2, no traceback -------------------------


def broken_cassettes(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    good = (CASSETTES / "function_tools.yaml").read_text()
    bad_yaml = tmp_path / "bad.yaml"
    bad_yaml.write_text("interactions:\n- request: {method: GET\n  uri: [unclosed\n")
    truncated = tmp_path / "truncated.yaml"
    document = yaml.safe_load(good)
    body = document["interactions"][0]["response"]["body"]
    body["string"] = body["string"][: len(body["string"]) // 2]  # the gzip stream cut short, as a broken download is
    truncated.write_text(yaml.safe_dump(document))
    no_response = tmp_path / "no_response.yaml"
    no_response.write_text(
        "interactions:\n"
        "- request: {method: GET, uri: 'https://api.openai.com/v1/assistants', body: null, headers: {}}\n"
        "  response: null\n"
        "version: 1\n"
    )
    return {
        "bad YAML": (bad_yaml, "not valid YAML"),
        "a truncated gzip body": (truncated, "interaction 1: the response body is not valid gzip"),
        "an interaction without a response": (no_response, "interaction 1: the interaction has no response"),
    }


@pytest.mark.parametrize("case", ["bad YAML", "a truncated gzip body", "an interaction without a response"])
def test_a_broken_cassette_is_named_with_its_problem(tmp_path: Path, case: str) -> None:
    path, problem = broken_cassettes(tmp_path)[case]
    with pytest.raises(RecordingError) as info:
        read_recording(path)
    assert str(info.value).startswith(f"{path}: ") and problem in str(info.value)
    done = subprocess.run(
        [sys.executable, "-m", "fake_assistants", "import", str(path)], capture_output=True, text=True
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert problem in done.stderr and str(path) in done.stderr


def test_a_file_of_another_kind_is_refused_clearly(tmp_path: Path) -> None:
    other = tmp_path / "other.json"
    other.write_text('{"hello": "world"}')
    with pytest.raises(RecordingError, match="not a recording this tool knows"):
        read_recording(other)
    with pytest.raises(RecordingError, match="cannot read the file"):
        read_recording(tmp_path / "missing.yaml")


# --- import: the same client code gets the recorded answers ----------------------------------------------------------


@pytest.mark.parametrize("cassette", FUNCTION_TOOLS)
def test_an_imported_function_call_recording_replays_the_recorded_answers(cassette: str, tmp_path: Path) -> None:
    recording = read_recording(CASSETTES / cassette)
    script = tmp_path / "script.yaml"
    done = subprocess.run(
        [sys.executable, "-m", "fake_assistants", "import", str(CASSETTES / cassette), "-o", str(script)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    parse_script(script.read_text(), source=str(script))
    fake = FakeAssistants(seed=3)
    assert fake.script.load(script) == 1
    seen = favorite_food_flow(fake.client())
    assert seen["statuses"] == recorded_statuses(recording)
    assert seen["call"] == recorded_tool_call(recording)
    assert seen["reply"] == recorded_reply(recording)
    assert fake.script.pending == () and fake.script.errors == ()


@pytest.mark.parametrize("cassette", STREAMING)
def test_an_imported_streamed_recording_replays_its_text_and_event_order(cassette: str) -> None:
    recording = read_recording(CASSETTES / cassette)
    fake = FakeAssistants(seed=3)
    assert fake.script.load_recording(CASSETTES / cassette) == 1
    seen = streaming_flow(fake.client())
    assert seen["reply"] == recorded_reply(recording)
    assert seen["events"] == recorded_events(recording)


def test_the_emulator_goes_beyond_the_recording() -> None:
    fake = FakeAssistants(seed=3, progression="immediate")
    fake.script.load_recording(CASSETTES / "function_tools.yaml")
    client = fake.client()
    first = favorite_food_flow(client)
    assert first["reply"] == recorded_reply(read_recording(CASSETTES / "function_tools.yaml"))
    client.beta.threads.messages.create(first["thread_id"], role="user", content="And on Friday?")
    run = client.beta.threads.runs.create_and_poll(thread_id=first["thread_id"], assistant_id=first["assistant_id"])
    assert run.status == "completed"  # not in the recording: the emulator answers, with its default reply
    assert len(client.beta.threads.messages.list(first["thread_id"]).data) == 4


def test_an_imported_function_call_turn_is_exactly_the_recorded_one() -> None:
    imported = import_recording(read_recording(CASSETTES / "function_tools.yaml"))
    assert imported.document == {
        "turns": [
            {
                "steps": [{"call": [{"name": "get_favorite_food_for_day_of_week", "arguments": RECORDED_ARGUMENTS}]}],
                "reply": recorded_reply(read_recording(CASSETTES / "function_tools.yaml")),
            }
        ]
    }
    assert imported.notes == []
    assert "# Imported from x.yaml" in imported.to_yaml(source="x.yaml")


def test_the_marker_scripts_the_fixture_from_a_recording(pytester: pytest.Pytester) -> None:
    (pytester.path / "cassettes").mkdir()
    (pytester.path / "cassettes" / "food.yaml").write_text((CASSETTES / "function_tools.yaml").read_text())
    expected = recorded_reply(read_recording(CASSETTES / "function_tools.yaml"))
    pytester.makepyfile(
        test_cassette=f"""
        import json
        import pytest

        @pytest.mark.fake_assistants(recording="cassettes/food.yaml")
        def test_recorded_answers(fake_openai_client):
            client = fake_openai_client
            assistant = client.beta.assistants.create(model="gpt-4o", tools=[{FAVORITE_FOOD!r}])
            run = client.beta.threads.create_and_run_poll(
                assistant_id=assistant.id, thread={{"messages": [{{"role": "user", "content": "Thursday?"}}]}}
            )
            assert run.status == "requires_action"
            call = run.required_action.submit_tool_outputs.tool_calls[0]
            assert json.loads(call.function.arguments) == {{"day_of_week": "Thursday"}}
            run = client.beta.threads.runs.submit_tool_outputs_and_poll(
                run_id=run.id, thread_id=run.thread_id, tool_outputs=[{{"tool_call_id": call.id, "output": "tacos"}}]
            )
            text = client.beta.threads.messages.list(run.thread_id).data[0].content[0].text.value
            assert text == {expected!r}
        """
    )
    pytester.runpytest("-q").assert_outcomes(passed=1)


# --- the cassettes are what the tool derives from the shared recordings ---------------------------------------------


def test_the_cassettes_are_derived_from_the_shared_recordings() -> None:
    if not make_cassettes.SHARED.is_dir():
        pytest.skip(f"the shared recordings are not at {make_cassettes.SHARED} (only beside this project's checkout)")
    for name, text in make_cassettes.outputs(make_cassettes.SHARED).items():
        assert (CASSETTES / name).read_text(encoding="utf-8") == text, f"{name} is stale: run make_cassettes"
    shipped = make_cassettes.EXAMPLES / make_cassettes.EXAMPLE
    assert shipped.read_text(encoding="utf-8") == (CASSETTES / "function_tools.yaml").read_text(encoding="utf-8")


# --- conform: replay against a fresh emulator ------------------------------------------------------------------------


def recorded_from(fake: FakeAssistants, flow: Any) -> Recording:
    """Run ``flow`` through a client whose every exchange is kept, as a recorder would keep it."""
    from fake_assistants import sdk_http_module
    from fake_assistants.recordings.decode import exchange_from_http

    http = sdk_http_module()
    inner = fake.transport(http)
    exchanges = []

    def keep(request: Any) -> Any:
        response = inner.handle_request(request)
        body = response.read()
        exchanges.append(
            exchange_from_http(
                method=request.method,
                url=str(request.url),
                request_headers=dict(request.headers),
                request_body=request.content,
                status=response.status_code,
                response_headers=dict(response.headers),
                response_body=body,
            )
        )
        return http.Response(response.status_code, headers=response.headers, content=body)

    client = openai.OpenAI(
        api_key="sk-rec",
        base_url="http://fake-assistants.invalid/v1",
        http_client=http.Client(transport=http.MockTransport(keep)),
    )
    flow(client)
    return Recording("self-recorded", {}, tuple(exchanges))


@pytest.mark.parametrize("flow", [favorite_food_flow, streaming_flow], ids=["function-call", "streamed"])
def test_the_emulators_own_traffic_replays_with_no_difference(flow: Any) -> None:
    fake = FakeAssistants(seed=11)
    if flow is favorite_food_flow:
        fake.script.call_function("get_favorite_food_for_day_of_week", {"day_of_week": "Thursday"}).then_reply("Tacos!")
    else:
        fake.script.reply("Hello, human.")
    recording = recorded_from(fake, flow)
    assert fake.script.errors == () and fake.script.pending == () and len(recording.exchanges) >= 3
    assert replay(derive(recording, placeholders=False)) == []
    assert replay(derive(recording)) == []  # as a fixture, free text replaced


def test_conform_names_each_difference_and_exits_1(tmp_path: Path) -> None:
    fake = FakeAssistants(seed=11)
    fake.script.call_function("get_favorite_food_for_day_of_week", {"day_of_week": "Thursday"}).then_reply("Tacos!")
    shared = recorded_from(fake, favorite_food_flow).to_shared()
    listed = shared["interactions"][-1]["response"]
    del listed["data"][0]["attachments"]  # as if the real API had not sent it
    listed["data"][0]["metadata"] = {"mood": "hungry"}
    cassette = tmp_path / "drifted.json"
    cassette.write_text(json.dumps(shared))
    done = subprocess.run(
        [sys.executable, "-m", "fake_assistants", "conform", str(cassette)], capture_output=True, text=True
    )
    assert done.returncode == 1, done.stdout + done.stderr
    last = len(shared["interactions"]) - 1  # exchanges are counted from 0, as in the recording's list
    assert f"drifted[{last}] $.data[0].attachments: real '(absent)', emulator []" in done.stdout
    assert f"drifted[{last}] $.data[0].metadata.mood: real 'hungry', emulator '(absent)'" in done.stdout
    assert f"{cassette}: {last + 1} exchange(s) replayed, 2 difference(s)" in done.stdout
    as_json = subprocess.run(
        [sys.executable, "-m", "fake_assistants", "conform", "--json", str(cassette)], capture_output=True, text=True
    )
    report = json.loads(as_json.stdout)
    assert as_json.returncode == 1 and report["differences"] == 2
    (first, second) = report["reports"][0]["differences"]
    assert {first["path"], second["path"]} == {"$.data[0].attachments", "$.data[0].metadata.mood"}
    assert {"recording", "exchange", "path", "real", "emulator"} == set(first)


@pytest.mark.parametrize("case", ["bad YAML", "a truncated gzip body", "an interaction without a response"])
def test_conform_on_a_broken_cassette_exits_2_with_a_message(tmp_path: Path, case: str) -> None:
    path, problem = broken_cassettes(tmp_path)[case]
    done = subprocess.run(
        [sys.executable, "-m", "fake_assistants", "conform", str(path)], capture_output=True, text=True
    )
    assert done.returncode == 2 and problem in done.stderr and "Traceback" not in done.stderr


def test_a_run_that_wrote_messages_between_code_steps_imports_them_in_order() -> None:
    def step(n: int, details: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": f"step_{n}abcdef",
            "object": "thread.run.step",
            "run_id": "run_1abcdef",
            "created_at": n,
            "type": details["type"],
            "step_details": details,
        }

    def code(text: str) -> dict[str, Any]:
        call = {"id": "call_x", "type": "code_interpreter", "code_interpreter": {"input": text, "outputs": []}}
        return {"type": "tool_calls", "tool_calls": [call]}

    def message(n: int, text: str) -> dict[str, Any]:
        return {
            "id": f"msg_{n}abcdef",
            "object": "thread.message",
            "role": "assistant",
            "run_id": "run_1abcdef",
            "created_at": n,
            "content": [{"type": "text", "text": {"value": text, "annotations": []}}],
        }

    steps = [
        step(1, code("a = 1")),
        step(2, {"type": "message_creation", "message_creation": {"message_id": "msg_2abcdef"}}),
        step(3, code("b = 2")),
        step(4, {"type": "message_creation", "message_creation": {"message_id": "msg_4abcdef"}}),
    ]
    run = {"id": "run_1abcdef", "object": "thread.run", "status": "completed", "assistant_id": "asst_1"}
    exchanges = (
        Exchange("GET", "/v1/threads/t/runs/run_1abcdef", response=run),
        Exchange("GET", "/v1/threads/t/runs/run_1abcdef/steps", response={"object": "list", "data": steps[::-1]}),
        Exchange(
            "GET",
            "/v1/threads/t/messages",
            response={"object": "list", "data": [message(4, "Done."), message(2, "Half way.")]},
        ),
    )
    (turn,) = import_recording(Recording("r", {}, exchanges)).document["turns"]
    assert turn == {
        "steps": [
            {"run_code": {"input": "a = 1", "output": None, "files": []}},
            {"say": "Half way."},
            {"run_code": {"input": "b = 2", "output": None, "files": []}},
        ],
        "reply": "Done.",
    }
    fake = FakeAssistants(seed=5, progression="immediate")
    fake.script.add_from({"turns": [turn]})
    client = fake.client()
    assistant = client.beta.assistants.create(model="gpt-4o", tools=[{"type": "code_interpreter"}], instructions="Go.")
    run_now = client.beta.threads.create_and_run_poll(assistant_id=assistant.id)
    texts = [m.content[0].text.value for m in client.beta.threads.messages.list(run_now.thread_id, order="asc")]  # type: ignore[union-attr]
    assert texts == ["Half way.", "Done."]


@pytest.mark.parametrize("cassette", [*FUNCTION_TOOLS, *STREAMING])
def test_every_cassette_conforms_with_exit_0(cassette: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "fake_assistants", "conform", "--json", str(CASSETTES / cassette)],
        capture_output=True,
        text=True,
    )
    report = json.loads(done.stdout)
    assert done.returncode == 0 and report["differences"] == 0, done.stdout[-2000:]
    (one,) = report["reports"]
    assert one["exchanges"] == len(read_recording(CASSETTES / cassette).exchanges) >= 3

"""Server mode: the emulator over real HTTP (``fake.serve()`` and ``fake-assistants serve``), through the real SDK
and through clients that share none of our code (``urllib``, a subprocess)."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openai
import pytest

from fake_assistants import FakeAssistants
from fake_assistants.api.wire import ApiRequest, ApiResponse
from fake_assistants.server import ThreadedServer

from ..seed_quickstart import STEPS_1_TO_4
from ..support import HEADERS, TEXT_EVENTS, WEATHER, read_url, served_cli, start_cli, stop

# these tests talk to the emulator with strict SDK clients
pytestmark = pytest.mark.fake_assistants(seed=7, shapes="spec")


def request(url: str, method: str = "GET", body: Any = None, headers: dict[str, str] | None = None) -> Any:
    data = json.dumps(body).encode() if body is not None else None
    return urllib.request.Request(url, data=data, headers=HEADERS if headers is None else headers, method=method)


def read_frames(response: Any) -> Iterator[tuple[str, str]]:
    """``(event, data)`` pairs of an SSE body, read line by line as the frames arrive."""
    event = data = None
    for raw in response:
        line = raw.decode().rstrip("\n")
        if line.startswith("event: "):
            event = line[len("event: ") :]
        elif line.startswith("data: "):
            data = line[len("data: ") :]
        elif line == "" and event is not None and data is not None:
            yield event, data
            event = data = None


# --- fake.serve() ---------------------------------------------------------------------------------------------


def test_serve_binds_loopback_on_a_free_port(fake: FakeAssistants) -> None:
    with fake.serve() as first, fake.serve() as second:
        assert first.startswith("http://127.0.0.1:") and first.endswith("/v1")
        assert first != second
        port = int(first.rsplit(":", 1)[1].removesuffix("/v1"))
        assert port > 0
    with pytest.raises(urllib.error.URLError):  # stopped: nothing listens any more
        urllib.request.urlopen(request(f"{first}/assistants"), timeout=2)


def test_seed_quickstart_over_http(fake: FakeAssistants, server_url: str) -> None:
    fake.script.reply("Subtract 11, then divide by 3: x = 1, Jane Doe.")
    code = STEPS_1_TO_4.replace(
        "client = fake.client()",
        'client = OpenAI(base_url=url, api_key="sk-test", _strict_response_validation=True)',
    )
    namespace: dict[str, Any] = {"url": server_url}
    exec(compile(code, "seed-quickstart-over-http", "exec"), namespace)
    client: openai.OpenAI = namespace["client"]
    run, thread, assistant = namespace["run"], namespace["thread"], namespace["assistant"]
    assert str(client.base_url) == f"{server_url}/"
    assert run.status == "completed"
    assert run.instructions == "Please address the user as Jane Doe. The user has a premium account."
    messages = list(client.beta.threads.messages.list(thread_id=thread.id))
    assert [m.role for m in messages] == ["assistant", "user"]
    assert messages[0].content[0].text.value == "Subtract 11, then divide by 3: x = 1, Jane Doe."  # type: ignore[union-attr]
    assert (messages[0].assistant_id, messages[0].run_id) == (assistant.id, run.id)
    # the server and the in-process client share one emulator
    assert fake.client().beta.threads.runs.retrieve(run.id, thread_id=thread.id).status == "completed"
    client.close()


def test_runs_stream_over_http(fake: FakeAssistants, server_client: openai.OpenAI) -> None:
    assistant = server_client.beta.assistants.create(model="gpt-4o", instructions="Be brief.")
    thread = server_client.beta.threads.create(messages=[{"role": "user", "content": "Tell me a story."}])
    fake.script.reply("Once upon a time, a test ran offline over HTTP.")
    with server_client.beta.threads.runs.stream(thread_id=thread.id, assistant_id=assistant.id) as stream:
        names = [event.event for event in stream]
        run = stream.get_final_run()
        text = stream.get_final_messages()[0].content[0].text.value  # type: ignore[union-attr]
    assert names[: len(TEXT_EVENTS)] == TEXT_EVENTS
    assert names[-3:] == ["thread.message.completed", "thread.run.step.completed", "thread.run.completed"]
    assert run.status == "completed"
    assert text == "Once upon a time, a test ran offline over HTTP."


def test_async_client_over_http(fake: FakeAssistants, server_url: str) -> None:
    import asyncio

    async def main() -> str:
        async with openai.AsyncOpenAI(
            base_url=server_url, api_key="sk-test", _strict_response_validation=True
        ) as client:
            assistant = await client.beta.assistants.create(model="gpt-4o", instructions="Be brief.")
            thread = await client.beta.threads.create(messages=[{"role": "user", "content": "Hi"}])
            fake.script.reply("async over HTTP")
            run = await client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
            assert run.status == "completed"
            messages = await client.beta.threads.messages.list(thread_id=thread.id)
            return messages.data[0].content[0].text.value  # type: ignore[union-attr]

    assert asyncio.run(main()) == "async over HTTP"


def test_raw_sse_is_sent_event_by_event(fake: FakeAssistants, server_url: str) -> None:
    """urllib reads the first frame while the run is still blocked in the script: nothing is buffered."""
    released = threading.Event()
    seen: dict[str, bool] = {}

    def responder(context: Any) -> str:
        seen["released_by_client"] = released.wait(10)  # the client sets it once it has read the first frame
        return "frame by frame"

    fake.script.respond_with(responder)
    inprocess = fake.client()
    assistant = inprocess.beta.assistants.create(model="gpt-4o", instructions="Be brief.")
    thread = inprocess.beta.threads.create()
    body = {"assistant_id": assistant.id, "stream": True}
    with urllib.request.urlopen(
        request(f"{server_url}/threads/{thread.id}/runs", "POST", body), timeout=20
    ) as response:
        assert response.status == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        frames = read_frames(response)
        first_event, first_data = next(frames)
        released.set()
        rest = list(frames)
    assert seen == {"released_by_client": True}
    assert first_event == "thread.run.created" and json.loads(first_data)["status"] == "queued"
    names = [first_event] + [name for name, _ in rest]
    assert names[: len(TEXT_EVENTS)] == TEXT_EVENTS
    assert names[-2:] == ["thread.run.completed", "done"] and rest[-1][1] == "[DONE]"
    deltas = [json.loads(data) for name, data in rest if name == "thread.message.delta"]
    assert "".join(d["delta"]["content"][0]["text"]["value"] for d in deltas) == "frame by frame"


def test_a_client_that_hangs_up_mid_stream_leaves_the_run_to_finish() -> None:
    fake = FakeAssistants(progression="manual")  # reads move nothing: only the stream plays the run
    with fake.serve() as url:
        inprocess = fake.client()
        assistant = inprocess.beta.assistants.create(model="gpt-4o", instructions="Be brief.")
        thread = inprocess.beta.threads.create()
        body = {"assistant_id": assistant.id, "stream": True}
        with urllib.request.urlopen(request(f"{url}/threads/{thread.id}/runs", "POST", body), timeout=10) as response:
            _, data = next(read_frames(response))
        run_id = json.loads(data)["id"]
        deadline = time.monotonic() + 10
        while inprocess.beta.threads.runs.retrieve(run_id, thread_id=thread.id).status != "completed":
            assert time.monotonic() < deadline, "the abandoned stream's run never finished"
            time.sleep(0.02)


class BlockingStream:
    """A handler whose response streams one frame, then waits for the test before the next: it records closing."""

    def __init__(self) -> None:
        self.go_on = threading.Event()
        self.closed = threading.Event()

    def handle(self, request: ApiRequest) -> ApiResponse:
        return ApiResponse(200, {"content-type": "text/event-stream"}, b"", stream=self.frames())

    def frames(self) -> Iterator[bytes]:
        try:
            yield b"event: one\ndata: {}\n\n"
            self.go_on.wait(10)
            for _ in range(1000):
                yield b"event: more\ndata: {}\n\n"
                time.sleep(0.001)
        finally:
            self.closed.set()


def test_hanging_up_closes_the_frame_iterator() -> None:
    handler = BlockingStream()
    with ThreadedServer(handler) as url:
        host, port = url.removeprefix("http://").removesuffix("/v1").rsplit(":", 1)
        with socket.create_connection((host, int(port)), timeout=5) as sock:
            sock.sendall(f"GET /v1/stream HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
            received = b""
            while b"event: one" not in received:
                received += sock.recv(4096)
            assert b"200 OK" in received
        handler.go_on.set()  # the socket is closed: the next frames have nowhere to go
        assert handler.closed.wait(10), "the frame iterator was not closed after the client hung up"


def test_requests_keep_query_repeats_headers_and_body() -> None:
    seen: list[ApiRequest] = []

    class Echo:
        def handle(self, request: ApiRequest) -> ApiResponse:
            seen.append(request)
            return ApiResponse(201, {"content-type": "application/json", "x-echo": "yes"}, b'{"ok": true}')

    with ThreadedServer(Echo()) as echo_url:
        sent = urllib.request.Request(
            f"{echo_url}/things?include[]=a&include[]=b&limit=3",
            data=b'{"x": 1}',
            headers={"X-Mixed-Case": "V", "Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(sent, timeout=5) as response:
            assert (response.status, response.headers["x-echo"], response.read()) == (201, "yes", b'{"ok": true}')
    (got,) = seen
    assert (got.method, got.path, got.body) == ("POST", "/v1/things", b'{"x": 1}')
    assert got.query == (("include[]", "a"), ("include[]", "b"), ("limit", "3"))
    assert got.headers["x-mixed-case"] == "V" and all(name == name.lower() for name in got.headers)


def test_errors_and_unknown_paths_answer_the_envelope(server_url: str) -> None:
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request(f"{server_url}/assistants/asst_missing"), timeout=5)
    assert caught.value.code == 404
    assert caught.value.headers["content-type"] == "application/json"
    assert json.loads(caught.value.read())["error"]["message"] == "No assistant found with id 'asst_missing'."
    root = server_url.removesuffix("/v1")
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request(f"{root}/nope"), timeout=5)
    assert caught.value.code == 404
    assert json.loads(caught.value.read())["error"]["message"] == "Invalid URL (GET /nope)"


def test_a_busy_port_is_a_clear_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        server = ThreadedServer(FakeAssistants(), port=port)
        with pytest.raises(RuntimeError, match=r"could not serve on 127\.0\.0\.1"):
            server.start()


# --- the command line -----------------------------------------------------------------------------------------


def test_cli_prints_the_url_serves_and_exits_0_on_sigint() -> None:
    with served_cli("--seed", "3") as (process, url):
        assert url.startswith("http://127.0.0.1:") and url.endswith("/v1")
        create = request(f"{url}/assistants", "POST", {"model": "gpt-4o", "name": "over the CLI"})
        with urllib.request.urlopen(create, timeout=5) as response:
            assistant = json.loads(response.read())
        assert assistant["name"] == "over the CLI" and assistant["id"].startswith("asst_")
        # the same seed gives the same ids as an in-process emulator
        assert assistant["id"] == FakeAssistants(seed=3).client().beta.assistants.create(model="m").id
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=20)
    assert process.returncode == 0, err
    assert out == "", "stdout carries the URL line and nothing else"
    assert "Traceback" not in err


def test_cli_api_key_and_isolation_flags() -> None:
    keys = ("--api-key", "sk-alice-0000000000", "--api-key", "sk-bob-00000000000", "--isolate-keys")
    with served_cli(*keys) as (process, url):
        alice = openai.OpenAI(base_url=url, api_key="sk-alice-0000000000", _strict_response_validation=True)
        bob = openai.OpenAI(base_url=url, api_key="sk-bob-00000000000", _strict_response_validation=True)
        eve = openai.OpenAI(base_url=url, api_key="sk-eve-00000000000", _strict_response_validation=True)
        assistant = alice.beta.assistants.create(model="gpt-4o", instructions="Be brief.")
        with pytest.raises(openai.NotFoundError):
            bob.beta.assistants.retrieve(assistant.id)
        with pytest.raises(openai.AuthenticationError) as caught:
            eve.beta.assistants.list()
        assert caught.value.code == "invalid_api_key"
        for sdk in (alice, bob, eve):
            sdk.close()
        assert stop(process, signal.SIGTERM) == 0


def test_console_script_is_installed() -> None:
    script = Path(sys.executable).parent / "fake-assistants"
    if not script.exists():
        pytest.skip("the project is not installed with its console script in this environment")
    done = subprocess.run([str(script), "serve", "--help"], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0
    assert "--port" in done.stdout and "--isolate-keys" in done.stdout


# --- script files, state files and the control API over HTTP ----------------------------------------------------

SCRIPT = """\
turns:
  - steps:
      - call: {name: get_weather, arguments: {city: Paris}}
    reply: "Paris is sunny."
"""


def stop_cli(process: subprocess.Popen[str]) -> str:
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=20)
    assert process.returncode == 0, err
    return err


def test_a_script_file_drives_a_function_calling_conversation_over_http(tmp_path: Path) -> None:
    script = tmp_path / "weather.yaml"
    script.write_text(SCRIPT)
    process = start_cli("--script", str(script), "--progression", "immediate")
    try:
        url = read_url(process)
        client = openai.OpenAI(base_url=url, api_key="sk-script", _strict_response_validation=True)
        assistant = client.beta.assistants.create(model="gpt-4o", tools=[WEATHER])
        thread = client.beta.threads.create(messages=[{"role": "user", "content": "Weather in Paris?"}])
        run = client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
        assert run.status == "requires_action" and run.required_action is not None
        (call,) = run.required_action.submit_tool_outputs.tool_calls
        assert json.loads(call.function.arguments) == {"city": "Paris"}
        run = client.beta.threads.runs.submit_tool_outputs_and_poll(
            thread_id=thread.id, run_id=run.id, tool_outputs=[{"tool_call_id": call.id, "output": "sunny"}]
        )
        assert run.status == "completed"
        reply = client.beta.threads.messages.list(thread.id).data[0]
        assert reply.content[0].text.value == "Paris is sunny."  # type: ignore[union-attr]
    finally:
        stop_cli(process)


def test_a_bad_script_file_is_refused_with_its_line(tmp_path: Path) -> None:
    script = tmp_path / "bad.yaml"
    script.write_text("turns:\n  - reply: hi\n    expire: true\n")
    command = [sys.executable, "-m", "fake_assistants", "serve", "--port", "0", "--script", str(script)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=30)
    assert done.returncode == 2 and "line 2" in done.stderr and "at most one ending" in done.stderr


def test_state_survives_a_restart(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    process = start_cli("--state", str(state))
    try:
        client = openai.OpenAI(base_url=read_url(process), api_key="sk-state", _strict_response_validation=True)
        assistant = client.beta.assistants.create(model="gpt-4o", name="Persistent")
        thread = client.beta.threads.create(messages=[{"role": "user", "content": "Remember me"}])
        uploaded = client.files.create(file=("notes.txt", b"kept bytes"), purpose="assistants")
    finally:
        stop_cli(process)
    assert state.exists()
    process = start_cli("--state", str(state))
    try:
        client = openai.OpenAI(base_url=read_url(process), api_key="sk-state", _strict_response_validation=True)
        assert client.beta.assistants.retrieve(assistant.id).name == "Persistent"
        first = client.beta.threads.messages.list(thread.id).data[0]
        assert first.content[0].text.value == "Remember me"  # type: ignore[union-attr]
        assert client.files.content(uploaded.id).read() == b"kept bytes"
        newer = client.beta.assistants.create(model="gpt-4o", instructions="Be brief.")
        assert newer.id != assistant.id  # the id streams went on, not back
    finally:
        stop_cli(process)


def test_the_control_api_mirrors_the_python_methods(fake: FakeAssistants, server_url: str) -> None:
    root = server_url.removesuffix("/v1")
    client = openai.OpenAI(base_url=server_url, api_key="sk-control", _strict_response_validation=True)

    def control(path: str, body: Any = None, method: str = "POST") -> Any:
        headers = {"Content-Type": "application/json"} if method == "POST" else {}
        with urllib.request.urlopen(request(f"{root}/__fake__{path}", method, body, headers), timeout=5) as r:
            return json.loads(r.read())

    assert control("/script", {"turns": [{"reply": "scripted over HTTP"}]}) == {"queued": 1}
    assert len(fake.script.pending) == 1
    assistant = client.beta.assistants.create(model="gpt-4o", instructions="Be brief.")
    thread = client.beta.threads.create()
    fake.progression = "manual"
    run = client.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id)
    assert control(f"/runs/{run.id}/advance") == {"id": run.id, "status": "in_progress"}
    assert control(f"/runs/{run.id}/advance")["status"] == "completed"
    log = control("/requests", method="GET")["data"]
    assert [(entry["method"], entry["path"]) for entry in log][:2] == [
        ("POST", "/v1/assistants"),
        ("POST", "/v1/threads"),
    ]
    state = control("/state", method="GET")
    assert [a["id"] for a in state["assistants"]] == [assistant.id]
    before = control("/clock/advance", {"seconds": 0})["now"]
    assert control("/clock/advance", {"seconds": 60})["now"] >= before + 60
    assert control("/seed", {"seed": 5}) == {"reset": True, "seed": 5}
    assert fake.seed == 5 and client.beta.assistants.list().data == []
    assert control("/reset") == {"reset": True, "seed": 5}
    with pytest.raises(urllib.error.HTTPError) as info:
        control("/clock/advance", {"seconds": -1})
    assert info.value.code == 400
    with pytest.raises(urllib.error.HTTPError) as info:
        control("/teleport")
    assert info.value.code == 404

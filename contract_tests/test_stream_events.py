"""Every SSE event the emulator sends has the spec's shape (``AssistantStreamEvent``) and parses as the SDK's type."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from openai.types.beta import AssistantStreamEvent
from pydantic import TypeAdapter

from fake_assistants import Annotation, FakeAssistants, ManualClock, sdk_http_module

from . import spec

HEADERS = {"OpenAI-Beta": "assistants=v2", "Authorization": "Bearer sk-contract"}
TOOLS: Any = [
    {"type": "code_interpreter"},
    {"type": "file_search"},
    {"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}},
]
SDK_EVENT: TypeAdapter[Any] = TypeAdapter(AssistantStreamEvent)


def parse_frames(text: str) -> list[tuple[str, Any]]:
    frames = []
    for block in filter(None, text.split("\n\n")):
        lines = dict(line.split(": ", 1) for line in block.split("\n"))
        data = lines["data"]
        frames.append((lines["event"], data if data == "[DONE]" else json.loads(data)))
    return frames


class Streams:
    """Raw HTTP against the emulator, keeping every SSE frame it answers."""

    def __init__(self, fake: FakeAssistants) -> None:
        self.fake = fake
        self.http = sdk_http_module().Client(
            transport=fake.transport(), base_url="http://fake-assistants.invalid/v1", headers=HEADERS
        )
        self.frames: list[tuple[str, Any]] = []

    def post(self, path: str, body: dict[str, Any]) -> Any:
        response = self.http.post(path, json=body)
        assert response.status_code == 200, response.text
        if response.headers["content-type"].startswith("text/event-stream"):
            frames = parse_frames(response.text)
            self.frames += frames
            return frames
        return response.json()


@pytest.fixture
def streams() -> Iterator[Streams]:
    fake = FakeAssistants(clock=ManualClock(1_900_000_000), stream_chunk_tokens=2)
    recorder = Streams(fake)
    yield recorder
    recorder.http.close()


def play_everything(streams: Streams) -> None:
    script = streams.fake.script
    assistant = streams.post("/assistants", {"model": "gpt-4o", "instructions": "Be brief.", "tools": TOOLS})
    cited = streams.http.post("/files", files={"file": ("a.txt", b"text")}, data={"purpose": "assistants"}).json()
    attachment = {"file_id": cited["id"], "tools": [{"type": "code_interpreter"}]}
    thread = streams.post("/threads", {"messages": [{"role": "user", "content": "Hi", "attachments": [attachment]}]})
    runs = f"/threads/{thread['id']}/runs"
    script.reply("Cited here【0†a.txt】 and done.", [Annotation(cited["id"], "【0†a.txt】")])
    streams.post(runs, {"assistant_id": assistant["id"], "stream": True})
    script.run_code("print(1)", "1").then_search_files("docs").then_call("get_weather", {"city": "Oslo"}).then_reply(
        "Done."
    )
    frames = streams.post(runs, {"assistant_id": assistant["id"], "stream": True})
    run = frames[-2][1]
    calls = run["required_action"]["submit_tool_outputs"]["tool_calls"]
    outputs = [{"tool_call_id": call["id"], "output": "cold"} for call in calls]
    streams.post(f"{runs}/{run['id']}/submit_tool_outputs", {"tool_outputs": outputs, "stream": True})
    for ending in (script.fail, script.incomplete, script.expire):
        ending()
        streams.post(runs, {"assistant_id": assistant["id"], "stream": True})
    script.reply(" ".join(["word"] * 300))
    streams.post(runs, {"assistant_id": assistant["id"], "stream": True, "max_completion_tokens": 256})
    streams.post("/threads/runs", {"assistant_id": assistant["id"], "stream": True, "thread": {}})
    script.call_function("undeclared")
    streams.post(runs, {"assistant_id": assistant["id"], "stream": True})


def test_every_stream_event_matches_the_spec_and_the_sdk(streams: Streams) -> None:
    play_everything(streams)
    problems = []
    for index, (name, data) in enumerate(streams.frames):
        try:
            spec.assert_stream_event(name, data)
        except AssertionError as error:
            problems.append(f"frame {index}: {error}")
        if name != "done":
            SDK_EVENT.validate_python({"event": name, "data": data})
    assert not problems, "\n".join(problems)
    names = {name for name, _ in streams.frames}
    assert names >= {
        "thread.created",
        "thread.run.created",
        "thread.run.queued",
        "thread.run.in_progress",
        "thread.run.requires_action",
        "thread.run.completed",
        "thread.run.failed",
        "thread.run.incomplete",
        "thread.run.expired",
        "thread.run.step.created",
        "thread.run.step.in_progress",
        "thread.run.step.delta",
        "thread.run.step.completed",
        "thread.message.created",
        "thread.message.in_progress",
        "thread.message.delta",
        "thread.message.completed",
        "thread.message.incomplete",
        "error",
        "done",
    }


def test_every_stream_ends_with_done_after_a_terminal_or_waiting_run_event(streams: Streams) -> None:
    play_everything(streams)
    ends = [i for i, (name, _) in enumerate(streams.frames) if name == "done"]
    assert len(ends) == 9
    for end in ends:
        before = streams.frames[end - 1][0]
        assert before in {
            "thread.run.completed",
            "thread.run.failed",
            "thread.run.incomplete",
            "thread.run.expired",
            "thread.run.requires_action",
            "error",
        }, before


def test_a_broken_event_is_reported_by_event_and_pointer() -> None:
    good = {"id": "msg_x", "object": "thread.message.delta", "delta": {"content": []}}
    spec.assert_stream_event("thread.message.delta", good)
    with pytest.raises(AssertionError, match=r"(?s)event thread.message.delta.*/delta/content/0"):
        spec.assert_stream_event(
            "thread.message.delta", {**good, "delta": {"content": [{"type": "text", "text": {"value": "x"}}]}}
        )
    with pytest.raises(AssertionError, match="not an AssistantStreamEvent"):
        spec.assert_stream_event("thread.run.exploded", {})

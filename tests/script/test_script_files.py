"""Script files (YAML or JSON) declare turns in the engine's vocabulary; mistakes name the line or the pointer."""

from __future__ import annotations

import json
from pathlib import Path

import openai
import pytest

from fake_assistants import FakeAssistants
from fake_assistants.script.files import ScriptFileError, parse_script

from ..support import WEATHER

CONVERSATION = """\
strict: true
turns:
  - message_contains: weather
    steps:
      - call:
          - {name: get_weather, arguments: {city: Paris}}
          - {name: get_weather, arguments: {city: Rome}}
    reply: "Paris: sun. Rome: rain."
  - assistant: Math Tutor
    reply: {text: "x = 1"}
  - fail: {code: rate_limit_exceeded, message: Slow down.}
"""


def test_a_yaml_script_drives_a_function_calling_conversation(tmp_path: Path) -> None:
    path = tmp_path / "script.yaml"
    path.write_text(CONVERSATION)
    fake = FakeAssistants(progression="immediate")
    assert fake.script.load(path) == 3 and fake.script.strict
    client = fake.client()
    helper = client.beta.assistants.create(model="gpt-4o", tools=[WEATHER])
    thread = client.beta.threads.create(messages=[{"role": "user", "content": "What's the weather?"}])
    run = client.beta.threads.runs.create(thread_id=thread.id, assistant_id=helper.id)
    assert run.status == "requires_action" and run.required_action is not None
    calls = run.required_action.submit_tool_outputs.tool_calls
    assert [json.loads(c.function.arguments)["city"] for c in calls] == ["Paris", "Rome"]
    run = client.beta.threads.runs.submit_tool_outputs(
        thread_id=thread.id, run_id=run.id, tool_outputs=[{"tool_call_id": c.id, "output": "ok"} for c in calls]
    )
    assert run.status == "completed"
    assert client.beta.threads.messages.list(thread.id).data[0].content[0].text.value == "Paris: sun. Rome: rain."  # type: ignore[union-attr]
    tutor = client.beta.assistants.create(model="gpt-4o", name="Math Tutor")
    assert client.beta.threads.runs.create(thread_id=thread.id, assistant_id=tutor.id).status == "completed"
    assert client.beta.threads.runs.create(thread_id=thread.id, assistant_id=helper.id).status == "failed"
    with pytest.raises(openai.InternalServerError, match="strict"):  # strict: true, and the script is used up
        client.beta.threads.runs.create(thread_id=thread.id, assistant_id=helper.id)


def test_json_scripts_work_too(tmp_path: Path) -> None:
    path = tmp_path / "script.json"
    path.write_text(json.dumps({"turns": [{"steps": [{"run_code": {"input": "1+1", "output": "2"}}], "reply": "2"}]}))
    fake = FakeAssistants()
    assert fake.script.load(path) == 1
    (entry,) = fake.script.pending
    assert [type(step).__name__ for step in entry.turn.steps] == ["RunCode"]


@pytest.mark.parametrize(
    ("text", "where", "problem"),
    [
        ("turns:\n  - reply: hi\n    fail: {}\n", "line 2 (at /turns/0)", "at most one ending"),
        ("turns:\n  - reply: hi\n  - steps:\n      - dance: {}\n", "line 4 (at /turns/1/steps/0", "unknown key"),
        ("turns:\n  - incomplete: tired\n", "line 2 (at /turns/0/incomplete)", "max_completion_tokens"),
        ("turns:\n  - steps:\n      - call: {name: f, arguments: '{oops'}\n", "line 2 (at /turns/0)", "not valid JSON"),
        ("turns: [\n", "", "not valid YAML"),
    ],
)
def test_mistakes_name_the_line_and_the_problem(text: str, where: str, problem: str) -> None:
    with pytest.raises(ScriptFileError) as info:
        parse_script(text, source="s.yaml")
    assert where in str(info.value) and problem in str(info.value)


def test_json_mistakes_name_the_pointer() -> None:
    with pytest.raises(ScriptFileError, match=r"at /turns/0/fail/code: Input should be"):
        parse_script('{"turns": [{"fail": {"code": "teapot"}}]}', source="s.json")


def test_a_script_file_interleaves_code_and_messages(tmp_path: Path) -> None:
    path = tmp_path / "interleaved.yaml"
    path.write_text(
        "turns:\n"
        "  - steps:\n"
        "      - run_code: {input: 'print(1)', output: '1'}\n"
        "      - say: First part.\n"
        "      - run_code: {input: 'print(2)'}\n"
        "    reply: Second part.\n"
    )
    fake = FakeAssistants()
    fake.script.load(path)
    client = fake.client()
    assistant = client.beta.assistants.create(model="gpt-4o", tools=[{"type": "code_interpreter"}])
    thread = client.beta.threads.create(messages=[{"role": "user", "content": "Go."}])
    run = client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
    steps = client.beta.threads.runs.steps.list(run.id, thread_id=thread.id, order="asc").data
    assert [step.type for step in steps] == ["tool_calls", "message_creation", "tool_calls", "message_creation"]
    texts = [m.content[0].text.value for m in client.beta.threads.messages.list(thread.id, order="asc").data]  # type: ignore[union-attr]
    assert texts == ["Go.", "First part.", "Second part."]

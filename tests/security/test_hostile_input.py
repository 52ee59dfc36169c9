"""Every bad input is a 4xx in the error envelope, never a 500, and changes nothing (issue 15's reproductions)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import openai
import pytest

from fake_assistants import FakeAssistants
from fake_assistants.api.wire import ApiRequest
from fake_assistants.schemas.validation import MAX_JSON_BYTES, MAX_JSON_DEPTH
from fake_assistants.script.files import ScriptFileError, parse_script

from ..support import HEADERS
from .crafted import LAUGHS

NOT_A_TAG: list[Any] = [["text"], {"a": 1}, 5, True]

pytestmark = pytest.mark.fake_assistants(seed=1)


def objects(fake: FakeAssistants) -> dict[str, Any]:
    """The state, without the request id counter (every request, good or bad, takes an id)."""
    state = fake.snapshot()
    state["ids"] = {kind: count for kind, count in state["ids"].items() if kind != "req"}
    return state


def raw(fake: FakeAssistants, method: str, path: str, body: bytes) -> tuple[int, dict[str, Any]]:
    response = fake.handle(ApiRequest(method, path, headers=HEADERS, body=body))
    return response.status, json.loads(response.body)


@pytest.mark.parametrize("tag", NOT_A_TAG)
def test_a_tag_that_is_not_a_string_is_a_400_in_every_tagged_field(fake: FakeAssistants, tag: Any) -> None:
    """Issue 15: a non-string ``type`` gave ``TypeError: unhashable type`` and a 500 (102 of 5 468 fuzzed requests)."""
    client = fake.client()
    assistant = client.beta.assistants.create(model="gpt-4o")
    thread = client.beta.threads.create()
    store = client.vector_stores.create()
    before = objects(fake)
    attempts: list[tuple[str, Any]] = [
        ("response_format.type", lambda: client.beta.assistants.create(model="m", response_format={"type": tag})),
        ("tools[0].type", lambda: client.beta.assistants.create(model="m", tools=[{"type": tag}])),
        (
            "content[0].type",
            lambda: client.beta.threads.messages.create(thread.id, role="user", content=[{"type": tag}]),
        ),
        ("chunking_strategy.type", lambda: client.vector_stores.create(chunking_strategy={"type": tag})),
        (
            "tool_choice.type",
            lambda: client.beta.threads.runs.create(thread.id, assistant_id=assistant.id, tool_choice={"type": tag}),
        ),
        (
            "filters.type",
            lambda: client.vector_stores.search(store.id, query="q", filters={"type": tag, "key": "k", "value": 1}),
        ),
    ]
    for param, attempt in attempts:
        with pytest.raises(openai.BadRequestError) as caught:
            attempt()
        assert caught.value.status_code == 400
        body: Any = caught.value.body
        assert body["param"] == param
        if not isinstance(tag, str):
            assert body["code"] == "invalid_type"
    assert objects(fake) == before


def test_a_body_nested_10000_levels_is_a_400_on_the_api_and_the_control_api(fake: FakeAssistants) -> None:
    """Issue 15: JSON nested 10 000 levels gave a RecursionError and a 500 (plain text on the control API)."""
    deep = b"[" * 10_000 + b"]" * 10_000
    status, body = raw(fake, "POST", "/v1/assistants", b'{"model": "m", "metadata": ' + deep + b"}")
    assert status == 400 and body["error"]["code"] == "json_too_deep"
    status, body = raw(fake, "POST", "/__fake__/script", b'{"turns": ' + deep + b"}")
    assert status == 400 and body["error"]["code"] == "json_too_deep"
    fake.isolate_keys()  # isolation reads body ids before the handler: it must not parse it first
    status, body = raw(fake, "POST", "/v1/threads", b'{"messages": ' + deep + b"}")
    assert status == 400
    assert fake.snapshot()["assistants"] == fake.snapshot()["threads"] == []


def test_the_depth_limit_counts_brackets_not_characters_inside_strings(fake: FakeAssistants) -> None:
    name = "[" * 200  # brackets inside a string are not nesting
    assert fake.client().beta.assistants.create(model="gpt-4o", name=name).name == name
    nested: Any = "leaf"
    for _ in range(MAX_JSON_DEPTH - 2):
        nested = [nested]
    schema = {"type": "object", "properties": {"x": {"type": "string"}}, "nest": nested}
    tool: Any = {"type": "function", "function": {"name": "f", "parameters": schema}}
    with pytest.raises(openai.BadRequestError) as caught:
        fake.client().beta.assistants.create(model="gpt-4o", tools=[tool])
    assert caught.value.code == "json_too_deep"


def test_a_body_over_the_size_limit_is_a_413(fake: FakeAssistants) -> None:
    status, body = raw(fake, "POST", "/v1/assistants", b'{"model": "m", "name": "' + b"x" * MAX_JSON_BYTES + b'"}')
    assert status == 413 and body["error"]["code"] == "request_too_large"
    assert fake.snapshot()["assistants"] == []


def test_search_filters_nested_190_levels_are_a_400_and_40_levels_work(fake: FakeAssistants) -> None:
    """Issue 15: search filters nested about 190 levels deep gave a 500."""
    client = fake.client()
    store = client.vector_stores.create()

    def nested(levels: int) -> Any:
        condition: Any = {"type": "eq", "key": "k", "value": 1}
        for _ in range(levels):
            condition = {"type": "and", "filters": [condition]}
        return condition

    with pytest.raises(openai.BadRequestError):
        client.vector_stores.search(store.id, query="q", filters=nested(190))
    assert client.vector_stores.search(store.id, query="q", filters=nested(40)).data == []


def test_an_empty_image_url_is_a_400(fake: FakeAssistants) -> None:
    """Issue 15: an empty ``image_url.url`` was accepted, and then broke the response schema."""
    client = fake.client()
    thread = client.beta.threads.create()
    with pytest.raises(openai.BadRequestError) as caught:
        client.beta.threads.messages.create(
            thread.id, role="user", content=[{"type": "image_url", "image_url": {"url": ""}}]
        )
    assert caught.value.code == "empty_string"
    assert caught.value.param == "content[0].image_url.url"
    assert client.beta.threads.messages.list(thread.id).data == []


def test_an_empty_model_is_a_400(fake: FakeAssistants) -> None:
    """Issue 15: ``POST /v1/assistants {"model": ""}`` created an assistant; the real API refused it with a 400."""
    client = fake.client()
    with pytest.raises(openai.BadRequestError) as caught:
        client.beta.assistants.create(model="")
    assert (caught.value.code, caught.value.param) == ("empty_string", "model")
    assert caught.value.message.startswith("Error code: 400 - ") and "empty string" in caught.value.message
    assistant = client.beta.assistants.create(model="gpt-4o")
    with pytest.raises(openai.BadRequestError):
        client.beta.assistants.update(assistant.id, model="")
    thread = client.beta.threads.create()
    with pytest.raises(openai.BadRequestError):
        client.beta.threads.runs.create(thread.id, assistant_id=assistant.id, model="")
    assert client.beta.assistants.retrieve(assistant.id).model == "gpt-4o"
    assert client.beta.threads.runs.list(thread.id).data == []


# --- script files -------------------------------------------------------------------------------------------------


def test_yaml_aliases_cannot_expand_without_bound() -> None:
    """Issue 15: YAML alias chains of about 280 bytes took over 30 s to load. The expansion is bounded."""
    assert len(LAUGHS) < 300
    with pytest.raises(ScriptFileError, match="aliases expand to more than"):
        parse_script(LAUGHS, source="laughs.yaml")
    spec = parse_script("turns:\n  - reply: &r hello\n  - reply: *r\n", source="ok.yaml")
    assert len(spec.turns) == 2  # aliases themselves are fine


@pytest.mark.parametrize(
    "text",
    [
        "turns:\n  - reply: !!python/object/apply:os.system ['echo pwned']\n",
        "turns: !!python/name:os.system\n",
        "turns: " + "[" * 5000 + "]" * 5000 + "\n",
        "turns:\n\t- reply: tab\n",
    ],
)
def test_every_yaml_loader_error_is_a_script_file_error(text: str) -> None:
    with pytest.raises(ScriptFileError, match=r"^bad\.yaml: not valid YAML: "):
        parse_script(text, source="bad.yaml")


def test_a_python_tag_in_a_script_file_exits_2_with_the_documented_error(tmp_path: Path) -> None:
    """Issue 15: a YAML script with a Python tag escaped as a traceback, not the documented error with exit 2."""
    script = tmp_path / "tagged.yaml"
    script.write_text("turns:\n  - reply: !!python/object/apply:os.system ['echo pwned']\n")
    command = [sys.executable, "-m", "fake_assistants", "serve", "--port", "0", "--script", str(script)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=30)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and "pwned" not in done.stdout
    assert f"fake-assistants: {script}: not valid YAML" in done.stderr

"""Smoke tests of the installed wheel, run by ``install_tests/run.py`` in a throwaway venv, outside the checkout.

Nothing here may import from the source tree: the point is what ``pip install fake-assistants`` gives a user.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import openai
import pytest

import fake_assistants
from fake_assistants import FakeAssistants

CHECKOUT = os.environ.get("FAKE_ASSISTANTS_CHECKOUT", "")


def test_the_package_comes_from_the_installed_wheel_not_the_checkout() -> None:
    where = Path(fake_assistants.__file__).resolve()
    assert Path(sys.prefix).resolve() in where.parents
    assert not CHECKOUT or Path(CHECKOUT).resolve() not in where.parents
    assert (where.parent / "contract" / "assistants-v2.json").is_file()


def test_validate_responses_works_and_the_seed_flow_passes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FAKE_ASSISTANTS_SPEC", raising=False)
    fake = FakeAssistants(validate_responses=True)
    fake.script.reply("x = 1, Jane Doe.")
    client = fake.client()
    assistant = client.beta.assistants.create(
        name="Math Tutor",
        instructions="You are a personal math tutor. Write and run code to answer math questions.",
        tools=[{"type": "code_interpreter"}],
        model="gpt-4o",
    )
    thread = client.beta.threads.create()
    client.beta.threads.messages.create(thread_id=thread.id, role="user", content="Solve `3x + 11 = 14`.")
    run = client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
    assert run.status == "completed"
    reply = client.beta.threads.messages.list(thread_id=thread.id).data[0]
    assert reply.content[0].text.value == "x = 1, Jane Doe."  # type: ignore[union-attr]
    assert fake.contract_violations == ()


def test_a_response_that_breaks_the_contract_is_still_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    import fake_assistants.api.handlers.assistants as assistant_handlers

    real = assistant_handlers.assistant_wire

    def tampered(assistant: Any) -> dict[str, Any]:
        body = dict(real(assistant))
        body["object"] = "assistant.tampered"
        body["surprise"] = True
        return body

    monkeypatch.setattr(assistant_handlers, "assistant_wire", tampered)
    fake = FakeAssistants(validate_responses=True)
    with pytest.raises(openai.InternalServerError) as info:
        fake.client(max_retries=0).beta.assistants.create(model="gpt-4o")
    (violation,) = fake.contract_violations
    assert "createAssistant" in violation and "/object" in violation and "/surprise" in violation
    assert info.value.body["type"] == "fake_assistants_contract_error"  # type: ignore[index]


def test_the_command_line_serves_one_request_and_tells_its_version() -> None:
    version = subprocess.run(["fake-assistants", "--version"], capture_output=True, text=True, check=True)
    assert version.stdout.strip() == f"fake-assistants {fake_assistants.__version__}"
    helped = subprocess.run([sys.executable, "-m", "fake_assistants", "--help"], capture_output=True, text=True)
    assert helped.returncode == 0 and "serve" in helped.stdout and "demo" in helped.stdout

    server = subprocess.Popen(
        ["fake-assistants", "serve", "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert server.stdout is not None
        url = server.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:") and url.endswith("/v1")
        client = openai.OpenAI(base_url=url, api_key="sk-smoke", max_retries=0, timeout=10)
        assert client.beta.assistants.create(model="gpt-4o").object == "assistant"
    finally:
        server.terminate()
        assert server.wait(timeout=10) == 0


DOWNSTREAM_TEST = '''
import pytest


def test_a_run_through_the_fixture_client(fake_assistants, fake_openai_client):
    fake_assistants.script.reply("hello from the plugin")
    thread = fake_openai_client.beta.threads.create(messages=[{"role": "user", "content": "hi"}])
    assistant = fake_openai_client.beta.assistants.create(model="gpt-4o")
    run = fake_openai_client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
    assert run.status == "completed"
    text = fake_openai_client.beta.threads.messages.list(thread_id=thread.id).data[0].content[0].text.value
    assert text == "hello from the plugin"


@pytest.mark.fake_assistants(seed=7)
def test_each_test_gets_a_fresh_emulator(fake_openai_client):
    assert fake_openai_client.beta.assistants.list().data == []
    fake_openai_client.beta.assistants.create(model="gpt-4o")
'''


@pytest.mark.parametrize("workers", [None, "2"], ids=["serial", "xdist-n2"])
def test_the_plugin_works_in_a_downstream_project(tmp_path: Path, workers: str | None) -> None:
    (tmp_path / "test_downstream.py").write_text(textwrap.dedent(DOWNSTREAM_TEST))
    (tmp_path / "pyproject.toml").write_text("[tool.pytest.ini_options]\naddopts = '-W error::DeprecationWarning'\n")
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    if workers:
        command += ["-n", workers]
    env = {key: value for key, value in os.environ.items() if not key.startswith("FAKE_ASSISTANTS_")}
    done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 passed" in done.stdout

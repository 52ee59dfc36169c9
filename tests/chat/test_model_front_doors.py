"""A model responder from every front door: the pytest marker, a script file's ``model:``, and
``fake-assistants serve --model-url``; and, opt-in, a real local endpoint."""

from __future__ import annotations

import os
import signal
import textwrap
from collections.abc import Iterator
from pathlib import Path

import openai
import pytest
import yaml

from fake_assistants import FakeAssistants
from fake_assistants.chat import ChatModel
from fake_assistants.cli import _emulator, build_parser
from fake_assistants.script import Script
from fake_assistants.script.files import ScriptFileError

from ..seed_quickstart import run_seed
from ..support import served_cli, stop
from .stub import ChatStub, running

REAL_ENDPOINT = "FAKE_ASSISTANTS_CHAT_URL"  # e.g. http://127.0.0.1:11434/v1 (Ollama)
REAL_MODEL = "FAKE_ASSISTANTS_CHAT_MODEL"  # e.g. llama3.2


@pytest.fixture
def stub() -> Iterator[ChatStub]:
    chat = ChatStub()
    with running(chat):
        yield chat


MARKED = """
import pytest


@pytest.mark.fake_assistants(model={{"base_url": {url!r}, "record": "cassettes/m.yaml", "record_mode": {mode!r}}})
def test_the_model_answers(fake_openai_client):
    client = fake_openai_client
    assistant = client.beta.assistants.create(model="gpt-4o", instructions="Be brief.")
    thread = client.beta.threads.create(messages=[{{"role": "user", "content": "Hi"}}])
    run = client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
    assert run.status == "completed", run.last_error
    assert client.beta.threads.messages.list(thread.id).data[0].content[0].text.value == "Hello from the model."
"""


def test_the_marker_records_then_replays_with_the_model_gone(pytester: pytest.Pytester, stub: ChatStub) -> None:
    stub.reply("Hello from the model.")
    pytester.makepyfile(test_marked=MARKED.format(url=stub.base_url, mode="once"))
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)
    cassette = pytester.path / "cassettes" / "m.yaml"  # beside the test file
    assert yaml.safe_load(cassette.read_text())["conversations"][0]["turn"]["reply"] == "Hello from the model."

    pytester.makepyfile(test_marked=MARKED.format(url="http://127.0.0.1:9/v1", mode="none"))  # nobody there
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)
    assert len(stub.requests) == 1

    # The command line sets the mode over the marker's: "all" asks the model again, which is gone now.
    pytester.makepyfile(test_marked=MARKED.format(url="http://127.0.0.1:9/v1", mode="none"))
    result = pytester.runpytest("-p", "no:cacheprovider", "--fake-assistants-record-mode=all")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*AssertionError: *server_error*"])


def test_a_script_file_names_the_model(tmp_path: Path, stub: ChatStub) -> None:
    stub.reply("From the file's model.")
    script = tmp_path / "script.yaml"
    script.write_text(
        textwrap.dedent(
            f"""\
            turns:
              - message_contains: scripted
                reply: A scripted turn still wins.
            model:
              base_url: {stub.base_url}
              model: tiny
              seed: 3
              record: recorded/turns.yaml
            """
        )
    )
    fake = FakeAssistants()
    fake.script.load(script)
    client = fake.client()
    assistant = client.beta.assistants.create(model="gpt-4o", instructions="Be brief.")
    answers = []
    for question in ("scripted?", "Hi"):
        thread = client.beta.threads.create(messages=[{"role": "user", "content": question}])
        client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
        answers.append(client.beta.threads.messages.list(thread.id).data[0].content[0].text.value)
    assert answers == ["A scripted turn still wins.", "From the file's model."]
    assert (stub.requests[0]["model"], stub.requests[0]["seed"]) == ("tiny", 3)
    assert (tmp_path / "recorded" / "turns.yaml").exists()


def test_a_bare_script_cannot_take_a_model(tmp_path: Path) -> None:
    script = tmp_path / "script.yaml"
    script.write_text("model: {base_url: 'http://127.0.0.1:9/v1'}\n")
    with pytest.raises(ScriptFileError, match="only an emulator's script can take one"):
        Script().load(script)
    script.write_text("model: {base_url: 'http://127.0.0.1:9/v1', record_mode: sometimes}\n")
    with pytest.raises(ScriptFileError, match="model: "):
        FakeAssistants().script.load(script)


def test_serve_options_make_a_model_responder(stub: ChatStub, tmp_path: Path) -> None:
    stub.reply("x = 1, Jane Doe.")
    args = build_parser().parse_args(
        [
            "serve",
            "--model-url",
            stub.base_url,
            "--model",
            "tiny",
            "--model-seed",
            "5",
            "--model-timeout",
            "2",
            "--record",
            str(tmp_path / "r.yaml"),
        ]
    )
    namespace = run_seed(_emulator(args))
    assert namespace["run"].status == "completed"
    assert stub.requests[0]["model"] == "tiny" and stub.requests[0]["seed"] == 5
    replaying = build_parser().parse_args(  # the same options, and no endpoint: the conversation is the same
        ["serve", "--model", "tiny", "--model-seed", "5", "--record", str(tmp_path / "r.yaml"), "--record-mode", "none"]
    )
    again = run_seed(_emulator(replaying))
    reply = again["client"].beta.threads.messages.list(again["thread"].id).data[0]
    assert reply.content[0].text.value == "x = 1, Jane Doe." and len(stub.requests) == 1


def test_fake_assistants_serve_answers_from_the_model(stub: ChatStub) -> None:
    stub.reply("Served by the model.")
    with served_cli("--model-url", stub.base_url, "--model-timeout", "5") as (process, url):
        with openai.OpenAI(base_url=url, api_key="sk-test", max_retries=0) as client:
            assistant = client.beta.assistants.create(model="gpt-4o", instructions="Be brief.")
            thread = client.beta.threads.create(messages=[{"role": "user", "content": "Hi"}])
            run = client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
            assert run.status == "completed"
            assert client.beta.threads.messages.list(thread.id).data[0].content[0].text.value == "Served by the model."
        assert stop(process, signal.SIGINT) == 0


@pytest.mark.skipif(
    not os.environ.get(REAL_ENDPOINT),
    reason=f"opt-in: set {REAL_ENDPOINT} (and {REAL_MODEL}) to a local Chat Completions endpoint to run it",
)
def test_a_real_local_endpoint_answers_the_quickstart() -> None:
    fake = FakeAssistants()
    model = ChatModel(os.environ[REAL_ENDPOINT], model=os.environ.get(REAL_MODEL), temperature=0, seed=1)
    fake.script.respond_with(model)
    namespace = run_seed(fake)
    assert namespace["run"].status == "completed", model.failures
    reply = namespace["client"].beta.threads.messages.list(namespace["thread"].id).data[0]
    assert reply.content[0].text.value.strip()
    assert namespace["run"].usage.completion_tokens > 0


def test_a_script_document_cannot_name_a_model(fake: FakeAssistants, server_url: str) -> None:
    """The control API takes script documents; one naming a model would have the emulator reach any server and
    write a recording anywhere. It is a 400, and nothing changes."""
    import json
    import urllib.error
    import urllib.request

    document = {"turns": [{"reply": "x"}], "model": {"base_url": "http://example.com/v1", "record": "/tmp/x.yaml"}}
    request = urllib.request.Request(
        server_url.removesuffix("/v1") + "/__fake__/script",
        data=json.dumps(document).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=5)
    assert refused.value.code == 400
    assert "only a script file can name a model" in json.loads(refused.value.read())["error"]["message"]
    assert fake.script.pending == ()
    with pytest.raises(ScriptFileError, match="only a script file can name a model"):
        fake.script.add_from({"model": {"base_url": "http://127.0.0.1:9/v1"}})

"""Patch mode reaches clients built before it: a module-level client of the code under test never goes out."""

from __future__ import annotations

import asyncio

import openai
import pytest

from fake_assistants import FakeAssistants, sdk_http_module
from fake_assistants.patching import UnreachableClientError

APP = """
import openai

client = openai.OpenAI()  # built when the module is imported, before any patch
async_client = openai.AsyncOpenAI()


def ask(question):
    assistant = client.beta.assistants.create(model="gpt-4o", instructions="Be brief.")
    run = client.beta.threads.create_and_run_poll(
        assistant_id=assistant.id, thread={"messages": [{"role": "user", "content": question}]}
    )
    return client.beta.threads.messages.list(thread_id=run.thread_id).data[0].content[0].text.value


async def ask_async(question):
    assistant = await async_client.beta.assistants.create(model="gpt-4o", instructions="Be brief.")
    thread = await async_client.beta.threads.create(messages=[{"role": "user", "content": question}])
    await async_client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
    messages = await async_client.beta.threads.messages.list(thread_id=thread.id)
    return messages.data[0].content[0].text.value
"""

CONFTEST = """
import os
import socket

import pytest

os.environ["OPENAI_API_KEY"] = "sk-this-would-be-a-live-key"
ATTEMPTS = []


def refuse(name):
    def guard(*args, **kwargs):
        ATTEMPTS.append(name)
        raise OSError("the network is blocked in this test")
    return guard


@pytest.fixture(autouse=True)
def blocked_network(monkeypatch):
    for name in ("connect", "connect_ex", "bind", "sendto"):
        monkeypatch.setattr(socket.socket, name, refuse("socket." + name))
    monkeypatch.setattr(socket, "create_connection", refuse("create_connection"))
    monkeypatch.setattr(socket, "getaddrinfo", refuse("getaddrinfo"))
    yield
    assert ATTEMPTS == [], ATTEMPTS
"""

TESTS = """
import asyncio

import openai
import pytest

import app


@pytest.mark.fake_assistants(patch=True)
def test_sync(fake_assistants):
    fake_assistants.script.reply("from the emulator")
    assert app.ask("Hi") == "from the emulator"
    assert fake_assistants.request_log[0].path == "/v1/assistants"


@pytest.mark.fake_assistants(patch=True)
def test_async(fake_assistants):
    fake_assistants.script.reply("async, from the emulator")
    assert asyncio.run(app.ask_async("Hi")) == "async, from the emulator"


@pytest.mark.fake_assistants(patch=True)
def test_a_copy_of_the_module_client():
    copy = app.client.with_options(timeout=3)
    assert copy.beta.assistants.create(model="gpt-4o").object == "assistant"


def test_outside_the_patch_the_client_would_go_out():
    with pytest.raises(openai.APIConnectionError):
        app.client.with_options(max_retries=0).models.list()
    import conftest
    assert conftest.ATTEMPTS
    conftest.ATTEMPTS.clear()
"""


def test_a_module_level_client_never_reaches_the_network(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(app=APP, conftest=CONFTEST, test_app=TESTS)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-p", "no:randomly")
    result.assert_outcomes(passed=4)


def test_clients_of_other_emulators_and_other_libraries_pass_untouched() -> None:
    other = FakeAssistants()
    mine = FakeAssistants()
    other_client = other.client()
    with mine.patch():
        assistant = other_client.beta.assistants.create(model="gpt-4o")
    assert other.client().beta.assistants.retrieve(assistant.id).id == assistant.id
    assert mine.request_log == ()


def test_the_hooks_are_undone_when_the_last_patch_ends() -> None:
    http = sdk_http_module()  # the library the SDK sends with
    before = (http.Client.send, http.AsyncClient.send, http.HTTPTransport.handle_request)
    with FakeAssistants().patch(), FakeAssistants().patch():
        assert http.Client.send is not before[0]
    assert (http.Client.send, http.AsyncClient.send, http.HTTPTransport.handle_request) == before


def test_a_client_the_patch_cannot_reach_fails_naming_it(no_sockets: list[str]) -> None:
    http = sdk_http_module()

    class OwnSend(http.Client):  # type: ignore[misc,name-defined]
        def send(self, request, **kwargs):  # type: ignore[no-untyped-def]
            return self._transport.handle_request(request)

    client = openai.OpenAI(api_key="sk-x", http_client=OwnSend(), max_retries=0)
    with FakeAssistants().patch(), pytest.raises(UnreachableClientError) as caught:
        client.beta.assistants.list()
    assert str(caught.value).startswith(
        f"fake_assistants patch mode could not reach the openai client (OpenAI/Python {openai.__version__}) sending "
        f"https://api.openai.com/v1/assistants: its HTTP client does not go through {http.__name__}'s Client.send"
    )
    assert no_sockets == []


def test_async_prebuilt_clients_are_served_too(no_sockets: list[str]) -> None:
    fake = FakeAssistants()
    client = openai.AsyncOpenAI(api_key="sk-live")

    async def main() -> str:
        return (await client.beta.threads.create(metadata={"k": "v"})).id

    with fake.patch():
        thread_id = asyncio.run(main())
    assert fake.client().beta.threads.retrieve(thread_id).metadata == {"k": "v"}
    assert no_sockets == []

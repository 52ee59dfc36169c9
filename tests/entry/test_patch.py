"""Patch mode: ``openai.OpenAI()`` built anywhere inside ``with fake.patch():`` reaches the emulator, and only it."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import openai
import pytest

from fake_assistants import FakeAssistants, sdk_http_module
from fake_assistants.emulator import DEFAULT_API_KEY
from fake_assistants.patching import OutsideRequestError

HTTP = sdk_http_module()


@pytest.fixture(autouse=True)
def no_openai_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.setenv("OPENAI_BASE_URL", "https://proxy.example.com/v1")  # ignored inside the block


def code_under_test() -> tuple[str, str]:
    """What an application does: build its own client, with no arguments, and use it."""
    client = openai.OpenAI()
    assistant = client.beta.assistants.create(model="gpt-4o", name="built deep inside")
    return assistant.id, str(client.base_url)


def test_a_client_built_inside_the_block_reaches_the_emulator() -> None:
    fake = FakeAssistants()
    with fake.patch():
        assistant_id, base_url = code_under_test()
    assert base_url == "http://fake-assistants.invalid/v1/"
    assert fake.client().beta.assistants.retrieve(assistant_id).name == "built deep inside"


def test_the_async_client_too() -> None:
    fake = FakeAssistants()
    fake.script.reply("async, patched")

    async def application() -> str:
        client = openai.AsyncOpenAI()
        assistant = await client.beta.assistants.create(model="gpt-4o")
        thread = await client.beta.threads.create(messages=[{"role": "user", "content": "Hi"}])
        run = await client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
        assert run.status == "completed"
        messages = await client.beta.threads.messages.list(thread_id=thread.id)
        await client.close()
        return messages.data[0].content[0].text.value  # type: ignore[union-attr]

    with fake.patch():
        assert asyncio.run(application()) == "async, patched"


def test_streaming_and_copies_work_inside_the_block() -> None:
    fake = FakeAssistants()
    with fake.patch():
        client = openai.OpenAI().with_options(max_retries=0, timeout=5)
        assistant = client.beta.assistants.create(model="gpt-4o")
        thread = client.beta.threads.create(messages=[{"role": "user", "content": "Hi"}])
        fake.script.reply("streamed, patched")
        with client.beta.threads.runs.stream(thread_id=thread.id, assistant_id=assistant.id) as stream:
            stream.until_done()
            message = stream.get_final_messages()[0]
    assert message.content[0].text.value == "streamed, patched"  # type: ignore[union-attr]


async def async_request() -> Any:
    return await openai.AsyncOpenAI(base_url="https://api.openai.com/v1").beta.assistants.retrieve("asst_x")


@pytest.mark.parametrize(
    "make_request",
    [
        lambda: openai.OpenAI(base_url="https://api.openai.com/v1").models.list(),
        lambda: openai.OpenAI(base_url="http://localhost:8000/v1", max_retries=5).beta.assistants.list(),
        lambda: openai.OpenAI().get("https://example.com/elsewhere", cast_to=object),
        lambda: asyncio.run(async_request()),
    ],
    ids=["real API", "another port", "absolute URL", "async"],
)
def test_any_other_host_fails_loudly_and_at_once(make_request: Any) -> None:
    fake = FakeAssistants()
    started = time.monotonic()
    with fake.patch(), pytest.raises(OutsideRequestError, match=r"refused a request to https?://") as caught:
        make_request()
    assert time.monotonic() - started < 1, "the refusal must not be retried with backoff"
    assert caught.value.url.startswith(("https://api.openai.com/v1/", "http://localhost:8000/v1/", "https://example"))
    assert isinstance(caught.value, openai.OpenAIError)


def test_a_client_the_code_brings_is_set_aside() -> None:
    sent: list[str] = []

    def network(request: Any) -> Any:
        sent.append(str(request.url))
        return HTTP.Response(500)

    fake = FakeAssistants()
    with fake.patch():
        client = openai.OpenAI(http_client=HTTP.Client(transport=HTTP.MockTransport(network)))
        client.beta.assistants.create(model="gpt-4o")
    assert sent == []
    assert len(fake.client().beta.assistants.list().data) == 1


def test_the_key_comes_from_the_environment_when_set(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeAssistants()
    fake.require_api_key("sk-from-env")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-env")
    with fake.patch():
        assert openai.OpenAI().beta.assistants.list().data == []
    monkeypatch.delenv("OPENAI_API_KEY")
    with fake.patch(), pytest.raises(openai.AuthenticationError):
        openai.OpenAI().beta.assistants.list()  # the default key, which this emulator does not accept
    fake.require_api_key(DEFAULT_API_KEY)
    with fake.patch():
        assert openai.OpenAI().api_key == DEFAULT_API_KEY


def test_everything_is_restored_after_the_block_even_on_error() -> None:
    sync_init, async_init = openai.OpenAI.__init__, openai.AsyncOpenAI.__init__
    fake = FakeAssistants()
    with pytest.raises(ZeroDivisionError), fake.patch():
        assert openai.OpenAI.__init__ is not sync_init
        _ = 1 / 0
    assert openai.OpenAI.__init__ is sync_init and openai.AsyncOpenAI.__init__ is async_init
    assert "__init__" in vars(openai.OpenAI)
    with pytest.raises(openai.OpenAIError, match="api_key"):
        openai.OpenAI()  # no key, no patch: the SDK's own error again
    client = openai.OpenAI(api_key="sk-x")
    assert str(client.base_url) == "https://proxy.example.com/v1/"  # the environment applies again


def test_nested_blocks_the_innermost_wins() -> None:
    outer, inner = FakeAssistants(seed=1), FakeAssistants(seed=2)
    with outer.patch():
        openai.OpenAI().beta.assistants.create(model="outer")
        with inner.patch():
            openai.OpenAI().beta.assistants.create(model="inner")
        openai.OpenAI().beta.assistants.create(model="outer again")
    assert [a.model for a in outer.client().beta.assistants.list(order="asc")] == ["outer", "outer again"]
    assert [a.model for a in inner.client().beta.assistants.list()] == ["inner"]


def test_blocks_must_end_in_reverse_order_and_not_reenter() -> None:
    original = openai.OpenAI.__init__
    first, second = FakeAssistants().patch(), FakeAssistants().patch()
    first.__enter__()
    try:
        with pytest.raises(RuntimeError, match="already active"):
            first.__enter__()
        second.__enter__()
        with pytest.raises(RuntimeError, match="reverse order"):
            first.__exit__(None, None, None)
        second.__exit__(None, None, None)
    finally:
        first.__exit__(None, None, None)
    assert openai.OpenAI.__init__ is original


MARKED = """
import openai
import pytest

def build_and_use():
    return openai.OpenAI().beta.assistants.create(model="gpt-4o").id

@pytest.mark.fake_assistants(patch=True, seed=3)
def test_patched(fake_assistants, fake_openai_client):
    assistant_id = build_and_use()
    assert fake_openai_client.beta.assistants.retrieve(assistant_id).id == assistant_id
    assert fake_assistants.seed == 3

@pytest.mark.fake_assistants(patch=True, check_script=True)
def test_patched_and_checked(fake_assistants):
    fake_assistants.script.reply("never played")

def test_not_patched_without_the_option(fake_assistants, monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with pytest.raises(openai.OpenAIError, match="api_key"):
        openai.OpenAI()

def test_restored_after_a_patched_test():
    assert openai.OpenAI.__init__.__module__.startswith("openai")
"""


def test_the_marker_patches_for_the_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(MARKED)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=3, failed=1)  # check_script fails the second test
    result.stdout.fnmatch_lines(["*test_patched_and_checked*"])


def test_patch_mode_never_opens_a_socket(no_sockets: list[str]) -> None:
    fake = FakeAssistants()
    with fake.patch():
        code_under_test()
        with pytest.raises(OutsideRequestError):
            openai.OpenAI(base_url="https://api.openai.com/v1").models.list()
    assert no_sockets == []

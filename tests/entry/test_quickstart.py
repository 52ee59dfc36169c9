"""Acceptance: the seed's quickstart runs unchanged through the real SDK, sync and async."""

from __future__ import annotations

import asyncio
import re

import pytest

from fake_assistants import DEFAULT_REPLY_TEXT, FakeAssistants

from ..seed_quickstart import SEED_FILE as SEED
from ..seed_quickstart import SEED_MISSING, STEPS_1_TO_4, run_seed


@pytest.mark.skipif(not SEED.exists(), reason=SEED_MISSING)
def test_embedded_code_is_the_seed_code_verbatim() -> None:
    blocks = re.findall(r"```python\n(.*?)```", SEED.read_text(), flags=re.DOTALL)
    steps = [block for block in blocks[:4]]
    seed_code = "\n".join(steps).replace("client = OpenAI()", "client = fake.client()")
    assert [line for line in seed_code.splitlines() if line.strip()] == [
        line for line in STEPS_1_TO_4.splitlines() if line.strip()
    ]


@pytest.mark.parametrize("shapes", ["wire", "spec"])
def test_seed_quickstart_completes_and_replies(shapes: str) -> None:
    fake_assistants = FakeAssistants(shapes=shapes)
    fake_assistants.script.reply("Subtract 11, then divide by 3: x = 1, Jane Doe.")
    ns = run_seed(fake_assistants)
    run, thread, assistant, message = ns["run"], ns["thread"], ns["assistant"], ns["message"]

    assert ns["client"]._strict_response_validation is (shapes == "spec")  # strict SDK models reject real shapes
    assert run.status == "completed"
    assert run.instructions == "Please address the user as Jane Doe. The user has a premium account."
    assert run.started_at is not None and run.completed_at is not None
    assert run.usage is not None and run.usage.total_tokens == run.usage.prompt_tokens + run.usage.completion_tokens
    assert run.usage.completion_tokens > 0

    messages = list(ns["client"].beta.threads.messages.list(thread_id=thread.id))
    assert [m.role for m in messages] == ["assistant", "user"]
    reply, question = messages
    assert reply.content[0].type == "text"
    assert reply.content[0].text.value == "Subtract 11, then divide by 3: x = 1, Jane Doe."
    assert (reply.assistant_id, reply.run_id) == (assistant.id, run.id)
    assert reply.attachments == [] and reply.metadata == {}
    assert question.id == message.id and question.run_id is None


def test_unscripted_run_gets_the_documented_default_reply(fake_assistants: FakeAssistants) -> None:
    ns = run_seed(fake_assistants)
    reply = ns["client"].beta.threads.messages.list(thread_id=ns["thread"].id).data[0]
    assert reply.content[0].text.value == DEFAULT_REPLY_TEXT


def test_hand_written_polling_loop_sees_every_status(fake_assistants: FakeAssistants) -> None:
    client = fake_assistants.client()
    assistant = client.beta.assistants.create(model="gpt-4o", instructions="Be brief.")
    thread = client.beta.threads.create(messages=[{"role": "user", "content": "Hi"}])
    run = client.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id)
    seen = [run.status]
    assert run.expires_at == run.created_at + 600
    while run.status in ("queued", "in_progress"):
        run = client.beta.threads.runs.retrieve(run.id, thread_id=thread.id)
        seen.append(run.status)
    assert seen == ["queued", "in_progress", "completed"]
    assert run.expires_at is None


def test_poll_after_header_is_zero_so_create_and_poll_never_sleeps(fake_assistants: FakeAssistants) -> None:
    client = fake_assistants.client()
    assistant = client.beta.assistants.create(model="gpt-4o", instructions="Be brief.")
    thread = client.beta.threads.create()
    raw = client.beta.threads.runs.with_raw_response.create(thread_id=thread.id, assistant_id=assistant.id)
    assert raw.headers["openai-poll-after-ms"] == "0"
    polled = client.beta.threads.runs.with_raw_response.retrieve(raw.parse().id, thread_id=thread.id)
    assert polled.headers["openai-poll-after-ms"] == "0"


def test_seed_quickstart_with_async_client(fake_assistants: FakeAssistants) -> None:
    fake_assistants.script.reply("x = 1")

    async def main() -> None:
        client = fake_assistants.async_client()
        assert client._strict_response_validation is False  # the default real shapes
        assistant = await client.beta.assistants.create(
            name="Math Tutor",
            instructions="You are a personal math tutor. Write and run code to answer math questions.",
            tools=[{"type": "code_interpreter"}],
            model="gpt-4o",
        )
        thread = await client.beta.threads.create()
        await client.beta.threads.messages.create(
            thread_id=thread.id,
            role="user",
            content="I need to solve the equation `3x + 11 = 14`. Can you help me?",
        )
        run = await client.beta.threads.runs.create_and_poll(
            thread_id=thread.id,
            assistant_id=assistant.id,
            instructions="Please address the user as Jane Doe. The user has a premium account.",
        )
        assert run.status == "completed"
        messages = [m async for m in client.beta.threads.messages.list(thread_id=thread.id)]
        assert [m.role for m in messages] == ["assistant", "user"]
        assert messages[0].content[0].text.value == "x = 1"  # type: ignore[union-attr]
        await client.close()

    asyncio.run(main())

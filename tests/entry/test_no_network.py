"""The in-process clients never open a socket or resolve a name."""

from __future__ import annotations

import asyncio
import socket

import pytest

from fake_assistants import FakeAssistants

from ..seed_quickstart import run_seed


def test_the_guard_would_catch_a_real_connection(no_sockets: list[str]) -> None:
    with pytest.raises(OSError), socket.socket() as sock:
        sock.connect(("127.0.0.1", 9))
    assert no_sockets == ["socket.connect"]


def test_sync_quickstart_opens_no_socket(no_sockets: list[str]) -> None:
    namespace = run_seed(FakeAssistants())
    assert namespace["run"].status == "completed"
    assert no_sockets == []


def test_async_client_opens_no_socket(no_sockets: list[str]) -> None:
    fake = FakeAssistants()

    async def main() -> str:
        client = fake.async_client()
        assistant = await client.beta.assistants.create(model="gpt-4o", instructions="Be brief.")
        thread = await client.beta.threads.create()
        run = await client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
        return run.status

    assert asyncio.run(main()) == "completed"
    assert no_sockets == []

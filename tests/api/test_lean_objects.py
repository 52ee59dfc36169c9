"""Lean objects: slotted models, shared empty containers that stay empty, and a short message under 1 KiB."""

from __future__ import annotations

import gc
import tracemalloc

import pytest

from fake_assistants import FakeAssistants
from fake_assistants.backend import threads as ops
from fake_assistants.backend.models import (
    NO_ANNOTATIONS,
    NO_ATTACHMENTS,
    NO_METADATA,
    Assistant,
    FileBatch,
    Message,
    Run,
    RunStep,
    StoredFile,
    Thread,
    VectorStore,
    VectorStoreFile,
)
from fake_assistants.schemas.requests import CreateMessage, CreateThread

BYTES_PER_MESSAGE = 1024


@pytest.mark.parametrize(
    "model", [Assistant, Thread, Message, Run, RunStep, StoredFile, VectorStore, VectorStoreFile, FileBatch]
)
def test_models_are_slotted(model: type) -> None:
    assert "__slots__" in vars(model)
    assert "__dict__" not in vars(model)


def test_shared_empties_stay_empty_through_the_api() -> None:
    fake = FakeAssistants(progression="immediate")
    client = fake.client(max_retries=0)
    assistant = client.beta.assistants.create(model="gpt-4o")
    thread = client.beta.threads.create(messages=[{"role": "user", "content": "first"}])
    plain = client.beta.threads.messages.create(thread.id, role="user", content="plain")
    tagged = client.beta.threads.messages.create(thread.id, role="user", content="tagged", metadata={"k": "v"})
    client.beta.threads.messages.update(plain.id, thread_id=thread.id, metadata={"changed": "yes"})
    client.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id)
    listed = client.beta.threads.messages.list(thread.id, order="asc").data
    client.close()
    assert [m.metadata for m in listed[:3]] == [{}, {"changed": "yes"}, {"k": "v"}]
    assert listed[3].role == "assistant" and listed[3].content[0].text.value  # type: ignore[union-attr]
    assert tagged.metadata == {"k": "v"}
    assert NO_METADATA == {} and NO_ATTACHMENTS == [] and NO_ANNOTATIONS == []
    stored = [fake._backend.messages[m.id] for m in listed]
    assert stored[0].metadata is NO_METADATA and stored[0].attachments is NO_ATTACHMENTS
    assert stored[0].content[0]["text"]["annotations"] is NO_ANNOTATIONS


def test_restored_messages_share_the_empties_too() -> None:
    fake = FakeAssistants()
    client = fake.client(max_retries=0)
    thread = client.beta.threads.create()
    message = client.beta.threads.messages.create(thread.id, role="user", content="hello")
    client.close()
    restored = FakeAssistants.restore(fake.snapshot())
    again = restored._backend.messages[message.id]
    assert again.metadata is NO_METADATA and again.attachments is NO_ATTACHMENTS
    assert restored.snapshot() == fake.snapshot()


def test_a_short_message_costs_under_a_kibibyte() -> None:
    """Measured with tracemalloc over 5 000 messages: the message, its content, its id and its index entry."""
    fake = FakeAssistants(progression="manual")
    backend = fake._backend
    thread = ops.create_thread(backend, 0, CreateThread())
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for n in range(5000):
            ops.add_message(backend, thread, 0, CreateMessage(role="user", content=f"message {n}"))
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert len(thread.message_ids) == 5000
    assert grown / 5000 <= BYTES_PER_MESSAGE, f"{grown / 5000:.0f} bytes per message"

"""Sending a drawn payload: the objects each operation needs, the SDK method that sends it, its path and the
request model the emulator parses it with."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import openai
from pydantic import BaseModel

from fake_assistants.schemas import file_requests, requests

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 16

MODELS: dict[str, type[BaseModel]] = {
    "createAssistant": requests.CreateAssistant,
    "modifyAssistant": requests.ModifyAssistant,
    "createThread": requests.CreateThread,
    "modifyThread": requests.ModifyThread,
    "createMessage": requests.CreateMessage,
    "modifyMessage": requests.ModifyMessage,
    "createRun": requests.CreateRun,
    "modifyRun": requests.ModifyRun,
    "createVectorStore": file_requests.CreateVectorStore,
    "modifyVectorStore": file_requests.ModifyVectorStore,
}


@dataclass(frozen=True)
class Parents:
    """What a drawn payload may refer to, and the objects it changes."""

    assistant_id: str
    thread_id: str
    message_id: str
    run_id: str
    vector_store_id: str
    file_id: str


def make_parents(client: openai.OpenAI) -> Parents:
    image = client.files.create(file=("chart.png", PNG), purpose="vision")
    store = client.vector_stores.create(name="docs")
    assistant = client.beta.assistants.create(model="gpt-4o", instructions="Help.")
    thread = client.beta.threads.create(messages=[{"role": "user", "content": "hello"}])
    message = client.beta.threads.messages.list(thread.id).data[0]
    run = client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
    return Parents(assistant.id, thread.id, message.id, run.id, store.id, image.id)


def sender(client: openai.OpenAI, parents: Parents, operation: str) -> Callable[[dict[str, Any]], Any]:
    """The SDK call that sends ``operation``'s payload (a run goes on a new thread: one run per thread at a time)."""
    beta = client.beta

    def create_run(**body: Any) -> Any:
        thread = beta.threads.create(messages=[{"role": "user", "content": "hi"}])
        answer = beta.threads.runs.create(thread.id, **body)
        if isinstance(answer, openai.Stream):
            for _ in answer:
                pass
        return answer

    methods: dict[str, Callable[..., Any]] = {
        "createAssistant": beta.assistants.create,
        "modifyAssistant": lambda **body: beta.assistants.update(parents.assistant_id, **body),
        "createThread": beta.threads.create,
        "modifyThread": lambda **body: beta.threads.update(parents.thread_id, **body),
        "createMessage": lambda **body: beta.threads.messages.create(parents.thread_id, **body),
        "modifyMessage": lambda **body: beta.threads.messages.update(
            parents.message_id, thread_id=parents.thread_id, **body
        ),
        "createRun": create_run,
        "modifyRun": lambda **body: beta.threads.runs.update(parents.run_id, thread_id=parents.thread_id, **body),
        "createVectorStore": client.vector_stores.create,
        "modifyVectorStore": lambda **body: client.vector_stores.update(parents.vector_store_id, **body),
    }
    method = methods[operation]
    return lambda body: method(**body)


def path_of(parents: Parents, operation: str) -> str:
    """The request path of ``operation`` on ``parents``."""
    return {
        "createAssistant": "/assistants",
        "modifyAssistant": f"/assistants/{parents.assistant_id}",
        "createThread": "/threads",
        "modifyThread": f"/threads/{parents.thread_id}",
        "createMessage": f"/threads/{parents.thread_id}/messages",
        "modifyMessage": f"/threads/{parents.thread_id}/messages/{parents.message_id}",
        "createRun": f"/threads/{parents.thread_id}/runs",
        "modifyRun": f"/threads/{parents.thread_id}/runs/{parents.run_id}",
        "createVectorStore": "/vector_stores",
        "modifyVectorStore": f"/vector_stores/{parents.vector_store_id}",
    }[operation]

"""A sample of every kind of state (a file, a vector store, an assistant, a thread, a finished run and a waiting
one, a queued scripted turn), and a reader of all of it: for the snapshot and state-file tests."""

from __future__ import annotations

from typing import Any

import openai

from fake_assistants import FakeAssistants, OutputFile

from .support import WEATHER


def build(fake: FakeAssistants) -> dict[str, Any]:
    client = fake.client()
    data = client.files.create(file=("data.csv", b"a,b\n1,2\n"), purpose="assistants")
    store = client.vector_stores.create(name="kb", file_ids=[data.id])
    assistant = client.beta.assistants.create(
        model="gpt-4o",
        name="Keeper",
        tools=[WEATHER, {"type": "code_interpreter"}, {"type": "file_search"}],
        tool_resources={"code_interpreter": {"file_ids": [data.id]}, "file_search": {"vector_store_ids": [store.id]}},
    )
    thread = client.beta.threads.create(messages=[{"role": "user", "content": "Hello"}])
    fake.script.run_code("plot()", "ok", files=[OutputFile("chart.png", b"\x89PNG")]).then_reply("Done.")
    done = client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
    fake.script.call_function("get_weather", {"city": "Oslo"}).then_reply("Cold.")
    waiting = client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
    fake.script.for_assistant("Keeper").reply("queued for later")
    return {"assistant": assistant.id, "thread": thread.id, "done": done.id, "waiting": waiting.id, "file": data.id}


def everything(client: openai.OpenAI, ids: dict[str, Any]) -> Any:
    thread = ids["thread"]
    return {
        "assistant": client.beta.assistants.retrieve(ids["assistant"]).model_dump(),
        "messages": [m.model_dump() for m in client.beta.threads.messages.list(thread, order="asc")],
        "runs": [r.model_dump() for r in client.beta.threads.runs.list(thread, order="asc")],
        "steps": [s.model_dump() for s in client.beta.threads.runs.steps.list(ids["done"], thread_id=thread)],
        "files": sorted(f.id for f in client.files.list()),
        "content": client.files.content(ids["file"]).read(),
        "stores": [v.model_dump() for v in client.vector_stores.list()],
    }

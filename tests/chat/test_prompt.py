"""What the model is asked: properties of the mapping from a run to a Chat Completions request."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from fake_assistants import FakeAssistants
from fake_assistants.chat import ChatModel

texts = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=30).filter(str.strip)


def completion(content: str) -> dict[str, Any]:
    message = {"role": "assistant", "content": content}
    return {"choices": [{"message": message, "finish_reason": "stop"}], "usage": {"prompt_tokens": 1}}


@settings(max_examples=15, deadline=None)
@given(
    instructions=st.none() | texts,
    additional=st.none() | texts,
    conversation=st.lists(texts, min_size=1, max_size=4),
)
def test_the_model_is_asked_the_instructions_then_the_whole_thread_in_order(
    instructions: str | None, additional: str | None, conversation: list[str]
) -> None:
    asked: list[dict[str, Any]] = []

    def model(request: dict[str, Any]) -> dict[str, Any]:
        asked.append(request)
        return completion(f"answer {len(asked)}")

    fake = FakeAssistants()
    fake.script.respond_with(ChatModel(complete=model))
    client = fake.client()
    assistant = client.beta.assistants.create(model="gpt-4o", instructions=instructions)
    thread = client.beta.threads.create()
    expected: list[dict[str, Any]] = []
    system = "\n\n".join(part for part in (instructions, additional) if part)
    for number, text in enumerate(conversation, start=1):
        client.beta.threads.messages.create(thread_id=thread.id, role="user", content=text)
        run = client.beta.threads.runs.create_and_poll(
            thread_id=thread.id, assistant_id=assistant.id, additional_instructions=additional
        )
        assert run.status == "completed"
        expected.append({"role": "user", "content": text})
        assert asked[-1]["messages"] == [{"role": "system", "content": system}] * bool(system) + expected
        expected.append({"role": "assistant", "content": f"answer {number}"})
    assert len(asked) == len(conversation)

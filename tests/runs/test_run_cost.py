"""What a run costs does not grow with its thread: the prompt's tokens are counted once per message, and the
messages a responder sees are made when it reads them (issue 26). Through the SDK, against a brute-force count."""

from __future__ import annotations

from typing import Any

import hypothesis.strategies as st
import openai
import pytest
from hypothesis import HealthCheck, given, settings

from fake_assistants import FakeAssistants
from fake_assistants.runs import context as run_context_module
from fake_assistants.runs import play
from fake_assistants.script.context import MessageView, RunContext
from fake_assistants.tokens import count_tokens

Op = tuple[str, str]  # ("say", text) | ("delete", "") | ("run", "") | ("bad", text)

OPS = st.lists(
    st.one_of(
        st.tuples(st.just("say"), st.text(alphabet="ab ,.!", max_size=12)),
        st.tuples(st.just("delete"), st.just("")),
        st.tuples(st.just("run"), st.just("")),
        st.tuples(st.just("bad"), st.text(alphabet="xy ", max_size=5)),
    ),
    max_size=14,
)


def _expected_prompt(client: openai.OpenAI, thread_id: str, instructions: str) -> int:
    """Brute force: the instructions and every message of the thread (its text parts, a line each), counted anew."""
    messages = client.beta.threads.messages.list(thread_id, order="asc", limit=100)
    texts = ["\n".join(part.text.value for part in m.content if part.type == "text") for m in messages]
    return count_tokens(instructions) + sum(count_tokens(text) for text in texts)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=OPS)
def test_a_runs_prompt_tokens_are_the_threads_whatever_happened_to_it(ops: list[Op]) -> None:
    fake = FakeAssistants(progression="immediate", seed=3)
    client = fake.client(max_retries=0)
    instructions = "Answer, briefly."
    assistant = client.beta.assistants.create(model="gpt-4o", instructions=instructions)
    thread = client.beta.threads.create()
    for kind, text in ops:
        if kind == "say":
            client.beta.threads.messages.create(thread.id, role="user", content=text or "hi")
        elif kind == "delete":
            newest = client.beta.threads.messages.list(thread.id, limit=3).data
            if len(newest) > 1:  # one before the newest: the kept sum's last message, or one before it
                client.beta.threads.messages.delete(newest[1].id, thread_id=thread.id)
        elif kind == "bad":  # a request that fails changes nothing, the kept sum included
            with pytest.raises(openai.BadRequestError):
                client.beta.threads.messages.create(thread.id, role="user", content=text or "x", extra_body={"x": 1})
        else:
            expected = _expected_prompt(client, thread.id, instructions)
            run = client.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id)
            assert run.usage is not None
            assert run.usage.prompt_tokens == expected


def test_a_new_run_counts_only_the_messages_added_since_the_last(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeAssistants(progression="immediate")
    client = fake.client()
    assistant = client.beta.assistants.create(model="gpt-4o")
    thread = client.beta.threads.create(messages=[{"role": "user", "content": f"m {n}"} for n in range(30)])
    client.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id)
    counted: list[str] = []
    real = play.message_text

    def spy(message: object) -> str:
        text = real(message)  # type: ignore[arg-type]
        counted.append(text)
        return text

    monkeypatch.setattr(play, "message_text", spy)
    client.beta.threads.messages.create(thread.id, role="user", content="one more")
    run = client.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id)
    assert run.status == "completed"
    # The 30 messages were counted by the first run; this one counts what came since: that run's reply, and the
    # new message (not the 30 again).
    first_reply = client.beta.threads.messages.list(thread.id, limit=3).data[2]
    assert first_reply.role == "assistant" and first_reply.content[0].type == "text"
    assert counted == [first_reply.content[0].text.value, "one more"]


def test_a_responder_reads_the_threads_messages_as_a_tuple_made_when_read(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeAssistants(progression="immediate")
    client = fake.client()
    seen: list[RunContext] = []

    def responder(context: RunContext) -> str:
        seen.append(context)
        return "ok"

    fake.script.respond_with(responder)
    made: list[str] = []

    def counted_view(**fields: Any) -> MessageView:
        made.append(fields["id"])
        return MessageView(**fields)

    monkeypatch.setattr(run_context_module, "MessageView", counted_view)
    assistant = client.beta.assistants.create(model="gpt-4o")
    thread = client.beta.threads.create(messages=[{"role": "user", "content": f"m {n}"} for n in range(5)])
    client.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id)
    messages = seen[-1].messages
    assert made == []  # nothing made until read
    views = tuple(messages)
    assert [view.text for view in views] == [f"m {n}" for n in range(5)]
    assert len(made) == 5
    assert messages == views and views == tuple(messages)
    assert messages[-1] is views[-1] and messages[1:3] == views[1:3]
    assert list(reversed(messages)) == list(reversed(views))
    assert messages + views[:1] == (*views, views[0]) and views[:1] + messages == (views[0], *views)
    assert seen[-1].last_user_message == "m 4"
    assert len(made) == 5  # each view made once
    with pytest.raises(IndexError):
        messages[5]
    with pytest.raises(TypeError):
        hash(messages)


def test_a_context_read_later_still_shows_a_message_deleted_meanwhile() -> None:
    fake = FakeAssistants(progression="immediate")
    client = fake.client()
    seen: list[RunContext] = []
    fake.script.respond_with(lambda context: seen.append(context) or "ok")
    assistant = client.beta.assistants.create(model="gpt-4o")
    thread = client.beta.threads.create(
        messages=[{"role": "user", "content": "first"}, {"role": "user", "content": "x"}]
    )
    client.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id)
    first = client.beta.threads.messages.list(thread.id, order="asc").data[0]
    client.beta.threads.messages.delete(first.id, thread_id=thread.id)
    assert [view.text for view in seen[-1].messages] == ["first", "x"]  # as the run saw its thread


@pytest.mark.parametrize("text", ["", "One.", "A longer reply, cut into many pieces when it is streamed."])
def test_a_polled_run_writes_its_text_at_once_as_a_streamed_run_ends_with_it(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nobody reads a polled run's deltas: it makes none (no cut into pieces), and its message is the streamed one."""
    messages = {}
    real_pieces = play.pieces
    for streamed in (True, False):
        fake = FakeAssistants(progression="immediate", seed=8)
        client = fake.client(max_retries=0)
        assistant = client.beta.assistants.create(model="gpt-4o")
        thread = client.beta.threads.create(messages=[{"role": "user", "content": "Say it."}])
        fake.script.reply(text)
        cuts: list[str] = []

        def counted(text: str, size: int, cuts: list[str] = cuts) -> list[str]:
            cuts.append(text)
            return real_pieces(text, size)

        monkeypatch.setattr(play, "pieces", counted)
        if streamed:
            with client.beta.threads.runs.stream(thread_id=thread.id, assistant_id=assistant.id) as stream:
                stream.until_done()
            assert cuts == [text]
        else:
            client.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id)
            assert cuts == []
        listed = client.beta.threads.messages.list(thread.id).data[0]
        messages[streamed] = (listed.content, listed.status)
    assert messages[True] == messages[False]
    assert messages[False][0][0].text.value == text

"""File scoping: thread attachments vs the assistant's knowledge base, enforced in runs, through the real SDK."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path
from typing import Any

import openai
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fake_assistants import FakeAssistants, RunContext
from fake_assistants.script import FileScope

from ..seed_quickstart import ASSISTANT_WITH_THE_FILE, ATTACH_TO_A_THREAD, SEED_FILE, SEED_MISSING, UPLOAD_THE_FILE

pytestmark = pytest.mark.fake_assistants(progression="immediate")


def upload(client: openai.OpenAI, name: str, content: bytes = b"some text") -> str:
    return client.files.create(file=(name, content), purpose="assistants").id


def scope_of_a_run(fake: FakeAssistants, client: openai.OpenAI, assistant_id: str, thread_id: str) -> FileScope:
    seen: list[FileScope] = []

    def record(ctx: RunContext) -> str:
        seen.append(ctx.files)
        return "noted"

    fake.script.respond_with(record)
    client.beta.threads.runs.create_and_poll(thread_id=thread_id, assistant_id=assistant_id)
    fake.script._responders.clear()
    return seen[-1]


# --- the seed's file examples ------------------------------------------------------------------------------------


def seed_block(heading: str) -> str:
    text = SEED_FILE.read_text()
    start = text.index(heading)
    block = re.search(r"```python\n(.*?)```", text[start:], re.DOTALL).group(1)  # type: ignore[union-attr]
    return textwrap.dedent(block)


@pytest.mark.skipif(not SEED_FILE.exists(), reason=SEED_MISSING)
def test_the_embedded_file_examples_are_the_seeds_verbatim() -> None:
    assert seed_block("1. **Upload the File:**").strip() == UPLOAD_THE_FILE.strip()
    assert seed_block("2. **Create the Assistant with the File as a Resource:**").strip() == (
        ASSISTANT_WITH_THE_FILE.strip()
    )
    assert seed_block("### Uploading Files to a Thread").strip() == ATTACH_TO_A_THREAD.strip()


def test_the_seeds_file_examples_run(
    fake: FakeAssistants, client: openai.OpenAI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data.csv").write_bytes(b"month,sales\nJan,10\nFeb,12\n")
    namespace: dict[str, Any] = {"client": client}
    exec(UPLOAD_THE_FILE, namespace)
    exec(ASSISTANT_WITH_THE_FILE, namespace)
    thread = client.beta.threads.create()
    # The seed's attachment example names a placeholder id; here it is the file the seed uploaded.
    attach = ATTACH_TO_A_THREAD.replace('"file_abc123"', "file.id")
    exec(attach, {**namespace, "thread": thread})

    file, assistant = namespace["file"], namespace["assistant"]
    assert (file.filename, file.bytes, file.purpose) == ("data.csv", 26, "assistants")
    assert assistant.name == "Data Visualizer"
    assert assistant.tool_resources.code_interpreter.file_ids == [file.id]
    assert client.files.content(file.id).read() == b"month,sales\nJan,10\nFeb,12\n"
    message = client.beta.threads.messages.list(thread.id).data[0]
    assert message.attachments[0].file_id == file.id  # type: ignore[index]
    assert scope_of_a_run(fake, client, assistant.id, thread.id).code_interpreter_file_ids == (file.id,)


# --- the difference recap --------------------------------------------------------------------------------------


def test_thread_attachments_stay_in_their_thread_and_the_knowledge_base_serves_all(
    fake: FakeAssistants, client: openai.OpenAI
) -> None:
    knowledge = upload(client, "handbook.txt")
    attached = upload(client, "report.csv")
    assistant = client.beta.assistants.create(
        model="gpt-4o",
        instructions="Be brief.",
        tools=[{"type": "code_interpreter"}],
        tool_resources={"code_interpreter": {"file_ids": [knowledge]}},
    )
    thread_a = client.beta.threads.create(
        messages=[
            {
                "role": "user",
                "content": "A",
                "attachments": [{"file_id": attached, "tools": [{"type": "code_interpreter"}]}],
            }
        ]
    )
    thread_b = client.beta.threads.create(messages=[{"role": "user", "content": "B"}])
    on_a = scope_of_a_run(fake, client, assistant.id, thread_a.id)
    on_b = scope_of_a_run(fake, client, assistant.id, thread_b.id)
    assert set(on_a.file_ids) == {knowledge, attached}
    assert on_b.file_ids == (knowledge,)


def test_scope_is_limited_to_the_tools_the_run_has(fake: FakeAssistants, client: openai.OpenAI) -> None:
    knowledge = upload(client, "kb.txt")
    assistant = client.beta.assistants.create(
        model="gpt-4o",
        instructions="Be brief.",
        tools=[{"type": "code_interpreter"}],
        tool_resources={"code_interpreter": {"file_ids": [knowledge]}},
    )
    thread = client.beta.threads.create()
    seen: list[FileScope] = []
    fake.script.respond_with(lambda ctx: seen.append(ctx.files))
    client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id, tools=[])
    assert seen[0].file_ids == ()


def test_file_search_attachments_build_the_threads_own_store(fake: FakeAssistants, client: openai.OpenAI) -> None:
    faq = upload(client, "faq.txt", b"Our shop opens at nine and closes at five on weekdays.")
    other = upload(client, "other.txt", b"The warehouse opens at six.")
    assistant = client.beta.assistants.create(model="gpt-4o", instructions="Be brief.", tools=[{"type": "file_search"}])
    thread = client.beta.threads.create(
        messages=[
            {"role": "user", "content": "When?", "attachments": [{"file_id": faq, "tools": [{"type": "file_search"}]}]}
        ]
    )
    thread = client.beta.threads.retrieve(thread.id)
    assert thread.tool_resources is not None and thread.tool_resources.file_search is not None
    (store_id,) = thread.tool_resources.file_search.vector_store_ids  # type: ignore[misc]
    assert [f.id for f in client.vector_stores.files.list(store_id)] == [faq]

    elsewhere = client.beta.threads.create(
        messages=[
            {"role": "user", "content": "?", "attachments": [{"file_id": other, "tools": [{"type": "file_search"}]}]}
        ]
    )
    fake.script.search_files("when does the shop open").then_reply("At nine.")
    run = client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
    step = client.beta.threads.runs.steps.list(
        run.id,
        thread_id=thread.id,
        order="asc",
        include=["step_details.tool_calls[*].file_search.results[*].content"],
    ).data[0]
    results = step.step_details.tool_calls[0].file_search.results  # type: ignore[union-attr]
    assert [r.file_id for r in results] == [faq]  # the other thread's file is never searched
    assert results[0].file_name == "faq.txt" and 0 < results[0].score <= 1
    assert "nine" in results[0].content[0].text  # type: ignore[index]
    plain = client.beta.threads.runs.steps.retrieve(step.id, thread_id=thread.id, run_id=run.id)
    assert plain.step_details.tool_calls[0].file_search.results[0].content is None  # type: ignore[union-attr]
    assert elsewhere.id != thread.id


def test_the_vector_stores_helper_builds_the_knowledge_base(client: openai.OpenAI) -> None:
    doc = upload(client, "doc.txt")
    assistant = client.beta.assistants.create(
        model="gpt-4o",
        instructions="Be brief.",
        tools=[{"type": "file_search"}],
        tool_resources={"file_search": {"vector_stores": [{"file_ids": [doc], "metadata": {"kb": "1"}}]}},
    )
    (store_id,) = assistant.tool_resources.file_search.vector_store_ids  # type: ignore[union-attr,misc]
    store = client.vector_stores.retrieve(store_id)
    assert store.metadata == {"kb": "1"} and [f.id for f in client.vector_stores.files.list(store_id)] == [doc]
    updated = client.beta.assistants.update(
        assistant.id, tool_resources={"file_search": {"vector_stores": [{"file_ids": [doc]}]}}
    )
    assert updated.tool_resources.file_search.vector_store_ids != [store_id]  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "resources",
    [
        {"code_interpreter": {"file_ids": ["file-missing"]}},
        {"file_search": {"vector_store_ids": ["vs_missing"]}},
        {"file_search": {"vector_stores": [{"file_ids": ["file-missing"]}]}},
    ],
)
def test_unknown_files_and_stores_are_404_and_change_nothing(
    fake: FakeAssistants, client: openai.OpenAI, resources: Any
) -> None:
    with pytest.raises(openai.NotFoundError):
        client.beta.assistants.create(model="gpt-4o", instructions="Be brief.", tool_resources=resources)
    with pytest.raises(openai.NotFoundError):
        client.beta.threads.create(tool_resources=resources)
    assert client.beta.assistants.list().data == [] and fake._backend.threads == {}
    assert client.vector_stores.list().data == []


def test_an_attachment_naming_an_unknown_file_is_404_and_adds_nothing(client: openai.OpenAI) -> None:
    thread = client.beta.threads.create()
    with pytest.raises(openai.NotFoundError) as info:
        client.beta.threads.messages.create(
            thread.id,
            role="user",
            content="x",
            attachments=[{"file_id": "file-nope", "tools": [{"type": "file_search"}]}],
        )
    assert info.value.body["message"] == "No such File object: file-nope"  # type: ignore[index]
    assert client.beta.threads.messages.list(thread.id).data == []
    assert client.beta.threads.retrieve(thread.id).tool_resources.file_search is None  # type: ignore[union-attr]


def test_both_store_ids_and_the_helper_is_a_400(client: openai.OpenAI) -> None:
    store = client.vector_stores.create(name="x").id
    with pytest.raises(openai.BadRequestError):
        client.beta.assistants.create(
            model="gpt-4o",
            instructions="Be brief.",
            tool_resources={"file_search": {"vector_store_ids": [store], "vector_stores": [{"file_ids": []}]}},
        )


# --- a property: a run's scope is its assistant's plus its own thread's, whatever happened elsewhere --------------


@settings(max_examples=20, deadline=None)
@given(
    attachments=st.lists(st.tuples(st.integers(0, 2), st.integers(0, 3), st.booleans()), max_size=8),
    knowledge=st.lists(st.integers(0, 3), max_size=3, unique=True),
)
def test_scope_is_the_knowledge_base_plus_the_threads_own_files(
    attachments: list[tuple[int, int, bool]], knowledge: list[int]
) -> None:
    fake = FakeAssistants(progression="immediate")
    client = fake.client()
    files = [upload(client, f"f{i}.txt", f"word{i} text".encode()) for i in range(4)]
    assistant = client.beta.assistants.create(
        model="gpt-4o",
        instructions="Be brief.",
        tools=[{"type": "code_interpreter"}, {"type": "file_search"}],
        tool_resources={"code_interpreter": {"file_ids": [files[i] for i in knowledge]}},
    )
    threads = [client.beta.threads.create().id for _ in range(3)]
    expected: list[set[str]] = [set() for _ in threads]
    for thread_index, file_index, searchable in attachments:
        tool = "file_search" if searchable else "code_interpreter"
        client.beta.threads.messages.create(
            threads[thread_index],
            role="user",
            content="see file",
            attachments=[{"file_id": files[file_index], "tools": [{"type": tool}]}],
        )
        expected[thread_index].add(files[file_index])
    for index, thread_id in enumerate(threads):
        scope = scope_of_a_run(fake, client, assistant.id, thread_id)
        assert set(scope.file_ids) == expected[index] | {files[i] for i in knowledge}

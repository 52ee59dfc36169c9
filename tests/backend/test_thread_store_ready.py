"""A file attached to a message is searchable by the thread's next run, with no poll of the thread's store first:
the real API made such a run wait for the thread store's files (api-facts: "Real traffic vs the spec")."""

from __future__ import annotations

import pytest

from fake_assistants import FakeAssistants


@pytest.mark.parametrize("progression", ["per_read", "manual", "by_clock"])
def test_an_attached_file_is_found_by_the_next_run_without_polling_its_store(progression: str) -> None:
    fake = FakeAssistants(progression=progression)
    client = fake.client()
    faq = client.files.create(file=("faq.txt", b"The shop opens at nine on weekdays."), purpose="assistants")
    assistant = client.beta.assistants.create(model="gpt-4o", tools=[{"type": "file_search"}])
    attachment = {"file_id": faq.id, "tools": [{"type": "file_search"}]}
    thread = client.beta.threads.create(
        messages=[{"role": "user", "content": "When does it open?", "attachments": [attachment]}]
    )
    (store_id,) = thread.tool_resources.file_search.vector_store_ids  # type: ignore[union-attr]
    fake.script.search_files("shop opens").then_reply("At nine.")
    run = client.beta.threads.runs.create(thread.id, assistant_id=assistant.id)
    for _ in range(10):
        if run.status in ("completed", "failed", "incomplete", "expired", "cancelled"):
            break
        if progression == "manual" or progression == "by_clock":
            fake.advance(run.id)
        run = client.beta.threads.runs.retrieve(run.id, thread_id=thread.id)
    assert run.status == "completed"
    steps = client.beta.threads.runs.steps.list(
        run.id, thread_id=thread.id, order="asc", include=["step_details.tool_calls[*].file_search.results[*].content"]
    ).data
    results = steps[0].step_details.tool_calls[0].file_search.results  # type: ignore[union-attr]
    assert [result.file_id for result in results] == [faq.id]
    assert client.vector_stores.files.retrieve(faq.id, vector_store_id=store_id).status == "completed"


def test_the_assistants_own_store_gets_no_wait() -> None:
    fake = FakeAssistants(progression="manual")
    client = fake.client()
    doc = client.files.create(file=("doc.txt", b"The warehouse opens at six."), purpose="assistants")
    store = client.vector_stores.create(file_ids=[doc.id])
    assistant = client.beta.assistants.create(
        model="gpt-4o",
        tools=[{"type": "file_search"}],
        tool_resources={"file_search": {"vector_store_ids": [store.id]}},
    )
    thread = client.beta.threads.create(messages=[{"role": "user", "content": "When?"}])
    fake.script.search_files("warehouse opens").then_reply("At six?")
    run = client.beta.threads.runs.create(thread.id, assistant_id=assistant.id)
    while run.status not in ("completed", "failed"):
        fake.advance(run.id)
        run = client.beta.threads.runs.retrieve(run.id, thread_id=thread.id)
    (search, _) = client.beta.threads.runs.steps.list(run.id, thread_id=thread.id, order="asc").data
    assert search.step_details.tool_calls[0].file_search.results == []  # type: ignore[union-attr]
    assert client.vector_stores.files.retrieve(doc.id, vector_store_id=store.id).status == "in_progress"


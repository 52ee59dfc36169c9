"""The API as it stood at its end, where 2024 and 2025 recordings of other clients showed the emulator wrong.

Evidence: ``../shared/recordings/more`` (ruby-openai, BodhiApp, lemur, ex_openai; 2024) and ``api-facts.md``, "Eras
of the wire". Each test goes through the SDK; the raw dict (``to_dict``) shows keys the SDK's models would hide.
"""

from __future__ import annotations

from typing import Any

import openai
import pytest

NO_BETA = {"OpenAI-Beta": openai.Omit()}  # the SDK sends assistants=v2 on every call; Omit() leaves it out


def _uploaded(client: openai.OpenAI, text: bytes = b"Opening hours: nine to five.") -> str:
    return client.files.create(file=("notes.txt", text), purpose="assistants").id


@pytest.mark.both_shapes
def test_a_store_made_without_a_name_says_null_with_expires_after_and_description(fake: Any, client: Any) -> None:
    raw = client.vector_stores.create().to_dict()
    if fake.shapes == "wire":
        assert (raw["name"], raw["expires_after"], raw["description"]) == (None, None, None)
    else:  # the spec's shapes: a string name, no expires_after unless set, no description
        assert raw["name"] == "" and "expires_after" not in raw and "description" not in raw
    named = client.vector_stores.create(name="FAQ", description="What the shop answers").to_dict()
    assert named["name"] == "FAQ"
    assert named.get("description") == ("What the shop answers" if fake.shapes == "wire" else None)


@pytest.mark.both_shapes
def test_a_file_batch_is_a_vector_store_file_batch(fake: Any, client: Any) -> None:
    store = client.vector_stores.create()
    batch = client.vector_stores.file_batches.create(vector_store_id=store.id, file_ids=[_uploaded(client)])
    read = client.vector_stores.file_batches.retrieve(batch.id, vector_store_id=store.id)
    wanted = "vector_store.file_batch" if fake.shapes == "wire" else "vector_store.files_batch"
    assert batch.object == read.object == wanted


@pytest.mark.fake_assistants(progression="manual")
def test_cancelling_a_completed_batch_answers_it_unchanged(fake: Any, client: Any) -> None:
    store = client.vector_stores.create()
    done = client.vector_stores.file_batches.create(vector_store_id=store.id, file_ids=[_uploaded(client)])
    assert fake.advance(done.id) == "completed"
    answer = client.vector_stores.file_batches.cancel(done.id, vector_store_id=store.id)
    assert (answer.status, answer.file_counts.completed, answer.file_counts.cancelled) == ("completed", 1, 0)

    stopped = client.vector_stores.file_batches.create(vector_store_id=store.id, file_ids=[_uploaded(client)])
    assert client.vector_stores.file_batches.cancel(stopped.id, vector_store_id=store.id).status == "cancelled"
    with pytest.raises(openai.BadRequestError, match="Cannot cancel"):  # a cancelled batch still cannot be
        client.vector_stores.file_batches.cancel(stopped.id, vector_store_id=store.id)


def test_an_assistant_with_file_search_shows_its_empty_store_list(client: openai.OpenAI) -> None:
    searcher = client.beta.assistants.create(model="gpt-4o", tools=[{"type": "file_search"}])
    assert searcher.to_dict()["tool_resources"] == {"file_search": {"vector_store_ids": []}}
    listed = client.beta.assistants.list().data[0].to_dict()
    assert listed["tool_resources"] == {"file_search": {"vector_store_ids": []}}
    both = client.beta.assistants.create(model="gpt-4o", tools=[{"type": "file_search"}, {"type": "code_interpreter"}])
    assert both.to_dict()["tool_resources"] == {
        "code_interpreter": {"file_ids": []},
        "file_search": {"vector_store_ids": []},
    }
    store = client.vector_stores.create()
    given = client.beta.assistants.create(
        model="gpt-4o",
        tools=[{"type": "file_search"}],
        tool_resources={"file_search": {"vector_store_ids": [store.id]}},
    )
    assert given.to_dict()["tool_resources"] == {"file_search": {"vector_store_ids": [store.id]}}
    plain = client.beta.assistants.create(model="gpt-4o")
    assert plain.to_dict()["tool_resources"] == {}


@pytest.mark.fake_assistants(progression="immediate")
def test_vector_stores_and_files_need_no_beta_header_and_assistants_still_do(client: openai.OpenAI) -> None:
    store = client.vector_stores.create(name="FAQ", extra_headers=NO_BETA)
    file_id = client.files.create(file=("a.txt", b"text"), purpose="assistants", extra_headers=NO_BETA).id
    client.vector_stores.files.create(vector_store_id=store.id, file_id=file_id, extra_headers=NO_BETA)
    assert [f.id for f in client.vector_stores.files.list(store.id, extra_headers=NO_BETA)] == [file_id]
    assert client.vector_stores.search(store.id, query="text", extra_headers=NO_BETA).data
    with pytest.raises(openai.BadRequestError) as missing:
        client.beta.assistants.list(extra_headers=NO_BETA)
    assert missing.value.code == "invalid_beta"
    assert "You must provide the 'OpenAI-Beta' header" in missing.value.message


def test_the_v1_header_gets_the_deprecation_text(client: openai.OpenAI) -> None:
    v1 = {"OpenAI-Beta": "assistants=v1"}
    with pytest.raises(openai.BadRequestError) as old:
        client.beta.threads.create(extra_headers=v1)
    body = old.value.body if isinstance(old.value.body, dict) else {}
    error = body.get("error", body)
    assert (old.value.status_code, error["code"], error["param"]) == (400, "invalid_beta", None)
    assert error["message"] == (
        "The v1 Assistants API has been deprecated. Please try again by setting the header 'OpenAI-Beta: "
        "assistants=v2'. See the migration guide for more information: "
        "https://platform.openai.com/docs/assistants/migration"
    )


@pytest.mark.fake_assistants(progression="immediate")
def test_a_query_made_of_a_files_own_words_scores_about_the_live_scale(client: openai.OpenAI) -> None:
    """The live ranker scored such a hit about 0.75, so a threshold of 0.5 keeps it; a stray word stays low."""
    text = b"Refunds are paid within fourteen days of the return."
    store = client.vector_stores.create(file_ids=[_uploaded(client, text)])
    (hit,) = client.vector_stores.search(store.id, query="refunds paid fourteen days").data
    assert 0.7 <= hit.score <= 0.8
    kept = client.vector_stores.search(
        store.id, query="refunds paid fourteen days", ranking_options={"score_threshold": 0.5}
    )
    assert [h.score for h in kept.data] == [hit.score]
    (stray,) = client.vector_stores.search(store.id, query="refunds weather tomorrow morning").data
    assert stray.score < 0.5
    assert (
        client.vector_stores.search(
            store.id, query="refunds weather tomorrow morning", ranking_options={"score_threshold": 0.5}
        ).data
        == []
    )


@pytest.mark.fake_assistants(progression="immediate")
def test_a_file_search_step_with_threshold_finds_the_file_of_its_own_words(fake: Any, client: openai.OpenAI) -> None:
    store = client.vector_stores.create(file_ids=[_uploaded(client, b"The shop opens at nine every morning.")])
    assistant = client.beta.assistants.create(
        model="gpt-4o",
        tools=[{"type": "file_search", "file_search": {"ranking_options": {"score_threshold": 0.5}}}],
        tool_resources={"file_search": {"vector_store_ids": [store.id]}},
    )
    fake.script.search_files("shop opens nine morning").then_reply("At nine.")
    thread = client.beta.threads.create(messages=[{"role": "user", "content": "When?"}])
    run = client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
    steps = client.beta.threads.runs.steps.list(
        run.id, thread_id=thread.id, include=["step_details.tool_calls[*].file_search.results[*].content"]
    ).data
    calls = [s.step_details.tool_calls[0] for s in steps if s.step_details.type == "tool_calls"]
    (result,) = calls[0].file_search.results
    assert result.score >= 0.5

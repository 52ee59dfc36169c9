"""Vector store search: chunking, BM25 ranking, normalized scores, thresholds, attribute filters, determinism."""

from __future__ import annotations

from typing import Any

import openai
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fake_assistants import FakeAssistants
from fake_assistants.backend.search_index import search_stores
from fake_assistants.search.bm25 import FULL_MATCH, K1, Bm25Index, calibrated, term_counts, terms
from fake_assistants.search.chunking import chunk_file, chunk_text, decode_text
from fake_assistants.search.filters import matches

CORPUS: dict[str, tuple[bytes, dict[str, Any]]] = {
    "returns.md": (
        b"# Return policy\nYou may return any item within 30 days of delivery. "
        b"Refunds are paid to the original card within 5 business days.",
        {"topic": "orders", "year": 2024, "public": True},
    ),
    "shipping.md": (
        b"# Shipping\nOrders ship within 2 days. Express delivery costs 15 euros. "
        b"We ship to every country in the European Union.",
        {"topic": "orders", "year": 2023, "public": True},
    ),
    "security.md": (
        b"# Security\nPasswords are hashed with argon2. Two-factor authentication is required for admins.",
        {"topic": "engineering", "year": 2024, "public": False},
    ),
    "onboarding.md": (
        b"# Onboarding\nNew staff get a laptop on day one and meet their mentor in the first week.",
        {"topic": "people", "year": 2022, "public": False},
    ),
    "pricing.md": (
        b"# Pricing\nThe basic plan costs 10 euros a month; the team plan costs 40 euros a month.",
        {"topic": "sales", "year": 2024, "public": True},
    ),
    "logo.png": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe", {"topic": "brand", "year": 2024, "public": True}),
}


def build(seed: int = 0) -> tuple[FakeAssistants, openai.OpenAI, str, dict[str, str]]:
    """A store holding the corpus, every file completed; returns the file ids by name."""
    fake = FakeAssistants(seed=seed)
    client = fake.client()
    store = client.vector_stores.create(name="handbook")
    ids: dict[str, str] = {}
    for name, (content, attributes) in CORPUS.items():
        stored = client.files.create(file=(name, content), purpose="assistants")
        client.vector_stores.files.create_and_poll(file_id=stored.id, vector_store_id=store.id, attributes=attributes)
        ids[name] = stored.id
    return fake, client, store.id, ids


@pytest.fixture(scope="module")
def world() -> tuple[FakeAssistants, openai.OpenAI, str, dict[str, str]]:
    return build()


def names(hits: Any, ids: dict[str, str]) -> list[str]:
    by_id = {file_id: name for name, file_id in ids.items()}
    return [by_id[hit.file_id] for hit in hits]


# --- ranking ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "best"),
    [
        ("return policy refund", "returns.md"),
        ("how fast do orders ship", "shipping.md"),
        ("password hashing argon2", "security.md"),
        ("mentor for new staff", "onboarding.md"),
        ("team plan price per month", "pricing.md"),
    ],
)
def test_the_file_holding_the_query_terms_ranks_first(world: Any, query: str, best: str) -> None:
    _, client, store_id, ids = world
    page = client.vector_stores.search(store_id, query=query)
    assert names(page.data, ids)[0] == best
    scores = [hit.score for hit in page.data]
    assert scores == sorted(scores, reverse=True)
    assert all(0 < score <= 1 for score in scores)
    assert page.search_query == [query]  # type: ignore[attr-defined]
    first = page.data[0]
    assert first.filename == best and first.attributes == CORPUS[best][1]
    assert [part.type for part in first.content] == ["text"]
    assert first.content[0].text == CORPUS[best][0].decode()


def test_ranking_is_stable_across_calls_and_emulators(world: Any) -> None:
    _, client, store_id, _ = world
    query = "orders delivery euros days"
    first = client.vector_stores.search(store_id, query=query).model_dump()
    assert client.vector_stores.search(store_id, query=query).model_dump() == first
    _, other_client, other_store, _ = build()
    assert other_client.vector_stores.search(other_store, query=query).model_dump() == first


def test_no_match_gives_an_empty_page(world: Any) -> None:
    _, client, store_id, _ = world
    page = client.vector_stores.search(store_id, query="zebra xylophone")
    assert (page.data, page.has_more, page.next_page) == ([], False, None)  # type: ignore[attr-defined]


def test_max_num_results_and_score_threshold(world: Any) -> None:
    _, client, store_id, _ = world
    everything = client.vector_stores.search(store_id, query="the euros days orders", max_num_results=50).data
    assert len(everything) >= 3
    assert len(client.vector_stores.search(store_id, query="the euros days orders", max_num_results=2).data) == 2
    middle = everything[1].score
    kept = client.vector_stores.search(
        store_id, query="the euros days orders", ranking_options={"score_threshold": middle}
    ).data
    assert [hit.score for hit in kept] == [hit.score for hit in everything if hit.score >= middle]
    assert client.vector_stores.search(store_id, query="orders", ranking_options={"score_threshold": 1}).data == []


def test_several_queries_are_searched_together_and_rewrite_is_accepted(world: Any) -> None:
    _, client, store_id, ids = world
    page = client.vector_stores.search(store_id, query=["argon2", "mentor"], rewrite_query=True)
    assert sorted(names(page.data, ids)) == ["onboarding.md", "security.md"]
    assert page.search_query == ["argon2", "mentor"]  # type: ignore[attr-defined]


def test_binary_files_are_stored_but_never_found(world: Any) -> None:
    _, client, store_id, ids = world
    item = client.vector_stores.files.retrieve(ids["logo.png"], vector_store_id=store_id)
    assert item.status == "completed"
    assert list(client.vector_stores.files.content(ids["logo.png"], vector_store_id=store_id)) == []
    assert client.vector_stores.search(store_id, query="PNG IHDR").data == []


# --- attribute filters -----------------------------------------------------------------------------------------


QUERY = "euros orders days"


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"type": "eq", "key": "topic", "value": "sales"}, {"pricing.md"}),
        ({"type": "ne", "key": "topic", "value": "orders"}, {"pricing.md"}),
        ({"type": "gt", "key": "year", "value": 2023}, {"returns.md", "pricing.md"}),
        ({"type": "gte", "key": "year", "value": 2023}, {"returns.md", "shipping.md", "pricing.md"}),
        ({"type": "lt", "key": "year", "value": 2024}, {"shipping.md"}),
        ({"type": "lte", "key": "year", "value": 2023.5}, {"shipping.md"}),
        ({"type": "in", "key": "topic", "value": ["sales", "people"]}, {"pricing.md"}),
        ({"type": "nin", "key": "topic", "value": ["sales"]}, {"returns.md", "shipping.md"}),
        ({"type": "eq", "key": "public", "value": True}, {"returns.md", "shipping.md", "pricing.md"}),
        ({"type": "eq", "key": "year", "value": "2024"}, set()),  # a string never equals a number
        ({"type": "eq", "key": "missing", "value": 1}, set()),
        (
            {
                "type": "and",
                "filters": [
                    {"type": "eq", "key": "topic", "value": "orders"},
                    {"type": "or", "filters": [{"type": "eq", "key": "year", "value": 2023}]},
                ],
            },
            {"shipping.md"},
        ),
        (
            {
                "type": "or",
                "filters": [
                    {"type": "eq", "key": "topic", "value": "sales"},
                    {"type": "lt", "key": "year", "value": 2024},
                ],
            },
            {"pricing.md", "shipping.md"},
        ),
    ],
)
def test_attribute_filters(world: Any, filters: Any, expected: set[str]) -> None:
    _, client, store_id, ids = world
    page = client.vector_stores.search(store_id, query=QUERY, filters=filters, max_num_results=50)
    assert set(names(page.data, ids)) == expected


def test_attributes_updated_later_are_what_the_filter_sees() -> None:
    _, client, store_id, ids = build(seed=1)
    client.vector_stores.files.update(ids["pricing.md"], vector_store_id=store_id, attributes={"topic": "archive"})
    sales = client.vector_stores.search(
        store_id, query="euros", filters={"type": "eq", "key": "topic", "value": "sales"}
    )
    assert sales.data == []


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"query": "x", "max_num_results": 0}, "max_num_results"),
        ({"query": "x", "max_num_results": 51}, "max_num_results"),
        ({"query": "x", "ranking_options": {"score_threshold": 1.5}}, "ranking_options.score_threshold"),
        ({"query": "x", "ranking_options": {"ranker": "magic"}}, "ranking_options.ranker"),
        ({"query": "x", "filters": {"type": "like", "key": "a", "value": "b"}}, "filters.type"),
        ({"query": "x", "filters": {"type": "in", "key": "a", "value": "b"}}, "filters.value"),
        ({"query": "x", "filters": {"type": "eq", "key": "a", "value": ["b"]}}, "filters.value"),
        (
            {"query": "x", "filters": {"type": "and", "filters": [{"type": "eq", "key": "a"}]}},
            "filters.filters[0].value",
        ),
        ({"query": []}, "query"),
        ({}, "query"),
    ],
)
def test_bad_search_bodies(world: Any, body: Any, param: str) -> None:
    _, client, store_id, _ = world
    raw = client.with_options(max_retries=0)
    with pytest.raises(openai.BadRequestError) as caught:
        raw.post(
            f"/vector_stores/{store_id}/search",
            body=body,
            cast_to=object,
            options={"headers": {"OpenAI-Beta": "assistants=v2"}},
        )
    assert caught.value.body["param"] == param  # type: ignore[index]


def test_search_needs_an_existing_store(world: Any) -> None:
    _, client, _, _ = world
    with pytest.raises(openai.NotFoundError):
        client.vector_stores.search("vs_missing", query="x")


# --- the function the run engine calls -------------------------------------------------------------------------


def test_search_stores_reads_several_stores_and_counts_a_shared_file_once() -> None:
    fake, client, store_id, ids = build(seed=2)
    second = client.vector_stores.create(file_ids=[ids["security.md"]])
    client.vector_stores.retrieve(second.id)  # completes it
    hits = search_stores(fake._backend, [second.id, store_id, "vs_unknown"], "argon2 passwords", 5, 0.0)
    assert [(hit.file_id, hit.vector_store_id) for hit in hits] == [(ids["security.md"], second.id)]
    hit = hits[0]
    assert (hit.filename, hit.chunks) == ("security.md", (CORPUS["security.md"][0].decode(),))
    assert 0 < hit.score <= 1


def test_files_still_in_progress_are_not_searched() -> None:
    fake = FakeAssistants(seed=0, progression="manual")
    client = fake.client()
    stored = client.files.create(file=("a.txt", b"needle"), purpose="assistants")
    store = client.vector_stores.create(file_ids=[stored.id])
    assert client.vector_stores.search(store.id, query="needle").data == []
    assert list(client.vector_stores.files.content(stored.id, vector_store_id=store.id)) == []
    from fake_assistants.backend.vector_stores import advance_vector_store_item

    advance_vector_store_item(fake._backend, store.id, 0)
    assert [hit.file_id for hit in client.vector_stores.search(store.id, query="needle").data] == [stored.id]


# --- chunking --------------------------------------------------------------------------------------------------


def test_static_chunks_follow_size_and_overlap() -> None:
    words = " ".join(f"w{i}" for i in range(250))
    chunks = chunk_text(words, 100, 40)
    assert [len(chunk.split()) for chunk in chunks] == [100, 100, 100, 70]
    assert chunks[0].split()[0] == "w0" and chunks[1].split()[0] == "w60" and chunks[-1].split()[-1] == "w249"
    assert chunk_text("", 100, 0) == ()
    assert chunk_text("Hello, world!", 800, 400) == ("Hello, world!",)  # 4 tokens: Hello , world !


def test_chunks_keep_the_files_own_text() -> None:
    text = "line one\n\n  line two,\tthree"
    assert chunk_text(text, 100, 0) == (text.strip(),)
    assert chunk_text("a b c d e", 2, 1) == ("a b", "b c", "c d", "d e")


def test_undecodable_bytes_are_not_text() -> None:
    assert decode_text(b"\xff\xfe\x00a") is None
    assert decode_text(b"a\x00b") is None
    assert decode_text("\ufeffBOM".encode()) == "BOM"
    assert chunk_file(b"\x89PNG\xff", 800, 400) == ()


def test_content_endpoint_returns_the_chunks_of_the_files_strategy() -> None:
    fake = FakeAssistants(seed=0)
    client = fake.client()
    words = " ".join(f"w{i}" for i in range(250)).encode()
    stored = client.files.create(file=("w.txt", words), purpose="assistants")
    store = client.vector_stores.create()
    client.vector_stores.files.create_and_poll(
        file_id=stored.id,
        vector_store_id=store.id,
        chunking_strategy={"type": "static", "static": {"max_chunk_size_tokens": 100, "chunk_overlap_tokens": 40}},
    )
    parts = list(client.vector_stores.files.content(stored.id, vector_store_id=store.id))
    assert [part.text for part in parts] == list(chunk_text(words.decode(), 100, 40))
    assert {part.type for part in parts} == {"text"}


def test_auto_chunking_is_800_tokens_overlapping_by_400() -> None:
    fake = FakeAssistants(seed=0)
    client = fake.client()
    words = " ".join(f"w{i}" for i in range(2000)).encode()
    stored = client.files.create(file=("w.txt", words), purpose="assistants")
    store = client.vector_stores.create()
    client.vector_stores.files.create_and_poll(file_id=stored.id, vector_store_id=store.id)
    parts = list(client.vector_stores.files.content(stored.id, vector_store_id=store.id))
    assert [len((part.text or "").split()) for part in parts] == [
        800,
        800,
        800,
        800,
    ]  # 0-800, 400-1200, 800-1600, 1200-2000


# --- scoring and filters, directly ------------------------------------------------------------------------------


def test_bm25_scores_are_normalized_and_prefer_rarer_terms() -> None:
    index = Bm25Index([term_counts(t) for t in ["the cat sat", "the dog sat", "the cat and the dog", "zebra"]])
    cat = index.scores(["cat"])
    assert cat[3] == 0 and cat[0] > cat[2] > 0  # a shorter chunk wins on the same count
    rare, common = index.scores(["zebra"])[3], index.scores(["the"])[0]
    assert 0 < common < rare < 1
    assert terms("Hello, WORLD! It's") == ["hello", "world", "it", "s"]


def test_filters_compare_only_values_of_one_kind() -> None:
    attributes = {"n": 1, "flag": True, "s": "b"}
    assert matches({"type": "eq", "key": "n", "value": 1.0}, attributes)
    assert not matches({"type": "eq", "key": "flag", "value": 1}, attributes)  # a boolean is not a number
    assert not matches({"type": "gt", "key": "flag", "value": False}, attributes)  # booleans are not ordered
    assert matches({"type": "lt", "key": "s", "value": "c"}, attributes)
    assert matches({"type": "ne", "key": "absent", "value": 1}, attributes)
    assert matches({"type": "and", "filters": []}, attributes)
    assert not matches({"type": "or", "filters": []}, attributes)


@given(st.floats(0, 1, exclude_max=True), st.floats(0, 1, exclude_max=True))
def test_the_live_scale_keeps_the_order_zero_and_the_bound(a: float, b: float) -> None:
    """Bending BM25's share onto the live ranker's scale changes no ranking and no empty result."""
    low, high = sorted((a, b))
    assert calibrated(0.0) == 0.0 and 0.0 <= calibrated(low) <= calibrated(high) <= 1.0
    assert calibrated(1 / (K1 + 1)) == pytest.approx(FULL_MATCH)  # each query term once, at the average length

"""World files are untrusted input: whatever the text or the document, reading and loading it either works or is one
``WorldError`` (never another exception, never a half-loaded state)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fake_assistants import FakeAssistants, WorldError
from fake_assistants.world import read_world
from fake_assistants.world.source import MAX_DEPTH, read_text

SCALARS = st.none() | st.booleans() | st.integers(-3, 3) | st.floats(allow_nan=False) | st.text(max_size=8)
FIELDS = st.sampled_from(
    [
        "id",
        "model",
        "name",
        "tools",
        "type",
        "file_ids",
        "files",
        "messages",
        "role",
        "content",
        "text",
        "path",
        "base64",
        "filename",
        "purpose",
        "tool_resources",
        "file_search",
        "vector_store_ids",
        "attachments",
        "file_id",
        "created_at",
        "metadata",
        "assistant_id",
        "chunking_strategy",
        "api_key",
        "ranking_options",
        "hybrid_search",
    ]
)
VALUES = st.recursive(
    SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(FIELDS, inner, max_size=4), max_leaves=12
)
SECTIONS = st.sampled_from(["files", "vector_stores", "assistants", "threads", "api_key", "other"])
DOCUMENTS = st.dictionaries(SECTIONS, st.lists(st.dictionaries(FIELDS, VALUES, max_size=5), max_size=3) | VALUES)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(document=DOCUMENTS)
def test_any_document_loads_whole_or_is_one_world_error(document: dict[str, Any], tmp_path: Path) -> None:
    fake = FakeAssistants()
    before = fake.snapshot()
    try:
        read_world(document, base=tmp_path)
        fake.load_world(document)
    except WorldError as error:
        assert "\n" not in str(error)
        assert fake.snapshot() == before


@settings(max_examples=150, deadline=None)
@given(text=st.text(alphabet=st.sampled_from(list("ab: -[]{}&*!?|>'\"\n#,0x"))) | st.text(max_size=40))
def test_any_text_reads_or_is_one_world_error(text: str) -> None:
    try:
        read_text(text, "w.yaml")
    except WorldError as error:
        assert str(error).startswith("w.yaml")


def test_nesting_is_bounded() -> None:
    deep = "a: " + "[" * (MAX_DEPTH + 2) + "]" * (MAX_DEPTH + 2)
    try:
        read_text(deep, "w.yaml")
        raise AssertionError("expected a WorldError")
    except WorldError as error:
        assert f"values nest at most {MAX_DEPTH} deep" in str(error)

"""The contract the package ships: derived from the pinned spec, prose-free, reproducible, and caught when it drifts.

The comparison with the pinned spec needs the spec itself, which a user's clone does not have: those tests look for
it at ``$FAKE_ASSISTANTS_SPEC_SOURCE`` or in this project's ``../shared/contract/``, and skip, with that reason,
when it is absent. Everything else runs on the shipped file or on a small spec written here.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

import fake_assistants.contract
from fake_assistants.contract import DEFAULT_SPEC_PATH, SPEC_ENV, Contract, spec_path
from fake_assistants.contract.build import NAME_MAPS, PROSE, DerivationError, derive_file, main

SOURCE_ENV = "FAKE_ASSISTANTS_SPEC_SOURCE"
PINNED_NAME = "openapi-assistants.normalized.json"


def pinned_spec() -> Path:
    override = os.environ.get(SOURCE_ENV)
    beside_the_repo = Path(__file__).resolve().parents[2] / "shared" / "contract" / PINNED_NAME
    candidate = Path(override) if override else beside_the_repo
    if not candidate.is_file():
        pytest.skip(f"the pinned spec is not here ({candidate}); set {SOURCE_ENV} to compare the shipped contract")
    return candidate


def shipped() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(DEFAULT_SPEC_PATH.read_bytes())
    return document


def keyword_keys(node: Any, *, names: bool = False, path: str = "", facts_only: bool = False) -> list[str]:
    """Every key used as a keyword (not as a name in a map of names), with where it is. With ``facts_only``, prose
    keywords and ``x-*`` extensions are left out together with everything under them."""
    found: list[str] = []
    if isinstance(node, list):
        for index, item in enumerate(node):
            found += keyword_keys(item, path=f"{path}/{index}", facts_only=facts_only)
    elif isinstance(node, dict):
        for key, value in node.items():
            if not names and facts_only and (key in PROSE or key.startswith("x-")):
                continue
            if not names:
                found.append(f"{path}/{key}")
            inner = not names and key in NAME_MAPS
            found += keyword_keys(value, names=inner, path=f"{path}/{key}", facts_only=facts_only)
    return found


# --- without the pinned spec ------------------------------------------------------------------------------------


def test_the_package_ships_its_contract_and_loads_it_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(SPEC_ENV, raising=False)
    assert DEFAULT_SPEC_PATH.parent == Path(fake_assistants.contract.__file__).parent
    assert spec_path() == DEFAULT_SPEC_PATH  # nothing set: the shipped file is what is read
    contract = Contract(shipped())
    assert len(contract.operations) == 44
    assert "thread.message.delta" in contract.stream_event_schemas
    assert contract.schema_problems("AssistantObject", {"object": "assistant"})  # still a schema with teeth


def test_the_shipped_contract_has_no_prose() -> None:
    keys = keyword_keys(shipped())
    prose = [key for key in keys if key.rsplit("/", 1)[-1] in PROSE and key != "/info/title"]  # the API's name
    extensions = [key for key in keys if key.rsplit("/", 1)[-1].startswith("x-") and key != "/x-derived-from"]
    assert prose == [] and extensions == []
    assert shipped()["info"]["version"] == "2.3.0"


def tiny_spec(**extra: Any) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1", "description": "prose"},
        "tags": [{"name": "Assistants", "description": "prose"}],
        "x-oaiMeta": {"groups": []},
        "paths": {
            "/things": {
                "get": {
                    "operationId": "listThings",
                    "summary": "prose",
                    "tags": ["Things"],
                    "parameters": [{"name": "limit", "in": "query", "description": "prose", "example": 3}],
                    "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": {}}}}},
                    "x-oaiMeta": {"name": "List things"},
                }
            }
        },
        "components": {
            "schemas": {
                "Thing": {
                    "type": "object",
                    "title": "Thing",
                    "description": "prose",
                    "properties": {
                        "description": {"type": ["string", "null"], "maxLength": 512, "description": "prose"},
                        "title": {"type": "string", "enum": ["a", "b"]},
                    },
                    "required": ["description"],
                    "x-stainless-const": True,
                    **extra,
                }
            }
        },
    }


def test_the_derivation_drops_prose_and_keeps_facts_and_names(tmp_path: Path) -> None:
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(tiny_spec()))
    derived = json.loads(derive_file(spec))
    thing = derived["components"]["schemas"]["Thing"]
    assert thing == {
        "type": "object",
        "properties": {
            "description": {"type": ["string", "null"], "maxLength": 512},  # a property's *name* is data
            "title": {"type": "string", "enum": ["a", "b"]},
        },
        "required": ["description"],
    }
    operation = derived["paths"]["/things"]["get"]
    assert operation == {
        "operationId": "listThings",
        "parameters": [{"name": "limit", "in": "query"}],
        "responses": {"200": {"content": {"application/json": {"schema": {}}}}},
    }
    assert "tags" not in derived and "x-oaiMeta" not in derived and derived["info"] == {"title": "t", "version": "1"}
    assert len(derived["x-derived-from"]["input_sha256"]) == 64


def test_the_derivation_is_byte_for_byte_reproducible(tmp_path: Path) -> None:
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(tiny_spec()))
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    assert main([str(spec), "-o", str(first)]) == 0
    assert main([str(spec), "-o", str(second)]) == 0
    assert first.read_bytes() == second.read_bytes()
    assert main([str(spec), "-o", str(first), "--check"]) == 0


def test_a_drifted_contract_file_fails_the_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec, out = tmp_path / "spec.json", tmp_path / "contract.json"
    spec.write_text(json.dumps(tiny_spec()))
    assert main([str(spec), "-o", str(out)]) == 0
    out.write_text(out.read_text().replace('"maxLength": 512', '"maxLength": 513'))
    capsys.readouterr()
    assert main([str(spec), "-o", str(out), "--check"]) == 1
    assert "drifted" in capsys.readouterr().err
    spec.write_text(json.dumps(tiny_spec(maxProperties=3)))  # the spec moved on and the file did not
    assert main([str(spec), "-o", str(out), "--check"]) == 1


def test_an_unnormalized_or_foreign_input_is_refused(tmp_path: Path) -> None:
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(tiny_spec(nullable=True)))
    with pytest.raises(DerivationError, match="nullable"):
        derive_file(spec)
    spec.write_text("[1, 2]")
    with pytest.raises(DerivationError, match="not an OpenAPI document"):
        derive_file(spec)
    assert main([str(tmp_path / "missing.json")]) == 2


# --- against the pinned spec --------------------------------------------------------------------------------------


def test_the_shipped_contract_equals_a_fresh_derivation_of_the_pinned_spec() -> None:
    derived = derive_file(pinned_spec())
    assert derived == DEFAULT_SPEC_PATH.read_bytes(), (
        "the shipped contract drifted from the pinned spec: run "
        "`python -m fake_assistants.contract.build ../shared/contract/openapi-assistants.normalized.json`"
    )


def test_the_shipped_contract_keeps_every_fact_of_the_pinned_spec() -> None:
    source = Contract(json.loads(pinned_spec().read_bytes()))
    ours = Contract(shipped())
    assert ours.operations == source.operations
    assert ours.stream_event_schemas == source.stream_event_schemas
    assert set(ours.document["components"]["schemas"]) == set(source.document["components"]["schemas"])
    dropped_info = ("/info/description", "/info/termsOfService", "/info/contact")
    facts = [key for key in keyword_keys(source.document, facts_only=True) if not key.startswith(dropped_info)]
    ours_keys = [key for key in keyword_keys(ours.document) if not key.startswith("/x-derived-from")]
    assert facts == [key for key in ours_keys if key != "/info/title"]

"""Recorded conformance: every fixture derived from real traffic replays on a fresh emulator with no difference.

The fixtures in ``contract_tests/conformance/`` were derived by ``make conformance`` (``python -m
fake_assistants.conformance.derive`` over ``../shared/recordings`` and ``../shared/recordings/more``) and are kept in
the repository: these tests need no recording. The 2024 recordings are judged with their era considered: keys the
API added after them are notes (:mod:`fake_assistants.conformance.judge`), every other difference fails.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from fake_assistants.api import serialize, serialize_files
from fake_assistants.api import stream as stream_module
from fake_assistants.api.handlers import steps as step_handlers
from fake_assistants.api.handlers import vector_stores as vector_store_handlers
from fake_assistants.conformance.derive import FORMAT, FREE_TEXT, derive
from fake_assistants.conformance.judge import judge
from fake_assistants.conformance.replay import Difference, replay
from fake_assistants.contract import eras
from fake_assistants.recordings import READERS, Exchange, Recording, read_recordings

HERE = Path(__file__).resolve().parent
FIXTURES = sorted((HERE / "conformance").glob("*.json"))
RECORDINGS = HERE.parents[1] / "shared" / "recordings"
SOURCES = {"openai/openai-dotnet", "alexrudall/ruby-openai", "BodhiSearch/BodhiApp", "wilkox/lemur", "dvcrn/ex_openai"}


def load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_there_is_a_fixture_per_recording() -> None:
    assert len(FIXTURES) == 46  # 19 of openai-dotnet (2025), 27 of other clients (2024)


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_the_emulator_reproduces_the_recording(path: Path) -> None:
    verdict = judge(load(path))
    assert verdict.failures == [], "\n".join(str(d) for d in verdict.failures)


def test_a_2025_recording_needs_no_era_note() -> None:
    assert replay(load(HERE / "conformance" / "FileSearchWorks.json")) == []


def test_a_wrong_era_date_fails_the_replay(monkeypatch: pytest.MonkeyPatch) -> None:
    """The mutation: ``reasoning_effort`` dated 2024-01, before the 2024-07 recording that lacks it."""
    fixture = load(HERE / "conformance" / "bodhi_test_assistant_create.json")
    assert [note.key for note in judge(fixture).eras] == ["reasoning_effort"]
    wrong = tuple(
        replace(entry, since="2024-01") if entry.path == "reasoning_effort" else entry for entry in eras.ADDED
    )
    monkeypatch.setattr(eras, "ADDED", wrong)
    (failure,) = judge(fixture).failures
    assert (failure.path, failure.real, failure.emulator) == ("$.reasoning_effort", "(absent)", None)


def test_strict_counts_the_keys_added_later() -> None:
    fixture = load(HERE / "conformance" / "lemur_runs.json")
    lenient, strict = judge(fixture), judge(fixture, strict=True)
    assert lenient.failures == [] and len(lenient.eras) > 10
    assert [d.path for d in strict.failures] == [note.difference.path for note in lenient.eras]


def test_a_reverted_fix_fails_the_replay(monkeypatch: pytest.MonkeyPatch) -> None:
    """The mutation: file batches named as the spec names them, which the wire never did."""

    def as_the_spec_says(files: Any, batch: Any) -> dict[str, Any]:
        return {**serialize_files.file_batch_wire(files, batch), "object": "vector_store.files_batch"}

    monkeypatch.setattr(vector_store_handlers, "file_batch_wire", as_the_spec_says)
    failures = judge(load(HERE / "conformance" / "ruby_vector_store_file_batches_create.json")).failures
    assert [(d.exchange, d.path, d.real, d.emulator) for d in failures] == [
        (2, "$.object", "vector_store.file_batch", "vector_store.files_batch")
    ]


def test_a_recorded_server_error_is_a_note_not_a_replay() -> None:
    verdict = judge(load(HERE / "conformance" / "ruby_vector_store_file_batches_list.json"))
    assert verdict.failures == [] and verdict.server_errors == 1
    assert "1 recorded server error(s) (5xx) not replayed" in verdict.notes()


def test_a_step_with_metadata_again_fails_the_replay(monkeypatch: pytest.MonkeyPatch) -> None:
    """The mutation the spec would ask for: run steps with ``metadata``, which the real API never sent."""

    def with_metadata(step: Any, run: Any, **kwargs: Any) -> dict[str, Any]:
        return {**serialize.step_wire(step, run, **kwargs), "metadata": {}}

    monkeypatch.setattr(step_handlers, "step_wire", with_metadata)
    monkeypatch.setattr(stream_module, "step_wire", with_metadata)
    differences = replay(load(HERE / "conformance" / "FileSearchWorks.json"))
    found = [d for d in differences if d.path.endswith(".metadata")]
    assert found and all(d.real == "(absent)" and d.emulator == {} for d in found)
    assert {d.exchange for d in found} == {8, 9}  # the step list and the step retrieve
    assert str(found[0]).startswith("FileSearchWorks[8] $.data[0].metadata: real '(absent)', emulator {}")


def test_a_message_with_status_over_rest_fails_the_replay(monkeypatch: pytest.MonkeyPatch) -> None:
    from fake_assistants.api.handlers import threads

    monkeypatch.setattr(threads, "message_wire", serialize.message_event_wire)
    differences = replay(load(HERE / "conformance" / "BasicMessageOperationsWork.json"))
    assert {d.path for d in differences if d.exchange == 1} == {
        "$.status",
        "$.completed_at",
        "$.incomplete_at",
        "$.incomplete_details",
    }


def test_fixtures_keep_the_source_and_no_free_text() -> None:
    for path in FIXTURES:
        fixture = load(path)
        assert fixture["format"] == FORMAT and fixture["source"]["repo"] in SOURCES and fixture["source"]["commit"]
        texts = list(_free_texts(fixture["exchanges"]))
        assert all(_placeholder(text) for text in texts), path.name


def _placeholder(text: str) -> bool:
    return all(part.startswith("text_") and part[5:].isdigit() for part in text.split(" "))


def _free_texts(value: Any, key: str | None = None) -> Any:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _free_texts(v, k)
    elif isinstance(value, list):
        for item in value:
            yield from _free_texts(item, key)
    elif isinstance(value, str) and key in FREE_TEXT:
        yield value


def test_differences_name_recording_exchange_path_and_both_values() -> None:
    assert str(Difference("R", 3, "$.data[0].status", "completed", "queued")) == (
        "R[3] $.data[0].status: real 'completed', emulator 'queued'"
    )


def test_another_format_plugs_in_as_a_reader(tmp_path: Path) -> None:
    """A reader is anything with ``name``, ``accepts`` and ``read``; the derivation does not care which."""

    class Lines:
        name = "lines"

        def accepts(self, path: Path) -> bool:
            return path.suffix == ".lines"

        def read(self, path: Path) -> Recording:
            method, url, status = path.read_text().split()
            exchange = Exchange(method, url, "", None, int(status), "application/json", {"object": "list", "data": []})
            return Recording(path.stem, {"repo": "me/mine"}, (exchange,))

    (tmp_path / "mine.lines").write_text("GET /v1/assistants 200")
    (recording,) = read_recordings(tmp_path, (*READERS, Lines()))
    fixture = derive(recording)
    assert fixture["recording"] == "mine" and fixture["exchanges"][0]["path"] == "/v1/assistants"
    assert replay(fixture) == []


@pytest.mark.skipif(not RECORDINGS.is_dir(), reason=f"the recordings are not at {RECORDINGS}")
def test_the_committed_fixtures_are_what_the_recordings_derive() -> None:
    recordings = sorted([*read_recordings(RECORDINGS), *read_recordings(RECORDINGS / "more")], key=lambda r: r.name)
    assert [r.name for r in recordings] == [p.stem for p in FIXTURES]
    for recording, path in zip(recordings, FIXTURES, strict=True):
        assert derive(recording) == load(path), path.name

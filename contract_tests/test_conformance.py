"""Recorded conformance: every fixture derived from real traffic replays on a fresh emulator with no difference.

The fixtures in ``contract_tests/conformance/`` were derived by ``python -m fake_assistants.conformance.derive
../shared/recordings -o contract_tests/conformance`` and are kept in the repository: these tests need no recording.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from fake_assistants.api import serialize
from fake_assistants.api import stream as stream_module
from fake_assistants.api.handlers import steps as step_handlers
from fake_assistants.conformance.derive import FORMAT, FREE_TEXT, derive
from fake_assistants.conformance.replay import Difference, replay
from fake_assistants.recordings import READERS, Exchange, Recording, read_recordings

HERE = Path(__file__).resolve().parent
FIXTURES = sorted((HERE / "conformance").glob("*.json"))
RECORDINGS = HERE.parents[1] / "shared" / "recordings"


def load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_there_is_a_fixture_per_recording() -> None:
    assert len(FIXTURES) == 19


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_the_emulator_reproduces_the_recording(path: Path) -> None:
    differences = replay(load(path))
    assert differences == [], "\n".join(str(d) for d in differences)


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
        assert fixture["format"] == FORMAT and fixture["source"]["repo"] == "openai/openai-dotnet"
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
    recordings = read_recordings(RECORDINGS)
    assert [r.name for r in recordings] == [p.stem for p in FIXTURES]
    for recording, path in zip(recordings, FIXTURES, strict=True):
        assert derive(recording) == load(path), path.name

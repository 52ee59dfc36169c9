"""``fake-assistants conform`` on users' own cassettes: what a client of the recording's day would feel.

``orders_2024.yaml`` is a vcrpy cassette made for these tests in the shapes the live API answered in July 2024
(no ``reasoning_effort``, no function ``strict``, usage without details), with chat completion, model and embedding
calls mixed into an Assistants flow. ``conform`` runs in-process, through the command line's ``main``.
"""

from __future__ import annotations

import contextlib
import io
import json
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fake_assistants.cli import main
from fake_assistants.recordings import read_recording

CASSETTES = Path(__file__).resolve().parent
ORDERS = CASSETTES / "orders_2024.yaml"


def conform(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(["conform", *args])
    return status, out.getvalue(), err.getvalue()


def edited(tmp_path: Path, change: Any, name: str = "orders_2024.yaml") -> Path:
    """A copy of the 2024 cassette with ``change`` applied to its document."""
    document = yaml.safe_load(ORDERS.read_text(encoding="utf-8"))
    change(document["interactions"])
    target = tmp_path / name
    target.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return target


def body(interaction: dict[str, Any]) -> dict[str, Any]:
    return json.loads(interaction["response"]["body"]["string"])  # type: ignore[no-any-return]


def set_body(interaction: dict[str, Any], value: dict[str, Any]) -> None:
    interaction["response"]["body"]["string"] = json.dumps(value)


def test_a_2024_cassette_with_chat_calls_conforms_with_notes() -> None:
    status, out, err = conform(str(ORDERS))
    assert (status, err) == (0, ""), out
    notes = [line for line in out.splitlines() if ": note: " in line]
    assert len(notes) == 2
    assert "the API added after the recording (2024-07-16): reasoning_effort (2025-01) x4" in notes[0]
    assert "tools[].function.strict (2024-08) x4" in notes[0]
    assert notes[1].endswith(
        "4 call(s) outside the Assistants API skipped: chat/completions x2, embeddings x1, models x1"
    )
    assert out.splitlines()[-1] == f"{ORDERS}: 10 exchange(s) replayed, conforms"


def test_the_same_cassette_with_one_changed_value_exits_1_naming_it(tmp_path: Path) -> None:
    def warmer(interactions: list[dict[str, Any]]) -> None:
        set_body(interactions[1], {**body(interactions[1]), "temperature": 0.5})

    status, out, _ = conform(str(edited(tmp_path, warmer)))
    assert status == 1
    assert "orders_2024[1] $.temperature: real 0.5, emulator 1.0" in out.splitlines()
    assert out.splitlines()[-1].endswith(": 10 exchange(s) replayed, 1 difference(s)")


def test_a_key_the_recording_has_and_the_emulator_lacks_is_a_difference_whatever_its_era(tmp_path: Path) -> None:
    def extra(interactions: list[dict[str, Any]]) -> None:
        set_body(interactions[2], {**body(interactions[2]), "file_ids": []})

    status, out, _ = conform(str(edited(tmp_path, extra)))
    assert status == 1 and "orders_2024[2] $.file_ids: real [], emulator '(absent)'" in out


def test_strict_counts_the_keys_added_later(tmp_path: Path) -> None:
    status, out, _ = conform("--strict", str(ORDERS))
    assert status == 1
    assert "orders_2024[1] $.reasoning_effort: real '(absent)', emulator None" in out.splitlines()
    assert out.splitlines()[-1].endswith("10 difference(s)")


def test_a_cassette_from_after_the_keys_came_must_have_them(tmp_path: Path) -> None:
    """The same bodies, dated 2025-06: ``reasoning_effort`` (2025-01) is now a difference, not a note."""

    def later(interactions: list[dict[str, Any]]) -> None:
        for interaction in interactions:
            interaction["response"]["headers"]["Date"] = ["Mon, 16 Jun 2025 09:00:00 GMT"]

    status, out, _ = conform(str(edited(tmp_path, later)))
    assert status == 1
    assert "orders_2024[1] $.reasoning_effort: real '(absent)', emulator None" in out.splitlines()


def test_json_reports_differences_notes_and_skipped_calls() -> None:
    status, out, _ = conform("--json", str(ORDERS))
    report = json.loads(out)
    assert status == 0 and (report["differences"], report["notes"], report["strict"]) == (0, 2, False)
    (one,) = report["reports"]
    assert (one["recorded"], one["exchanges"], one["conforms"]) == ("2024-07-16", 10, True)
    assert one["skipped"] == {"chat/completions": 2, "embeddings": 1, "models": 1}
    assert {(added["key"], added["since"]) for added in one["added_later"]} == {
        ("reasoning_effort", "2025-01"),
        ("tools[].function.strict", "2024-08"),
        ("usage.prompt_token_details", "2025-01"),
        ("usage.completion_tokens_details", "2025-01"),
    }


def test_a_streamed_run_on_an_assistant_made_elsewhere_conforms_and_without_it_differs(tmp_path: Path) -> None:
    """The assistant was made in the dashboard: the cassette never creates it. ``conform`` stands it in from what the
    cassette shows (world/infer.py), so the streamed run replays; without the stand-in the streamed run is a 404,
    which is a difference, not a crash (it once raised ``ValueError`` in the replay)."""
    from fake_assistants.conformance.derive import derive
    from fake_assistants.conformance.judge import judge

    document = yaml.safe_load((CASSETTES / "streaming_run.yaml").read_text(encoding="utf-8"))
    del document["interactions"][0]  # the assistant's creation
    cassette = tmp_path / "dashboard.yaml"
    cassette.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    status, out, err = conform(str(cassette))
    assert (status, err) == (0, "")
    assert out.splitlines()[-1].endswith("conforms")

    alone = judge(derive(read_recording(str(cassette)), placeholders=False))  # no stand-in
    lines = [str(difference) for difference in alone.failures]
    assert "dashboard[1] $status: real 200, emulator 404" in lines
    assert any(line.startswith("dashboard[1] $events: real ['thread.run.created'") for line in lines)


def test_id_forms_of_every_era_are_ids() -> None:
    from fake_assistants.conformance.replay import ID_VALUE

    for value in (
        "vs_yrC4Y143ue4kRkSxu1VW8ece",  # 2024
        "vs_68ff3c3a2e1c8191a3d5f0c2b7e4d6a1",  # 2025
        "file-0cXHcvZknvN0EVU5JpYm5S0U",  # 2024
        "file-Xy7TqL2mNc8VbR4zKp1WsD",  # 2025
        "vsfb_2ff3927d8fd542d59610690b460d5d62",
        "vsfb_ibj_68ff3c3a2e1c8191a3d5f0c2b7e4d6a1",  # 2025-10
    ):
        assert ID_VALUE.match(value), value
    assert not ID_VALUE.match("text_12 and more")


# --- any input: exit 0, 1 or 2, one line, no traceback -----------------------------------------------------------


def _layouts() -> dict[str, bytes]:
    """One cassette per layout the readers accept, all of real shapes."""
    recording = read_recording(ORDERS)
    vcr = yaml.safe_load(ORDERS.read_text(encoding="utf-8"))
    ruby = {
        "http_interactions": [
            {
                "request": {**i["request"], "body": {"string": i["request"]["body"] or ""}},
                "response": {**i["response"], "status": {"code": 200, "message": "OK"}},
                "recorded_at": "Tue, 16 Jul 2024 09:00:10 GMT",
            }
            for i in vcr["interactions"]
        ],
        "recorded_with": "VCR 6.2.0",
    }
    return {
        "vcrpy.yaml": ORDERS.read_bytes(),
        "vcrpy_old.yaml": (CASSETTES / "function_tools_old_layout.yaml").read_bytes(),
        "ruby.yml": yaml.safe_dump(ruby, sort_keys=False).encode(),
        "streamed.har": (CASSETTES / "streaming_run.har").read_bytes(),
        "shared.json": json.dumps(recording.to_shared()).encode(),
    }


LAYOUTS = _layouts()


def test_every_layout_conforms_as_it_is() -> None:
    with tempfile.TemporaryDirectory() as folder:
        for name, content in LAYOUTS.items():
            path = Path(folder) / name
            path.write_bytes(content)
            status, out, err = conform(str(path))
            assert (status, err) == (0, ""), f"{name}: {out[-1500:]}"


@st.composite
def damaged(draw: st.DrawFn) -> tuple[str, bytes]:
    name = draw(st.sampled_from(sorted(LAYOUTS)))
    content = LAYOUTS[name]
    at = draw(st.integers(0, len(content)))
    how = draw(st.sampled_from(["truncate", "flip", "cut", "insert"]))
    if how == "truncate":
        return name, content[:at]
    if how == "flip":
        byte = draw(st.integers(0, 255))
        return name, content[:at] + bytes([byte]) + content[at + 1 :]
    if how == "cut":
        return name, content[:at] + content[at + draw(st.integers(1, 400)) :]
    return name, content[:at] + draw(
        st.sampled_from([b"{", b"]", b"\x00", b"\n- ", b": [", b'"', b"\x1f\x8b"])
    ) + content[at:]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged())
def test_a_damaged_cassette_of_any_layout_exits_0_1_or_2_with_no_traceback(case: tuple[str, bytes]) -> None:
    name, content = case
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        status, out, err = conform(str(path))
    assert status in (0, 1, 2)
    assert "Traceback" not in out + err
    if status == 2:
        assert out == "" and err.count("\n") == 1 and err.startswith("fake-assistants conform: ")
    else:
        assert err == "" and out.splitlines()[-1].startswith(str(path))

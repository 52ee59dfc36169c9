"""One frozen ``Settings`` per emulator: checked once, read where needed, replaced whole when one changes."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from fake_assistants import FakeAssistants
from fake_assistants.settings import Settings


def test_the_constructor_keywords_become_one_frozen_settings_object() -> None:
    told: dict[str, Any] = {
        "seed": 3,
        "progression": "manual",
        "seconds_per_status": 2,
        "strict": True,
        "stream_chunk_tokens": 7,
        "poll_after_ms": 5,
        "max_upload_bytes": 10,
        "shapes": "spec",
    }
    fake = FakeAssistants(**told, validate_responses=False)
    assert fake.settings == Settings(**told)
    assert fake.script.strict is True
    with pytest.raises(dataclasses.FrozenInstanceError):
        fake.settings.seed = 4  # type: ignore[misc]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("progression", "sometimes"),
        ("shapes", "json"),
        ("poll_after_ms", -1),
        ("seconds_per_status", 0),
        ("stream_chunk_tokens", 0),
        ("max_upload_bytes", 0),
    ],
)
def test_a_bad_setting_is_refused_once_for_every_door(name: str, value: object) -> None:
    with pytest.raises(ValueError, match=name if name != "progression" else "progression must be one of"):
        FakeAssistants(**{name: value})
    with pytest.raises(ValueError):
        Settings(**{name: value})  # type: ignore[arg-type]


def test_a_change_replaces_the_settings_and_a_reset_keeps_them() -> None:
    fake = FakeAssistants(seconds_per_status=4, stream_chunk_tokens=2, poll_after_ms=9)
    before = fake.settings
    fake.progression = "immediate"
    assert fake.settings == dataclasses.replace(before, progression="immediate") and before.progression == "per_read"
    fake.script.add_from({"strict": True, "turns": []})  # a script file may turn strict on
    fake.reset(seed=11)
    assert fake.settings == dataclasses.replace(before, progression="immediate", strict=True, seed=11)
    assert fake.script.strict is True


def test_a_snapshot_carries_the_settings_that_move_the_state() -> None:
    fake = FakeAssistants(seed=5, progression="by_clock", seconds_per_status=3, stream_chunk_tokens=6)
    restored = FakeAssistants.restore(fake.snapshot())
    assert restored.settings == fake.settings


def test_the_marker_names_every_setting(pytester: pytest.Pytester) -> None:
    shown = pytester.runpytest("--markers").stdout.str()
    line = next(line for line in shown.splitlines() if line.startswith("@pytest.mark.fake_assistants("))
    for item in dataclasses.fields(Settings):
        assert f"{item.name}=" in line

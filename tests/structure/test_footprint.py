"""The footprint helper (``tests/footprint.py``) sees every file a change touched, so a checklist's test fails when
the change needs a file the checklist does not list."""

from __future__ import annotations

from pathlib import Path

import pytest

from ..footprint import after_line, changed_files, new_file


def test_changed_files_sees_added_removed_and_edited_files(tmp_path: Path) -> None:
    before, after = tmp_path / "before", tmp_path / "after"
    for root in (before, after):
        (root / "sub" / "__pycache__").mkdir(parents=True)
        (root / "same.py").write_text("x = 1\n")
        (root / "sub" / "edited.py").write_text("y = 1\n")
    (before / "gone.py").write_text("")
    (after / "sub" / "new.py").write_text("")
    (after / "sub" / "edited.py").write_text("y = 2\n")
    (after / "sub" / "__pycache__" / "cache.pyc").write_text("")
    assert changed_files(before, after) == {"gone.py", "sub/new.py", "sub/edited.py"}


def test_the_edits_refuse_an_anchor_that_is_not_on_one_line() -> None:
    assert after_line("b = 2", "c = 3\n")("a = 1\nb = 2\n") == "a = 1\nb = 2\nc = 3\n"
    with pytest.raises(AssertionError):
        after_line("x", "y\n")("x\nx\n")
    with pytest.raises(AssertionError):
        new_file("z = 1\n")("already here\n")

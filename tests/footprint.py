"""The footprint of a change to the package: the "how to add" checklists of ``docs/architecture.md`` are each held
by a test that makes the listed edits on a copy of the package, checks that no other file changed, and runs code
that uses the addition through the SDK (a plain module: it holds no tests and no fixtures)."""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Mapping
from pathlib import Path

import fake_assistants

from .support import run_on_a_copy

Edit = Callable[[str], str]  # the file's text before -> after ("" before: a new file)


def after_line(anchor: str, added: str) -> Edit:
    """An edit adding ``added`` after the one line that holds ``anchor``."""

    def edit(text: str) -> str:
        assert text.count(anchor) == 1, f"{anchor!r} is not on exactly one line"
        start = text.index(anchor)
        end = text.index("\n", start) + 1
        return text[:end] + added + text[end:]

    return edit


def new_file(content: str) -> Edit:
    def edit(text: str) -> str:
        assert text == "", "the file already exists"
        return content

    return edit


def changed_files(original: Path, copy: Path) -> set[str]:
    """The files (relative paths) that differ between two trees, byte for byte, either way; caches aside."""

    def files(root: Path) -> dict[str, bytes]:
        found = (path for path in root.rglob("*") if path.is_file() and "__pycache__" not in path.parts)
        return {path.relative_to(root).as_posix(): path.read_bytes() for path in found}

    before, after = files(original), files(copy)
    return {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}


def with_edits(tmp_path: Path, code: str, edits: Mapping[str, Edit]) -> subprocess.CompletedProcess[str]:
    """Run ``code`` on a copy of the package with ``edits`` (package-relative path -> edit) made, after checking
    that exactly the listed files changed."""
    original = Path(fake_assistants.__file__).parent

    def change(copy: Path) -> None:
        for name, edit in edits.items():
            path = copy / name
            before = path.read_text(encoding="utf-8") if path.exists() else ""
            path.write_text(edit(before), encoding="utf-8")
        assert changed_files(original, copy) == set(edits)

    return run_on_a_copy(tmp_path, code, change)

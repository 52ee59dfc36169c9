"""World files: the objects a test's code expects to exist already (made in the dashboard or by a setup script),
declared by id. See ``docs/world.md``.

:func:`read_world` reads and checks a world (a YAML or JSON file, or a ``dict``) without an emulator;
``FakeAssistants(world=...)`` and ``fake.load_world(...)`` load one. :mod:`.infer` writes the world a recording
needs, :mod:`.export` the world an emulator's state holds.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .declarations import World
from .source import Lines, WorldError, read_file

WorldSource = str | Path | dict[str, Any]


def read_world(source: WorldSource, *, base: Path | None = None) -> World:
    """A checked world from a file (its ``path:`` entries read beside it) or a ``dict`` (``path:`` entries read
    from ``base``, by default the working folder). References are checked against the world alone here; loading
    checks them again against what the emulator holds."""
    from .declarations import read_world as checked

    if isinstance(source, dict):
        return checked(source, Lines("world"), Path.cwd() if base is None else base)
    if not isinstance(source, (str, Path)):
        raise TypeError(f"a world is a file path or a dict, not {type(source).__name__}")
    document, lines = read_file(source)
    return checked(document, lines, Path(source).resolve().parent)


def read_sent_world(document: dict[str, Any], source: str = "world") -> World:
    """A checked world sent by a client (the control API): its files are given inline, never by ``path``."""
    from .declarations import read_world as checked

    return checked(document, Lines(source), None)


__all__ = ["World", "WorldError", "WorldSource", "read_sent_world", "read_world"]

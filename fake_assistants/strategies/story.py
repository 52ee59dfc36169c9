"""A story: the turns of a conversation's runs, one per run in order (and faults, if any), printed as the script
file that declares them; and :func:`playing`, which puts a story on an emulator for one example."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from ..script.codec import turn_to_json
from ..script.files import parse_script
from ..script.turns import Turn

if TYPE_CHECKING:
    from ..emulator import FakeAssistants


class Story:
    """The turns the emulator plays for successive runs, and the faults it adds, read from a script document.

    ``Story(document)`` takes the script-file form (``{"turns": [...], "faults": [...]}``, as a dict), and its
    ``repr`` is that same form: a story hypothesis prints can be pasted into a test as it is.
    """

    def __init__(self, document: Mapping[str, Any]) -> None:
        parsed = parse_script(json.dumps(document), source="story", yaml=False)
        if parsed.strict is not None:
            raise ValueError("a story holds turns and faults; 'strict' is the emulator's to set")
        self.turns: tuple[Turn, ...] = tuple(turn.turn() for turn in parsed.turns)
        self.faults: tuple[dict[str, Any], ...] = tuple(dict(fault) for fault in parsed.faults or ())
        self.document: dict[str, Any] = {"turns": [turn_to_json(turn) for turn in self.turns]}
        if self.faults:
            self.document["faults"] = [dict(fault) for fault in self.faults]

    @classmethod
    def of(cls, turns: Iterable[Turn], faults: Iterable[Mapping[str, Any]] = ()) -> Story:
        """The story of ``turns`` (and the fault documents ``faults``)."""
        document: dict[str, Any] = {"turns": [turn_to_json(turn) for turn in turns]}
        faults = [dict(fault) for fault in faults]
        if faults:
            document["faults"] = faults
        return cls(document)

    def __repr__(self) -> str:
        return f"Story({self.document!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Story) and self.document == other.document

    def __hash__(self) -> int:
        return hash(json.dumps(self.document, sort_keys=True))

    def yaml(self) -> str:
        """The story as a YAML script file (``fake.script.load(path)`` queues it)."""
        import yaml  # type: ignore[import-untyped]

        return str(yaml.safe_dump(self.document, allow_unicode=True, sort_keys=False))

    def queue(self, fake: FakeAssistants) -> int:
        """Queue the story's turns on ``fake``'s script and add its faults; how many turns were queued."""
        return fake.script.add_from(self.document)


@contextmanager
def playing(fake: FakeAssistants, story: Story) -> Iterator[FakeAssistants]:
    """For the ``with`` block, ``fake`` plays ``story``: it is reset (no objects, turns or faults are left from an
    earlier example), the story is queued, and it is reset again on the way out.

    Create the assistant and threads inside the block: the reset on entry forgets what was there before.
    """
    fake.reset()
    story.queue(fake)
    try:
        yield fake
    finally:
        fake.reset()

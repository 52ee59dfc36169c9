"""Crafted documents several security test modules read (a plain module: it holds no tests)."""

from __future__ import annotations

from typing import Any

LAUGHS = (
    "".join(
        f"{name}: &{name} [{','.join([f'*{prev}' if prev else 'x'] * 9)}]\n"
        for prev, name in zip(["", "a", "b", "c", "d", "e", "f"], "abcdefg", strict=True)
    )
    + "turns: *g\n"
)
"""A script file of a few hundred bytes whose aliases expand to millions of nodes."""


def deep(levels: int) -> Any:
    value: Any = []
    for _ in range(levels):
        value = [value]
    return value


STATE_CORPUS: dict[str, Any] = {
    "ids replayed for 278 days": lambda d: d.__setitem__("ids", {"asst": 10**12}),
    "a thread that is a list": lambda d: d.__setitem__("threads", [[1]]),
    "tools that are a string": lambda d: d["assistants"][0].__setitem__("tools", "x"),
    "a created_at past 64 bits": lambda d: d["assistants"][0].__setitem__("created_at", 10**30),
    "a negative id counter": lambda d: d["ids"].__setitem__("asst", -5),
    "ids that are a list": lambda d: d.__setitem__("ids", [1]),
    "a lone surrogate": lambda d: d["assistants"][0].__setitem__("metadata", {"k": "\ud800"}),
    "nested 100 000 deep": lambda d: d["assistants"][0].__setitem__("metadata", deep(100_000)),
    "id states that are not": lambda d: d.__setitem__("id_states", {"asst": 5}),
}
"""Changes that damage a state document (a snapshot): each is refused with ``SnapshotError`` before anything is
built."""

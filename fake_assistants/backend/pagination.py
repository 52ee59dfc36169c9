"""Cursor pagination, the one implementation every list operation uses."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, Literal, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    data: list[T]
    has_more: bool


def paginate(
    items: Sequence[T],
    id_of: Callable[[T], str],
    *,
    order: Literal["asc", "desc"],
    limit: int,
    after: str | None = None,
    before: str | None = None,
) -> Page[T]:
    """Page through ``items`` (given oldest first).

    The window is every item strictly after ``after`` and strictly before ``before`` in the requested order.
    With ``after`` (or no cursor) the page is the first ``limit`` items of the window; with ``before`` alone it is
    the last ``limit`` items, the page just before the cursor. ``has_more`` tells whether the window held more
    items beyond the page in the direction of travel. A cursor that names no item of the list gives an empty page.
    """
    ordered = list(items) if order == "asc" else list(reversed(items))
    ids = [id_of(item) for item in ordered]
    start, end = 0, len(ordered)
    if after is not None:
        if after not in ids:
            return Page([], False)
        start = ids.index(after) + 1
    if before is not None:
        if before not in ids:
            return Page([], False)
        end = ids.index(before)
    window = ordered[start:end] if start < end else []
    if before is not None and after is None:
        return Page(window[-limit:], len(window) > limit)
    return Page(window[:limit], len(window) > limit)

"""Cursor pagination: every list operation pages through an ordered index with :func:`page_of`.

The rules (the same for every list, and for :func:`paginate`, the plain scan kept for lists built on the fly):

* The window is every item strictly after ``after`` and strictly before ``before`` in the requested order.
* With ``after`` (or no cursor) the page is the first ``limit`` items of the window; with ``before`` alone it is
  the last ``limit`` items, the page just before the cursor.
* ``has_more`` tells whether the window held more items beyond the page in the direction of travel.
* **A cursor that names no item of the list gives an empty page with ``has_more: false``.** That covers an id that
  never existed, an id that was deleted (a deleted message, vector store file, assistant...), an id of another
  parent (a message of another thread, a step of another run) and, for a filtered list (``run_id``, ``purpose``,
  ``filter``), an id the filter leaves out. This is what the emulator has always answered; the real API's answer
  to a stale cursor was never recorded, and an empty last page ends every SDK's auto-pagination cleanly.

:func:`page_of` finds a cursor by position (a binary search in the index, see ``backend/index.py``) and slices
the page, so a list costs O(log n + limit) however long the parent's list grows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, Literal, TypeVar

from .index import Order

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    data: list[T]
    has_more: bool


def page_of(
    index: Order,
    *,
    order: Literal["asc", "desc"],
    limit: int,
    after: str | None = None,
    before: str | None = None,
) -> Page[str]:
    """One page of the ids in ``index`` (held oldest first), by the rules above."""
    size = len(index)
    ascending = order == "asc"
    start, end = 0, size  # the window, as positions in the requested order
    if after is not None:
        found = index.position(after)
        if found is None:
            return Page([], False)
        start = (found if ascending else size - 1 - found) + 1
    if before is not None:
        found = index.position(before)
        if found is None:
            return Page([], False)
        end = found if ascending else size - 1 - found
    if start >= end:
        return Page([], False)
    if before is not None and after is None:
        low, high = max(start, end - limit), end
    else:
        low, high = start, min(end, start + limit)
    ids = index.window(low, high) if ascending else index.window(size - high, size - low)[::-1]
    return Page(ids, end - start > limit)


def paginate(
    items: Sequence[T],
    id_of: Callable[[T], str],
    *,
    order: Literal["asc", "desc"],
    limit: int,
    after: str | None = None,
    before: str | None = None,
) -> Page[T]:
    """Page through ``items`` (given oldest first) by scanning them: O(n). For lists that have no index (the
    per-key view of ``api/auth.py``), and the oracle the index is tested against."""
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

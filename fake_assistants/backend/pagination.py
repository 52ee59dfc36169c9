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

A list may be seen through a ``visible`` predicate (per-key isolation: a key sees its own objects and unowned ones).
The page is then the page of the list as if only the visible ids existed (a cursor the predicate hides is one the
list does not hold), cut in the same walk: from the cursor, ids are read in order until ``limit + 1`` visible ones
are found, so the hidden ids cost only what lies between them.
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
    visible: Callable[[str], bool] | None = None,
) -> Page[str]:
    """One page of the ids in ``index`` (held oldest first), by the rules above; only the ids ``visible`` keeps, if
    it is given."""
    size = len(index)
    ascending = order == "asc"
    start, end = 0, size  # the window, as positions in the requested order
    if after is not None:
        found = index.position(after)
        if found is None or (visible is not None and not visible(after)):
            return Page([], False)
        start = (found if ascending else size - 1 - found) + 1
    if before is not None:
        found = index.position(before)
        if found is None or (visible is not None and not visible(before)):
            return Page([], False)
        end = found if ascending else size - 1 - found
    if start >= end:
        return Page([], False)
    if visible is not None:
        backward = before is not None and after is None
        found_ids = _walk(index, start, end, ascending=ascending, backward=backward, visible=visible, want=limit + 1)
        page = found_ids[:limit]
        return Page(page[::-1] if backward else page, len(found_ids) > limit)
    if before is not None and after is None:
        low, high = max(start, end - limit), end
    else:
        low, high = start, min(end, start + limit)
    ids = index.window(low, high) if ascending else index.window(size - high, size - low)[::-1]
    return Page(ids, end - start > limit)


def _walk(
    index: Order,
    start: int,
    end: int,
    *,
    ascending: bool,
    backward: bool,
    visible: Callable[[str], bool],
    want: int,
) -> list[str]:
    """Up to ``want`` visible ids of the window ``[start, end)`` (positions in the requested order), read from its
    start (or, ``backward``, from its end), a slice of the index at a time."""
    size = len(index)
    step = max(want, 16)
    found: list[str] = []
    low, high = start, end
    while low < high and len(found) < want:
        if backward:
            a, b = max(low, high - step), high
            high = a
        else:
            a, b = low, min(high, low + step)
            low = b
        ids = index.window(a, b) if ascending else index.window(size - b, size - a)[::-1]
        for item_id in reversed(ids) if backward else ids:
            if visible(item_id):
                found.append(item_id)
                if len(found) == want:
                    break
    return found


def paginate(
    items: Sequence[T],
    id_of: Callable[[T], str],
    *,
    order: Literal["asc", "desc"],
    limit: int,
    after: str | None = None,
    before: str | None = None,
) -> Page[T]:
    """Page through ``items`` (given oldest first) by scanning them: O(n). For lists that have no index, and the
    oracle the index is tested against."""
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

"""Ordered indexes: one parent's children in creation order, with look-ups by position.

An :class:`OrderedIndex` gives each id a sequence number as it is added, and keeps its live ids with their
sequence numbers in two parallel arrays, oldest first. An id's position is a binary search of its sequence
number (O(log n)); a page is a slice (O(limit)); adding is an append. Removing (a delete, rare) closes the gap.

An id may carry a *tag* (a message's run, a file's purpose, a vector store file's status): each tag keeps its own
ordered sub-list over the same sequence numbers, so a filtered list pages as fast as the whole one.

Every write goes through :meth:`OrderedIndex.add`, :meth:`OrderedIndex.remove` and :meth:`OrderedIndex.retag`,
which the backend calls from its few write primitives (``backend/state.py`` and ``backend/file_state.py``). Each
records how to take itself back in the request's undo journal (``fake_assistants.journal``), so a failed request
leaves the indexes as it found them.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator

from ..journal import record


class Order:
    """Ids in creation order; positions count from 0, oldest first."""

    __slots__ = ("_ids", "_seq_of", "_seqs")

    def __init__(self, seq_of: dict[str, int]) -> None:
        self._ids: list[str] = []
        self._seqs = array("q")
        self._seq_of = seq_of  # shared with the owning index: every id's sequence number

    def __len__(self) -> int:
        return len(self._ids)

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __reversed__(self) -> Iterator[str]:
        return reversed(self._ids)

    def __contains__(self, item_id: object) -> bool:
        return isinstance(item_id, str) and self.position(item_id) is not None

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._ids!r})"

    def position(self, item_id: str) -> int | None:
        """Where ``item_id`` stands, oldest first; ``None`` when this list does not hold it."""
        seq = self._seq_of.get(item_id)
        if seq is None:
            return None
        seqs = self._seqs
        at = bisect_left(seqs, seq)
        return at if at < len(seqs) and seqs[at] == seq else None

    def window(self, start: int, stop: int) -> list[str]:
        """The ids at positions ``start`` to ``stop - 1``."""
        return self._ids[start:stop]

    def last(self) -> str | None:
        return self._ids[-1] if self._ids else None

    def _put(self, item_id: str, seq: int) -> None:
        seqs = self._seqs
        if not seqs or seqs[-1] < seq:
            seqs.append(seq)
            self._ids.append(item_id)
            return
        at = bisect_left(seqs, seq)
        seqs.insert(at, seq)
        self._ids.insert(at, item_id)

    def _drop(self, seq: int) -> None:
        at = bisect_left(self._seqs, seq)
        del self._seqs[at]
        del self._ids[at]


class OrderedIndex(Order):
    """The children of one parent, in creation order, optionally tagged."""

    __slots__ = ("_next", "_tag_of", "_tags")

    def __init__(self, ids: Iterable[str] = ()) -> None:
        super().__init__({})
        self._next = 0
        self._tags: dict[str, Order] = {}
        self._tag_of: dict[str, str] = {}
        for item_id in ids:
            self.add(item_id)

    def add(self, item_id: str, tag: str | None = None) -> None:
        """Add ``item_id`` as the newest entry (with ``tag``, if given)."""
        if item_id in self._seq_of:
            raise ValueError(f"{item_id!r} is already indexed")
        seq = self._next
        record(lambda: self._unadd([item_id], seq))
        self._next = seq + 1
        self._seq_of[item_id] = seq
        self._ids.append(item_id)
        self._seqs.append(seq)
        if tag is not None:
            self._tag_of[item_id] = tag
            self._tagged(tag)._put(item_id, seq)

    def add_many(self, entries: list[tuple[str, str | None]]) -> None:
        """``add`` for each ``(id, tag)``, in order, in bulk."""
        first = self._next
        ids = [item_id for item_id, _ in entries]
        seq_of = self._seq_of
        if len(set(ids)) != len(ids) or not seq_of.keys().isdisjoint(ids):
            raise ValueError("an id is already indexed")
        record(lambda: self._unadd(ids, first))
        seq_of.update(zip(ids, range(first, first + len(ids)), strict=True))
        self._next = first + len(ids)
        self._ids.extend(ids)
        self._seqs.extend(range(first, first + len(ids)))
        tags = [tag for _, tag in entries]
        if tags.count(None) == len(tags):
            return  # nothing tagged (a user's messages): no walk
        for seq, (item_id, tag) in enumerate(entries, first):
            if tag is not None:
                self._tag_of[item_id] = tag
                self._tagged(tag)._put(item_id, seq)

    def remove(self, item_id: str) -> None:
        seq, tag = self._seq_of[item_id], self._tag_of.get(item_id)
        record(lambda: self._restore(item_id, seq, tag))
        self._remove(item_id)

    def _remove(self, item_id: str) -> None:
        seq = self._seq_of[item_id]
        self._drop(seq)
        tag = self._tag_of.pop(item_id, None)
        if tag is not None:
            self._tags[tag]._drop(seq)
        del self._seq_of[item_id]

    def retag(self, item_id: str, tag: str | None) -> None:
        """Move ``item_id`` to ``tag``'s sub-list, keeping its place in creation order."""
        old = self._tag_of.get(item_id)
        if old == tag:
            return
        record(lambda: self._retag(item_id, old))
        self._retag(item_id, tag)

    def _retag(self, item_id: str, tag: str | None) -> None:
        seq = self._seq_of[item_id]
        old = self._tag_of.get(item_id)
        if old is not None:
            self._tags[old]._drop(seq)
            del self._tag_of[item_id]
        if tag is not None:
            self._tag_of[item_id] = tag
            self._tagged(tag)._put(item_id, seq)

    def _unadd(self, ids: list[str], first: int) -> None:
        """Undo of :meth:`add` / :meth:`add_many`: the ids go, and the next sequence number is ``first`` again.
        (An undo records nothing: it runs while the journal rolls back.)"""
        for item_id in reversed(ids):
            self._remove(item_id)
        self._next = first

    def _restore(self, item_id: str, seq: int, tag: str | None) -> None:
        """Undo of :meth:`remove`: the id back at its own place in creation order, with its tag."""
        self._seq_of[item_id] = seq
        self._put(item_id, seq)
        if tag is not None:
            self._tag_of[item_id] = tag
            self._tagged(tag)._put(item_id, seq)

    def tag_of(self, item_id: str) -> str | None:
        return self._tag_of.get(item_id)

    def tagged(self, tag: str) -> Order:
        """The ids carrying ``tag``, in creation order (an empty list for a tag no id carries)."""
        found = self._tags.get(tag)
        return found if found is not None else Order(self._seq_of)

    def count(self, tag: str) -> int:
        found = self._tags.get(tag)
        return 0 if found is None else len(found)

    def _tagged(self, tag: str) -> Order:
        found = self._tags.get(tag)
        if found is None:
            found = self._tags[tag] = Order(self._seq_of)
        return found

"""Which API key owns which object, recorded by the backend where each object is created.

While a request is served, :meth:`Ownership.acting` names its key; every object the request creates, explicitly
or not (a vector store made by a ``tool_resources`` helper, a thread made by create-thread-and-run, a store made
for a thread's attachments) is claimed for that key at the spot it is created. Objects a run makes as it plays
(output files) belong to the owner of the run's thread, whoever's request moved the run. Messages, runs, steps,
vector store files and file batches have no entry of their own: they are reached only through their thread or
store, whose owner they share. Objects created with no key acting (from Python, or before any request) have no
owner, and every key sees them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from ..journal import JDict


class Ownership:
    def __init__(self) -> None:
        self.owners: dict[str, str] = JDict()  # object id -> the key that created it (undone with a failed request)
        self.actor: str | None = None  # the key of the request being served

    @contextmanager
    def acting(self, key: str) -> Iterator[None]:
        """Objects created inside the block belong to ``key``."""
        previous, self.actor = self.actor, key
        try:
            yield
        finally:
            self.actor = previous

    def claim(self, object_id: str) -> None:
        """A new object: it belongs to the acting key, if any."""
        if self.actor is not None:
            self.owners.setdefault(object_id, self.actor)

    @contextmanager
    def acting_as_owner_of(self, parent_id: str) -> Iterator[None]:
        """Objects created inside the block belong to ``parent_id``'s owner (if it has none: the acting key)."""
        owner = self.owners.get(parent_id)
        if owner is None:
            yield
            return
        with self.acting(owner):
            yield

    def owner(self, object_id: str) -> str | None:
        return self.owners.get(object_id)

    def visible(self, key: str | None, object_id: str) -> bool:
        """Whether ``key`` may see the object: it owns it, or no key does."""
        owner = self.owners.get(object_id)
        return owner is None or owner == key

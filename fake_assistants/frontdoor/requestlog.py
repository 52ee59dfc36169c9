"""The request log: what the front door keeps of each API request, bounded by default.

An entry is kept as a plain tuple (the cheapest thing to build on every request) and becomes a
:class:`~fake_assistants.frontdoor.door.LoggedRequest` only when the log is read. The log keeps the newest
``entries`` requests and at most about ``size`` bytes of them (the oldest go first); ``None`` for either keeps all,
so that a process that runs all day does not grow with its traffic (``FakeAssistants(keep_requests=...)``).
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterator

# (method, path, status, request id, fault, key): one served request, as the front door saw it
Entry = tuple[str, str, int, "str | None", "str | None", "str | None"]

ENTRY_OVERHEAD = 240  # the bytes a short entry takes besides its strings (the tuple, its ints, the deque's slot)


def entry_size(entry: Entry) -> int:
    """About how many bytes ``entry`` holds: its strings' lengths and a fixed overhead."""
    method, path, _, request_id, fault, key = entry
    return ENTRY_OVERHEAD + len(path) + len(request_id or "") + len(fault or "") + len(key or "") + len(method)


class RequestLog:
    """The newest ``entries`` requests, within about ``size`` bytes (``None``: no bound of that kind)."""

    def __init__(self, entries: int | None, size: int | None) -> None:
        self._entries: deque[Entry] = deque(maxlen=entries)
        self._size_bound = size
        self._size = 0
        self._lock = threading.Lock()  # the server's threads append at once: the byte count stays exact

    def append(self, entry: Entry) -> None:
        if self._size_bound is None:
            self._entries.append(entry)  # one call, atomic
            return
        kept = self._entries
        size = entry_size(entry)
        with self._lock:
            if len(kept) == kept.maxlen:
                self._size -= entry_size(kept[0])  # the deque drops it
            kept.append(entry)
            self._size += size
            while self._size > self._size_bound and len(kept) > 1:
                self._size -= entry_size(kept.popleft())

    def __iter__(self) -> Iterator[Entry]:
        return iter(tuple(self._entries))

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._size = 0

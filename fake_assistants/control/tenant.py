"""One tenant's view of a snapshot: only the objects its key owns (and those no key owns, as the API shows them).

Under key isolation the control API's state dump goes through :func:`tenant_view` for a caller that is a tenant,
not the administrator: what no other key can read through ``/v1`` it cannot read here either.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

JsonDict = dict[str, Any]


def tenant_view(document: JsonDict, visible: Callable[[str], bool]) -> JsonDict:
    """``document`` (a snapshot) with only the objects ``visible`` admits; no script, no id streams."""
    threads = [t for t in document["threads"] if visible(t["id"])]
    thread_ids = {t["id"] for t in threads}
    stores = [s for s in document["vector_stores"] if visible(s["id"])]
    store_ids = {s["id"] for s in stores}
    return {
        "format": document["format"],
        "version": document["version"],
        "scope": "tenant",
        "assistants": [a for a in document["assistants"] if visible(a["id"])],
        "threads": threads,
        "messages": [m for m in document["messages"] if m["thread_id"] in thread_ids],
        "runs": [r for r in document["runs"] if r["thread_id"] in thread_ids],
        "steps": [s for s in document["steps"] if s["thread_id"] in thread_ids],
        "files": [f for f in document["files"] if visible(f["id"])],
        "vector_stores": stores,
        "batches": [b for b in document["batches"] if b["vector_store_id"] in store_ids],
    }

"""Files and vector stores: their stored objects and lookups (filled in by the files work)."""

from __future__ import annotations


class Storage:
    """All files, vector stores, vector store files and file batches of one emulator."""

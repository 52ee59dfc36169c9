"""Files and vector stores, driven through the real SDK, answer bodies the spec accepts, exactly."""

from __future__ import annotations

# The file and vector store operations this module holds to the spec (joined into COVERED_OPERATIONS).
FILE_OPERATIONS: frozenset[str] = frozenset()

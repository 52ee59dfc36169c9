"""Eras of the wire: the keys the real API added while it lived, each with the earliest date it was seen.

The emulator answers as the API did at its end. A recording made earlier lacks the keys added after it, and that is
its era, not a defect: ``fake-assistants conform`` (:mod:`fake_assistants.conformance.judge`) turns such a
difference into a note when the key's date is after the recording's. The deviation table
(:data:`fake_assistants.contract.wire.DEVIATIONS`) dates its entries the same way (``since``), and
``docs/fidelity.md`` shows both.

A date is a period: ``"2024-08"`` means "seen in August 2024", ``"2025"`` "seen in 2025". A recording made before
the period ends may lack the key (:func:`after`), so a vaguer date is the more lenient one.

Evidence: ``../shared/docs/api-facts.md`` ("Eras of the wire"), and the recordings of ``../shared/recordings`` (2025)
and ``../shared/recordings/more`` (2024).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from email.utils import parsedate_to_datetime

PERIOD = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")


@dataclass(frozen=True)
class AddedKey:
    """A key the API added: on objects of ``kind`` (their ``object``), at ``path`` inside them (``[]`` for any list
    item), first seen ``since``; ``where`` (a fragment of the request path), when the key came later there only."""

    kind: str
    path: str
    since: str
    evidence: str
    where: str = ""

    def matches(self, kind: str | None, path: str, request_path: str) -> bool:
        return kind == self.kind and path == self.path and self.where in request_path


ADDED: tuple[AddedKey, ...] = (
    AddedKey("thread.run", "parallel_tool_calls", "2024-07", "more/bodhi_test_assistant_example.json (2024-07-11)"),
    AddedKey("assistant", "tools[].file_search", "2024-08", "api-facts.md: file_search.ranking_options (2024-08)"),
    AddedKey("thread.run", "tools[].file_search", "2024-08", "api-facts.md: file_search.ranking_options (2024-08)"),
    AddedKey("assistant", "tools[].function.strict", "2024-08", "api-facts.md: function strict (2024-08)"),
    AddedKey("thread.run", "tools[].function.strict", "2024-08", "api-facts.md: function strict (2024-08)"),
    AddedKey("assistant", "reasoning_effort", "2025-01", "api-facts.md: reasoning_effort (2025-01)"),
    AddedKey("thread.run", "reasoning_effort", "2025-01", "api-facts.md: reasoning_effort (2025-01)"),
    AddedKey("thread.run", "usage.prompt_token_details", "2025-01", "api-facts.md: usage details (2025-01)"),
    AddedKey("thread.run", "usage.completion_tokens_details", "2025-01", "api-facts.md: usage details (2025-01)"),
    AddedKey("thread.run.step", "usage.prompt_token_details", "2025-01", "api-facts.md: usage details (2025-01)"),
    AddedKey("thread.run.step", "usage.completion_tokens_details", "2025-01", "api-facts.md: usage details (2025-01)"),
    AddedKey("vector_store", "description", "2025", "api-facts.md: vector store description (2025)"),
    AddedKey("vector_store.file", "chunking_strategy", "2024-07", "more/bodhi_test_vector_store_files_create.json"),
    AddedKey("vector_store.file", "attributes", "2025-10", "api-facts.md: attributes on every listing (by 2025-10)"),
    AddedKey(
        "vector_store.file",
        "usage_bytes",
        "2025-10",
        "api-facts.md: on every listing (by 2025-10); absent from a batch listing of 2024-10",
        where="/file_batches/",
    ),
    AddedKey(
        "vector_store.file",
        "chunking_strategy",
        "2025-10",
        "api-facts.md: on every listing (by 2025-10); absent from a batch listing of 2024-10",
        where="/file_batches/",
    ),
    AddedKey("file", "expires_at", "2025-10", "FileSearchWorks.json#/interactions/0/response/expires_at"),
)


def period_end(period: str) -> date:
    """The first day after ``period`` ("2024", "2024-08" or "2024-08-21")."""
    match = PERIOD.match(period)
    if match is None:
        raise ValueError(f"not a date or period (YYYY, YYYY-MM or YYYY-MM-DD): {period!r}")
    year, month, day = match.groups()
    if day is not None:
        return date.fromordinal(date(int(year), int(month), int(day)).toordinal() + 1)
    if month is not None:
        return date(int(year) + 1, 1, 1) if month == "12" else date(int(year), int(month) + 1, 1)
    return date(int(year) + 1, 1, 1)


def recorded_on(text: object) -> date | None:
    """The date of a recording's ``recorded`` value: ISO (``2024-07-11``, a datetime too) or an HTTP date
    (``Thu, 30 Oct 2025 22:01:06 GMT``); ``None`` when it says none."""
    if not isinstance(text, str) or not text.strip():
        return None
    iso = re.match(r"^\s*(\d{4})-(\d{2})-(\d{2})", text)
    try:
        if iso is not None:
            return date(int(iso[1]), int(iso[2]), int(iso[3]))
        return parsedate_to_datetime(text.strip()).date()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def after(since: str, recorded: date | None) -> bool:
    """Whether a key first seen ``since`` may be missing from a recording made on ``recorded`` (unknown: yes)."""
    return recorded is None or recorded < period_end(since)


def added_key(kind: str | None, path: str, request_path: str) -> AddedKey | None:
    """The entry for the key at ``path`` of a ``kind`` object in an answer to ``request_path``; the most specific
    (one with ``where``) first."""
    found = [entry for entry in ADDED if entry.matches(kind, path, request_path)]
    return max(found, key=lambda entry: len(entry.where)) if found else None

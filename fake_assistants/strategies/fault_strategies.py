"""Strategies for faults on demand (``fake.faults``), as the documents ``fake.faults.add_from`` and a script file's
``faults:`` take: one strategy per kind of :mod:`fake_assistants.frontdoor.faults`, for a client's retry paths."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from hypothesis import strategies as st

from ..frontdoor.fault_kinds import NAMES
from ..frontdoor.faults import OPERATIONS

FaultDocument = dict[str, Any]

MAX_LATENCY_MS = 250  # on a real clock a latency fault waits: keep it short (a ManualClock moves instead)
MAX_STALL_SECONDS = 5.0  # a timeout over HTTP stalls at most this long; in-process it raises at once


def _seconds() -> st.SearchStrategy[float]:
    return st.floats(min_value=0.1, max_value=MAX_STALL_SECONDS, allow_nan=False)


KIND_PARAMETERS: dict[str, Callable[[], st.SearchStrategy[dict[str, Any]]]] = {
    "rate_limit": lambda: st.fixed_dictionaries(
        {"type": st.sampled_from(["requests", "tokens"]), "retry_after_ms": st.integers(0, 2000)}
    ),
    "insufficient_quota": lambda: st.just({}),
    "server_error": lambda: st.fixed_dictionaries(
        {"status": st.sampled_from([500, 502, 503, 504])}, optional={"should_retry": st.booleans()}
    ),
    "error": lambda: st.fixed_dictionaries({"status": st.sampled_from([400, 401, 403, 404, 409, 422, 500, 503])}),
    "timeout": lambda: st.fixed_dictionaries({"seconds": _seconds()}),
    "disconnect": lambda: st.just({}),
    "cut_stream": lambda: st.fixed_dictionaries({"after_events": st.integers(0, 12)}),
    "latency": lambda: st.fixed_dictionaries({"ms": st.integers(0, MAX_LATENCY_MS)}),
}
"""The parameters each fault kind is drawn with, by kind (every kind of ``frontdoor.fault_kinds.NAMES`` has one)."""


def fault(kinds: Sequence[str] = NAMES, *, operations: Sequence[str] | None = None) -> st.SearchStrategy[FaultDocument]:
    """One fault document of one of ``kinds``, on one of ``operations`` (the spec's operationIds; by default any
    operation, or every request), firing 1 to 3 times or on every matching request."""
    missing = [kind for kind in NAMES if kind not in KIND_PARAMETERS]
    if missing:
        raise NotImplementedError(f"no strategy draws faults of kind {', '.join(missing)}: add it to {__name__}")
    unknown = sorted(set(kinds) - set(NAMES))
    if unknown or not kinds:
        raise ValueError(f"fault kinds are some of {', '.join(NAMES)}, not {unknown or 'none'}")
    names = sorted(OPERATIONS) if operations is None else list(operations)
    bad = sorted(set(names) - OPERATIONS)
    if bad or not names:
        raise ValueError(f"no operation {bad[0] if bad else 'given'!r} (operationIds are the spec's, e.g. createRun)")
    where = st.fixed_dictionaries({}, optional={"operation": st.sampled_from(names)})
    if operations is not None:
        where = st.fixed_dictionaries({"operation": st.sampled_from(names)})
    times = st.sampled_from([1, 2, 3, None])  # None: every matching request; 1 is the simplest

    def document(kind: str) -> st.SearchStrategy[FaultDocument]:
        parts = st.tuples(KIND_PARAMETERS[kind](), where, times)
        return parts.map(lambda p: {"fault": kind, **p[0], **p[1], "times": p[2]})

    return st.one_of([document(kind) for kind in NAMES if kind in kinds])


def faults(
    kinds: Sequence[str] = NAMES,
    *,
    operations: Sequence[str] | None = None,
    min_size: int = 0,
    max_size: int = 3,
) -> st.SearchStrategy[list[FaultDocument]]:
    """Lists of fault documents (see :func:`fault`), for ``runs(..., faults=faults())`` or ``fake.faults.add_from``."""
    return st.lists(fault(kinds, operations=operations), min_size=min_size, max_size=max_size)

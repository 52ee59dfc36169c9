"""Faults on demand: make the HTTP layer fail the way the real API and the network did.

``fake.faults`` is a :class:`FaultSet`. Each method adds one fault, and takes the same matching keywords:

- ``operation``: the spec's operationId (``"createRun"``, ``"getRun"``, ...);
- ``path``: a shell-style pattern over the request path as the OpenAI front door sees it (``"/v1/threads/*/runs"``;
  an Azure ``/openai/...`` request is matched as its ``/v1/...`` twin; ``*`` also matches ``/``);
- ``method``: ``"GET"``, ``"POST"`` or ``"DELETE"``;
- ``when``: a predicate over the :class:`~fake_assistants.api.wire.ApiRequest` (Python only);
- ``times``: how many matching requests it fails (default 1; ``None``: every one);
- ``probability``: fail a matching request with this chance, from a stream seeded by the emulator's seed;
- ``after_write``: let the request reach the API first (its write happens), then fail its response.

The kinds, with the same names in documents (``{"fault": "rate_limit", "operation": "createRun", "times": 2}``) for
the control API (``POST /__fake__/faults``), script files (``faults:``) and the pytest marker (``faults=[...]``):

========================  ============================================================================
``rate_limit``            429 ``rate_limit_exceeded`` (``type`` ``requests`` or ``tokens``) with
                          ``retry-after-ms``, ``retry-after`` and ``x-ratelimit-*``
``insufficient_quota``    429 ``insufficient_quota``
``server_error``          500 ``server_error`` (``status=503``: overloaded), ``should_retry`` sets
                          ``x-should-retry``
``error``                 any ``status``, ``body`` and ``headers``
``timeout``               in-process the HTTP library's timeout exception; over HTTP the server stalls
                          (at most ``seconds``) until the client gives up
``disconnect``            the connection closes before the response
``cut_stream``            a streamed response stops after ``after_events`` events, without ``done``
``latency``               a delay of ``ms`` (or a seeded pick in ``(low, high)``) before the request is served;
                          on a :class:`~fake_assistants.clock.ManualClock` it moves the clock instead of sleeping
========================  ============================================================================

A request faulted before the API changes no state. Every faulted request is in the request log, with the fault's
kind. Latency faults add up; of the other faults, the first that matches (in the order they were added) fires.

What each kind does is its module in ``fault_kinds/`` (one per kind, found by the package); this module matches
faults to requests and acts by the kind's effect, never by its name.
"""

from __future__ import annotations

import fnmatch
import hashlib
import inspect
import random
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from ..api.routes import ROUTES, operation_of
from ..api.sse import SseEvent
from ..api.wire import ApiRequest, ApiResponse, Interrupted
from ..clock import Clock, ManualClock, OffsetClock
from .fault_kinds import NAMES, FaultKind, kind_named
from .fault_kinds.base import whole

OPERATIONS = frozenset(route.operation_id for route in ROUTES)
METHODS = ("GET", "POST", "DELETE")
MATCHING = ("operation", "path", "method", "when", "times", "probability", "after_write")

Predicate = Callable[[ApiRequest], bool]


@dataclass
class Fault:
    """One fault: what it does (``kind`` and ``params``), which requests it matches, and how often."""

    kind: str
    params: dict[str, Any] = field(default_factory=dict)
    operation: str | None = None
    path: str | None = None
    method: str | None = None
    when: Predicate | None = None
    times: int | None = 1
    probability: float | None = None
    after_write: bool = False
    fired: int = 0

    def document(self) -> dict[str, Any]:
        """The fault as a JSON-ready document (the shape ``add_from`` takes; a predicate shows as ``"when": true``)."""
        doc: dict[str, Any] = {"fault": self.kind, **self.params}
        if isinstance(doc.get("body"), bytes):
            doc["body"] = doc["body"].decode("utf-8", errors="replace")
        for name in ("operation", "path", "method", "probability"):
            if getattr(self, name) is not None:
                doc[name] = getattr(self, name)
        doc["times"] = self.times
        if self.after_write:
            doc["after_write"] = True
        if self.when is not None:
            doc["when"] = True
        doc["fired"] = self.fired
        return doc


@dataclass
class Outcome:
    """What the fault set did to one request: its response, and the kind of fault that shaped it (if any)."""

    response: ApiResponse
    fault: str | None


class FaultSet:
    """The faults of one emulator (``fake.faults``). Falsy when empty, which costs the request path nothing."""

    def __init__(self, seed: int, clock: Callable[[], Clock], advance_clock: Callable[[int], object]) -> None:
        self._faults: list[Fault] = []  # changed in place only: it is also :attr:`pending`
        self.pending: Sequence[Fault] = self._faults  # read-only: the front door's one look per request
        self._lock = threading.Lock()
        self._clock = clock
        self._advance_clock = advance_clock
        self._carry_ms = 0
        self.reseed(seed)

    def reseed(self, seed: int) -> None:
        """Forget every fault and start the seeded streams (probabilities, latencies, request ids) over."""
        digest = hashlib.sha256(f"fake_assistants:{seed}:faults".encode()).digest()
        with self._lock:
            self._faults.clear()
            self._rng = random.Random(int.from_bytes(digest[:16], "big"))
            self._ids = random.Random(int.from_bytes(digest[16:], "big"))
            self._carry_ms = 0

    def __bool__(self) -> bool:
        return bool(self._faults)

    def __len__(self) -> int:
        return len(self._faults)

    def __iter__(self) -> Iterator[Fault]:
        return iter(list(self._faults))

    def __repr__(self) -> str:
        return f"FaultSet({[fault.kind for fault in self._faults]})"

    def clear(self) -> None:
        """Remove every fault."""
        with self._lock:
            self._faults.clear()

    # --- the kinds -----------------------------------------------------------------------------------------------

    def rate_limit(
        self,
        *,
        type: Literal["requests", "tokens"] = "requests",
        limit: int | None = None,
        retry_after_ms: int = 1,
        **match: Any,
    ) -> Fault:
        """429 ``rate_limit_exceeded``. ``retry_after_ms`` (default 1: the SDK retries at once) goes in
        ``retry-after-ms`` and, rounded up to seconds, ``retry-after``; ``limit`` is the announced limit."""
        return self._add("rate_limit", {"type": type, "limit": limit, "retry_after_ms": retry_after_ms}, match)

    def insufficient_quota(self, **match: Any) -> Fault:
        """429 ``insufficient_quota`` (the SDK retries it like any 429; waiting never helps)."""
        return self._add("insufficient_quota", {}, match)

    def server_error(self, status: int = 500, *, should_retry: bool | None = None, **match: Any) -> Fault:
        """A 5xx ``server_error`` (503: the overloaded text). ``should_retry`` sends ``x-should-retry``."""
        return self._add("server_error", {"status": status, "should_retry": should_retry}, match)

    def error(self, status: int, body: Any = None, *, headers: Mapping[str, str] | None = None, **match: Any) -> Fault:
        """Any status with any body: a JSON value (default: an error envelope naming the status), or text."""
        return self._add("error", {"status": status, "body": body, "headers": headers}, match)

    def timeout(self, *, seconds: float = 10.0, **match: Any) -> Fault:
        """No answer in time. In-process the transport raises the HTTP library's ``ReadTimeout`` at once; over
        HTTP the server stalls until the client hangs up, or ``seconds`` pass (then it answers 504)."""
        return self._add("timeout", {"seconds": seconds}, match)

    def disconnect(self, **match: Any) -> Fault:
        """The connection closes before the response (the SDK retries, then raises ``APIConnectionError``)."""
        return self._add("disconnect", {}, match)

    def cut_stream(self, after_events: int = 3, **match: Any) -> Fault:
        """A streamed response stops after ``after_events`` events, with no ``done``, as a dropped socket does.
        Only streamed responses match. The run goes on without the client (as the real one did)."""
        return self._add("cut_stream", {"after_events": after_events}, match)

    def latency(self, ms: int | tuple[int, int] | list[int], **match: Any) -> Fault:
        """Serve matching requests ``ms`` milliseconds late (a pair: a seeded pick between the two). On a
        ``ManualClock`` the emulator's clock moves on instead (whole seconds, the rest carried); otherwise the
        request really waits."""
        return self._add("latency", {"ms": ms}, match)

    def add_from(self, documents: Mapping[str, Any] | Iterable[Mapping[str, Any]]) -> int:
        """Add faults from documents (``{"fault": kind, ...keywords}``), one or a list. Returns how many."""
        items = [documents] if isinstance(documents, Mapping) else list(documents)
        faults: list[tuple[str, dict[str, Any]]] = []
        for index, item in enumerate(items):
            if not isinstance(item, Mapping):
                raise ValueError(f"fault {index}: a fault is a mapping with a 'fault' kind")
            keywords = dict(item)
            kind = keywords.pop("fault", None)
            if kind_named(kind) is None:
                raise ValueError(f"fault {index}: 'fault' is one of {', '.join(NAMES)}, not {kind!r}")
            if "when" in keywords:
                raise ValueError(f"fault {index}: 'when' (a predicate) is for Python only")
            keywords.pop("fired", None)
            faults.append((kind, keywords))
        added: list[Fault] = []
        try:
            for index, (kind, keywords) in enumerate(faults):
                own = {name: value for name, value in keywords.items() if name not in MATCHING}
                match = {name: value for name, value in keywords.items() if name in MATCHING}
                try:
                    added.append(self._add(kind, own, match))
                except TypeError as exc:
                    raise ValueError(f"fault {index} ({kind}): {_keyword_problem(exc)}") from None
                except ValueError as exc:
                    raise ValueError(f"fault {index} ({kind}): {exc}") from None
        except ValueError:
            with self._lock:  # all or nothing
                self._faults[:] = [fault for fault in self._faults if all(fault is not a for a in added)]
            raise
        return len(added)

    def _add(self, name: str, own: dict[str, Any], match: dict[str, Any]) -> Fault:
        kind = kind_named(name)
        assert kind is not None, name
        unknown = sorted(set(match) - set(MATCHING)) or sorted(set(own) - _keywords(kind))
        if unknown:
            raise TypeError(f"unexpected keyword argument {unknown[0]!r}")
        fault = Fault(name, kind.params(**own), **match)
        _check_match(fault, kind)
        with self._lock:
            self._faults.append(fault)
        return fault

    # --- serving -------------------------------------------------------------------------------------------------

    def serve(self, request: ApiRequest, api: Callable[[ApiRequest], ApiResponse]) -> Outcome:
        """Serve ``request`` through the faults that match it, and ``api`` if they let it through.

        Raises :class:`~fake_assistants.api.wire.Interrupted` for a timeout or a dropped connection.
        """
        latency, delayed_by, fault = self._pick(request)
        if latency:
            self._wait(latency)
        kind = kind_named(fault.kind) if fault is not None else None
        if fault is None or kind is None or kind.effect == "cut":
            response = api(request)
            if fault is not None and kind is not None and response.events is not None:
                response.events = _cut(response.events, fault.params["after_events"], kind.interrupt(fault.params))
                return Outcome(response, fault.kind)
            return Outcome(response, delayed_by if latency else None)
        if fault.after_write:
            written = api(request)
            close = getattr(written.events, "close", None)
            if close is not None:  # the run plays on to its end, as when a client hangs up
                close()
        if kind.effect == "interrupt":
            raise kind.interrupt(fault.params)
        return Outcome(kind.answer(fault.params, request, self.request_id()), fault.kind)

    def _pick(self, request: ApiRequest) -> tuple[int, str | None, Fault | None]:
        """The latency (ms), the kind of the first delay that fired, and the fault that fire for ``request``; their
        ``times`` are counted down."""
        with self._lock:
            operation = operation_of(request) if any(fault.operation for fault in self._faults) else None
            latency, delayed_by, chosen = 0, None, None
            for fault in list(self._faults):
                kind = kind_named(fault.kind)
                delays = kind is not None and kind.effect == "delay"
                if not delays and chosen is not None:
                    continue
                if kind is not None and kind.streams_only and not _asks_for_stream(request):
                    continue
                if not self._matches(fault, request, operation):
                    continue
                fault.fired += 1
                if fault.times is not None and fault.fired >= fault.times:
                    self._faults.remove(fault)
                if delays:
                    latency += self._delay(fault.params["ms"])
                    delayed_by = delayed_by or fault.kind
                else:
                    chosen = fault
            return latency, delayed_by, chosen

    def _matches(self, fault: Fault, request: ApiRequest, operation: str | None) -> bool:
        if fault.method is not None and request.method.upper() != fault.method:
            return False
        if fault.operation is not None and operation != fault.operation:
            return False
        if fault.path is not None and not fnmatch.fnmatchcase(request.path, fault.path):
            return False
        if fault.when is not None and not fault.when(request):
            return False
        return fault.probability is None or self._rng.random() < fault.probability

    def _delay(self, ms: int | list[int]) -> int:
        return self._rng.randint(ms[0], ms[1]) if isinstance(ms, list) else ms

    def _wait(self, ms: int) -> None:
        clock = self._clock()
        base = clock.base if isinstance(clock, OffsetClock) else clock
        if not isinstance(base, ManualClock):
            time.sleep(ms / 1000)
            return
        with self._lock:
            self._carry_ms += ms
            seconds, self._carry_ms = divmod(self._carry_ms, 1000)
        if seconds:
            self._advance_clock(seconds)

    def request_id(self) -> str:
        """An ``x-request-id`` for an answer the API never saw (from a stream of its own: the API's ids are kept)."""
        with self._lock:
            return "req_" + "".join(self._ids.choice("0123456789abcdef") for _ in range(32))


def _cut(events: Iterator[SseEvent], after_events: int, stop: Interrupted) -> Iterator[SseEvent]:
    """The first ``after_events`` events, then ``stop`` (the connection drops); the rest of the run plays on
    unseen."""
    try:
        for sent, event in enumerate(events):
            if sent == after_events:
                break
            yield event
        raise stop
    finally:
        close = getattr(events, "close", None)
        if close is not None:
            close()


def _asks_for_stream(request: ApiRequest) -> bool:
    if request.method.upper() != "POST" or b'"stream"' not in request.body:
        return False
    body = request.document  # the one parse of the body on the whole path
    return isinstance(body, dict) and body.get("stream") is True


def _check_match(fault: Fault, kind: FaultKind) -> None:
    if fault.operation is not None and fault.operation not in OPERATIONS:
        raise ValueError(f"no operation {fault.operation!r} (operationIds are the spec's, such as 'createRun')")
    if fault.path is not None and not isinstance(fault.path, str):
        raise ValueError("path is a pattern such as '/v1/threads/*/runs'")
    if fault.method is not None:
        if not isinstance(fault.method, str) or fault.method.upper() not in METHODS:
            raise ValueError(f"method is one of {', '.join(METHODS)}")
        fault.method = fault.method.upper()
    if fault.when is not None and not callable(fault.when):
        raise ValueError("when is a predicate over the request")
    if fault.times is not None:
        whole("times", fault.times, minimum=1)
    if fault.probability is not None and (
        not isinstance(fault.probability, int | float)
        or isinstance(fault.probability, bool)
        or not 0 < fault.probability <= 1
    ):
        raise ValueError("probability is a number above 0 and at most 1")
    if not isinstance(fault.after_write, bool):
        raise ValueError("after_write is true or false")
    if fault.after_write and not kind.after_write:
        raise ValueError(f"after_write does not apply to a {fault.kind} fault")


def _keyword_problem(exc: TypeError) -> str:
    text = str(exc)
    return text.split(") ", 1)[-1] if ") " in text else text


def _keywords(kind: FaultKind) -> set[str]:
    """The names of a kind's own keywords (its ``params``)."""
    return set(inspect.signature(kind.params).parameters)

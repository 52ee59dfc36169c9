"""What a fault kind is: how its keywords are checked, and what it does to a request it matches.

A kind's module (one per kind, beside this one) holds a :class:`FaultKind` named ``KIND``. The fault set
(``frontdoor/faults.py``) matches faults to requests (``operation``, ``path``, ``method``, ``when``, ``times``,
``probability``, ``after_write``: the same for every kind) and then acts by the kind's :attr:`FaultKind.effect`:

- ``"answer"``: the request gets :meth:`FaultKind.answer` instead of the API's response;
- ``"interrupt"``: no answer at all, :class:`~fake_assistants.api.wire.Interrupted` (:meth:`FaultKind.interrupt`);
- ``"cut"``: the API answers, and a streamed answer is cut after ``params["after_events"]`` events;
- ``"delay"``: the request is served ``params["ms"]`` milliseconds late (latencies add up).
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from ...api.wire import ApiRequest, ApiResponse, Interrupted

Effect = Literal["answer", "interrupt", "cut", "delay"]
Params = dict[str, Any]


class FaultKind:
    """One kind of fault. Subclasses set the class variables and override what their effect uses."""

    name: ClassVar[str]  # its name in documents and in the request log
    order: ClassVar[int]  # its place in the list of kinds (docs, error texts)
    effect: ClassVar[Effect]
    streams_only: ClassVar[bool] = False  # it matches only requests that ask for a stream
    after_write: ClassVar[bool] = True  # it may let the request reach the API first (``after_write=True``)

    def params(self, *args: Any, **kwargs: Any) -> Params:
        """Check the kind's own keywords and return them as the fault's ``params`` (a ``ValueError`` names what is
        wrong; an unknown or missing keyword is a ``TypeError``, as for any Python call)."""
        return {}

    def answer(self, params: Params, request: ApiRequest, request_id: str) -> ApiResponse:
        """The response a request gets instead of the API's (effect ``"answer"``)."""
        raise NotImplementedError(self.name)

    def interrupt(self, params: Params) -> Interrupted:
        """What the transport is told instead of an answer (effect ``"interrupt"``)."""
        return Interrupted(self.name, float(params.get("seconds", 0.0)))


def whole(name: str, value: object, *, minimum: int, maximum: int | None = None) -> int:
    """``value``, checked to be a whole number of at least ``minimum`` (and at most ``maximum``)."""
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise ValueError(f"{name} is a whole number, {minimum} or more")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} is at most {maximum}")
    return value

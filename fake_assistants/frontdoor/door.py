"""The front door every transport knocks on: the control API, the Azure paths, rate limits and faults, the request
log, then the API router.

The door knows none of them by name: the emulator hands it the API (any :class:`~fake_assistants.api.wire.Handles`),
the control API (a :class:`SideDoor`), the faults, the request history and the clock (``emulator.py``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from ..api.auth import request_key
from ..api.responses import error_response
from ..api.routes import operation_of, resolve
from ..api.wire import ApiRequest, ApiResponse, Handles, Interrupted
from ..errors import ApiError, azure_resource_not_found
from . import azure
from .faults import FaultSet
from .ratelimits import RateLimits
from .requestlog import RequestLog


@dataclass(frozen=True)
class LoggedRequest:
    """One API request the emulator served (control requests are not logged).

    ``fault`` names the fault that shaped the answer (``"rate_limit"``, ``"timeout"``, ... or ``"rate_limits"`` for
    the policy of ``fake.rate_limits``); ``status`` is 0 when no answer was sent (a timeout, a dropped connection).
    """

    method: str
    path: str
    status: int
    request_id: str | None
    fault: str | None = None
    key: str | None = field(default=None, repr=False, compare=False)  # who sent it: scopes a tenant's log


class SideDoor(Protocol):
    """A door beside the API's (the control API): it serves every path it claims, unlogged."""

    prefix: str  # every path it claims starts with it

    def claims(self, path: str) -> bool: ...

    def handle(self, request: ApiRequest) -> ApiResponse: ...


class History(Protocol):
    """Where the door records each API request it served, with its response (the inspector's history)."""

    def record(
        self, request: ApiRequest, response: ApiResponse, at: int, key: str | None, operation: str | None
    ) -> None: ...


class FrontDoor:
    def __init__(
        self,
        api: Handles,
        *,
        control: SideDoor,
        faults: FaultSet,
        history: History,
        now: Callable[[], int],
        log: RequestLog | None = None,
    ) -> None:
        self.api = api
        self.control = control
        self.log = RequestLog(None, None) if log is None else log  # kept as tuples: see logged() for what a reader gets
        self.faults = faults
        self._faults_pending = faults.pending  # the same list, read on every request without a call
        self._side_prefix = control.prefix
        self.limits: RateLimits | None = None
        self.history = history  # times, operations and bodies, for the inspector
        self.now = now

    def handle(self, request: ApiRequest) -> ApiResponse:
        path = request.path
        if path.startswith(self._side_prefix) and self.control.claims(path):
            return self.control.handle(request)
        method = request.method.upper()
        key = request_key(request) or request.headers.get("api-key")  # Azure clients send their key as api-key
        fault: str | None = None
        served = request  # an Azure request is served as its /v1 twin
        azure_path = path.startswith(azure.PREFIX)
        try:
            if self.limits is None and not self._faults_pending and not azure_path:
                response = self.api.handle(request)  # what most requests take: nothing stands in the way
            elif azure_path:
                served, response, fault = self._serve_azure(request)
            else:
                response, fault = self._serve(request)
        except Interrupted as stop:
            self.log.append((method, path, 0, None, stop.kind, key))
            raise
        self.log.append((method, path, response.status, response.headers.get("x-request-id"), fault, key))
        operation = response.operation or operation_of(served)  # the router's, or (a fault, a 404) the route's
        self.history.record(request, response, self.now(), key, operation)
        return response

    def logged(self) -> tuple[LoggedRequest, ...]:
        """The request log as its readers see it, oldest first (built now, not on every request)."""
        return tuple(LoggedRequest(m, p, status, rid, fault=f, key=k) for m, p, status, rid, f, k in self.log)

    def _serve_azure(self, request: ApiRequest) -> tuple[ApiRequest, ApiResponse, str | None]:
        try:
            translated = azure.to_openai(request)
            if resolve(translated) is None:
                raise azure_resource_not_found()
        except ApiError as error:
            return request, error_response(error), None
        response, fault = self._serve(translated)
        return translated, azure.from_openai(response), fault

    def _serve(self, request: ApiRequest) -> tuple[ApiResponse, str | None]:
        limits = self.limits
        if limits is not None:
            refused = limits.admit(request, operation_of(request))
            if refused is not None:
                headers = {"x-request-id": self.faults.request_id()}
                return error_response(refused, headers), "rate_limits"
        if self.faults:
            outcome = self.faults.serve(request, self.api.handle)
            response, fault = outcome.response, outcome.fault
        else:
            response, fault = self.api.handle(request), None
        if limits is not None:
            response.headers = {**limits.headers(), **response.headers}
        return response, fault

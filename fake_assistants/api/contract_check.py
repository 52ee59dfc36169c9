"""``validate_responses``: hold every response the emulator produces to the contract, as it is produced.

A response that breaks the spec (a 200 body against its operation's schema, exactly; an error body against
``ErrorResponse``; a stream event against its event's schema) is replaced by a 500 naming the operation and the
JSON pointer of each bad field (type ``fake_assistants_contract_error``, ``x-should-retry: false``), and recorded.
It catches drift in the emulator itself, from a downstream suite.

The check reads what the router built, never the bytes it wrote: the response's operation and JSON payload, and a
stream's events before they are framed (under the emulator's lock, as they were built).
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from typing import Any

from ..contract import Contract, Problem
from ..errors import ApiError, contract_problem
from .responses import error_event, error_response
from .sse import SseEvent, mapped
from .wire import ApiRequest, ApiResponse, Handles


class ContractViolation(AssertionError):
    """A response the emulator produced does not match the contract."""


class ValidatingRouter:
    def __init__(self, router: Handles, contract: Contract) -> None:
        self.router = router
        self.contract = contract
        self.violations: list[str] = []

    @property
    def lock(self) -> Any:
        return getattr(self.router, "lock", None)

    def handle(self, request: ApiRequest) -> ApiResponse:
        response = self.router.handle(request)
        operation = response.operation or f"{request.method} {request.path}"
        if response.events is not None:
            response.events = mapped(response.events, lambda name, data: self._checked(operation, name, data))
            return response
        if response.payload is None:  # not JSON (a file's bytes)
            return response
        schema = self._schema_for(response.operation, response.status)
        if schema is None:
            return response
        with self._locked():
            problems = [p for p in self.contract.problems(schema, response.payload) if not _known_gap(p, response)]
        if not problems:
            return response
        problem = self._record(f"{operation} (HTTP {response.status})", schema, problems)
        checked = error_response(problem, response.headers)
        checked.operation = response.operation
        return checked

    def _locked(self) -> AbstractContextManager[Any]:
        lock = self.lock
        return lock if lock is not None else nullcontext()

    def _schema_for(self, operation: str | None, status: int) -> str | None:
        if status != 200:
            return "ErrorResponse"
        if operation is None:
            return None
        try:
            return self.contract.operation(operation).schema_name
        except KeyError:
            return None

    def _checked(self, operation: str, name: str, data: Any) -> SseEvent:
        """The event as it is, or ``event: error`` naming each field that breaks its schema."""
        schema = self.contract.stream_event_schemas.get(name)
        problems = [Problem((), f"unknown event {name!r}")]
        if schema:
            with self._locked():
                problems = self.contract.problems(schema, data)
        if problems:
            return error_event(self._record(f"{operation} event {name}", schema or "AssistantStreamEvent", problems))
        return name, data

    def _record(self, where: str, schema: str, problems: list[Problem]) -> ApiError:
        error = contract_problem(where, schema, "; ".join(str(problem) for problem in problems))
        self.violations.append(error.message)
        return error


def _known_gap(problem: Problem, response: ApiResponse) -> bool:
    """Where the spec is known to be wrong about the real API: an empty page's ``first_id``/``last_id`` are null
    (the live API sent null; the spec's list schemas type them as plain strings)."""
    body = response.payload
    empty_page = isinstance(body, dict) and body.get("object") == "list" and body.get("data") == []
    return empty_page and problem.pointer in ("/first_id", "/last_id") and body.get(problem.pointer[1:]) is None

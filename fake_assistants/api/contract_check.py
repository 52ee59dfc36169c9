"""``validate_responses``: hold every response the emulator produces to the contract, as it is produced.

A response that breaks the spec (a 200 body against its operation's schema, exactly; an error body against
``ErrorResponse``; a stream frame against its event's schema) is replaced by a 500 naming the operation and the
JSON pointer of each bad field (type ``fake_assistants_contract_error``, ``x-should-retry: false``), and recorded.
It catches drift in the emulator itself, from a downstream suite.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from ..contract import Contract, Problem
from ..errors import contract_problem
from .responses import error_response
from .routes import match
from .stream import DONE, error_frame
from .wire import ApiRequest, ApiResponse, Handles


class ContractViolation(AssertionError):
    """A response the emulator produced does not match the contract."""


class ValidatingRouter:
    def __init__(self, router: Handles, contract: Contract) -> None:
        self.router = router
        self.contract = contract
        self.violations: list[str] = []

    def handle(self, request: ApiRequest) -> ApiResponse:
        response = self.router.handle(request)
        found = match(request.method.upper(), request.path.removeprefix("/v1").rstrip("/"))
        operation = found[0].operation_id if found else f"{request.method} {request.path}"
        if response.stream is not None:
            response.stream = self._checked_frames(operation, response.stream)
            return response
        if not response.headers.get("content-type", "").startswith("application/json"):
            return response
        body = json.loads(response.body)
        schema = self._schema_for(operation, response.status)
        if schema is None:
            return response
        problems = [p for p in self.contract.problems(schema, body) if not _known_gap(p, body)]
        if not problems:
            return response
        problem = contract_problem(self._record(f"{operation} (HTTP {response.status})", schema, problems))
        return error_response(problem, response.headers)

    def _schema_for(self, operation: str, status: int) -> str | None:
        if status != 200:
            return "ErrorResponse"
        try:
            return self.contract.operation(operation).schema_name
        except KeyError:
            return None

    def _checked_frames(self, operation: str, frames: Iterator[bytes]) -> Iterator[bytes]:
        for chunk in frames:
            if chunk == DONE:
                yield chunk
                continue
            name, data = _parse(chunk)
            schema = self.contract.stream_event_schemas.get(name)
            problems = self.contract.problems(schema, data) if schema else [Problem((), f"unknown event {name!r}")]
            if problems:
                message = self._record(f"{operation} event {name}", schema or "AssistantStreamEvent", problems)
                yield error_frame(contract_problem(message))
            else:
                yield chunk

    def _record(self, where: str, schema: str, problems: list[Problem]) -> str:
        details = "; ".join(str(problem) for problem in problems)
        message = f"fake_assistants contract violation in {where}, against {schema}: {details}"
        self.violations.append(message)
        return message


def _known_gap(problem: Problem, body: Any) -> bool:
    """Where the spec is known to be wrong about the real API: an empty page's ``first_id``/``last_id`` are null
    (the live API sent null; the spec's list schemas type them as plain strings)."""
    empty_page = isinstance(body, dict) and body.get("object") == "list" and body.get("data") == []
    return empty_page and problem.pointer in ("/first_id", "/last_id") and body.get(problem.pointer[1:]) is None


def _parse(chunk: bytes) -> tuple[str, Any]:
    lines = dict(line.split(": ", 1) for line in chunk.decode().strip().split("\n"))
    return lines["event"], json.loads(lines["data"])

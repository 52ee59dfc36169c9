"""The router: one request in, one response out. The only place errors become the wire envelope."""

from __future__ import annotations

import traceback
from typing import Any

from .. import jsoncodec
from ..backend.state import Backend
from ..errors import ApiError, internal_error, invalid_request, invalid_url, not_implemented, script_problem
from ..journal import transaction
from ..schemas.validation import check_json_limits
from ..script.engine import ScriptError
from .auth import Auth
from .handler_context import Call, RawBody
from .routes import ID_PREFIXES, match
from .stream import CONTENT_TYPE as SSE_CONTENT_TYPE
from .stream import EventStream
from .wire import ApiRequest, ApiResponse

_BETA_MESSAGE = (
    "You must provide the 'OpenAI-Beta' header to access the Assistants API. "
    "Please try again by setting the header 'OpenAI-Beta: assistants=v2'."
)


class Router:
    def __init__(self, backend: Backend, *, poll_after_ms: int = 0) -> None:
        self.backend = backend
        self.poll_after_ms = poll_after_ms
        self.auth = Auth()  # API keys and per-key isolation (see api/auth.py)

    def handle(self, request: ApiRequest) -> ApiResponse:
        with self.backend.lock:
            request_id = self.backend.ids.new("req")
            try:
                with transaction(self.backend.write_fault):  # all of it, or (if anything raises) nothing
                    result = self._dispatch(request)
                if isinstance(result, RawBody):
                    headers = {"content-type": result.content_type, "x-request-id": request_id}
                    return ApiResponse(200, headers, result.content)
                if isinstance(result, EventStream):
                    headers = {"content-type": SSE_CONTENT_TYPE, "x-request-id": request_id}
                    return ApiResponse(200, headers, b"", stream=result.body(self.backend))
                status, body, headers = 200, result, {}
                if body.get("object") == "thread.run":
                    headers["openai-poll-after-ms"] = str(self.poll_after_ms)
            except ApiError as error:
                status, body, headers = error.status, error.envelope(), dict(error.headers)
            except ScriptError as error:  # the test's script cannot serve this run: tell the test, loudly
                self.backend.script.record_error(str(error))
                problem = script_problem(str(error))
                status, body, headers = problem.status, problem.envelope(), dict(problem.headers)
            except Exception as exc:  # never raise into the SDK: a bug becomes a 500 envelope
                traceback.print_exc()
                bug = internal_error(f"{type(exc).__name__}: {exc}")
                status, body, headers = bug.status, bug.envelope(), dict(bug.headers)
        headers["content-type"] = "application/json"
        headers["x-request-id"] = request_id
        return ApiResponse(status, headers, jsoncodec.dumps(body))

    def _dispatch(self, request: ApiRequest) -> dict[str, Any] | RawBody | EventStream:
        method, path = request.method.upper(), request.path
        found = match(method, path[3:].rstrip("/")) if path.startswith("/v1/") else None
        if found is None:
            raise invalid_url(method, path)
        route, params = found
        if not (request.header("content-type") or "").lower().startswith("multipart/"):
            check_json_limits(request.body)  # before anything parses it (the key isolation reads body ids)
        key = self.auth.admit(request)
        if route.needs_beta_header and not _has_assistants_beta(request.header("openai-beta")):
            raise invalid_request(_BETA_MESSAGE, code="invalid_beta")
        _check_id_prefixes(params)
        if route.handler is None:
            raise not_implemented(f"{route.method} {route.template} ({route.operation_id})")
        call = Call(self.backend, self.backend.clock.now(), params, request.query, request.body, request.headers)
        return self.auth.serve(key, route.handler, call)


def _has_assistants_beta(header: str | None) -> bool:
    return header is not None and "assistants=v2" in (part.strip() for part in header.split(","))


def _check_id_prefixes(params: dict[str, str]) -> None:
    for name, value in params.items():
        prefix = ID_PREFIXES.get(name)
        if prefix is not None and not value.startswith(prefix):
            raise invalid_request(
                f"Invalid '{name}': '{value}'. Expected an ID that begins with '{prefix}'.",
                param=name,
                code="invalid_value",
            )

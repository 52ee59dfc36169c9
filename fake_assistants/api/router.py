"""The router: one request in, one response out (an error through ``api/responses.py``, as everywhere)."""

from __future__ import annotations

import traceback
from typing import Any

from .. import jsoncodec
from ..backend.state import Backend
from ..errors import (
    ApiError,
    internal_error,
    invalid_id_prefix,
    invalid_url,
    missing_beta_header,
    not_implemented,
    script_problem,
    v1_deprecated,
)
from ..journal import transaction
from ..script.script import ScriptError
from .auth import Auth
from .handler_context import Call, RawBody
from .responses import error_response
from .routes import ID_PREFIXES, Route, SeenPaths, resolve
from .sse import CONTENT_TYPE as SSE_CONTENT_TYPE
from .stream import EventStream
from .wire import ApiRequest, ApiResponse


class Router:
    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self.auth = Auth()  # API keys and per-key isolation (see api/auth.py)
        self.seen = SeenPaths()  # the routes of the paths served so far

    @property
    def lock(self) -> Any:
        """The emulator's lock: the layers around the router read the objects it answers with under it."""
        return self.backend.lock

    def handle(self, request: ApiRequest) -> ApiResponse:
        found = resolve(request, self.seen)  # matched once on the whole path: the layers before may have asked already
        backend = self.backend
        with backend.lock:
            request_id = backend.ids.request_id()
            try:
                if found is None:
                    raise invalid_url(request.method.upper(), request.path)
                route, params = found
                if route.writes:
                    with transaction(backend.write_fault):  # all of it, or (if anything raises) nothing
                        response = self._answer(request, route, params, request_id)
                else:  # a read: nothing to take back, no journal
                    response = self._answer(request, route, params, request_id)
                response.operation = route.operation_id
                return response
            except ApiError as error:
                response = error_response(error, request_id=request_id)
            except ScriptError as error:  # the test's script cannot serve this run: tell the test, loudly
                backend.script.record_error(str(error))
                response = error_response(script_problem(str(error)), request_id=request_id)
            except Exception as exc:  # never raise into the SDK: a bug becomes a 500 envelope
                traceback.print_exc()
                response = error_response(internal_error(f"{type(exc).__name__}: {exc}"), request_id=request_id)
        response.operation = found[0].operation_id if found is not None else None
        return response

    def _answer(self, request: ApiRequest, route: Route, params: dict[str, str], request_id: str) -> ApiResponse:
        """The route's answer: the checks every request passes (key, body, beta header, id shapes), then the
        handler, as the request's key; JSON written here."""
        key = self.auth.admit(request)  # the real 401 first, whatever the body
        headers = request.headers
        if (
            request.body
            and request.document is None
            and not (headers.get("content-type") or "").lower().startswith("multipart/")
            and request.json_problem is not None
        ):
            raise request.json_problem  # its 400 before the key isolation reads body ids
        if route.needs_beta_header:
            beta = headers.get("openai-beta")
            if beta != "assistants=v2" and not _has_assistants_beta(beta):
                raise v1_deprecated() if _asks_for_v1(beta) else missing_beta_header()
        backend = self.backend
        for name, value in params.items():
            prefix = ID_PREFIXES.get(name)
            # An id the emulator holds is never refused for its shape: a world file's ids are kept as given.
            if prefix is not None and not value.startswith(prefix) and not backend.holds(prefix, value):
                raise invalid_id_prefix(name, value, prefix)
        if route.handler is None:
            raise not_implemented(f"{route.method} {route.template} ({route.operation_id})")
        call = Call(backend, backend.clock.now(), params, request.query, request.body, headers, source=request)
        result = self.auth.serve(key, route.handler, call)
        if isinstance(result, dict):  # what nearly every route answers: JSON, written here
            headers = {"content-type": "application/json", "x-request-id": request_id}
            if result.get("object") == "thread.run":
                headers = {"openai-poll-after-ms": str(self.backend.settings.poll_after_ms), **headers}
            # in the request's transaction: an answer that cannot be encoded is undone
            return ApiResponse(200, headers, jsoncodec.dumps(result), payload=result)
        return self._response(result, request_id)

    def _response(self, result: RawBody | EventStream, request_id: str) -> ApiResponse:
        if isinstance(result, RawBody):
            headers = {"content-type": result.content_type, "x-request-id": request_id}
            return ApiResponse(200, headers, result.content)
        headers = {"content-type": SSE_CONTENT_TYPE, "x-request-id": request_id}
        return ApiResponse(200, headers, b"", events=result.body(self.backend))


def _has_assistants_beta(header: str | None) -> bool:
    return header is not None and "assistants=v2" in (part.strip() for part in header.split(","))


def _asks_for_v1(header: str | None) -> bool:
    return header is not None and "assistants=v1" in (part.strip() for part in header.split(","))

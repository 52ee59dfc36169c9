"""The control API: test controls over HTTP, under ``/__fake__/`` (a prefix that cannot collide with ``/v1``).

Each endpoint mirrors one Python method of :class:`~fake_assistants.FakeAssistants`, so a test reads the same in
both modes:

=======================================  ==========================================
``POST /__fake__/reset``                 ``fake.reset()``
``POST /__fake__/seed`` ``{"seed": n}``  ``fake.reset(seed=n)``
``POST /__fake__/clock/advance``         ``fake.advance_clock(seconds)`` (``{"seconds": n}``)
``POST /__fake__/runs/{run_id}/advance`` ``fake.advance(run_id)``
``POST /__fake__/script``                ``fake.script.add_from(document)`` (the script file schema, as JSON)
``GET /__fake__/requests``               ``fake.request_log``
``GET /__fake__/state``                  ``fake.snapshot()``
``POST /__fake__/faults``                ``fake.faults.add_from(document)`` (one fault or ``{"faults": [...]}``)
``GET /__fake__/faults``                 ``list(fake.faults)``, as documents
``DELETE /__fake__/faults``              ``fake.faults.clear()``
``POST /__fake__/rate_limits``           ``fake.rate_limits(requests_per_minute=..., tokens_per_minute=...)``
=======================================  ==========================================

Answers are JSON; a mistake is a 400 (or 404) in the usual error envelope.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from .api.wire import ApiRequest, ApiResponse
from .errors import ApiError, invalid_request
from .script.files import ScriptFileError

if TYPE_CHECKING:
    from .emulator import FakeAssistants

PREFIX = "/__fake__"


def is_control(path: str) -> bool:
    return path == PREFIX or path.startswith(PREFIX + "/")


def handle_control(fake: FakeAssistants, request: ApiRequest) -> ApiResponse:
    try:
        body = _dispatch(fake, request.method.upper(), request.path[len(PREFIX) :].rstrip("/"), request.body)
        status = 200
    except ApiError as error:
        status, body = error.status, error.envelope()
    return ApiResponse(status, {"content-type": "application/json"}, json.dumps(body).encode())


def _dispatch(fake: FakeAssistants, method: str, path: str, raw: bytes) -> Any:
    body = _json(raw)
    routes: dict[tuple[str, str], Callable[[], Any]] = {
        ("POST", "/reset"): lambda: _reset(fake, None),
        ("POST", "/seed"): lambda: _reset(fake, _int(body, "seed")),
        ("POST", "/clock/advance"): lambda: {"now": fake.advance_clock(_int(body, "seconds"))},
        ("POST", "/script"): lambda: {"queued": _add_turns(fake, body)},
        ("GET", "/requests"): lambda: {"object": "list", "data": [asdict(entry) for entry in fake.request_log]},
        ("GET", "/state"): fake.snapshot,
        ("POST", "/faults"): lambda: {"added": _add_faults(fake, body)},
        ("GET", "/faults"): lambda: {"object": "list", "data": [fault.document() for fault in fake.faults]},
        ("DELETE", "/faults"): lambda: _clear_faults(fake),
        ("POST", "/rate_limits"): lambda: _rate_limits(fake, body),
    }
    found = routes.get((method, path))
    if found is not None:
        return found()
    advance = re.fullmatch(r"/runs/([^/]+)/advance", path)
    if method == "POST" and advance:
        try:
            return {"id": advance[1], "status": fake.advance(advance[1])}
        except KeyError:
            raise ApiError(404, f"No run found with id '{advance[1]}'.") from None
    raise ApiError(404, f"Unknown control endpoint: {method} {PREFIX}{path}", code="unknown_url")


def _reset(fake: FakeAssistants, seed: int | None) -> dict[str, Any]:
    fake.reset(seed=seed)
    return {"reset": True, "seed": fake.seed}


def _json(raw: bytes) -> dict[str, Any]:
    if not raw.strip():
        return {}
    try:
        value = json.loads(raw)
    except ValueError:
        raise invalid_request("The control API takes a JSON body.") from None
    if not isinstance(value, dict):
        raise invalid_request("The control API takes a JSON object.")
    return value


def _int(body: dict[str, Any], name: str) -> int:
    value = body.get(name)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise invalid_request(f"'{name}' must be a whole number, 0 or more.", param=name)
    return value


def _add_turns(fake: FakeAssistants, body: dict[str, Any]) -> int:
    try:
        return fake.script.add_from(body)
    except ScriptFileError as exc:
        raise invalid_request(str(exc)) from None


def _add_faults(fake: FakeAssistants, body: dict[str, Any]) -> int:
    documents = body["faults"] if set(body) == {"faults"} else body
    if not isinstance(documents, dict | list):
        raise invalid_request("'faults' is a list of faults.", param="faults")
    try:
        return fake.faults.add_from(documents)
    except ValueError as exc:
        raise invalid_request(str(exc)) from None


def _clear_faults(fake: FakeAssistants) -> dict[str, Any]:
    fake.faults.clear()
    return {"cleared": True}


def _rate_limits(fake: FakeAssistants, body: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(body) - {"requests_per_minute", "tokens_per_minute"})
    if unknown:
        raise invalid_request(f"Unknown parameter: '{unknown[0]}'.", param=unknown[0])
    try:
        limits = fake.rate_limits(**body)
    except ValueError as exc:
        raise invalid_request(str(exc)) from None
    return {
        "requests_per_minute": limits.requests_per_minute if limits else None,
        "tokens_per_minute": limits.tokens_per_minute if limits else None,
    }

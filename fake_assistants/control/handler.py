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
``POST /__fake__/world``                 ``fake.load_world(document)`` (a world, its files inline; docs/world.md)
``GET /__fake__/ui/``                    the inspector page (see ``docs/inspector.md``)
=======================================  ==========================================

Answers are JSON; a mistake is a 4xx in the usual error envelope. Who may call what is decided first, in one
place (:mod:`fake_assistants.control.access`): every request under the prefix goes through its gate.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from ..api.responses import error_response
from ..api.wire import ApiRequest, ApiResponse
from ..errors import (
    ApiError,
    control_faults_not_a_list,
    control_not_a_count,
    control_not_an_object,
    control_not_json,
    control_unknown_endpoint,
    internal_error,
    invalid_request,
    not_found,
    unknown_parameter,
)
from ..schemas.validation import check_json_limits
from ..script.files import ScriptFileError
from .access import Caller, admit, needs_admin
from .inspector.pages import CHALLENGE, handle_inspector, is_inspector
from .tenant import tenant_view

if TYPE_CHECKING:
    from ..emulator import FakeAssistants

PREFIX = "/__fake__"


def is_control(path: str) -> bool:
    return path == PREFIX or path.startswith(PREFIX + "/")


def handle_control(fake: FakeAssistants, request: ApiRequest) -> ApiResponse:
    inspector = is_inspector(request.path[len(PREFIX) :].rstrip("/"))
    try:
        caller = admit(fake._control_access, fake._auth(), request)
        if inspector:  # the inspector's pages: through the same gate; a tenant sees only its own, as in /state
            return handle_inspector(fake, request, PREFIX, caller.key)
        body = _dispatch(fake, caller, request.method.upper(), request.path[len(PREFIX) :].rstrip("/"), request.body)
    except ApiError as error:
        # a browser asks for the credential (blank user, the key as password)
        challenge = {"www-authenticate": CHALLENGE} if error.status == 401 and inspector else {}
        return error_response(error, challenge)
    except Exception as exc:  # a bug answers in the envelope too, never as a bare text 500
        return error_response(internal_error(f"{type(exc).__name__}: {exc}"))
    return ApiResponse(200, {"content-type": "application/json"}, json.dumps(body).encode())


def _dispatch(fake: FakeAssistants, caller: Caller, method: str, path: str, raw: bytes) -> Any:
    body = _json(raw)

    def admin(what: str, action: Callable[[], Any]) -> Callable[[], Any]:
        def run() -> Any:
            needs_admin(caller, what)
            return action()

        return run

    routes: dict[tuple[str, str], Callable[[], Any]] = {
        ("POST", "/reset"): admin("Reset", lambda: _reset(fake, None)),
        ("POST", "/seed"): admin("Seed", lambda: _reset(fake, _int(body, "seed"))),
        ("POST", "/clock/advance"): admin("The clock", lambda: {"now": _advance_clock(fake, _int(body, "seconds"))}),
        ("POST", "/script"): admin("The script", lambda: {"queued": _add_turns(fake, body)}),
        ("GET", "/requests"): lambda: {"object": "list", "data": _log(fake, caller)},
        ("GET", "/state"): lambda: _state(fake, caller),
        ("POST", "/faults"): admin("Faults", lambda: {"added": _add_faults(fake, body)}),
        ("GET", "/faults"): lambda: {"object": "list", "data": [fault.document() for fault in fake.faults]},
        ("DELETE", "/faults"): admin("Faults", lambda: _clear_faults(fake)),
        ("POST", "/rate_limits"): admin("Rate limits", lambda: _rate_limits(fake, body)),
        ("POST", "/world"): admin("The world", lambda: _load_world(fake, body)),
    }
    found = routes.get((method, path))
    if found is not None:
        return found()
    advance = re.fullmatch(r"/runs/([^/]+)/advance", path)
    if method == "POST" and advance:
        run_id = advance[1]
        try:
            run = fake._backend.runs.get(run_id)
            if not caller.admin and (run is None or not fake._backend.ownership.visible(caller.key, run.thread_id)):
                raise KeyError(run_id)  # a run is its thread's owner's
            return {"id": run_id, "status": fake.advance(run_id)}
        except KeyError:
            raise not_found("run", run_id) from None
    raise control_unknown_endpoint(method, PREFIX + path)


def _log(fake: FakeAssistants, caller: Caller) -> list[dict[str, Any]]:
    entries = fake._router.log if caller.admin else [e for e in fake._router.log if e.key == caller.key]
    return [{name: value for name, value in asdict(entry).items() if name != "key"} for entry in entries]


def _state(fake: FakeAssistants, caller: Caller) -> dict[str, Any]:
    document = fake.snapshot()
    if caller.admin:
        return document
    ownership, key = fake._backend.ownership, caller.key
    return tenant_view(document, lambda object_id: ownership.visible(key, object_id))


def _reset(fake: FakeAssistants, seed: int | None) -> dict[str, Any]:
    fake.reset(seed=seed)
    return {"reset": True, "seed": fake.seed}


def _json(raw: bytes) -> dict[str, Any]:
    if not raw.strip():
        return {}
    check_json_limits(raw)
    try:
        value = json.loads(raw)
    except ValueError:
        raise control_not_json() from None
    if not isinstance(value, dict):
        raise control_not_an_object()
    return value


def _int(body: dict[str, Any], name: str) -> int:
    value = body.get(name)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise control_not_a_count(name)
    return value


def _advance_clock(fake: FakeAssistants, seconds: int) -> int:
    try:
        return fake.advance_clock(seconds)
    except ValueError as error:
        raise invalid_request(str(error), param="seconds") from None


def _add_turns(fake: FakeAssistants, body: dict[str, Any]) -> int:
    try:
        return fake.script.add_from(body)
    except ScriptFileError as exc:
        raise invalid_request(str(exc)) from None


def _add_faults(fake: FakeAssistants, body: dict[str, Any]) -> int:
    documents = body["faults"] if set(body) == {"faults"} else body
    if not isinstance(documents, dict | list):
        raise control_faults_not_a_list()
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
        raise unknown_parameter(unknown[0])
    try:
        limits = fake.rate_limits(**body)
    except ValueError as exc:
        raise invalid_request(str(exc)) from None
    return {
        "requests_per_minute": limits.requests_per_minute if limits else None,
        "tokens_per_minute": limits.tokens_per_minute if limits else None,
    }


def _load_world(fake: FakeAssistants, body: dict[str, Any]) -> dict[str, Any]:
    """A world sent over HTTP: its files are inline (``text`` or ``base64``), never read from the server's disk."""
    from ..world import WorldError, read_sent_world
    from ..world.apply import load

    try:
        return {"loaded": load(fake._backend, read_sent_world(body))}
    except WorldError as exc:
        raise invalid_request(str(exc)) from None

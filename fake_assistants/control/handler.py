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

The routes are one table, :data:`ROUTES`, built once. The control API reaches the emulator only through the public
methods of :class:`~fake_assistants.control.host.ControlHost` and the collaborators it is given
(:class:`~fake_assistants.control.host.ControlParts`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

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
from .host import ControlHost, ControlParts
from .inspector.pages import CHALLENGE, handle_inspector, is_inspector
from .tenant import tenant_view

PREFIX = "/__fake__"


def is_control(path: str) -> bool:
    return path == PREFIX or path.startswith(PREFIX + "/")


@dataclass(frozen=True)
class ControlCall:
    """One admitted control request, as a route's action sees it."""

    host: ControlHost
    parts: ControlParts
    caller: Caller
    body: dict[str, Any]  # the JSON object of the body, parsed once ({} when there is none)
    params: dict[str, str]  # the path parameters of the route's template


@dataclass(frozen=True)
class ControlRoute:
    """One endpoint: ``path`` is relative to :data:`PREFIX` (``{name}`` is a path parameter); ``admin`` names what
    only an administrator may do (a tenant gets its 403), or is ``None`` when any admitted caller may."""

    method: str
    path: str
    action: Callable[[ControlCall], Any]
    admin: str | None = None

    @property
    def pattern(self) -> re.Pattern[str]:
        return re.compile(re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(self.path)))


class ControlApi:
    """The control API of one emulator: what the front door hands every request under :data:`PREFIX`."""

    prefix = PREFIX

    def __init__(self, host: ControlHost, parts: ControlParts) -> None:
        self.host = host
        self.parts = parts

    def claims(self, path: str) -> bool:
        return is_control(path)

    def handle(self, request: ApiRequest) -> ApiResponse:
        inspector = is_inspector(request.path[len(PREFIX) :].rstrip("/"))
        try:
            caller = admit(self.parts.access, self.parts.auth, request)
            if inspector:  # the inspector's pages: through the same gate; a tenant sees only its own, as in /state
                return handle_inspector(self.parts, request, PREFIX, caller.key)
            body = self._dispatch(caller, request.method.upper(), request.path[len(PREFIX) :].rstrip("/"), request.body)
        except ApiError as error:
            # a browser asks for the credential (blank user, the key as password)
            challenge = {"www-authenticate": CHALLENGE} if error.status == 401 and inspector else {}
            return error_response(error, challenge)
        except Exception as exc:  # a bug answers in the envelope too, never as a bare text 500
            return error_response(internal_error(f"{type(exc).__name__}: {exc}"))
        return ApiResponse(200, {"content-type": "application/json"}, json.dumps(body).encode())

    def _dispatch(self, caller: Caller, method: str, path: str, raw: bytes) -> Any:
        body = _json(raw)
        for route, pattern in _COMPILED:
            found = pattern.fullmatch(path) if route.method == method else None
            if found is not None:
                if route.admin is not None:
                    needs_admin(caller, route.admin)
                return route.action(ControlCall(self.host, self.parts, caller, body, found.groupdict()))
        raise control_unknown_endpoint(method, PREFIX + path)


# --- the routes' actions ---------------------------------------------------------------------------------------


def _reset(call: ControlCall) -> dict[str, Any]:
    call.host.reset()
    return {"reset": True, "seed": call.host.seed}


def _seed(call: ControlCall) -> dict[str, Any]:
    call.host.reset(seed=_int(call.body, "seed"))
    return {"reset": True, "seed": call.host.seed}


def _advance_clock(call: ControlCall) -> dict[str, Any]:
    seconds = _int(call.body, "seconds")
    try:
        return {"now": call.host.advance_clock(seconds)}
    except ValueError as error:
        raise invalid_request(str(error), param="seconds") from None


def _advance_run(call: ControlCall) -> dict[str, Any]:
    run_id = call.params["run_id"]
    try:
        if not call.caller.admin:  # a run is its thread's owner's
            run = call.parts.state().runs.get(run_id)
            if run is None or call.caller.key is None or not call.parts.visible(call.caller.key, run.thread_id):
                raise KeyError(run_id)
        return {"id": run_id, "status": call.host.advance(run_id)}
    except KeyError:
        raise not_found("run", run_id) from None


def _add_turns(call: ControlCall) -> dict[str, Any]:
    try:
        return {"queued": call.host.script.add_from(call.body)}
    except ScriptFileError as exc:
        raise invalid_request(str(exc)) from None


def _log(call: ControlCall) -> dict[str, Any]:
    entries = [e for e in call.host.request_log if call.caller.admin or e.key == call.caller.key]
    data = [{name: value for name, value in asdict(entry).items() if name != "key"} for entry in entries]
    return {"object": "list", "data": data}


def _state(call: ControlCall) -> dict[str, Any]:
    document = call.host.snapshot()
    key = call.caller.key
    if key is None:
        return document
    return tenant_view(document, lambda object_id: call.parts.visible(key, object_id))


def _add_faults(call: ControlCall) -> dict[str, Any]:
    body = call.body
    documents = body["faults"] if set(body) == {"faults"} else body
    if not isinstance(documents, dict | list):
        raise control_faults_not_a_list()
    try:
        return {"added": call.host.faults.add_from(documents)}
    except ValueError as exc:
        raise invalid_request(str(exc)) from None


_ID = re.compile(r"[A-Za-z]+_[A-Za-z0-9]{6,}")  # what an object id looks like, wherever a fault names one


def _list_faults(call: ControlCall) -> dict[str, Any]:
    documents = [fault.document() for fault in call.host.faults]
    key = call.caller.key
    if key is not None:  # a tenant sees the faults that name none of another tenant's objects
        documents = [
            document
            for document in documents
            if all(call.parts.visible(key, found) for found in _ID.findall(json.dumps(document, default=str)))
        ]
    return {"object": "list", "data": documents}


def _clear_faults(call: ControlCall) -> dict[str, Any]:
    call.host.faults.clear()
    return {"cleared": True}


def _rate_limits(call: ControlCall) -> dict[str, Any]:
    unknown = sorted(set(call.body) - {"requests_per_minute", "tokens_per_minute"})
    if unknown:
        raise unknown_parameter(unknown[0])
    try:
        limits = call.host.rate_limits(**call.body)
    except ValueError as exc:
        raise invalid_request(str(exc)) from None
    return {
        "requests_per_minute": limits.requests_per_minute if limits else None,
        "tokens_per_minute": limits.tokens_per_minute if limits else None,
    }


def _load_world(call: ControlCall) -> dict[str, Any]:
    """A world sent over HTTP: its files are inline (``text`` or ``base64``), never read from the server's disk."""
    from ..world import WorldError, read_sent_world
    from ..world.apply import load

    try:
        return {"loaded": load(call.parts.state(), read_sent_world(call.body))}
    except WorldError as exc:
        raise invalid_request(str(exc)) from None


ROUTES: tuple[ControlRoute, ...] = (
    ControlRoute("POST", "/reset", _reset, admin="Reset"),
    ControlRoute("POST", "/seed", _seed, admin="Seed"),
    ControlRoute("POST", "/clock/advance", _advance_clock, admin="The clock"),
    ControlRoute("POST", "/runs/{run_id}/advance", _advance_run),
    ControlRoute("POST", "/script", _add_turns, admin="The script"),
    ControlRoute("GET", "/requests", _log),
    ControlRoute("GET", "/state", _state),
    ControlRoute("POST", "/faults", _add_faults, admin="Faults"),
    ControlRoute("GET", "/faults", _list_faults),
    ControlRoute("DELETE", "/faults", _clear_faults, admin="Faults"),
    ControlRoute("POST", "/rate_limits", _rate_limits, admin="Rate limits"),
    ControlRoute("POST", "/world", _load_world, admin="The world"),
)
"""Every endpoint of the control API (the inspector's pages aside: ``inspector/pages.py``), in one table."""

_COMPILED = tuple((route, route.pattern) for route in ROUTES)  # built once, at import


# --- reading a body --------------------------------------------------------------------------------------------


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

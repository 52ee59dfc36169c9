"""The inspector's routes under the control prefix: the page, its two static files, and request bodies on demand.

:func:`handle_inspector` is called by the control API's front door (``control/handler.py``)
after its gate (:mod:`fake_assistants.control.access`), never directly by a transport.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from ...api.wire import ApiRequest, ApiResponse
from ...errors import inspector_no_request, inspector_read_only, inspector_unknown_page
from ..host import ControlParts
from .view import Tenant, inspect

HERE = Path(__file__).parent
# The credential prompt a browser shows on a 401: a blank user name and the key (or control token) as password.
CHALLENGE = 'Basic realm="fake-assistants control API", charset="UTF-8"'
UI = "/ui"
DEFAULT_POLL_MS, MIN_POLL_MS, MAX_POLL_MS = 1000, 250, 60_000
STATIC = {
    "inspector.css": "text/css; charset=utf-8",
    "inspector.js": "text/javascript; charset=utf-8",
    "favicon.svg": "image/svg+xml",
}
# Defence in depth: the page runs our own script file only (no inline script, no other origin).
SECURITY_HEADERS = {
    "content-security-policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
}


def is_inspector(path: str) -> bool:
    """``path`` relative to the control prefix, without its trailing slash."""
    return path == UI or path.startswith(UI + "/")


def handle_inspector(
    parts: ControlParts, request: ApiRequest, control_prefix: str, tenant_key: str | None = None
) -> ApiResponse:
    """Serve a GET under ``{control_prefix}/ui``; anything else is a 404 or 405 (the page is read-only).

    ``tenant_key``: the caller is one tenant under key isolation (the gate said so), who sees only its own."""
    path = request.path[len(control_prefix) + len(UI) :].rstrip("/")
    if request.method.upper() not in ("GET", "HEAD"):
        raise inspector_read_only(request.method.upper())
    if path == "":
        return _html(_render(parts, control_prefix, _tenant(parts, tenant_key), _poll_ms(request)))
    if path.startswith("/static/") and path[len("/static/") :] in STATIC:
        name = path[len("/static/") :]
        content = (HERE / "static" / name).read_bytes()
        return ApiResponse(200, {"content-type": STATIC[name], **SECURITY_HEADERS}, content)
    if path.startswith("/requests/") and _whole(path[len("/requests/") :]) is not None:
        return _bodies(parts, int(path[len("/requests/") :]), _tenant(parts, tenant_key))
    raise inspector_unknown_page(request.path)


def _tenant(parts: ControlParts, key: str | None) -> Tenant | None:
    if key is None:
        return None
    return Tenant(key, lambda object_id: parts.visible(key, object_id))  # as recorded where objects are created


def _poll_ms(request: ApiRequest) -> int:
    """How often the page refreshes itself: ``?poll=MS`` (250 to 60000), else once a second."""
    asked = _whole(dict(request.query).get("poll", ""))
    return min(max(asked, MIN_POLL_MS), MAX_POLL_MS) if asked is not None else DEFAULT_POLL_MS


def _whole(text: str) -> int | None:
    """``text`` as a whole number when it is one in ASCII digits (``²`` is a digit to ``str.isdigit``, not to
    ``int``), short enough to read; else ``None``."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None


def _render(parts: ControlParts, control_prefix: str, tenant: Tenant | None, poll_ms: int) -> bytes:
    backend = parts.state()  # the inspector reads the emulator it belongs to, under its lock: the wire dicts
    with backend.lock:  # share lists with the stored objects, so the page is rendered before a request changes them
        view = inspect(backend, parts.history.entries(), tenant)
        template = _environment().get_template("index.html")
        page = template.render(
            view=view,
            counts=view.counts(),
            prefix=control_prefix + UI,
            control=control_prefix,
            tenant=tenant,
            poll_ms=poll_ms,
        )
    return page.encode()


def _bodies(parts: ControlParts, number: int, tenant: Tenant | None) -> ApiResponse:
    with parts.state().lock:
        found = parts.history.get(number)
    if found is None or (tenant is not None and found.key != tenant.key):
        raise inspector_no_request(number)
    body = {"number": number, "request_body": found.request_text(), "response_body": found.response_text()}
    return ApiResponse(200, {"content-type": "application/json", **SECURITY_HEADERS}, json.dumps(body).encode())


def _html(page: bytes) -> ApiResponse:
    return ApiResponse(200, {"content-type": "text/html; charset=utf-8", **SECURITY_HEADERS}, page)


@cache
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=False,
    )
    env.filters["iso"] = _iso
    env.filters["pretty"] = _pretty
    env.filters["parsed"] = _parsed
    return env


def _iso(at: int) -> str:
    return datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%d %H:%M:%S")


def _pretty(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, indent=2, ensure_ascii=False)


def _parsed(text: Any) -> Any:
    """A JSON string (function arguments and outputs) as its value, to show it indented; other text unchanged."""
    if not isinstance(text, str):
        return text
    try:
        return json.loads(text)
    except ValueError:
        return text

"""Who may use the control API: the one gate every request under ``/__fake__/`` passes before it is served.

The control API can reset the emulator, queue replies and dump every object, so it is closed to strangers:

* **Host**: the ``Host`` header names a loopback host (``localhost``, ``*.localhost``, ``127.0.0.0/8``, ``::1``),
  the in-process clients' ``fake-assistants.invalid``, or a host configured with ``allow_hosts``. This defeats DNS
  rebinding: a page that got its own name to resolve to 127.0.0.1 still sends its own name as the ``Host``.
* **Origin**: a request that carries an ``Origin`` (every browser sends one on a cross-origin ``POST`` or
  ``fetch``) must come from the control API's own origin, or from a configured host. This defeats CSRF.
* **JSON only**: every write (any method but ``GET``/``HEAD``) has ``Content-Type: application/json``, which a
  plain HTML form or a "simple" cross-origin request cannot send.
* **Credential**: with a control token, the caller shows it (``Authorization: Bearer TOKEN``). Without one, API
  keys (``require_api_key``) are the credential: any accepted key. Under key isolation a key is a tenant, not an
  administrator: its state dump and request log hold only what it owns, it may advance its own runs, and the
  controls that touch every tenant (reset, seed, clock, script) need the control token.

:func:`admit` answers with the :class:`Caller` (an administrator, or a tenant's key) or raises the error envelope.
Any route under the control prefix, the inspector's pages included, goes through it first.
"""

from __future__ import annotations

import hmac
import ipaddress
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from ..api.auth import request_key, unauthorized_wrong_key
from ..api.wire import ApiRequest
from ..errors import (
    control_host_not_allowed,
    control_needs_json,
    control_origin_not_allowed,
    control_token_required,
    unauthorized_no_key,
)

if TYPE_CHECKING:
    from ..api.auth import Auth

IN_PROCESS_HOST = "fake-assistants.invalid"  # the host of the in-process clients' base URL (emulator.BASE_URL)
WILDCARD_HOSTS = frozenset({"0.0.0.0", "::", ""})
READ_METHODS = frozenset({"GET", "HEAD"})


@dataclass
class ControlAccess:
    """The control API's settings: its own credential and the extra host names it answers to."""

    token: str | None = None
    hosts: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Caller:
    """Who is calling the control API: an administrator (``key`` is ``None``), or one tenant's key."""

    key: str | None = None

    @property
    def admin(self) -> bool:
        return self.key is None


def admit(access: ControlAccess, auth: Auth, request: ApiRequest) -> Caller:
    """The caller of a control request, once its host, origin, content type and credential pass."""
    host = request.header("host")
    if host is not None and not allowed_host(_hostname(host), access.hosts):
        raise control_host_not_allowed(host)
    origin = request.header("origin")
    if origin is not None and not _same_origin(origin, host, access.hosts):
        raise control_origin_not_allowed(origin)
    if request.method.upper() not in READ_METHODS:
        media = (request.header("content-type") or "").split(";")[0].strip().lower()
        if media != "application/json":
            raise control_needs_json()
    return _credential(access, auth, request)


def _credential(access: ControlAccess, auth: Auth, request: ApiRequest) -> Caller:
    key = request_key(request)
    if access.token is not None and key is not None and _same_secret(key, access.token):
        return Caller()
    needs_credential = access.token is not None or auth.api_keys is not None or auth.isolate
    if not needs_credential:
        return Caller()
    if key is None:
        raise unauthorized_no_key()
    if auth.api_keys is not None and key not in auth.api_keys:
        raise unauthorized_wrong_key(key)
    if auth.isolate:
        return Caller(key)
    if access.token is not None:
        raise control_token_required()
    return Caller()  # an accepted key of a single-tenant emulator


def needs_admin(caller: Caller, what: str) -> None:
    if not caller.admin:
        raise control_token_required(what)


# --- hosts -----------------------------------------------------------------------------------------------------


def is_loopback(host: str) -> bool:
    """``localhost``, a ``*.localhost`` name, or a loopback address (``127.0.0.0/8``, ``::1``)."""
    host = host.strip("[]").lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def allowed_host(host: str, extra: frozenset[str]) -> bool:
    host = host.strip("[]").lower().rstrip(".")
    return is_loopback(host) or host == IN_PROCESS_HOST or host in extra


def _hostname(host: str) -> str:
    """The host of a ``Host`` header, without its port."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def _same_origin(origin: str, host: str | None, extra: frozenset[str]) -> bool:
    try:
        parts = urlsplit(origin.strip())
        netloc, hostname = parts.netloc.lower(), parts.hostname
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or hostname is None:
        return False  # "null" (a sandboxed frame, a file: page) and anything odd
    if host is not None and netloc == host.strip().lower():
        return True
    return hostname in extra


# --- binding ---------------------------------------------------------------------------------------------------


def bind_check(host: str, *, credential: bool, allow_remote: bool) -> tuple[str | None, str | None]:
    """``(error, warning)`` for serving on ``host``: a non-loopback address without a credential is refused unless
    ``allow_remote``; any non-loopback address is served with a warning."""
    if is_loopback(host):
        return None, None
    where = "every network interface" if host in WILDCARD_HOSTS else host
    if not credential and not allow_remote:
        return (
            f"refusing to serve on {where} with no credential: anyone who can reach it could read every object "
            "and reset the emulator. Pass --api-key or --control-token, or --allow-remote to accept the risk.",
            None,
        )
    warning = f"warning: serving on {where}: the API and the control API are reachable from other machines"
    if not credential:
        warning += " WITHOUT any credential (--allow-remote)"
    return None, warning + "."


def _same_secret(given: str, expected: str) -> bool:
    """Compared in constant time: how long the compare takes tells nothing of the token."""
    return hmac.compare_digest(given.encode("utf-8", "surrogatepass"), expected.encode("utf-8", "surrogatepass"))

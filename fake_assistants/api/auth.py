"""Authentication and tenancy: the bearer key every request must carry, an optional list of accepted keys, and
optional per-key isolation.

The router calls :meth:`Auth.admit` once it knows the route (a request without a key gets the real 401), and serves
the handler through :meth:`Auth.serve`, which runs it with the request's key acting, so that the backend records
that key as the owner of every object the request creates, where it creates it (``backend.ownership``). When
isolation is on, the objects of other keys are hidden: a path or body id owned by another key answers the usual
404 as if the object did not exist, and top-level lists (assistants, files, vector stores) hold only the caller's
objects. Objects no key created (before any request, or from Python) stay visible to every key.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterator
from dataclasses import replace
from functools import partial
from typing import Any

from ..backend.ownership import Ownership
from ..errors import NO_KEY_MESSAGE as NO_KEY_MESSAGE  # the 401's text, where tests have always found it
from ..errors import (
    ApiError,
    file_batch_not_found,
    incorrect_api_key,
    not_found,
    unauthorized_no_key,
    vector_store_file_not_found,
)
from .handler_context import Call, Handler, RawBody
from .stream import EventStream
from .wire import ApiRequest

# Path parameters naming an object a key may own, and the kind of object (as ``errors.not_found`` names it).
PATH_KINDS = {
    "assistant_id": "assistant",
    "thread_id": "thread",
    "run_id": "run",
    "message_id": "message",
    "step_id": "step",
    "file_id": "file",
    "vector_store_id": "vector_store",
    "batch_id": "batch",
}
# Body fields that refer to an existing object: another key's object is as absent as in a path.
BODY_KINDS = {
    "assistant_id": "assistant",
    "thread_id": "thread",
    "file_id": "file",
    "file_ids": "file",
    "vector_store_id": "vector_store",
    "vector_store_ids": "vector_store",
}

Result = dict[str, Any] | RawBody | EventStream


def unauthorized_wrong_key(key: str) -> ApiError:
    return incorrect_api_key(masked(key))


def masked(key: str) -> str:
    """A key as the real 401 shows it: the first 8 and last 4 characters, a ``*`` for each one between.

    Observed: ``sk-zhj0s***************************************CMuq`` (51 characters), ``YOUR_OPE***_KEY`` (15),
    and short keys (``kk``, ``sk-xxxxxx``) shown whole. Keys of 12 characters or fewer are shown whole here.
    """
    if len(key) <= 12:
        return key
    return key[:8] + "*" * (len(key) - 12) + key[-4:]


def request_key(request: ApiRequest) -> str | None:
    """The API key of a request: ``Authorization: Bearer KEY``, or Basic auth with a blank user and KEY as password."""
    header = request.headers.get("authorization")
    if not header:
        return None
    scheme, _, credentials = header.strip().partition(" ")
    credentials = credentials.strip()
    if scheme.lower() == "bearer":
        return credentials or None
    if scheme.lower() == "basic":
        try:
            user, _, password = base64.b64decode(credentials, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None
        return password if not user and password else None
    return None


class Auth:
    """The keys the emulator accepts, and which key owns which object.

    Attributes:
        api_keys: the accepted keys; ``None`` (default) accepts any non-empty key.
        isolate: hide each key's objects from every other key (ownership is recorded whether or not it is on).
    """

    def __init__(self) -> None:
        self.api_keys: frozenset[str] | None = None
        self.isolate = False

    def admit(self, request: ApiRequest) -> str:
        """The request's key, or the real 401 when it has none or one that is not accepted."""
        key = request_key(request)
        if key is None:
            raise unauthorized_no_key()
        if self.api_keys is not None and key not in self.api_keys:
            raise unauthorized_wrong_key(key)
        return key

    def serve(self, key: str, handler: Handler, call: Call) -> Result:
        """Run ``handler`` with ``key`` acting: foreign ids are absent, new objects are the key's, lists are its."""
        ownership = call.backend.ownership
        if self.isolate:
            if not call.params:  # a top-level list pages through the caller's objects only, in one walk
                call = replace(call, visible=partial(ownership.visible, key))
            _check_path(ownership, key, call.params)
            _check_body(ownership, key, call)
        previous, ownership.actor = ownership.actor, key  # objects created meanwhile are the key's
        try:
            return handler(call)
        finally:
            ownership.actor = previous


def _foreign(ownership: Ownership, key: str, object_id: object) -> bool:
    return isinstance(object_id, str) and not ownership.visible(key, object_id)


def _check_path(ownership: Ownership, key: str, params: dict[str, str]) -> None:
    for name, value in params.items():
        kind = PATH_KINDS.get(name)
        if kind is not None and _foreign(ownership, key, value):
            raise _absent(kind, value, params)


def _check_body(ownership: Ownership, key: str, call: Call) -> None:
    """Every id the body refers to (parsed once, the handler reads the same parse); bad JSON is the handler's."""
    for kind, value in _references(call.document):
        if _foreign(ownership, key, value):
            raise not_found(kind, value)


def _absent(kind: str, object_id: str, params: dict[str, str]) -> ApiError:
    if kind == "batch":
        return file_batch_not_found(object_id)
    if kind == "file" and "vector_store_id" in params:
        return vector_store_file_not_found(params["vector_store_id"], object_id)
    return not_found(kind, object_id)


def _references(value: Any) -> Iterator[tuple[str, str]]:
    """Every ``(kind, id)`` a JSON value refers to through the fields of :data:`BODY_KINDS`, depth first."""
    if isinstance(value, dict):
        for name, item in value.items():
            if name == "metadata":
                continue  # the caller's own strings, whatever their keys
            kind = BODY_KINDS.get(name)
            if kind is not None and isinstance(item, str):
                yield kind, item
            elif kind is not None and isinstance(item, list):
                yield from ((kind, entry) for entry in item if isinstance(entry, str))
            else:
                yield from _references(item)
    elif isinstance(value, list):
        for item in value:
            yield from _references(item)

"""Echoed fields: the request fields an object stores as they were sent, found by name, not listed.

A field a create request and its stored object share is echoed: the object keeps the request's value (or, when the
request left it out, the object's own default), unless the object *derives* it (from the assistant, from other
fields, with a default the API filled in). Echoing a new field is then one line in the request model, one in the
stored model and one in the object's field table (``api/serialize.py``): the "how to add a field" checklist of
``docs/architecture.md``.
"""

from __future__ import annotations

from dataclasses import fields
from functools import cache
from typing import Any

from pydantic import BaseModel


@cache
def echoed_names(request: type[BaseModel], stored: type, derived: frozenset[str]) -> tuple[str, ...]:
    """The fields ``stored`` (a dataclass) keeps from ``request`` as sent: every field both have, but ``derived``."""
    kept = {item.name for item in fields(stored)}
    return tuple(name for name in request.model_fields if name in kept and name not in derived)


def echoed(request: BaseModel, stored: type, derived: frozenset[str]) -> dict[str, Any]:
    """The echoed values ``request`` gives (those it left as ``None`` are left out: the stored default applies)."""
    names = echoed_names(type(request), stored, derived)
    return {name: value for name in names if (value := getattr(request, name)) is not None}

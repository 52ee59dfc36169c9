"""Fault kinds: what each kind of fault on demand does, one module per kind (see :mod:`.base`).

Every module of this package but ``base`` holds one kind, named ``KIND``; they are found here, so adding a kind is
adding its module (as step kinds are, in ``fake_assistants.steps``). :data:`KINDS` lists them in their ``order``;
:func:`kind_named` finds one by the name documents use (``{"fault": "rate_limit", ...}``).
"""

from __future__ import annotations

import importlib
import pkgutil

from .base import Effect, FaultKind


def _discover() -> tuple[FaultKind, ...]:
    found: list[FaultKind] = []
    for module in pkgutil.iter_modules(__path__):
        if module.name != "base":
            found.append(importlib.import_module(f"{__name__}.{module.name}").KIND)
    return tuple(sorted(found, key=lambda kind: (kind.order, kind.name)))


KINDS: tuple[FaultKind, ...] = _discover()
NAMES: tuple[str, ...] = tuple(kind.name for kind in KINDS)
_BY_NAME: dict[str, FaultKind] = {kind.name: kind for kind in KINDS}


def kind_named(name: object) -> FaultKind | None:
    """The kind called ``name``, or ``None``."""
    return _BY_NAME.get(name) if isinstance(name, str) else None


__all__ = ["KINDS", "NAMES", "Effect", "FaultKind", "kind_named"]

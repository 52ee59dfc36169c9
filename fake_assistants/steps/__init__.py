"""Step kinds: what the emulator knows of each kind of run step, one module per kind (see :mod:`.base`).

Every module of this package but ``base`` holds one kind, named ``KIND``; they are found here, so adding a kind is
adding its module. :data:`KINDS` lists them (in their ``order``); :func:`kind_of` finds a step's kind by its value's
type, :func:`kind_of_call` a stored tool call's by its ``type``.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

from .base import Allowance, Annotation, AnnotationSpec, Events, Player, StepKind


def _discover() -> tuple[StepKind[Any], ...]:
    found: list[StepKind[Any]] = []
    for module in pkgutil.iter_modules(__path__):
        if module.name != "base":
            found.append(importlib.import_module(f"{__name__}.{module.name}").KIND)
    return tuple(sorted(found, key=lambda kind: (kind.order, kind.name)))


KINDS: tuple[StepKind[Any], ...] = _discover()
_BY_VALUE: dict[type, StepKind[Any]] = {kind.value: kind for kind in KINDS}
_BY_CALL: dict[str, StepKind[Any]] = {kind.call_type: kind for kind in KINDS if kind.call_type is not None}


def kind_of(step: object) -> StepKind[Any]:
    """The kind of a turn's step (a ``TypeError`` for a value no kind plays)."""
    found = _BY_VALUE.get(type(step))
    if found is None:
        raise TypeError(f"{step!r} is not a step: a step is one of {', '.join(k.value.__name__ for k in KINDS)}")
    return found


def kind_of_call(call_type: str) -> StepKind[Any]:
    """The kind that writes tool calls of ``type`` ``call_type``."""
    return _BY_CALL[call_type]


__all__ = [
    "KINDS",
    "Allowance",
    "Annotation",
    "AnnotationSpec",
    "Events",
    "Player",
    "StepKind",
    "kind_of",
    "kind_of_call",
]

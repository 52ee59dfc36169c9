"""What a handler receives: the parsed request, the backend, and the request's single "now"."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel

from ..backend.state import Backend
from .validation import parse_body, validate

ModelT = TypeVar("ModelT", bound=BaseModel)


@dataclass(frozen=True)
class Call:
    backend: Backend
    now: int
    params: dict[str, str]
    query: tuple[tuple[str, str], ...]
    body: bytes

    def json(self, model: type[ModelT]) -> ModelT:
        return parse_body(model, self.body)

    def query_as(self, model: type[ModelT]) -> ModelT:
        return validate(model, dict(self.query), strict=False)


Handler = Callable[[Call], dict[str, Any]]

"""What a handler receives: the parsed request, the backend, and the request's single "now"."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel

from ..backend.state import Backend
from ..schemas.validation import parse_body, validate

if TYPE_CHECKING:
    from .stream import EventStream

ModelT = TypeVar("ModelT", bound=BaseModel)


@dataclass(frozen=True)
class Call:
    backend: Backend
    now: int
    params: dict[str, str]
    query: tuple[tuple[str, str], ...]
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names

    def json(self, model: type[ModelT]) -> ModelT:
        return parse_body(model, self.body)

    def query_as(self, model: type[ModelT]) -> ModelT:
        return validate(model, dict(self.query), strict=False)


@dataclass(frozen=True)
class RawBody:
    """A response that is not JSON: a file's bytes, with their content type."""

    content: bytes
    content_type: str = "application/octet-stream"


Handler = Callable[[Call], "dict[str, Any] | RawBody | EventStream"]

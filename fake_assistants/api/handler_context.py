"""What a handler receives (:class:`Call`: the parsed request, the backend, the request's single "now", and what the
caller may see), what a handler may answer besides a JSON object, and the handler type."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel

from ..backend.index import Order
from ..backend.models import JsonDict
from ..backend.pagination import Page, page_of
from ..backend.state import Backend
from ..schemas.requests import ListQuery
from ..schemas.validation import parse_body, validate
from .serialize import Item, list_wire
from .wire import ApiRequest

if TYPE_CHECKING:
    from .stream import EventStream

ModelT = TypeVar("ModelT", bound=BaseModel)


@dataclass
class Call:
    backend: Backend
    now: int
    params: dict[str, str]
    query: tuple[tuple[str, str], ...]
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names
    # The ids a top-level list may show (per-key isolation, set by ``api/auth.py``); ``None``: all of them.
    visible: Callable[[str], bool] | None = None
    source: ApiRequest | None = field(default=None, repr=False, compare=False)  # the request, as the router got it

    @property
    def document(self) -> Any:
        """The JSON object of the body, parsed once on the whole path (``ApiRequest.document``): the rate limits,
        the faults, the key isolation's id checks and the handler read one parse; ``None`` when the body is not one
        (the handler's :meth:`json` then answers the real 400)."""
        if self.source is None:
            self.source = ApiRequest("POST", "", body=self.body)
        return self.source.document

    def json(self, model: type[ModelT]) -> ModelT:
        document = self.document
        if isinstance(document, dict):
            return validate(model, document)
        return parse_body(model, self.body)

    def query_as(self, model: type[ModelT]) -> ModelT:
        """The query as ``model`` (a frozen one: the same short query of the same model is validated once)."""
        query = self.query
        if len(query) <= KEPT_QUERY_PAIRS and all(len(value) <= KEPT_QUERY_VALUE for _, value in query):
            kept: ModelT = _query_as(model, query)
            return kept
        return validate(model, dict(query), strict=False)

    def list_page(
        self, index: Order, lookup: Callable[[str], Item], query: ListQuery, to_wire: Callable[[Item], JsonDict]
    ) -> JsonDict:
        """One page of the ids in ``index`` the caller may see (see ``backend/pagination.page_of``), each written."""
        page = page_of(
            index, order=query.order, limit=query.limit, after=query.after, before=query.before, visible=self.visible
        )
        return list_wire(Page([lookup(item_id) for item_id in page.data], page.has_more), to_wire)


KEPT_QUERY_PAIRS, KEPT_QUERY_VALUE = 6, 80  # the queries whose validation is kept: a cursor, a limit, an order...


@lru_cache(maxsize=512)
def _query_as(model: type[ModelT], query: tuple[tuple[str, str], ...]) -> ModelT:
    """A list's query, validated (a refusal is raised, never kept): suites list with the same few queries."""
    return validate(model, dict(query), strict=False)


@dataclass(frozen=True)
class RawBody:
    """A response that is not JSON: a file's bytes, with their content type."""

    content: bytes
    content_type: str = "application/octet-stream"


Handler = Callable[[Call], "dict[str, Any] | RawBody | EventStream"]

"""One row of the route table: a method and path template, the spec's operationId, and its handler (if any)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .call import Handler


@dataclass(frozen=True)
class Route:
    method: str
    template: str
    operation_id: str
    handler: Handler | None = None
    pattern: re.Pattern[str] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", self.template)
        object.__setattr__(self, "pattern", re.compile(f"^{regex}$"))

    @property
    def needs_beta_header(self) -> bool:
        return not self.template.startswith("/files")

"""The front door every transport knocks on: the control API, the request log, then the API router."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .api.auth import request_key
from .api.validating import Handles
from .api.wire import ApiRequest, ApiResponse
from .control import handle_control, is_control
from .inspector.journal import Journal

if TYPE_CHECKING:
    from .emulator import FakeAssistants


@dataclass(frozen=True)
class LoggedRequest:
    """One API request the emulator served (control requests are not logged)."""

    method: str
    path: str
    status: int
    request_id: str | None
    key: str | None = field(default=None, repr=False, compare=False)  # who sent it: scopes a tenant's log


class FrontDoor:
    def __init__(self, fake: FakeAssistants, api: Handles) -> None:
        self.fake = fake
        self.api = api
        self.log: list[LoggedRequest] = []
        self.journal = Journal()  # times, operations and bodies, for the inspector

    def handle(self, request: ApiRequest) -> ApiResponse:
        if is_control(request.path):
            return handle_control(self.fake, request)
        response = self.api.handle(request)
        self.log.append(
            LoggedRequest(
                request.method.upper(),
                request.path,
                response.status,
                response.headers.get("x-request-id"),
                request_key(request),
            )
        )
        self.journal.record(request, response, self.fake.clock.now(), request_key(request))
        return response

"""``cut_stream``: a streamed response stops after ``after_events`` events, with no ``done``, as a dropped socket
does. Only streamed responses match. The run goes on without the client (as the real one did)."""

from __future__ import annotations

from typing import Any

from ...api.wire import Interrupted
from .base import FaultKind, Params, whole


class CutStream(FaultKind):
    name = "cut_stream"
    order = 7
    effect = "cut"
    streams_only = True
    after_write = False

    def params(self, after_events: Any = 3) -> Params:
        return {"after_events": whole("after_events", after_events, minimum=0)}

    def interrupt(self, params: Params) -> Interrupted:
        return Interrupted("disconnect")  # mid-stream: the connection closes


KIND = CutStream()

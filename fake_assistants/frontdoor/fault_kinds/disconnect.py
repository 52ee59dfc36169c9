"""``disconnect``: the connection closes before the response (the SDK retries, then raises
``APIConnectionError``)."""

from __future__ import annotations

from .base import FaultKind, Params


class Disconnect(FaultKind):
    name = "disconnect"
    order = 6
    effect = "interrupt"

    def params(self) -> Params:
        return {}


KIND = Disconnect()

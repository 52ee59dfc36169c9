"""``latency``: serve matching requests ``ms`` milliseconds late (a pair: a seeded pick between the two). On a
``ManualClock`` the emulator's clock moves on instead (whole seconds, the rest carried); otherwise the request
really waits."""

from __future__ import annotations

from typing import Any

from .base import FaultKind, Params, whole

MAX_LATENCY_MS = 60_000  # a minute, as long as a timeout fault may stall: a fault asking for more is refused (400)


class Latency(FaultKind):
    name = "latency"
    order = 8
    effect = "delay"
    after_write = False

    def params(self, ms: Any) -> Params:
        if isinstance(ms, tuple | list):
            if len(ms) != 2:
                raise ValueError("a latency range is [low, high] in milliseconds")
            low, high = (whole("ms", value, minimum=0, maximum=MAX_LATENCY_MS) for value in ms)
            if low > high:
                raise ValueError("a latency range is [low, high] with low <= high")
            return {"ms": [low, high]}
        return {"ms": whole("ms", ms, minimum=0, maximum=MAX_LATENCY_MS)}


KIND = Latency()

"""``timeout``: no answer in time. In-process the transport raises the HTTP library's ``ReadTimeout`` at once; over
HTTP the server stalls until the client hangs up, or ``seconds`` pass (then it answers 504)."""

from __future__ import annotations

from typing import Any

from .base import FaultKind, Params

MAX_STALL_SECONDS = 60.0


class Timeout(FaultKind):
    name = "timeout"
    order = 5
    effect = "interrupt"

    def params(self, seconds: Any = 10.0) -> Params:
        if not isinstance(seconds, int | float) or isinstance(seconds, bool) or not 0 < seconds <= MAX_STALL_SECONDS:
            raise ValueError(f"a timeout fault stalls for more than 0 and at most {MAX_STALL_SECONDS:.0f} seconds")
        return {"seconds": seconds}


KIND = Timeout()

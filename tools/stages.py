"""``make test``'s stages, one after the other: each one's name before it starts, its time when it ends, and a
table of all of them at the end. Stops at the first stage that fails, as make would.

    python3 -m tools.stages lint test-install test-sdk3 test-sdk2

Each stage is a make target (run as ``make <target>``). Standard library only: it runs before any venv exists.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time


def run(stages: list[str], make: str = "make") -> int:
    timings: list[tuple[str, float, int]] = []
    for stage in stages:
        print(f"\n==> {stage}", flush=True)
        started = time.monotonic()
        code = subprocess.call([make, "--no-print-directory", stage])
        timings.append((stage, time.monotonic() - started, code))
        print(f"<== {stage}: {'ok' if code == 0 else f'FAILED (exit {code})'} in {timings[-1][1]:.1f} s", flush=True)
        if code != 0:
            break
    print("\nstage" + " " * 15 + "time  result")
    for stage, seconds, code in timings:
        print(f"{stage:<18} {seconds:6.1f} s  {'ok' if code == 0 else 'FAILED'}")
    not_run = stages[len(timings) :]
    for stage in not_run:
        print(f"{stage:<18}      -    not run")
    return next((code for _, _, code in timings if code != 0), 0)


if __name__ == "__main__":
    raise SystemExit(run(sys.argv[1:], os.environ.get("MAKE", "make")))

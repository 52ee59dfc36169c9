"""Hypothesis strategies for everything a run can do, to test the code that drives the Assistants API
(``pip install 'fake-assistants[hypothesis]'``).

- :func:`turns` and :func:`runs`: stories of runs for an assistant (function-call rounds with schema-valid
  arguments, code and file search steps, messages between steps, every ending), printed as their script file;
- :func:`playing`: a drawn story on an emulator for one example;
- :func:`payloads` and :func:`invalid_payloads`: create and modify requests drawn from the shipped contract, and
  bad ones with the error they get;
- :func:`fault` and :func:`faults`: the faults of ``fake.faults``, for retry paths;
- :func:`json_values`: values that satisfy a JSON Schema.

See ``docs/property-testing.md``.
"""

# ruff: noqa: E402  (the imports follow the check that hypothesis is there)
from __future__ import annotations

EXTRA = "hypothesis"
INSTALL = f"pip install 'fake-assistants[{EXTRA}]'"

try:
    import hypothesis  # noqa: F401
except ImportError as exc:  # pragma: no cover - exercised in a subprocess that blocks the import
    raise ImportError(
        f"fake_assistants.strategies needs hypothesis, which the '{EXTRA}' extra installs: {INSTALL}"
    ) from exc

from .fault_strategies import fault, faults
from .payloads import InvalidPayload, invalid_payloads, payloads
from .schema_values import SchemaError, json_values
from .story import Story, playing
from .tools import Function, Tools, read_tools
from .turn_strategies import ENDINGS, STEP_STRATEGIES, endings, function_arguments, runs, turns

__all__ = [
    "ENDINGS",
    "EXTRA",
    "INSTALL",
    "STEP_STRATEGIES",
    "Function",
    "InvalidPayload",
    "SchemaError",
    "Story",
    "Tools",
    "endings",
    "fault",
    "faults",
    "function_arguments",
    "invalid_payloads",
    "json_values",
    "payloads",
    "playing",
    "read_tools",
    "runs",
    "turns",
]

"""What the strategy tests share: a run context for a set of tools, and the settings of the 1 000-example checks."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hypothesis import HealthCheck, Phase, settings

from fake_assistants.script.context import AssistantView, FileScope, RunContext, frozen

THOUSAND = settings(
    max_examples=1000,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],  # an acceptance check: nothing to shrink when it holds
    suppress_health_check=[HealthCheck.too_slow],
)


def run_context(tools: Sequence[dict[str, Any]], *, parallel_tool_calls: bool = True) -> RunContext:
    """The context of a run with ``tools``, as the run engine checks a turn against it."""
    return RunContext(
        run_id="run_strategies",
        thread_id="thread_strategies",
        assistant=AssistantView("asst_strategies", None, "gpt-4o", None, {}),
        model="gpt-4o",
        instructions="",
        tools=tuple(frozen(tool) for tool in tools),
        tool_choice="auto",
        parallel_tool_calls=parallel_tool_calls,
        metadata={},
        messages=(),
        tool_outputs=(),
        files=FileScope(),
        output_files={},
    )

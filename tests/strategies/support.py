"""What the strategy tests share: a run context for a set of tools, and the settings of the 1 000-example checks."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings

from fake_assistants.script.context import AssistantView, FileScope, RunContext, frozen

THOUSAND = settings(
    max_examples=1000,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],  # an acceptance check: nothing to shrink when it holds
    suppress_health_check=[HealthCheck.too_slow],
)
EXAMPLES = 1000


def for_a_thousand(**strategies: Any) -> Callable[[Callable[..., None]], Callable[[], None]]:
    """``check`` holds for 1 000 drawn examples of ``strategies``: the test fails unless that many ran."""

    def wrap(check: Callable[..., None]) -> Callable[[], None]:
        ran: list[None] = []

        @functools.wraps(check)
        def counted(**drawn: Any) -> None:
            ran.append(None)
            check(**drawn)

        examples = THOUSAND(given(**strategies)(counted))

        def test() -> None:
            examples()
            assert len(ran) >= EXAMPLES

        test.__doc__ = check.__doc__
        return test

    return wrap


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

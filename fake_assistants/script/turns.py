"""Turns: what one run produces. The scripted response engine queues them; the run engine plays them."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_REPLY_TEXT = "This is a default reply from fake_assistants: no scripted turn matched this run."


@dataclass(frozen=True)
class Reply:
    """The run completes with one assistant message holding ``text``."""

    text: str


Turn = Reply

"""Turns: what one run produces. The scripted response engine queues them; the run engine plays them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

DEFAULT_REPLY_TEXT = "This is a default reply from fake_assistants: no scripted turn matched this run."

ErrorCode = Literal["server_error", "rate_limit_exceeded", "invalid_prompt"]
ERROR_CODES: tuple[ErrorCode, ...] = ("server_error", "rate_limit_exceeded", "invalid_prompt")
IncompleteReason = Literal["max_completion_tokens", "max_prompt_tokens"]
INCOMPLETE_REASONS: tuple[IncompleteReason, ...] = ("max_completion_tokens", "max_prompt_tokens")


@dataclass(frozen=True)
class Reply:
    """The run completes with one assistant message holding ``text``."""

    text: str


@dataclass(frozen=True)
class Fail:
    """The run fails with ``last_error = {"code": code, "message": message}``."""

    code: ErrorCode
    message: str


@dataclass(frozen=True)
class Incomplete:
    """The run ends ``incomplete`` with ``incomplete_details = {"reason": reason}``."""

    reason: IncompleteReason


@dataclass(frozen=True)
class Expire:
    """The run expires instead of answering."""


Turn = Reply | Fail | Incomplete | Expire

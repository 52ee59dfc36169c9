"""The settings of one emulator: one frozen object, checked once, read where needed, replaced (never copied by hand)
when one of them changes (``fake.progression = ...``, a restore, a reset with a new seed)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Literal

Progression = Literal["per_read", "immediate", "by_clock", "manual"]
PROGRESSIONS: tuple[Progression, ...] = ("per_read", "immediate", "by_clock", "manual")
SHAPES = ("wire", "spec")
DEFAULT_MAX_UPLOAD_BYTES = 512 * 1024 * 1024  # "Individual files can be up to 512 MB"
DEFAULT_KEEP_REQUESTS = 10_000  # the request log's bound, in requests (None: keep them all)
DEFAULT_KEEP_REQUEST_BYTES = 8 * 1024 * 1024  # and in bytes, with a bound in requests


@dataclass(frozen=True, slots=True)
class Settings:
    """What a ``FakeAssistants(...)`` was told (see its arguments for what each one means)."""

    seed: int = 0
    progression: Progression = "per_read"
    seconds_per_status: int = 1
    strict: bool = False
    stream_chunk_tokens: int = 4
    poll_after_ms: int = 0
    validate_responses: bool = False
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES
    shapes: str = "wire"
    keep_requests: int | None = DEFAULT_KEEP_REQUESTS
    keep_request_bytes: int = DEFAULT_KEEP_REQUEST_BYTES

    def __post_init__(self) -> None:
        check_progression(self.progression)
        if self.shapes not in SHAPES:
            raise ValueError(f"shapes must be one of {SHAPES}, not {self.shapes!r}")
        _check_whole(self.poll_after_ms, 0, "poll_after_ms is a whole number of milliseconds, 0 or more")
        _check_whole(self.seconds_per_status, 1, "seconds_per_status is a whole number of seconds, 1 or more")
        _check_whole(self.stream_chunk_tokens, 1, "stream_chunk_tokens is a whole number of tokens, 1 or more")
        _check_whole(self.max_upload_bytes, 1, "max_upload_bytes is a whole number of bytes, 1 or more")
        if self.keep_requests is not None:
            _check_whole(self.keep_requests, 1, "keep_requests is a whole number of requests, 1 or more, or None")
        _check_whole(self.keep_request_bytes, 1, "keep_request_bytes is a whole number of bytes, 1 or more")


SETTING_NAMES = tuple(item.name for item in fields(Settings))


def check_progression(progression: object) -> None:
    if progression not in PROGRESSIONS:
        raise ValueError(f"progression must be one of {PROGRESSIONS}, not {progression!r}")


def _check_whole(value: object, least: int, message: str) -> None:
    if not isinstance(value, int) or value < least:
        raise ValueError(message)

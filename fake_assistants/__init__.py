"""fake_assistants: an offline, deterministic, stateful emulator of the OpenAI Assistants API v2."""

from .clock import Clock, ManualClock, SystemClock
from .emulator import BASE_URL, FakeAssistants
from .errors import ApiError
from .script import (
    DEFAULT_REPLY_TEXT,
    Annotation,
    Expire,
    Fail,
    Incomplete,
    OutputFile,
    Reply,
    RunContext,
    Script,
    ScriptError,
    Turn,
)
from .transports.inprocess import sdk_http_module
from .world import WorldError

__all__ = [
    "BASE_URL",
    "DEFAULT_REPLY_TEXT",
    "Annotation",
    "ApiError",
    "Clock",
    "Expire",
    "Fail",
    "FakeAssistants",
    "Incomplete",
    "ManualClock",
    "OutputFile",
    "Reply",
    "RunContext",
    "Script",
    "ScriptError",
    "SystemClock",
    "Turn",
    "WorldError",
    "sdk_http_module",
]
__version__ = "0.1.0"

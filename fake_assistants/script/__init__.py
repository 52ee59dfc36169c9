"""The scripted response engine."""

from .context import AssistantView, FileScope, MessageView, RunContext, ToolOutput
from .queued import Matcher, ScriptedTurn, ScriptError
from .script import Responder, Script, ScriptBinding
from .turns import (
    DEFAULT_REPLY_TEXT,
    Annotation,
    CallFunctions,
    Expire,
    Fail,
    FunctionCall,
    Incomplete,
    OutputFile,
    Reply,
    RunCode,
    Say,
    SearchFiles,
    Turn,
)

__all__ = [
    "DEFAULT_REPLY_TEXT",
    "Annotation",
    "AssistantView",
    "CallFunctions",
    "Expire",
    "Fail",
    "FileScope",
    "FunctionCall",
    "Incomplete",
    "Matcher",
    "MessageView",
    "OutputFile",
    "Reply",
    "Responder",
    "RunCode",
    "RunContext",
    "Say",
    "Script",
    "ScriptBinding",
    "ScriptError",
    "ScriptedTurn",
    "SearchFiles",
    "ToolOutput",
    "Turn",
]

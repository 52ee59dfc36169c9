"""Responders backed by a chat model: a run played by any Chat Completions endpoint, and record mode.

See ``docs/models.md``. ``ChatModel`` is the responder; ``prompt`` maps a run to a chat request, ``answer`` maps the
model's answer to a turn, ``endpoint`` talks to the server over plain HTTP, ``recording`` keeps turns by
conversation.
"""

from .answer import CodeExecutor
from .endpoint import ChatAnswer, ChatEndpoint, ChatEndpointError, ChatToolCall, FunctionEndpoint
from .model import ChatModel, ModelConfig
from .prompt import chat_request, conversation_key
from .recording import RECORD_MODES, ModelRecordingError, RecordMode

__all__ = [
    "RECORD_MODES",
    "ChatAnswer",
    "ChatEndpoint",
    "ChatEndpointError",
    "ChatModel",
    "ChatToolCall",
    "CodeExecutor",
    "FunctionEndpoint",
    "ModelConfig",
    "ModelRecordingError",
    "RecordMode",
    "chat_request",
    "conversation_key",
]

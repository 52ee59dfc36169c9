"""The scripted response engine."""

from .engine import Script
from .turns import DEFAULT_REPLY_TEXT, Expire, Fail, Incomplete, Reply, Turn

__all__ = ["DEFAULT_REPLY_TEXT", "Expire", "Fail", "Incomplete", "Reply", "Script", "Turn"]

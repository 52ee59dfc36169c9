"""Server mode: the emulator over real HTTP (starlette + uvicorn), in a thread or from ``fake-assistants serve``."""

from .app import EmulatorApp
from .threaded import ThreadedServer

__all__ = ["EmulatorApp", "ThreadedServer"]

"""The ``openai`` package, asked for by name: what a missing SDK means, said once for every way in.

The emulator itself needs no SDK; its clients, patch mode, the plugin's client fixtures and ``fake-assistants demo``
do. Without it they raise :class:`MissingOpenAIError`, which names the package to install.
"""

from __future__ import annotations

import importlib
from types import ModuleType

INSTALL = "pip install 'fake-assistants[openai]'"
SUPPORTED = "openai>=2,<4"


class MissingOpenAIError(ModuleNotFoundError):
    """``openai`` is not installed, and ``what`` needs it."""

    def __init__(self, what: str) -> None:
        super().__init__(
            f"{what} needs the openai package ({SUPPORTED}), which is not installed: {INSTALL} "
            "(or pip install openai)",
            name="openai",
        )


def require_openai(what: str) -> ModuleType:
    """The ``openai`` module, or :class:`MissingOpenAIError` naming ``what`` needed it."""
    try:
        return importlib.import_module("openai")
    except ModuleNotFoundError as error:
        if error.name != "openai":
            raise
        raise MissingOpenAIError(what) from None

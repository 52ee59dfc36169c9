"""The state file of ``fake-assistants serve --state FILE``: checked at startup, written on an interval and on every
clean stop, always atomically (``FakeAssistants.save_state``: a temporary file beside it, renamed over it).

A server killed outright (SIGKILL, a crash) loses at most the work of one interval.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..emulator import FakeAssistants

DEFAULT_INTERVAL = 30.0
"""Seconds between two writes of the state file while serving (``--save-every``)."""


class StateFileError(Exception):
    """The state file cannot be written; the text names the file and says why."""


class StateFile:
    """Where a served emulator keeps its state. ``interval`` 0: only on a clean stop."""

    def __init__(self, path: str | Path, interval: float = DEFAULT_INTERVAL) -> None:
        self.path = Path(path)
        self.interval = interval
        self._last = time.monotonic()

    def check(self) -> None:
        """Raise :class:`StateFileError` unless the file can be written (its folder exists and takes new files)."""
        folder = self.path.parent
        if self.path.is_dir():
            raise StateFileError(f"cannot write the state file {self.path}: it is a folder")
        if not folder.is_dir():
            raise StateFileError(f"cannot write the state file {self.path}: the folder {folder} does not exist")
        try:
            handle, probe = tempfile.mkstemp(prefix=f".{self.path.name}.", dir=folder)
        except OSError as error:
            raise StateFileError(f"cannot write the state file {self.path}: {error.strerror}") from None
        os.close(handle)
        os.unlink(probe)

    def due(self) -> bool:
        """Whether an interval has passed since the last write."""
        return self.interval > 0 and time.monotonic() - self._last >= self.interval

    def write(self, fake: FakeAssistants) -> None:
        """Write the state now (atomically); a failure is a :class:`StateFileError` naming the file."""
        self._last = time.monotonic()
        try:
            fake.save_state(self.path)
        except OSError as error:
            raise StateFileError(f"cannot write the state file {self.path}: {error.strerror or error}") from None

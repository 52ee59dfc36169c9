"""The backend: all of one emulator's state, behind one lock. It knows nothing of HTTP."""

from __future__ import annotations

import threading
from collections.abc import Callable

from ..clock import Clock
from ..errors import not_found
from ..ids import IdFactory
from ..journal import JDict
from ..script import Script
from .models import Assistant, Message, Progression, Run, RunStep, Thread
from .ownership import Ownership
from .storage import Storage


class Backend:
    def __init__(self, *, seed: int, clock: Clock, progression: Progression) -> None:
        self.seed = seed
        self.ids = IdFactory(seed)
        self.clock = clock
        self.progression: Progression = progression
        self.seconds_per_status = 1  # the by-clock policy's pace
        self.stream_chunk_tokens = 4  # tokens per text delta when streaming (see runs.tokens.pieces)
        self.script = Script()
        self.lock = threading.RLock()
        self.write_fault: Callable[[], None] | None = None  # a test seam: called at every write (journal.Journal)
        # Every registry records its changes in the request's undo journal (see fake_assistants.journal).
        self.assistants: dict[str, Assistant] = JDict()
        self.threads: dict[str, Thread] = JDict()
        self.messages: dict[str, Message] = JDict()
        self.runs: dict[str, Run] = JDict()
        self.steps: dict[str, RunStep] = JDict()
        self.storage = Storage()
        self.ownership = Ownership()  # which key created which object (see backend.ownership)

    def assistant(self, assistant_id: str) -> Assistant:
        found = self.assistants.get(assistant_id)
        if found is None:
            raise not_found("assistant", assistant_id)
        return found

    def thread(self, thread_id: str) -> Thread:
        found = self.threads.get(thread_id)
        if found is None:
            raise not_found("thread", thread_id)
        return found

    def message(self, thread_id: str, message_id: str) -> Message:
        self.thread(thread_id)
        found = self.messages.get(message_id)
        if found is None or found.thread_id != thread_id:
            raise not_found("message", message_id)
        return found

    def run(self, thread_id: str, run_id: str) -> Run:
        self.thread(thread_id)
        found = self.runs.get(run_id)
        if found is None or found.thread_id != thread_id:
            raise not_found("run", run_id)
        return found

"""The backend: all of one emulator's state, behind one lock. It knows nothing of HTTP.

Objects live in dicts by id (O(1) look-ups); each parent's children are also kept in creation order in an
:class:`~.index.OrderedIndex` (lists page by position). The ``put_*`` and ``drop_*`` methods here and in
``file_state.py`` are the only writers of those dicts and indexes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from operator import attrgetter

from ..clock import Clock
from ..errors import not_found
from ..ids import IdFactory
from ..journal import JDict
from ..script import Script
from ..settings import Settings
from .file_state import FileState
from .index import OrderedIndex
from .models import Assistant, Message, Run, RunStep, Thread
from .ownership import Ownership

_ID, _THREAD_ID, _RUN_ID = attrgetter("id"), attrgetter("thread_id"), attrgetter("run_id")
_REGISTRIES = {
    "asst": "assistants",
    "thread": "threads",
    "msg": "messages",
    "run": "runs",
    "step": "steps",
    "file": "files",
    "vs": "vector_stores",
    "vsfb": "batches",
}


class Backend(FileState):
    def __init__(self, settings: Settings, clock: Clock) -> None:
        self.settings = settings  # frozen: a change replaces it whole
        self.ids = IdFactory(settings.seed)
        self.clock = clock
        self.script = Script(strict=settings.strict)
        self.lock = threading.RLock()
        self.write_fault: Callable[[], None] | None = None  # a test seam: called at every write (journal.Journal)
        # Every registry records its changes in the request's undo journal (see fake_assistants.journal); the
        # indexes beside them (backend/index.py) journal their own.
        self.assistants: dict[str, Assistant] = JDict()
        self.assistant_order = OrderedIndex()
        self.threads: dict[str, Thread] = JDict()
        self.messages: dict[str, Message] = JDict()
        self.runs: dict[str, Run] = JDict()
        self.steps: dict[str, RunStep] = JDict()
        # thread id -> (how many of its first messages are settled, the last of them, their tokens): what a run's
        # prompt counts, kept as the thread grows (runs/play.py: thread_tokens). Not state: a restore starts it anew.
        self.thread_tokens: dict[str, tuple[int, str, int]] = JDict()
        FileState.__init__(self)  # the files half: files, vector stores and their files and batches
        self.ownership = Ownership()  # which key created which object (see backend.ownership)
        self.ids.taken = self.holds  # a seeded id never repeats a given one (a world file's)

    def holds(self, prefix: str, object_id: str) -> bool:
        """Whether an object of the kind ``prefix`` names (``asst``, ``file``, ...) has this id."""
        registry = _REGISTRIES.get(prefix)
        return registry is not None and object_id in getattr(self, registry)

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

    def active_run_candidate(self, thread: Thread) -> Run | None:
        """The thread's newest run: the only one that can still be active (a run is refused while one is)."""
        newest = thread.run_ids.last()
        return None if newest is None else self.runs[newest]

    # --- the write primitives: every change to the dicts and indexes above ----------------------------------

    def put_assistant(self, assistant: Assistant) -> None:
        self.assistants[assistant.id] = assistant
        self.assistant_order.add(assistant.id)

    def drop_assistant(self, assistant_id: str) -> None:
        del self.assistants[assistant_id]
        self.assistant_order.remove(assistant_id)

    def put_thread(self, thread: Thread) -> None:
        self.threads[thread.id] = thread

    def drop_thread(self, thread_id: str) -> None:
        """The thread with its messages, runs and steps."""
        thread = self.threads.pop(thread_id)
        self.thread_tokens.pop(thread_id, None)
        for message_id in thread.message_ids:
            del self.messages[message_id]
        for run_id in thread.run_ids:
            for step_id in self.runs.pop(run_id).step_ids:
                del self.steps[step_id]

    def put_message(self, message: Message) -> None:
        self.messages[message.id] = message
        self.threads[message.thread_id].message_ids.add(message.id, message.run_id)

    def put_messages(self, messages: list[Message]) -> None:
        """Many messages at once, oldest first (restoring a state file): the same as ``put_message`` on each."""
        ids = list(map(_ID, messages))
        self.messages.update(zip(ids, messages, strict=True))
        thread_ids = list(map(_THREAD_ID, messages))
        run_ids = list(map(_RUN_ID, messages))
        if len(set(thread_ids)) == 1:  # one thread (a long conversation): no grouping by thread
            self.threads[thread_ids[0]].message_ids.add_many(list(zip(ids, run_ids, strict=True)))
            return
        by_thread: dict[str, list[tuple[str, str | None]]] = {}
        for entry in zip(thread_ids, ids, run_ids, strict=True):
            by_thread.setdefault(entry[0], []).append(entry[1:])
        for thread_id, entries in by_thread.items():
            self.threads[thread_id].message_ids.add_many(entries)

    def drop_message(self, message: Message) -> None:
        self.threads[message.thread_id].message_ids.remove(message.id)
        del self.messages[message.id]

    def put_run(self, run: Run) -> None:
        self.runs[run.id] = run
        self.threads[run.thread_id].run_ids.add(run.id)

    def put_step(self, step: RunStep) -> None:
        self.steps[step.id] = step
        self.runs[step.run_id].step_ids.add(step.id)

"""The emulator's stored objects. Plain dataclasses holding JSON-ready values; the api layer serializes them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from ..journal import JDict, JList, Journaled, journaled_dataclass
from ..schemas.file_requests import AUTO_CHUNK_TOKENS, AUTO_OVERLAP_TOKENS, AttributeValue
from ..script.context import ToolOutput
from ..script.script import ResponderEntry
from ..script.turns import Turn
from ..settings import Progression
from .index import OrderedIndex

JsonDict = dict[str, Any]

RunStatus = Literal[
    "queued",
    "in_progress",
    "requires_action",
    "cancelling",
    "cancelled",
    "failed",
    "completed",
    "incomplete",
    "expired",
]


# Shared empty containers and interned constants, so that a short message costs little (see docs/performance.md).
# A stored object never changes these containers in place: a modify replaces its metadata whole, and nothing adds
# to a stored message's attachments or to a user message's annotations. ``tests/api/test_lean_objects.py`` checks.
# They are journaled containers already, so a model's ``__setattr__`` keeps them (it copies a plain one).
NO_METADATA: dict[str, str] = JDict()
NO_ATTACHMENTS: list[JsonDict] = JList()
NO_ANNOTATIONS: list[JsonDict] = JList()
ROLES: dict[str, Literal["user", "assistant"]] = {"user": "user", "assistant": "assistant"}

@journaled_dataclass
class Assistant(Journaled):
    id: str
    created_at: int
    model: str
    name: str | None = None
    description: str | None = None
    instructions: str | None = None
    tools: list[JsonDict] = field(default_factory=list)
    tool_resources: JsonDict = field(default_factory=dict)
    metadata: dict[str, str] = field(default_factory=dict)
    temperature: float | None = 1.0
    top_p: float | None = 1.0
    response_format: Any = "auto"
    reasoning_effort: str | None = None


@journaled_dataclass
class Thread(Journaled):
    id: str
    created_at: int
    metadata: dict[str, str] = field(default_factory=dict)
    tool_resources: JsonDict = field(default_factory=dict)
    # Creation-ordered ids of the thread's messages (tagged by their run) and runs: see ``backend/index.py``.
    message_ids: OrderedIndex = field(default_factory=OrderedIndex)
    run_ids: OrderedIndex = field(default_factory=OrderedIndex)


@journaled_dataclass
class Message(Journaled):
    id: str
    created_at: int
    thread_id: str
    role: Literal["user", "assistant"]
    content: list[JsonDict]
    assistant_id: str | None = None
    run_id: str | None = None
    attachments: list[JsonDict] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)
    status: Literal["in_progress", "incomplete", "completed"] = "completed"
    completed_at: int | None = None
    incomplete_at: int | None = None
    incomplete_details: JsonDict | None = None


@journaled_dataclass
class Usage(Journaled):
    prompt_tokens: int
    completion_tokens: int

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


@journaled_dataclass
class Run(Journaled):
    id: str
    created_at: int
    thread_id: str
    assistant_id: str
    model: str
    instructions: str | None  # None when neither the assistant nor the run sets any (the real API sent null)
    tools: list[JsonDict]
    expires_at: int | None
    status: RunStatus = "queued"
    metadata: dict[str, str] = field(default_factory=dict)
    temperature: float | None = 1.0
    top_p: float | None = 1.0
    max_prompt_tokens: int | None = None
    max_completion_tokens: int | None = None
    truncation_strategy: JsonDict = field(default_factory=lambda: {"type": "auto", "last_messages": None})
    tool_choice: Any = "auto"
    parallel_tool_calls: bool = True
    response_format: Any = "auto"
    reasoning_effort: str | None = None
    required_action: JsonDict | None = None
    last_error: JsonDict | None = None
    started_at: int | None = None
    cancelled_at: int | None = None
    failed_at: int | None = None
    completed_at: int | None = None
    incomplete_details: JsonDict | None = None
    usage: Usage | None = None
    tool_resources: JsonDict = field(default_factory=dict)  # the run's own (create-and-run), on top of the others
    # Not on the wire: how the run plays out.
    step_ids: OrderedIndex = field(default_factory=OrderedIndex)
    turn: Turn | None = None  # taken from the script when the run starts
    turn_position: int = 0  # the index of the turn's next tool step
    responder: ResponderEntry | None = None  # asked again when the turn ends open after tool outputs
    tool_outputs: list[ToolOutput] = field(default_factory=list)
    waiting_step_id: str | None = None  # the function-call step waiting for tool outputs
    opened_step_id: str | None = None  # the step opened as the run started, shown in_progress until it is played
    output_files: dict[str, str] = field(default_factory=dict)  # name -> id of the files its code produced
    progression: Progression | None = None  # this run's policy, over the emulator's
    moved_at: int = 0  # when the status last changed (the by-clock policy counts from here)
    streaming: bool = False  # a stream is playing this run: reads and the clock leave it alone


@journaled_dataclass
class RunStep(Journaled):
    id: str
    created_at: int
    run_id: str
    thread_id: str
    assistant_id: str
    type: Literal["message_creation", "tool_calls"]
    step_details: JsonDict
    status: Literal["in_progress", "cancelled", "failed", "completed", "expired"] = "in_progress"
    last_error: JsonDict | None = None
    expired_at: int | None = None
    cancelled_at: int | None = None
    failed_at: int | None = None
    completed_at: int | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    usage: Usage | None = None


# --- files and vector stores ---------------------------------------------------------------------------------

VectorStoreFileStatus = Literal["in_progress", "completed", "cancelled", "failed"]
FILE_STATUSES: tuple[VectorStoreFileStatus, ...] = ("in_progress", "completed", "cancelled", "failed")



@journaled_dataclass
class StoredFile(Journaled):
    id: str
    created_at: int
    filename: str
    purpose: str
    content: bytes
    expires_at: int | None = None

    @property
    def size(self) -> int:
        return len(self.content)


@journaled_dataclass
class VectorStoreFile(Journaled):
    id: str  # the file's id: a file appears at most once in a store
    vector_store_id: str
    created_at: int
    size: int  # the file's bytes, counted in usage_bytes once the file is completed
    max_chunk_size_tokens: int = AUTO_CHUNK_TOKENS
    chunk_overlap_tokens: int = AUTO_OVERLAP_TOKENS
    attributes: dict[str, AttributeValue] = field(default_factory=dict)
    status: VectorStoreFileStatus = "in_progress"
    batch_id: str | None = None
    index: IndexedChunks | None = field(default=None, repr=False, compare=False)  # the search's cache

    @property
    def usage_bytes(self) -> int:
        return self.size if self.status == "completed" else 0


@dataclass(frozen=True)
class IndexedChunks:
    """A vector store file's chunks and their term counts, computed once (a file's bytes never change)."""

    texts: tuple[str, ...]
    counts: tuple[Counter[str], ...]


@dataclass(frozen=True, slots=True)
class FileCounts:
    in_progress: int = 0
    completed: int = 0
    cancelled: int = 0
    failed: int = 0

    @property
    def total(self) -> int:
        return self.in_progress + self.completed + self.cancelled + self.failed

    @classmethod
    def of(cls, files: Iterable[VectorStoreFile]) -> FileCounts:
        tally = dict.fromkeys(FILE_STATUSES, 0)
        for item in files:
            tally[item.status] += 1
        return cls(**tally)

    @classmethod
    def of_index(cls, index: OrderedIndex) -> FileCounts:
        """The counts of an index of files tagged by status: O(1)."""
        return cls(*(index.count(status) for status in ("in_progress", "completed", "cancelled", "failed")))


@journaled_dataclass
class VectorStore(Journaled):
    id: str
    created_at: int
    last_active_at: int
    name: str | None = None  # null when never given, as the real API sent it
    description: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    expires_after: dict[str, Any] | None = None  # {"anchor": "last_active_at", "days": n}
    files: dict[str, VectorStoreFile] = field(default_factory=dict)
    # Kept by the write primitives of FileState: creation order tagged by status, the batches, the completed bytes.
    order: OrderedIndex = field(default_factory=OrderedIndex, repr=False, compare=False)
    batch_ids: list[str] = field(default_factory=list, repr=False, compare=False)
    usage_bytes: int = field(default=0, repr=False, compare=False)

    def counts(self) -> FileCounts:
        return FileCounts.of_index(self.order)

    @property
    def expires_at(self) -> int | None:
        if self.expires_after is None:
            return None
        return self.last_active_at + int(self.expires_after["days"]) * 86_400

    def status(self, now: int) -> Literal["expired", "in_progress", "completed"]:
        expires_at = self.expires_at
        if expires_at is not None and now >= expires_at:
            return "expired"
        return "in_progress" if self.counts().in_progress else "completed"


@journaled_dataclass
class FileBatch(Journaled):
    id: str
    vector_store_id: str
    created_at: int
    cancelled: bool = False
    files: OrderedIndex = field(default_factory=OrderedIndex, repr=False, compare=False)  # tagged by status

"""Atomic requests: a request applies completely or changes nothing, whatever fails inside it, our own bugs included.

The backend's write primitives (``fake_assistants.journal``) call a fault hook before every write. For every
mutating operation, the test makes the 1st write fail, then the 2nd, and so on until the operation runs through
untouched; each failed attempt must answer a 500 envelope and leave the whole state (every object, the id streams,
the script's queue, who owns what) exactly as it was.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import openai
import pytest

from fake_assistants import FakeAssistants
from fake_assistants.api import routes
from fake_assistants.api.router import Router
from fake_assistants.api.routes import Route
from fake_assistants.clock import ManualClock
from fake_assistants.journal import JDict, JList, transaction

KEY = "sk-atomic-00000000000"


class Fault:
    """Raises at the ``at``-th write (0-based) it is called for, once."""

    def __init__(self, at: int) -> None:
        self.at = at
        self.seen = 0

    def __call__(self) -> None:
        self.seen += 1
        if self.seen == self.at + 1:
            raise RuntimeError(f"injected fault at write {self.at}")


def state(fake: FakeAssistants) -> Any:
    document = fake.snapshot()
    document["ids"] = {kind: count for kind, count in document["ids"].items() if kind != "req"}
    backend = fake._backend
    consumed = [(entry.run_id, entry.turn) for entry in backend.script.consumed]
    return document, dict(backend.ownership.owners), consumed


def prove_atomic(fake: FakeAssistants, name: str, operation: Callable[[], Any]) -> int:
    """Fail ``operation`` at each of its writes in turn; returns how many writes it makes."""
    at = 0
    while True:
        before = copy.deepcopy(state(fake))
        fault = Fault(at)
        fake._backend.write_fault = fault
        try:
            operation()
        except openai.InternalServerError as error:
            assert fault.seen > at, f"{name}: a 500 with no injected fault: {error}"
            assert "injected fault" in error.message
            assert state(fake) == before, f"{name}: a failure at write {at} left a change behind"
            at += 1
            continue
        finally:
            fake._backend.write_fault = None
        assert fault.seen <= at, f"{name}: the fault at write {at} was swallowed"
        return at


def test_every_mutating_operation_is_atomic_at_every_write() -> None:
    fake = FakeAssistants(seed=9, clock=ManualClock(), progression="immediate", validate_responses=False)
    fake.isolate_keys()  # ownership is written too
    c = fake.client(api_key=KEY, max_retries=0)
    weather: Any = {"type": "function", "function": {"name": "weather", "parameters": {"type": "object"}}}
    ids: dict[str, Any] = {}
    helper: Any = {"file_search": {"vector_stores": [{"file_ids": []}]}}

    def attach(file_id: str) -> Any:
        return [{"file_id": file_id, "tools": [{"type": "file_search"}]}]

    operations: list[tuple[str, Callable[[], Any]]] = [
        (
            "createFile",
            lambda: ids.setdefault("file", c.files.create(file=("a.txt", b"alpha beta"), purpose="assistants")),
        ),
        (
            "createFile2",
            lambda: ids.setdefault("file2", c.files.create(file=("b.txt", b"gamma"), purpose="assistants")),
        ),
        (
            "createVectorStore",
            lambda: ids.setdefault("store", c.vector_stores.create(name="s", file_ids=[ids["file"].id])),
        ),
        ("modifyVectorStore", lambda: c.vector_stores.update(ids["store"].id, name="renamed", metadata={"k": "v"})),
        ("createVectorStoreFile", lambda: c.vector_stores.files.create(ids["store"].id, file_id=ids["file2"].id)),
        (
            "updateVectorStoreFileAttributes",
            lambda: c.vector_stores.files.update(ids["file2"].id, vector_store_id=ids["store"].id, attributes={"a": 1}),
        ),
        (
            "deleteVectorStoreFile",
            lambda: c.vector_stores.files.delete(ids["file2"].id, vector_store_id=ids["store"].id),
        ),
        (
            "createVectorStoreFileBatch",
            lambda: ids.setdefault(
                "batch", c.vector_stores.file_batches.create(ids["store"].id, file_ids=[ids["file2"].id])
            ),
        ),
        (
            "cancelVectorStoreFileBatch",
            lambda: c.vector_stores.file_batches.cancel(ids["batch"].id, vector_store_id=ids["store"].id),
        ),
        ("searchVectorStore", lambda: c.vector_stores.search(ids["store"].id, query="alpha")),
        (
            "createAssistant",
            lambda: ids.setdefault(
                "assistant",
                c.beta.assistants.create(
                    model="gpt-4o", tools=[weather, {"type": "file_search"}], tool_resources=helper
                ),
            ),
        ),
        ("modifyAssistant", lambda: c.beta.assistants.update(ids["assistant"].id, name="n", tool_resources=helper)),
        (
            "createThread",
            lambda: ids.setdefault(
                "thread",
                c.beta.threads.create(
                    messages=[{"role": "user", "content": "hi", "attachments": attach(ids["file"].id)}],
                    tool_resources=helper,
                ),
            ),
        ),
        ("modifyThread", lambda: c.beta.threads.update(ids["thread"].id, metadata={"k": "v"})),
        (
            "createMessage",
            lambda: ids.setdefault(
                "message",
                c.beta.threads.messages.create(
                    ids["thread"].id, role="user", content="more", attachments=attach(ids["file2"].id)
                ),
            ),
        ),
        (
            "modifyMessage",
            lambda: c.beta.threads.messages.update(ids["message"].id, thread_id=ids["thread"].id, metadata={"m": "1"}),
        ),
        ("deleteMessage", lambda: c.beta.threads.messages.delete(ids["message"].id, thread_id=ids["thread"].id)),
        (
            "createRun",
            lambda: ids.setdefault(
                "run",
                c.beta.threads.runs.create(
                    thread_id=ids["thread"].id,
                    assistant_id=ids["assistant"].id,
                    additional_messages=[{"role": "user", "content": "weather?"}],
                ),
            ),
        ),
        (
            "modifyRun",
            lambda: c.beta.threads.runs.update(ids["run"].id, thread_id=ids["thread"].id, metadata={"r": "1"}),
        ),
        (
            "submitToolOutputs",
            lambda: c.beta.threads.runs.submit_tool_outputs(
                ids["run"].id,
                thread_id=ids["thread"].id,
                tool_outputs=[{"tool_call_id": ids["call"], "output": "sunny"}],
            ),
        ),
        (
            "createThreadAndRun",
            lambda: ids.setdefault(
                "thread_run",
                c.beta.threads.create_and_run(
                    assistant_id=ids["assistant"].id,
                    thread={"messages": [{"role": "user", "content": "q"}], "tool_resources": helper},
                ),
            ),
        ),
        ("cancelRun", lambda: c.beta.threads.runs.cancel(ids["thread_run"].id, thread_id=ids["thread_run"].thread_id)),
        (
            "retrieveRun (a read that moves a run)",
            lambda: c.beta.threads.runs.retrieve(ids["thread_run"].id, thread_id=ids["thread_run"].thread_id),
        ),
        ("deleteThread", lambda: c.beta.threads.delete(ids["thread"].id)),
        ("deleteAssistant", lambda: c.beta.assistants.delete(ids["assistant"].id)),
        ("deleteVectorStore", lambda: c.vector_stores.delete(ids["store"].id)),
        ("deleteFile", lambda: c.files.delete(ids["file"].id)),
    ]
    writes: dict[str, int] = {}
    for name, operation in operations:
        if name == "createVectorStoreFileBatch":
            fake.progression = "manual"  # in progress, so that it can be cancelled
        if name == "searchVectorStore":
            fake.progression = "immediate"
        if name == "createRun":
            fake.script.call_function("weather", {"city": "Paris"}).then_reply("Sunny in Paris.")
        if name == "createThreadAndRun":
            fake.progression = "manual"  # leave it active, for cancel and a moving read
        if name.startswith("retrieveRun"):
            fake.progression = "per_read"
        writes[name] = prove_atomic(fake, name, operation)
        if name == "createRun":
            run = ids["run"]
            assert run.status == "requires_action" and run.required_action is not None
            ids["call"] = run.required_action.submit_tool_outputs.tool_calls[0].id
    assert fake.client(api_key=KEY).beta.threads.messages.list(ids["thread_run"].thread_id).data
    silent = [name for name, count in writes.items() if count == 0 and name != "searchVectorStore"]
    assert silent == [], f"operations that wrote nothing, so proved nothing: {silent}"


def test_the_journal_undoes_every_primitive() -> None:
    registry: JDict[str, Any] = JDict({"kept": 1, "gone": 2})
    items: JList[int] = JList([1, 2, 3])
    with pytest.raises(RuntimeError), transaction():
        registry["new"] = 3
        registry["kept"] = 10
        del registry["gone"]
        registry.pop("kept")
        registry.setdefault("other", 4)
        items.append(4)
        items.extend([5, 6])
        items.insert(0, 0)
        items.remove(2)
        items.pop()
        items[1] = 9
        items.sort(reverse=True)
        raise RuntimeError("fail")
    assert registry == {"kept": 1, "gone": 2} and list(registry) == ["kept", "gone"]
    assert items == [1, 2, 3]
    with transaction():
        items.append(4)
    assert items == [1, 2, 3, 4]  # a transaction that ends well keeps everything


def test_a_restored_emulator_is_just_as_atomic() -> None:
    source = FakeAssistants(seed=2, clock=ManualClock(), validate_responses=False)
    source.client().beta.assistants.create(model="gpt-4o")
    fake = FakeAssistants.restore(source.snapshot(), clock=ManualClock(), validate_responses=False)
    c = fake.client(max_retries=0)
    count = prove_atomic(
        fake, "createThread", lambda: c.beta.threads.create(messages=[{"role": "user", "content": "hi"}])
    )
    assert count > 0


def test_a_late_failure_in_create_thread_and_run_leaves_no_store_behind() -> None:
    """Issue 15: a createThreadAndRun that failed after a helper had made its vector store left the store behind."""
    fake = FakeAssistants(seed=4, clock=ManualClock(), validate_responses=False)
    c = fake.client(max_retries=0)
    assistant = c.beta.assistants.create(model="gpt-4o", instructions="Be brief.")  # a run needs one or a message
    before = copy.deepcopy(state(fake))
    thread: Any = {"tool_resources": {"file_search": {"vector_stores": [{"file_ids": []}]}}}
    with pytest.raises(openai.NotFoundError):
        c.beta.threads.create_and_run(
            assistant_id=assistant.id,
            thread=thread,
            tool_resources={"file_search": {"vector_store_ids": ["vs_unknown"]}},
        )
    assert state(fake) == before


def test_the_operations_served_without_the_journal_write_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reads that change nothing skip the undo journal (issue 26). Each is served here inside a journal anyway, in
    the state most likely to make a read write: keys isolated, a run waiting to move with the next read."""
    fake = FakeAssistants(seed=4, clock=ManualClock(), progression="per_read")
    fake.isolate_keys()
    c = fake.client(api_key=KEY, max_retries=0)
    assistant = c.beta.assistants.create(model="gpt-4o")
    thread = c.beta.threads.create(messages=[{"role": "user", "content": "hi"}])
    run = c.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id)
    message = c.beta.threads.messages.list(thread.id).data[0]
    writes: list[str] = []
    real = Router._answer

    def in_a_journal(router: Router, request: Any, route: Route, params: dict[str, str], request_id: str) -> Any:
        with transaction(lambda: writes.append(route.operation_id)) as journal:
            answer = real(router, request, route, params, request_id)
            writes.extend(route.operation_id for _ in journal.undo)
            writes.extend(route.operation_id for _ in journal.fresh)
        return answer

    monkeypatch.setattr(Router, "_answer", in_a_journal)
    reads: dict[str, Callable[[], Any]] = {
        "listAssistants": lambda: c.beta.assistants.list(),
        "getAssistant": lambda: c.beta.assistants.retrieve(assistant.id),
        "getThread": lambda: c.beta.threads.retrieve(thread.id),
        "listMessages": lambda: c.beta.threads.messages.list(thread.id),
        "getMessage": lambda: c.beta.threads.messages.retrieve(message.id, thread_id=thread.id),
    }
    assert set(reads) == routes.READS_ONLY
    for read in reads.values():
        read()
    assert writes == []
    c.beta.threads.runs.retrieve(run.id, thread_id=thread.id)  # a read that moves the run: its writes are seen
    assert writes and set(writes) == {"getRun"}

"""Concurrency: 8 client threads of mixed operations against one emulator, in-process and over the HTTP server.

Each worker has its own ``openai.OpenAI`` and a seeded random mix of creates, runs (polled or left running), lists,
retrieves and cancels, on threads all workers share, so runs race for the same threads. Afterwards: nothing created
is lost, no id was issued twice, and no thread ever had two active runs (checked during the storm and at the end).
``FAKE_ASSISTANTS_CONCURRENCY_OPS`` sets the operations per worker (default 500, so 4000 per backend).
"""

from __future__ import annotations

import os
import random
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import openai
import pytest

from fake_assistants import FakeAssistants

WORKERS = 8
OPS_PER_WORKER = int(os.environ.get("FAKE_ASSISTANTS_CONCURRENCY_OPS", "500"))
ACTIVE = {"queued", "in_progress", "requires_action", "cancelling"}
# The 400s a racing client may meet, by their real texts' stable parts.
EXPECTED_CONFLICTS = ("already has an active run", "while a run", "Cannot cancel run with status")


@dataclass
class Created:
    lock: threading.Lock = field(default_factory=threading.Lock)
    assistants: list[str] = field(default_factory=list)
    threads: list[str] = field(default_factory=list)
    messages: list[tuple[str, str]] = field(default_factory=list)  # (thread_id, message_id)
    runs: list[tuple[str, str]] = field(default_factory=list)  # (thread_id, run_id)
    conflicts: Counter[str] = field(default_factory=Counter)
    ops: Counter[str] = field(default_factory=Counter)

    def add(self, kind: str, item: object) -> None:
        with self.lock:
            getattr(self, kind).append(item)

    def pick(self, kind: str, rng: random.Random) -> object | None:
        with self.lock:
            items = getattr(self, kind)
            return rng.choice(items) if items else None


def assert_one_active_run_at_most(client: openai.OpenAI, thread_id: str) -> list[openai.types.beta.threads.Run]:
    runs = list(client.beta.threads.runs.list(thread_id=thread_id, limit=100))
    active = [run.id for run in runs if run.status in ACTIVE]
    assert len(active) <= 1, f"thread {thread_id} has {len(active)} active runs: {active}"
    return runs


def worker(client: openai.OpenAI, created: Created, seed: int, ops: int) -> None:
    rng = random.Random(seed)
    beta = client.beta
    for _ in range(ops):
        if not created.threads or not created.assistants:
            operation = "assistant" if not created.assistants else "thread"
        else:
            operation = rng.choices(
                ["assistant", "thread", "message", "run_poll", "run", "list", "retrieve", "cancel"],
                weights=[8, 8, 16, 14, 6, 18, 20, 10],
            )[0]
        created.ops[operation] += 1
        try:
            if operation == "assistant":
                created.add(
                    "assistants", beta.assistants.create(model="gpt-4o", instructions="Be brief.", name=f"w{seed}").id
                )
            elif operation == "thread":
                created.add("threads", beta.threads.create().id)
            elif operation == "message":
                thread_id = str(created.pick("threads", rng))
                message = beta.threads.messages.create(thread_id=thread_id, role="user", content="hello")
                created.add("messages", (thread_id, message.id))
            elif operation in ("run", "run_poll"):
                thread_id, assistant_id = str(created.pick("threads", rng)), str(created.pick("assistants", rng))
                run = beta.threads.runs.create(thread_id=thread_id, assistant_id=assistant_id)
                created.add("runs", (thread_id, run.id))
                if operation == "run_poll":
                    polled = beta.threads.runs.poll(run.id, thread_id=thread_id, poll_interval_ms=0)
                    assert polled.status in ("completed", "cancelled"), polled.status
            elif operation == "list":
                thread_id = str(created.pick("threads", rng))
                if rng.random() < 0.5:
                    assert_one_active_run_at_most(client, thread_id)
                else:
                    beta.threads.messages.list(thread_id=thread_id, limit=5)
                    beta.assistants.list(limit=5)
            elif operation == "retrieve":
                kind = rng.choice(["assistants", "threads", "runs"])
                item = created.pick(kind, rng)
                if kind == "assistants":
                    beta.assistants.retrieve(str(item))
                elif kind == "threads":
                    beta.threads.retrieve(str(item))
                elif isinstance(item, tuple):
                    beta.threads.runs.retrieve(item[1], thread_id=item[0])
            elif operation == "cancel":
                item = created.pick("runs", rng)
                if isinstance(item, tuple):
                    beta.threads.runs.cancel(item[1], thread_id=item[0])
        except openai.BadRequestError as error:
            reason = next((text for text in EXPECTED_CONFLICTS if text in error.message), None)
            if reason is None:
                raise
            with created.lock:
                created.conflicts[reason] += 1


def storm(fake: FakeAssistants, make_client: Callable[[], openai.OpenAI]) -> Created:
    created = Created()
    errors: list[BaseException] = []
    clients = [make_client() for _ in range(WORKERS)]

    def work(index: int) -> None:
        try:
            worker(clients[index], created, seed=index, ops=OPS_PER_WORKER)
        except BaseException as error:  # reported by the test, with the worker's traceback
            errors.append(error)

    threads = [threading.Thread(target=work, args=(index,), name=f"worker-{index}") for index in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(300)
    if errors:
        raise errors[0]
    assert not any(thread.is_alive() for thread in threads), "a worker hung"

    check = clients[0]
    ids = created.assistants + created.threads + [m for _, m in created.messages] + [r for _, r in created.runs]
    duplicates = [item for item, count in Counter(ids).items() if count > 1]
    assert duplicates == [], f"ids issued twice: {duplicates}"

    listed_assistants = {a.id for a in check.beta.assistants.list(limit=100)}
    assert set(created.assistants) <= listed_assistants
    for assistant_id in created.assistants[:: max(1, len(created.assistants) // 50)]:
        assert check.beta.assistants.retrieve(assistant_id).id == assistant_id
    runs_by_thread: dict[str, set[str]] = {}
    messages_by_thread: dict[str, set[str]] = {}
    for thread_id, run_id in created.runs:
        runs_by_thread.setdefault(thread_id, set()).add(run_id)
    for thread_id, message_id in created.messages:
        messages_by_thread.setdefault(thread_id, set()).add(message_id)
    for thread_id in created.threads:
        assert check.beta.threads.retrieve(thread_id).id == thread_id
        runs = assert_one_active_run_at_most(check, thread_id)
        assert runs_by_thread.get(thread_id, set()) <= {run.id for run in runs}
        listed = {m.id for m in check.beta.threads.messages.list(thread_id=thread_id, limit=100)}
        assert messages_by_thread.get(thread_id, set()) <= listed
    for client in clients:
        client.close()
    return created


@pytest.fixture(params=["in-process", "server"])
def backend(request: pytest.FixtureRequest) -> Iterator[tuple[FakeAssistants, Callable[[], openai.OpenAI]]]:
    # The SDK's strict validation checks every response; the contract validator's jsonschema pass would double the
    # runtime here, and it is exercised by the rest of the suite.
    fake = FakeAssistants(seed=99, validate_responses=False, shapes="spec")
    if request.param == "in-process":
        yield fake, lambda: fake.client(max_retries=0)
        return
    with fake.serve() as url:
        yield (
            fake,
            lambda: openai.OpenAI(base_url=url, api_key="sk-storm", max_retries=0, _strict_response_validation=True),
        )


def test_concurrent_mixed_operations(backend: tuple[FakeAssistants, Callable[[], openai.OpenAI]]) -> None:
    fake, make_client = backend
    started = time.monotonic()
    created = storm(fake, make_client)
    assert sum(created.ops.values()) == WORKERS * OPS_PER_WORKER
    assert created.runs and created.messages and created.assistants
    elapsed = time.monotonic() - started
    print(
        f"{WORKERS}x{OPS_PER_WORKER} ops in {elapsed:.1f} s: {dict(created.ops)}; conflicts {dict(created.conflicts)}"
    )

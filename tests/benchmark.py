"""``make bench``: the emulator's own cost per request, against the SDK's cost for the same call.

Not a test: it prints numbers. Run it with ``python -m tests.benchmark``.
"""

from __future__ import annotations

import json
import time
import warnings
from collections.abc import Callable

from fake_assistants import FakeAssistants
from fake_assistants.api.wire import ApiRequest

HEADERS = {"openai-beta": "assistants=v2", "authorization": "Bearer sk-bench"}


def per_call_us(fn: Callable[[], object], repeat: int) -> float:
    fn()
    start = time.perf_counter()
    for _ in range(repeat):
        fn()
    return (time.perf_counter() - start) / repeat * 1e6


def main(repeat: int = 2000) -> None:
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    fake = FakeAssistants(progression="manual")
    client = fake.client()
    assistant = client.beta.assistants.create(model="gpt-4o", instructions="Bench.")
    thread = client.beta.threads.create()
    for i in range(50):
        client.beta.threads.messages.create(thread_id=thread.id, role="user", content=f"message {i}")
    run = client.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id)
    create_body = json.dumps({"model": "gpt-4o", "name": "x"}).encode()

    cases: list[tuple[str, Callable[[], object], Callable[[], object]]] = [
        (
            "retrieve assistant",
            lambda: fake.handle(ApiRequest("GET", f"/v1/assistants/{assistant.id}", headers=HEADERS)),
            lambda: client.beta.assistants.retrieve(assistant.id),
        ),
        (
            "create assistant",
            lambda: fake.handle(ApiRequest("POST", "/v1/assistants", headers=HEADERS, body=create_body)),
            lambda: client.beta.assistants.create(model="gpt-4o", name="x"),
        ),
        (
            "list 20 messages",
            lambda: fake.handle(ApiRequest("GET", f"/v1/threads/{thread.id}/messages", headers=HEADERS)),
            lambda: client.beta.threads.messages.list(thread_id=thread.id),
        ),
        (
            "retrieve run",
            lambda: fake.handle(ApiRequest("GET", f"/v1/threads/{thread.id}/runs/{run.id}", headers=HEADERS)),
            lambda: client.beta.threads.runs.retrieve(run.id, thread_id=thread.id),
        ),
    ]
    print(f"{'operation':<20} {'emulator µs':>12} {'SDK call µs':>12} {'emulator share':>15}")
    for name, emulator_only, through_sdk in cases:
        own = per_call_us(emulator_only, repeat)
        total = per_call_us(through_sdk, repeat // 4)
        print(f"{name:<20} {own:>12.1f} {total:>12.1f} {own / total:>14.1%}")


if __name__ == "__main__":
    main()

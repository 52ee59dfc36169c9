"""Server mode serves a request on its event loop when the emulator's lock is free, and in a worker thread when
it is not: a held lock delays the answer, it never loses it or stalls the server."""

from __future__ import annotations

import json
import threading
import urllib.request
from typing import Any

from fake_assistants import FakeAssistants

from ..support import HEADERS


def call(url: str, method: str = "GET", body: Any = None) -> tuple[int, Any]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers=HEADERS)
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, json.loads(response.read())


def test_a_request_waits_for_a_held_lock_then_is_answered() -> None:
    fake = FakeAssistants()
    with fake.serve() as url:
        _, created = call(f"{url}/assistants", "POST", {"model": "gpt-4o"})
        answers: list[int] = []
        started = threading.Event()

        def ask() -> None:
            started.set()
            answers.append(call(f"{url}/assistants/{created['id']}")[0])

        with fake.lock:  # a stream or another request holds the state
            worker = threading.Thread(target=ask)
            worker.start()
            started.wait()
            worker.join(timeout=0.3)
            assert worker.is_alive() and answers == []  # it waits in a worker thread for the lock
        worker.join(timeout=10)
        assert answers == [200]
        assert call(f"{url}/assistants/{created['id']}") == (200, created)  # and the loop serves on

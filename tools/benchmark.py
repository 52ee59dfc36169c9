"""``make bench``: one table of ratios, every figure measured side by side in the same run, written to
``docs/performance.md`` (between its ``bench`` markers). Not a test: it prints numbers and asserts none.

Run it with ``python -m tools.benchmark`` (``--no-write`` leaves the page alone). It takes a minute or two.
"""

from __future__ import annotations

import gc
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import tracemalloc
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fake_assistants import FakeAssistants, jsoncodec
from fake_assistants.api.wire import ApiRequest
from fake_assistants.backend import threads as message_ops
from fake_assistants.schemas.requests import CreateMessage
from fake_assistants.transports.inprocess import sdk_http_module

from .bench_load import first_frame, load, read_response, request_bytes

HEADERS = {"openai-beta": "assistants=v2", "authorization": "Bearer sk-bench", "content-type": "application/json"}
PAGE = Path(__file__).resolve().parent.parent / "docs" / "performance.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"
SIZES = (100, 10_000, 100_000)
TIMES = "\u00d7"  # the multiplication sign of the ratios

# Every row the table has; tests/docs/test_performance_page.py checks that the page shows each one.
# The per-call rows: the ten operations test suites call most, each against the SDK floor, with the target.
CALL_TARGETS: dict[str, float | None] = {
    "create assistant": 1.10,
    "retrieve assistant": 1.05,
    "update assistant": 1.10,
    "create thread": 1.10,
    "retrieve thread": 1.05,
    "create message": 1.10,
    "list 20 messages": 1.10,
    "create run": None,  # no target: creating a run plays the whole run (immediate), the floor replays an answer
    "retrieve run": 1.10,
    "list run steps": 1.10,
}
HANDWRITTEN = "retrieve assistant: hand-written lookup vs SDK floor"  # the least an in-process answer costs
ROWS = (
    *(f"{name}: emulator vs SDK floor" for name in CALL_TARGETS),
    HANDWRITTEN,
    "seed flow vs the same flow replayed",
    "overhead vs openai-responses (openai 2.x)",
    "list 20 of 100 messages",
    "list 20 of 10 000 messages",
    "list 20 of 100 000 messages",
    "list 20 after a mid-list cursor, 100 000 messages",
    "bytes per short message (tracemalloc), 100 000 messages",
    "bytes per short message (RSS growth), 100 000 messages",
    "bytes per message created through the SDK (RSS growth), 100 000 messages",
    "save_state, 100 000 messages and 10 000 threads",
    "load_state, 100 000 messages and 10 000 threads",
    "state file size, 100 000 messages and 10 000 threads",
    "server GET retrieve, 8 connections",
    "server GET retrieve, 64 connections",
    "server POST create, 8 connections",
    "server POST create, 64 connections",
    "stream: time to first event (server)",
    "stream: events per second (server)",
)


@dataclass
class Row:
    label: str
    value: str
    baseline: str
    ratio: str
    target: str = ""


def timed(fn: Callable[[], object], repeat: int) -> float:
    """Seconds per call, the best of three rounds."""
    fn()
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(repeat):
            fn()
        best = min(best, (time.perf_counter() - start) / repeat)
    return best


def side_by_side(
    first: Callable[[], object], second: Callable[[], object], repeat: int, rounds: int = 7
) -> tuple[float, float]:
    """Seconds per call of each, the best of ``rounds`` rounds taken in turn (first, second, first, ...): a machine
    whose speed drifts meanwhile moves both alike."""
    first(), second()
    best = [float("inf"), float("inf")]
    for _ in range(rounds):
        for at, fn in enumerate((first, second)):
            start = time.perf_counter()
            for _ in range(repeat):
                fn()
            best[at] = min(best[at], (time.perf_counter() - start) / repeat)
    return best[0], best[1]


def grouped(number: float) -> str:
    """A whole number with its thousands set apart by spaces: 12 345."""
    return f"{number:,.0f}".replace(",", " ")


def us(seconds: float) -> str:
    return f"{grouped(seconds * 1e6)} µs" if seconds < 0.01 else f"{seconds * 1e3:.1f} ms"


# --- in-process: the emulator against the SDK floor ------------------------------------------------------------


def canned_client(responses: list[tuple[int, dict[str, str], bytes]]) -> Any:
    """An SDK client whose transport answers the given responses in turn, over and over: the SDK floor."""
    import openai

    http = sdk_http_module()
    position = [0]

    def handle(request: Any) -> Any:
        status, headers, body = responses[position[0] % len(responses)]
        position[0] += 1
        return http.Response(status, headers=headers, content=body)

    return openai.OpenAI(
        api_key="sk-bench",
        base_url="http://canned.invalid/v1",
        http_client=http.Client(transport=http.MockTransport(handle)),
    )


def recording_client(fake: FakeAssistants, log: list[tuple[int, dict[str, str], bytes]]) -> Any:
    """An SDK client of ``fake`` that keeps every response it gets."""
    import openai

    http = sdk_http_module()
    inner = fake.transport()

    def handle(request: Any) -> Any:
        response = inner.handle_request(request)
        response.read()
        log.append((response.status_code, dict(response.headers), response.content))
        return http.Response(response.status_code, headers=dict(response.headers), content=response.content)

    return openai.OpenAI(
        api_key="sk-bench",
        base_url="http://fake-assistants.invalid/v1",
        http_client=http.Client(transport=http.MockTransport(handle)),
    )


def handwritten_client(fake: FakeAssistants) -> Any:
    """An SDK client whose transport answers an assistant's retrieve by hand: the id from the path, the stored
    assistant written as JSON, a request id, and nothing else (no key, no route table, no journal, no log, no
    errors). What any in-process answer costs at the least: the reference for the per-call rows."""
    import openai

    from fake_assistants.api.serialize import assistant_wire

    http = sdk_http_module()
    backend = fake._backend

    def handle(request: Any) -> Any:
        assistant_id = request.url.path.rsplit("/", 1)[1]
        with backend.lock:
            body = jsoncodec.dumps(assistant_wire(backend.assistants[assistant_id]))
            request_id = backend.ids.request_id()
        headers = {"content-type": "application/json", "x-request-id": request_id, "content-length": str(len(body))}
        return http.Response(200, headers=headers, content=body)

    return openai.OpenAI(
        api_key="sk-bench",
        base_url="http://hand-written.invalid/v1",
        http_client=http.Client(transport=http.MockTransport(handle)),
    )


def sdk_floor_rows() -> list[Row]:
    """Each of the ten operations through the emulator, against its own response bytes canned (the SDK floor).
    Runs settle at once (``immediate``), so that creating one run after another is what a suite does."""
    fake = FakeAssistants(progression="immediate")
    client = fake.client()
    assistant = client.beta.assistants.create(model="gpt-4o", instructions="Bench.")
    thread = client.beta.threads.create()
    for n in range(50):
        client.beta.threads.messages.create(thread_id=thread.id, role="user", content=f"message {n}")
    run = client.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id)
    cases: dict[str, Callable[[Any], object]] = {
        "create assistant": lambda c: c.beta.assistants.create(model="gpt-4o", name="x"),
        "retrieve assistant": lambda c: c.beta.assistants.retrieve(assistant.id),
        "update assistant": lambda c: c.beta.assistants.update(assistant.id, name="renamed"),
        "create thread": lambda c: c.beta.threads.create(),
        "retrieve thread": lambda c: c.beta.threads.retrieve(thread.id),
        "create message": lambda c: c.beta.threads.messages.create(thread_id=thread.id, role="user", content="Hi"),
        "list 20 messages": lambda c: c.beta.threads.messages.list(thread_id=thread.id, limit=20),
        "create run": lambda c: c.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id),
        "retrieve run": lambda c: c.beta.threads.runs.retrieve(run.id, thread_id=thread.id),
        "list run steps": lambda c: c.beta.threads.runs.steps.list(run.id, thread_id=thread.id),
    }
    rows = []
    for name, call in cases.items():
        log: list[tuple[int, dict[str, str], bytes]] = []
        call(recording_client(fake, log))
        floor = canned_client(log)
        emulated, canned = side_by_side(lambda call=call: call(client), lambda call=call, floor=floor: call(floor), 100)
        rows.append(
            Row(
                f"{name}: emulator vs SDK floor",
                us(emulated),
                us(canned),
                f"{emulated / canned:.2f}{TIMES}",
                "" if CALL_TARGETS[name] is None else f"≤ {CALL_TARGETS[name]:.2f}{TIMES}",
            )
        )
        if name == "retrieve assistant":
            by_hand = handwritten_client(fake)
            handwritten, canned = side_by_side(
                lambda call=call, by_hand=by_hand: call(by_hand), lambda call=call, floor=floor: call(floor), 100
            )
            rows.append(
                Row(
                    HANDWRITTEN,
                    us(handwritten),
                    us(canned),
                    f"{handwritten / canned:.2f}{TIMES}",
                    "reference",
                )
            )
    return rows


def seed_flow(client: Any) -> None:
    assistant = client.beta.assistants.create(model="gpt-4o", name="Math Tutor", tools=[{"type": "code_interpreter"}])
    thread = client.beta.threads.create()
    client.beta.threads.messages.create(thread_id=thread.id, role="user", content="Solve 3x + 11 = 14.")
    client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
    client.beta.threads.messages.list(thread_id=thread.id)


def seed_flow_row() -> Row:
    fake = FakeAssistants()
    log: list[tuple[int, dict[str, str], bytes]] = []
    seed_flow(recording_client(fake, log))
    replay = canned_client(log)
    client = fake.client()
    emulated, canned = side_by_side(lambda: seed_flow(client), lambda: seed_flow(replay), 15)
    note = f"{len(log)} requests"
    return Row(
        "seed flow vs the same flow replayed",
        us(emulated),
        f"{us(canned)} ({note})",
        f"{emulated / canned:.2f}{TIMES}",
        f"≤ 1.2{TIMES}",
    )


OPENAI2_PYTHON = PAGE.parent.parent / ".venv-peer" / "bin" / "python"  # make bench installs the peer there
OPENAI2_ENV = "FAKE_ASSISTANTS_BENCH_OPENAI2"  # another openai 2.x interpreter to measure the peer with


def openai_responses_row() -> Row:
    """openai-responses (a respx-based mock) runs on openai 2.x only: measured in the 2.x venv (or the interpreter
    ``$FAKE_ASSISTANTS_BENCH_OPENAI2`` names), if it is there. The ratio is of the overheads over the SDK floor."""
    label = "overhead vs openai-responses (openai 2.x)"
    python = Path(os.environ.get(OPENAI2_ENV) or OPENAI2_PYTHON)
    if not python.exists():
        return Row(label, "skipped", f"no {python} (make .venv-peer/.installed, or ${OPENAI2_ENV})", "n/a")
    out = subprocess.run(
        [str(python), "-m", "tools.benchmark", "--openai-responses"],
        capture_output=True,
        text=True,
        cwd=PAGE.parent.parent,
    )
    if out.returncode != 0:
        return Row(label, "skipped", f"openai-responses does not import in {python} (pip install it there)", "n/a")
    ours, theirs, floor = json.loads(out.stdout.strip().splitlines()[-1])
    return Row(
        label,
        f"{us(ours - floor)} over the SDK floor per retrieve ({us(ours)})",
        f"{us(theirs - floor)} over the SDK floor per retrieve ({us(theirs)}), openai-responses",
        f"{(ours - floor) / (theirs - floor):.2f}{TIMES}",
        f"≤ 0.10{TIMES}",
    )


def measure_openai_responses() -> list[float]:
    """Seconds per ``assistants.retrieve``: through the emulator, through openai-responses, and the SDK floor."""
    import openai
    from openai_responses import OpenAIMock  # type: ignore[import-not-found]

    fake = FakeAssistants()
    client = fake.client()
    assistant = client.beta.assistants.create(model="gpt-4o")
    log: list[tuple[int, dict[str, str], bytes]] = []
    recording_client(fake, log).beta.assistants.retrieve(assistant.id)
    floor = canned_client(log)
    ours, canned = side_by_side(
        lambda: client.beta.assistants.retrieve(assistant.id), lambda: floor.beta.assistants.retrieve(assistant.id), 100
    )
    mock = OpenAIMock()
    with mock.router:
        theirs_client = openai.OpenAI(api_key="sk-bench", max_retries=0)
        created = theirs_client.beta.assistants.create(model="gpt-4o")
        theirs, canned_again = side_by_side(
            lambda: theirs_client.beta.assistants.retrieve(created.id),
            lambda: floor.beta.assistants.retrieve(assistant.id),
            100,
        )
    return [ours, theirs, min(canned, canned_again)]


# --- lists, memory and state files at scale --------------------------------------------------------------------


def grow(fake: FakeAssistants, thread_id: str, count: int) -> None:
    backend = fake._backend
    thread = backend.threads[thread_id]
    with fake.lock:
        for n in range(len(thread.message_ids), count):
            message_ops.add_message(backend, thread, 1_800_000_000, CreateMessage(role="user", content=f"message {n}"))


def list_rows() -> list[Row]:
    """Three threads of 100, 10 000 and 100 000 messages in one emulator, their pages timed in turn."""
    fake = FakeAssistants(progression="manual")
    client = fake.client()
    threads = {size: client.beta.threads.create().id for size in SIZES}
    for size, thread_id in threads.items():
        grow(fake, thread_id, size)
    requests = {
        size: ApiRequest("GET", f"/v1/threads/{thread_id}/messages", query=(("limit", "20"),), headers=HEADERS)
        for size, thread_id in threads.items()
    }
    middle = list(fake._backend.threads[threads[SIZES[-1]]].message_ids)[SIZES[-1] // 2]
    deep = ApiRequest("GET", requests[SIZES[-1]].path, query=(("limit", "20"), ("after", middle)), headers=HEADERS)
    costs: dict[int | str, float] = {}
    for _ in range(7):  # interleaved rounds, the best of each (the machine may be busy)
        for key, request in [*requests.items(), ("deep", deep)]:
            cost = timed(lambda request=request: fake.handle(request), 200)
            costs[key] = min(costs.get(key, cost), cost)
    base = costs[SIZES[0]]
    rows = [
        Row(
            f"list 20 of {size:,} messages".replace(",", " "),
            us(costs[size]),
            f"{us(base)} at 100",
            f"{costs[size] / base:.2f}{TIMES}",
            f"≤ 1.5{TIMES} at 100 000",
        )
        for size in SIZES
    ]
    rows.append(
        Row(
            "list 20 after a mid-list cursor, 100 000 messages",
            us(costs["deep"]),
            f"{us(base)} at 100",
            f"{costs['deep'] / base:.2f}{TIMES}",
            f"≤ 1.5{TIMES}",
        )
    )
    return rows


def fresh_state_rows() -> list[Row]:
    """State files of one emulator holding 100 000 messages and 10 000 threads, with nothing else alive."""
    gc.collect()
    state = FakeAssistants(progression="manual")
    grow(state, state.client().beta.threads.create().id, SIZES[-1])
    create_thread = ApiRequest("POST", "/v1/threads", headers=HEADERS, body=b"{}")
    for _ in range(10_000 - 1):
        state.handle(create_thread)
    return state_rows(state)


def state_rows(fake: FakeAssistants) -> list[Row]:
    with tempfile.TemporaryDirectory() as folder:
        new, old = Path(folder) / "state.json", Path(folder) / "plain.json"
        gc.collect()
        start = time.perf_counter()
        fake.save_state(new)
        saved = time.perf_counter() - start
        start = time.perf_counter()
        old.write_text(json.dumps(fake.snapshot()))  # the format before: the plain snapshot, standard json
        saved_old = time.perf_counter() - start
        gc.collect()
        start = time.perf_counter()
        FakeAssistants.load_state(new)
        loaded = time.perf_counter() - start
        gc.collect()
        start = time.perf_counter()
        FakeAssistants.restore(json.loads(old.read_text()))
        loaded_old = time.perf_counter() - start
        size, size_old = new.stat().st_size, old.stat().st_size
    encoder = jsoncodec.ENCODER
    return [
        Row(
            "save_state, 100 000 messages and 10 000 threads",
            f"{saved:.2f} s ({encoder})",
            f"{saved_old:.2f} s plain snapshot, json",
            f"{saved / saved_old:.2f}{TIMES}",
            "≤ 0.25 s",
        ),
        Row(
            "load_state, 100 000 messages and 10 000 threads",
            f"{loaded:.2f} s ({encoder})",
            f"{loaded_old:.2f} s plain snapshot, json",
            f"{loaded / loaded_old:.2f}{TIMES}",
            "≤ 0.5 s",
        ),
        Row(
            "state file size, 100 000 messages and 10 000 threads",
            f"{size / 1e6:.1f} MB",
            f"{size_old / 1e6:.1f} MB plain snapshot",
            f"{size / size_old:.2f}{TIMES}",
            f"≤ 0.5{TIMES}",
        ),
    ]


def measure_memory(mode: str, count: int = 100_000) -> float:
    """Bytes per short message, in a fresh process: ``tracemalloc`` or RSS growth of the messages alone, or
    (``sdk``) the RSS growth of creating them through the SDK with the default settings, every per-request record
    (the request log, the inspector's history) included."""
    if mode == "sdk":
        return sdk_memory(count)
    fake = FakeAssistants(progression="manual")
    thread = fake.client().beta.threads.create()
    gc.collect()
    if mode == "tracemalloc":
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        grow(fake, thread.id, count)
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - before
        tracemalloc.stop()
        return grown / count
    before = _rss()
    grow(fake, thread.id, count)
    gc.collect()
    return (_rss() - before) / count


def sdk_memory(count: int) -> float:
    fake = FakeAssistants()
    client = fake.client()
    thread = client.beta.threads.create()
    create = client.beta.threads.messages.create
    for n in range(100):  # the SDK's and the emulator's first-call costs (imports, caches) are not per message
        create(thread_id=thread.id, role="user", content=f"warm {n}")
    gc.collect()
    before = _rss()
    for n in range(count):
        create(thread_id=thread.id, role="user", content=f"message {n}")
    gc.collect()
    return (_rss() - before) / count


def _rss() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096


def _measured_apart(mode: str) -> float:
    """Bytes per message, as :func:`measure_memory` finds them in a fresh process of its own."""
    out = subprocess.run(
        [sys.executable, "-m", "tools.benchmark", "--memory", mode],
        capture_output=True,
        text=True,
        check=True,
        cwd=PAGE.parent.parent,
    )
    return float(out.stdout.strip().splitlines()[-1])


def memory_rows() -> list[Row]:
    has_proc = Path("/proc/self/statm").exists()
    rows = []
    for mode, label in (
        ("tracemalloc", "bytes per short message (tracemalloc), 100 000 messages"),
        ("rss", "bytes per short message (RSS growth), 100 000 messages"),
        ("sdk", "bytes per message created through the SDK (RSS growth), 100 000 messages"),
    ):
        if mode != "tracemalloc" and not has_proc:
            rows.append(Row(label, "skipped", "no /proc", "n/a"))
            continue
        per_message = _measured_apart(mode)
        rows.append(
            Row(label, f"{grouped(per_message)} B", "1 024 B (1 KiB)", f"{per_message / 1024:.2f}{TIMES}", "≤ 1 KiB")
        )
    return rows


# --- the server --------------------------------------------------------------------------------------------------


def server_rows(seconds: float) -> list[Row]:
    command = [sys.executable, "-m", "fake_assistants.cli", "serve", "--port", "0", "--progression", "manual"]
    command += ["--max-connections", "1024"]  # the load's own connections (and the last phase's idle ones) fit
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert server.stdout is not None
        url = server.stdout.readline().strip()
        host, port = url.split("//")[1].split("/")[0].rsplit(":", 1)
        return _server_rows(host, int(port), seconds)
    finally:
        server.terminate()
        server.wait(timeout=10)


def _once(host: str, port: int, payload: bytes) -> Any:
    import asyncio

    async def go() -> Any:
        reader, writer = await asyncio.open_connection(host, port)
        writer.write(payload)
        _, body = await read_response(reader)
        writer.close()
        return json.loads(body)

    return asyncio.run(go())


def _server_rows(host: str, port: int, seconds: float) -> list[Row]:
    create_body = json.dumps({"model": "gpt-4o", "name": "x"}).encode()
    create = request_bytes("POST", "/v1/assistants", host, create_body, HEADERS)
    assistant = _once(host, port, create)
    get = request_bytes("GET", f"/v1/assistants/{assistant['id']}", host, b"", HEADERS)
    # Side by side: the same request served in this process, without HTTP.
    fake = FakeAssistants()
    local = fake.handle(ApiRequest("POST", "/v1/assistants", headers=HEADERS, body=create_body))
    local_id = json.loads(local.body)["id"]
    local_get = timed(lambda: fake.handle(ApiRequest("GET", f"/v1/assistants/{local_id}", headers=HEADERS)), 2000)
    local_post = timed(
        lambda: fake.handle(ApiRequest("POST", "/v1/assistants", headers=HEADERS, body=create_body)), 2000
    )
    rows = []
    for name, payload, local_cost in (("GET retrieve", get, local_get), ("POST create", create, local_post)):
        for connections in (8, 64):
            result = load(host, port, payload, connections=connections, seconds=seconds)
            p50, p99 = result.percentile(0.5) * 1e3, result.percentile(0.99) * 1e3
            target = ""
            if name.startswith("GET"):
                target = "≥ 8 000 req/s, p99 ≤ 5 ms" if connections == 8 else "p99 ≤ 30 ms"
            elif connections == 8:
                target = "≥ 5 000 req/s"
            rows.append(
                Row(
                    f"server {name}, {connections} connections",
                    f"{grouped(result.per_second)} req/s (p50 {p50:.1f} ms, p99 {p99:.1f} ms)",
                    f"{grouped(1 / local_cost)} req/s in-process",
                    f"{result.per_second * local_cost:.2f}{TIMES}",
                    target,
                )
            )
    rows += _stream_rows(host, port, fake)
    return rows


def _stream_rows(host: str, port: int, fake: FakeAssistants) -> list[Row]:
    assistant_body = b'{"model":"gpt-4o","instructions":"Be brief."}'  # a run needs instructions or a user message
    assistant = _once(host, port, request_bytes("POST", "/v1/assistants", host, assistant_body, HEADERS))
    thread = _once(host, port, request_bytes("POST", "/v1/threads", host, b"{}", HEADERS))
    body = json.dumps({"assistant_id": assistant["id"], "stream": True}).encode()
    payload = request_bytes("POST", f"/v1/threads/{thread['id']}/runs", host, body, HEADERS)
    firsts, totals, events = [], 0.0, 0
    for _ in range(20):
        first, total, count = first_frame(host, port, payload)
        firsts.append(first)
        totals += total
        events += count
    firsts.sort()
    # Side by side: the same stream in this process (the emulator's own first frame, no HTTP).
    client = fake.client()
    local_assistant = client.beta.assistants.create(model="gpt-4o", instructions="Be brief.")
    local_thread = client.beta.threads.create()
    local_body = json.dumps({"assistant_id": local_assistant.id, "stream": True}).encode()

    def local_first() -> float:
        start = time.perf_counter()
        response = fake.handle(
            ApiRequest("POST", f"/v1/threads/{local_thread.id}/runs", headers=HEADERS, body=local_body)
        )
        assert response.stream is not None
        next(response.stream)
        elapsed = time.perf_counter() - start
        for _ in response.stream:
            pass
        return elapsed

    local = sorted(local_first() for _ in range(20))
    median, local_median = firsts[len(firsts) // 2], local[len(local) // 2]
    rate = events / totals
    return [
        Row(
            "stream: time to first event (server)",
            f"{median * 1e3:.2f} ms (median of 20)",
            f"{local_median * 1e3:.2f} ms in-process",
            f"{median / local_median:.1f}{TIMES}",
            "≤ 2 ms",
        ),
        Row(
            "stream: events per second (server)",
            f"{grouped(rate)} events/s",
            f"{events // 20} events per run",
            "n/a",
        ),
    ]


# --- the table ---------------------------------------------------------------------------------------------------


def table(rows: list[Row]) -> str:
    lines = ["| measure | this run | side by side with | ratio | target |", "|---|---|---|---|---|"]
    lines += [f"| {r.label} | {r.value} | {r.baseline} | {r.ratio} | {r.target} |" for r in rows]
    return "\n".join(lines)


def environment() -> str:
    import openai

    extras = [name for name in ("orjson", "httptools", "uvloop") if _installed(name)]
    return (
        f"Python {platform.python_version()}, openai {openai.__version__}, {platform.machine()}, "
        f"extras: {', '.join(extras) or 'none'}."
    )


def _installed(name: str) -> bool:
    try:
        __import__(name)
    except ImportError:
        return False
    return True


def write_page(text: str) -> None:
    page = PAGE.read_text(encoding="utf-8")
    head, _, rest = page.partition(START)
    _, _, tail = rest.partition(END)
    PAGE.write_text(f"{head}{START}\n{text}\n{END}{tail}", encoding="utf-8")


def main(argv: list[str]) -> None:
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    if argv[:1] == ["--memory"]:
        print(measure_memory(argv[1]))
        return
    if argv[:1] == ["--openai-responses"]:
        print(json.dumps(measure_openai_responses()))
        return
    started = time.perf_counter()
    rows = sdk_floor_rows()
    rows.append(seed_flow_row())
    rows.append(openai_responses_row())
    rows += list_rows()
    rows += fresh_state_rows()
    rows += memory_rows()
    rows += server_rows(seconds=3.0)
    missing = [label for label in ROWS if label not in {r.label for r in rows}]
    assert not missing, missing
    rows.sort(key=lambda row: ROWS.index(row.label))
    text = f"{table(rows)}\n\n{environment()} Wall time of the bench: {time.perf_counter() - started:.0f} s."
    print(text)
    if "--no-write" not in argv:
        write_page(text)
        print(f"\nwritten to {PAGE}")


if __name__ == "__main__":
    main(sys.argv[1:])

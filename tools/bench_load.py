"""A small HTTP/1.1 load generator for ``make bench``: asyncio, raw sockets, keep-alive, no dependency.

Each connection sends one request, reads the whole response (``content-length`` or chunked), and sends the next,
for a fixed time. Latencies are per request, from the first byte written to the last byte read.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class LoadResult:
    requests: int
    seconds: float
    latencies: list[float]  # seconds, sorted

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds

    def percentile(self, fraction: float) -> float:
        if not self.latencies:
            return float("nan")
        return self.latencies[min(len(self.latencies) - 1, int(fraction * len(self.latencies)))]


def request_bytes(method: str, path: str, host: str, body: bytes = b"", headers: dict[str, str] | None = None) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"host: {host}", f"content-length: {len(body)}"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = None
    chunked = False
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
    if not chunked:
        return status, await reader.readexactly(length or 0)
    body = bytearray()
    while True:
        size = int((await reader.readuntil(b"\r\n")).strip(), 16)
        body += await reader.readexactly(size + 2)
        if size == 0:
            return status, bytes(body)


async def _connection(host: str, port: int, payload: bytes, until: float, latencies: list[float]) -> int:
    reader, writer = await asyncio.open_connection(host, port)
    done = 0
    try:
        while time.perf_counter() < until:
            start = time.perf_counter()
            writer.write(payload)
            status, _ = await read_response(reader)
            latencies.append(time.perf_counter() - start)
            if status >= 500:
                raise RuntimeError(f"the server answered {status}")
            done += 1
    finally:
        writer.close()
    return done


async def _load(host: str, port: int, payload: bytes, connections: int, seconds: float) -> LoadResult:
    latencies: list[float] = []
    start = time.perf_counter()
    until = start + seconds
    counts = await asyncio.gather(*(_connection(host, port, payload, until, latencies) for _ in range(connections)))
    return LoadResult(sum(counts), time.perf_counter() - start, sorted(latencies))


def _run(coroutine: Any) -> Any:
    """``asyncio.run``, on uvloop when it is installed (a lighter client leaves more of the CPU to the server)."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coroutine)
    return uvloop.run(coroutine)


def load(host: str, port: int, payload: bytes, *, connections: int, seconds: float) -> LoadResult:
    """Keep ``connections`` keep-alive connections busy with ``payload`` for ``seconds``."""
    return _run(_load(host, port, payload, connections, seconds))  # type: ignore[no-any-return]


async def _first_frame(host: str, port: int, payload: bytes) -> tuple[float, float, int]:
    """Send a streaming request: seconds to the first SSE event, total seconds, and the number of events."""
    reader, writer = await asyncio.open_connection(host, port)
    try:
        start = time.perf_counter()
        writer.write(payload)
        await reader.readuntil(b"\r\n\r\n")
        first = None
        events = 0
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip(), 16)
            chunk = await reader.readexactly(size + 2)
            if size == 0:
                break
            count = chunk.count(b"event: ")
            if count and first is None:
                first = time.perf_counter() - start
            events += count
        return first or float("nan"), time.perf_counter() - start, events
    finally:
        writer.close()


def first_frame(host: str, port: int, payload: bytes) -> tuple[float, float, int]:
    return _run(_first_frame(host, port, payload))  # type: ignore[no-any-return]

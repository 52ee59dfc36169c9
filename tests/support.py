"""Constants and helpers several test modules share (a plain module: it holds no tests and no fixtures)."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

T0 = 1_900_000_000
"""The start of the manual clock in the tests that compare timestamps."""

WEATHER: Any = {"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}}
"""A function tool with no declared parameters."""

HEADERS = {"authorization": "Bearer sk-test", "openai-beta": "assistants=v2", "content-type": "application/json"}
"""The headers of a raw JSON request to the Assistants API."""

AZURE_VERSION = "2024-10-01-preview"
"""The ``api-version`` the Azure tests send."""

TEXT_EVENTS = [
    "thread.run.created",
    "thread.run.queued",
    "thread.run.in_progress",
    "thread.run.step.created",
    "thread.run.step.in_progress",
    "thread.message.created",
    "thread.message.in_progress",
]
"""The order of the first stream events of a run that replies with text."""


def refuse_sockets(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Make every socket connect, bind, send and name lookup raise ``OSError``; return the list of attempts."""
    attempts: list[str] = []

    def refuse(name: str) -> Any:
        def guard(*args: Any, **kwargs: Any) -> Any:
            attempts.append(name)
            raise OSError(f"fake_assistants tests forbid {name}")

        return guard

    for name in ("connect", "connect_ex", "bind", "sendto"):
        monkeypatch.setattr(socket.socket, name, refuse(f"socket.{name}"))
    monkeypatch.setattr(socket, "create_connection", refuse("create_connection"))
    monkeypatch.setattr(socket, "getaddrinfo", refuse("getaddrinfo"))
    return attempts


def start_cli(*args: str) -> subprocess.Popen[str]:
    """``fake-assistants serve`` on a free port with spec shapes, as a subprocess."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, "-m", "fake_assistants", "serve", "--port", "0", "--shapes", "spec", *args]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def read_url(process: subprocess.Popen[str], timeout: float = 20) -> str:
    """The first stdout line, without hanging the suite if the server never prints it."""
    found: list[str] = []
    reader = threading.Thread(target=lambda: found.append(process.stdout.readline()), daemon=True)  # type: ignore[union-attr]
    reader.start()
    reader.join(timeout)
    if not found:
        process.kill()
        pytest.fail(f"the server printed no URL within {timeout} s: {process.communicate()[1]}")
    return found[0].strip()


@contextlib.contextmanager
def served_cli(*args: str) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """:func:`start_cli` and the URL it prints. However the test ends, the server does not outlive it: one still
    running on the way out is killed (a test that stops it itself asserts on its exit)."""
    process = start_cli(*args)
    try:
        yield process, read_url(process)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()


def stop(process: subprocess.Popen[str], sig: int) -> int:
    """Send ``sig`` to a served CLI and wait for it (20 s at most); its exit status."""
    process.send_signal(sig)
    process.communicate(timeout=20)
    return process.returncode


def run_on_a_copy(tmp_path: Path, code: str, change: Callable[[Path], None]) -> subprocess.CompletedProcess[str]:
    """Run ``code`` with a copy of the package that ``change`` edited (given the copy's folder), in a fresh
    interpreter; its output, checked to have exited 0. What a change to the package costs is shown this way."""
    import fake_assistants

    copy = tmp_path / "fake_assistants"
    shutil.copytree(Path(fake_assistants.__file__).parent, copy, ignore=shutil.ignore_patterns("__pycache__"))
    change(copy)
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env={"PATH": "", "PYTHONPATH": str(tmp_path), "PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done

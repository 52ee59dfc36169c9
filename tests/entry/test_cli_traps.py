"""The command line says what went wrong and what to do, and ``serve --state`` never loses more than an interval."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from fake_assistants import FakeAssistants
from fake_assistants.cli import main

from ..support import HEADERS, served_cli, stop

SERVE = [sys.executable, "-m", "fake_assistants", "serve", "--port", "0"]


def test_no_arguments_print_the_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: fake-assistants [-h] [--version] COMMAND ...")
    assert "serve" in out and "demo" in out


def test_the_log_level_lists_its_choices(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["serve", "--log-level", "verbose"])
    assert stopped.value.code == 2
    assert capsys.readouterr().err.endswith(
        "argument --log-level: invalid choice: 'verbose' "
        "(choose from 'critical', 'error', 'warning', 'info', 'debug', 'trace')\n"
    )


def test_an_unwritable_state_file_stops_the_start_with_one_line(tmp_path: Path) -> None:
    target = tmp_path / "nodir" / "s.json"
    done = subprocess.run([*SERVE, "--state", str(target)], capture_output=True, text=True, timeout=30)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == (
        f"fake-assistants: cannot write the state file {target}: the folder {target.parent} does not exist\n"
    )


def test_a_state_file_that_is_a_folder_is_refused(tmp_path: Path) -> None:
    done = subprocess.run([*SERVE, "--state", str(tmp_path)], capture_output=True, text=True, timeout=30)
    assert (done.returncode, done.stderr) == (
        2,
        f"fake-assistants: cannot write the state file {tmp_path}: it is a folder\n",
    )


def test_a_damaged_state_file_is_named(tmp_path: Path) -> None:
    state = tmp_path / "s.json"
    state.write_text("")
    done = subprocess.run([*SERVE, "--state", str(state)], capture_output=True, text=True, timeout=30)
    assert done.returncode == 2
    assert done.stderr.startswith(f"fake-assistants: {state}: not a JSON state file (")
    assert done.stderr.count("\n") == 1


def test_a_busy_port_names_the_program_once_and_says_why() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        command = [sys.executable, "-m", "fake_assistants", "serve", "--port", str(port)]
        done = subprocess.run(command, capture_output=True, text=True, timeout=30)
    assert done.returncode == 1
    line = done.stderr.splitlines()[-1]
    assert line == (
        f"fake-assistants: could not serve on 127.0.0.1:{port}: Address already in use "
        f"(is another server on port {port}?)"
    )


def test_a_host_that_does_not_resolve_is_not_blamed_on_the_port() -> None:
    command = [*SERVE, "--host", "no-such-host.invalid", "--allow-remote"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    line = done.stderr.splitlines()[-1]
    assert line.startswith(
        "fake-assistants: could not serve on no-such-host.invalid:0: "
        "the host name 'no-such-host.invalid' does not resolve ("
    )
    assert "port" not in line.split(":", 3)[-1]


def test_a_killed_server_loses_at_most_one_interval(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    with served_cli("--state", str(state), "--save-every", "0.2") as (process, url):
        body = json.dumps({"model": "gpt-4o", "name": "kept"}).encode()
        create = urllib.request.Request(f"{url}/assistants", data=body, headers=HEADERS, method="POST")
        with urllib.request.urlopen(create, timeout=10) as response:
            assistant_id = json.loads(response.read())["id"]
        deadline = time.monotonic() + 30
        while True:  # poll for the periodic write; every read must find a whole file (atomic writes)
            if state.exists():
                saved = json.loads(state.read_bytes())
                if [a["id"] for a in saved["assistants"]] == [assistant_id]:
                    break
            assert time.monotonic() < deadline, "the state file was not written within 30 s"
            time.sleep(0.05)
        assert stop(process, signal.SIGKILL) == -signal.SIGKILL
    assert FakeAssistants.load_state(state).snapshot()["assistants"][0]["name"] == "kept"


def test_save_every_must_not_be_negative(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--save-every", "-1"]) == 2
    assert capsys.readouterr().err == "fake-assistants: --save-every must be 0 or more seconds, not -1\n"

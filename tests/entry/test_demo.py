"""``make demo`` tells the whole quickstart; the command line says what it offers and which version it is."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from fake_assistants import __version__
from fake_assistants.cli import main


def test_the_demo_runs_both_halves_of_the_quickstart(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "created run -> queued" in out and "polled run -> completed" in out
    assert "[assistant] Of course, Jane Doe!" in out
    rows = {line.split()[0]: line.split() for line in out.splitlines() if line.strip().startswith(("data.csv", "rep"))}
    # data.csv is in the knowledge base: both threads' runs see it; report.csv is attached on thread A only.
    assert rows["data.csv"][-2:] == ["yes", "yes"]
    assert rows["report.csv"][-2:] == ["yes", "no"]
    assert re.search(r"thread A \(thread_\w+\): report\.csv is attached", out)


def test_the_command_line_lists_its_commands_and_its_version() -> None:
    helped = subprocess.run(
        [sys.executable, "-m", "fake_assistants", "--help"], capture_output=True, text=True, check=True
    )
    assert re.search(r"^\s+demo\s", helped.stdout, re.MULTILINE)
    assert re.search(r"^\s+serve\s", helped.stdout, re.MULTILINE)
    version = subprocess.run(
        [sys.executable, "-m", "fake_assistants", "--version"], capture_output=True, text=True, check=True
    )
    assert version.stdout.strip() == f"fake-assistants {__version__}"
    assert re.fullmatch(r"\d+\.\d+\.\d+([.-]?\w+)?", __version__)

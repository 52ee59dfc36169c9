"""The served emulator with the official ``openai`` npm package (docs/node.md): polling and streaming from Node.

Skips, saying why, without ``node`` or without the package (found through ``NODE_PATH``; CI may install it with
``npm install --prefix DIR openai@4`` and set ``NODE_PATH=DIR/node_modules``).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from fake_assistants import FakeAssistants

PAGE = Path(__file__).resolve().parents[2] / "docs" / "node.md"


def node_with_openai() -> str | None:
    """Why the test cannot run here, or None."""
    if shutil.which("node") is None:
        return "no node on this machine"
    found = subprocess.run(["node", "-e", "require.resolve('openai')"], capture_output=True, timeout=60)
    if found.returncode != 0:
        return "the openai npm package is not installed (npm install openai@4, and NODE_PATH=.../node_modules)"
    return None


def test_the_documented_node_program_polls_and_streams(tmp_path: Path) -> None:
    reason = node_with_openai()
    if reason is not None:
        pytest.skip(reason)
    program = re.search(r"```js\n(// app\.cjs\n.*?)```", PAGE.read_text(), re.DOTALL)
    assert program is not None, "docs/node.md lost its app.cjs"
    (tmp_path / "app.cjs").write_text(program.group(1))
    fake = FakeAssistants()
    fake.script.reply("x = 1")
    fake.script.reply("Streamed: x = 1")
    with fake.serve() as url:
        done = subprocess.run(
            ["node", "app.cjs"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "OPENAI_BASE_URL": url},
        )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"status": "completed", "reply": "x = 1", "streamed": "Streamed: x = 1"}
    assert [(entry.method, entry.path) for entry in fake.request_log][:2] == [
        ("POST", "/v1/assistants"),
        ("POST", "/v1/threads"),
    ]

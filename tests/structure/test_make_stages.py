"""``make test`` names each stage, times it, stops at the first failure, and ends with a table of the stages."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

MAKEFILE = """\
first:
\t@echo first ran
second:
\t@echo second ran; exit 3
third:
\t@echo third ran
"""


@pytest.mark.skipif(shutil.which("make") is None, reason="no make on this machine")
def test_stages_are_named_timed_and_tabled(tmp_path: Path) -> None:
    (tmp_path / "Makefile").write_text(MAKEFILE)
    done = subprocess.run(
        [sys.executable, "-m", "tools.stages", "first", "second", "third"],
        cwd=tmp_path,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2  # make exits 2 when a recipe fails
    out = done.stdout
    assert "==> first\nfirst ran\n" in out and "third ran" not in out
    assert re.search(r"<== first: ok in \d+\.\d s", out)
    assert re.search(r"<== second: FAILED \(exit 2\) in \d+\.\d s", out)
    table = re.split(r"\nstage +time  result\n", out)[1].splitlines()
    assert [line.split()[0] for line in table] == ["first", "second", "third"]
    assert table[1].endswith("FAILED") and table[2].endswith("not run")


def test_make_test_runs_the_stage_runner_and_pytest_lists_skip_reasons() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert "-m tools.stages lint test-install test-sdk3 test-sdk2" in makefile
    assert re.search(r"^PYTEST_FLAGS \?= .*-rs", makefile, re.MULTILINE)

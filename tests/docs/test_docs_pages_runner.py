"""The runner ``make test-install`` uses to run every docs page from the installed wheel (install_tests/docs_pages.py):
blocks in order, one namespace, an empty folder of its own, ``# test_*.py`` blocks under pytest."""

from __future__ import annotations

from pathlib import Path

import pytest

from install_tests.docs_pages import main, run_page

FENCE = "```"


@pytest.fixture(autouse=True)
def lean_pytest(monkeypatch: pytest.MonkeyPatch) -> None:
    """The ``# test_*.py`` blocks here need no plugin: the runner's pytest starts without loading them all."""
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")


def page(tmp_path: Path, *blocks: str) -> Path:
    path = tmp_path / "page.md"
    path.write_text("\n".join(f"Text.\n\n{FENCE}python\n{block}{FENCE}\n" for block in blocks))
    return path


def test_blocks_run_in_order_in_one_namespace_in_an_empty_folder(tmp_path: Path) -> None:
    written = page(
        tmp_path,
        "import os\nassert os.listdir('.') == []\nvalue = 41\n",
        "value += 1\nopen('kept.txt', 'w').write(str(value))\n",
        "# test_saved.py\ndef test_it():\n    assert open('kept.txt').read() == '42'\n",
    )
    assert run_page(written) is None


def test_a_failing_block_is_reported_with_its_page_and_index(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    written = page(tmp_path, "x = 1\n", "assert x == 2, 'the page drifted'\n")
    problem = run_page(written)
    assert problem is not None and 'File "page.md[1]"' in problem and "the page drifted" in problem
    assert main([str(written)]) == 1
    assert "page.md: FAILED" in capsys.readouterr().out


def test_a_failing_test_block_is_reported(tmp_path: Path) -> None:
    written = page(tmp_path, "# test_bad.py\ndef test_it():\n    assert False\n")
    problem = run_page(written)
    assert problem is not None and problem.startswith("block 0 (test_bad.py) failed under pytest")

"""Every Python example in docs/ and README.md runs. A block starting with ``# test_<name>.py`` runs under pytest."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = [*sorted((ROOT / "docs").glob("*.md")), ROOT / "README.md"]
BLOCK = re.compile(r"```python\n(.*?)```", re.DOTALL)


def blocks(page: Path) -> list[str]:
    return BLOCK.findall(page.read_text())


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_page_examples_run(page: Path, pytester: pytest.Pytester) -> None:
    found = blocks(page)
    namespace: dict[str, object] = {"__name__": f"docs_{page.stem}"}
    for index, code in enumerate(found):
        first = code.splitlines()[0]
        test_file = re.fullmatch(r"# (test_\w+)\.py", first)
        if test_file:
            pytester.makepyfile(**{test_file.group(1): code})
            result = pytester.runpytest("-p", "no:cacheprovider")
            assert result.ret == 0, f"{page.name} block {index}:\n{result.stdout.str()}"
            continue
        exec(compile(code, f"{page.name}[{index}]", "exec"), namespace)


def test_every_page_has_examples_but_the_index() -> None:
    for page in PAGES:
        if page.name not in ("index.md", "coverage.md"):  # coverage.md is generated
            assert blocks(page), f"{page.name} has no Python example"

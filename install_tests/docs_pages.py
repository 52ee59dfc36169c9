"""Run every docs page as a reader would: each page's Python blocks in order, top to bottom, in one namespace, in a
fresh empty folder (none of the checkout's files around). A block whose first line is ``# test_<name>.py`` is saved
under that name and run with pytest, as a reader would save it.

    python docs_pages.py docs/*.md README.md

``install_tests/run.py`` runs it with the throwaway venv's Python, where ``fake_assistants`` is the installed wheel.
Prints one line per page; exits 1 if any page failed (its traceback follows).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import traceback
import warnings
from pathlib import Path

BLOCK = re.compile(r"```python\n(.*?)```", re.DOTALL)
TEST_FILE = re.compile(r"# (test_\w+)\.py")


def run_page(page: Path) -> str | None:
    """Run ``page``'s blocks in a new empty folder; None when they all pass, else what failed."""
    blocks = BLOCK.findall(page.read_text(encoding="utf-8"))
    home = os.getcwd()
    with tempfile.TemporaryDirectory(prefix=f"docs-{page.stem}-") as folder:
        os.chdir(folder)
        namespace: dict[str, object] = {"__name__": f"docs_{page.stem}"}
        try:
            for index, code in enumerate(blocks):
                test_file = TEST_FILE.fullmatch(code.splitlines()[0])
                if test_file:
                    Path(f"{test_file.group(1)}.py").write_text(code, encoding="utf-8")
                    done = subprocess.run(
                        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"{test_file.group(1)}.py"],
                        capture_output=True,
                        text=True,
                    )
                    if done.returncode != 0:
                        return f"block {index} ({test_file.group(1)}.py) failed under pytest:\n{done.stdout}"
                    continue
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", DeprecationWarning)
                    exec(compile(code, f"{page.name}[{index}]", "exec"), namespace)
        except BaseException:  # a page's failure, whatever it is, is reported
            return traceback.format_exc()
        finally:
            os.chdir(home)
    return None


def main(pages: list[str]) -> int:
    failed = 0
    for name in pages:
        page = Path(name).resolve()
        problem = run_page(page)
        print(f"{page.name}: {'ok' if problem is None else 'FAILED'}", flush=True)
        if problem is not None:
            failed += 1
            print(problem, flush=True)
    print(f"docs pages: {len(pages) - failed} of {len(pages)} ran top to bottom")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

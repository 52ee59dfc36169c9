"""``make test-install``: build the sdist and the wheel, install the wheel in a throwaway venv, test it from outside.

Steps: ``python -m build`` (the sdist, then the wheel built *from* the sdist, so a file the sdist forgets fails
here); a look inside both archives for the files a user needs; a new venv with the wheel and its ``openai`` and
``hypothesis`` extras, ``pytest`` and ``pytest-xdist``; then ``install_tests/test_installed_package.py``, copied into
an empty folder and run there with the venv's Python, so nothing can be imported from this checkout; then every docs
page (``docs/*.md`` and the README), each run top to bottom in an empty folder of its own by
``install_tests/docs_pages.py``, as a reader with the installed wheel would. ``--keep`` leaves the folder behind to
look at.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SMOKE = Path(__file__).resolve().parent / "test_installed_package.py"
DOCS_RUNNER = Path(__file__).resolve().parent / "docs_pages.py"
NEEDED = (
    "fake_assistants/contract/assistants-v2.json",
    "fake_assistants/py.typed",
    "fake_assistants/__init__.py",
    "fake_assistants/control/inspector/templates/index.html",
    "fake_assistants/control/inspector/static/inspector.js",
)
# openai and hypothesis come with the wheel's own extras (docs/property-testing.md needs hypothesis); freezegun is
# what a reader of docs/scripting.md installs to run its example
EXTRAS = ("pytest", "pytest-xdist", "freezegun")


def run(command: list[str], **kwargs: object) -> None:
    print("+", " ".join(command), flush=True)
    subprocess.run(command, check=True, **kwargs)  # type: ignore[call-overload]


def check_archives(dist: Path) -> Path:
    (sdist,) = dist.glob("*.tar.gz")
    (wheel,) = dist.glob("*.whl")
    with tarfile.open(sdist) as archive:
        in_sdist = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    with zipfile.ZipFile(wheel) as archive:
        in_wheel = set(archive.namelist())
    missing = [f"sdist: {name}" for name in (*NEEDED, "CHANGELOG.md", "README.md") if name not in in_sdist]
    missing += [f"wheel: {name}" for name in NEEDED if name not in in_wheel]
    entry_points = next((name for name in in_wheel if name.endswith(".dist-info/entry_points.txt")), None)
    if entry_points is None:
        missing.append("wheel: entry_points.txt")
    if missing:
        raise SystemExit(f"install_tests: the archives lack {', '.join(missing)}")
    print(f"install_tests: {sdist.name} and {wheel.name} hold the contract, the typing marker and the entry points")
    return wheel


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--keep", action="store_true", help="keep the throwaway folder")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="fake-assistants-install-"))
    try:
        dist = scratch / "dist"
        run([sys.executable, "-m", "build", "--outdir", str(dist), str(ROOT)], stdout=subprocess.DEVNULL)
        wheel = check_archives(dist)
        venv = scratch / "venv"
        run([sys.executable, "-m", "venv", str(venv)])
        python = venv / "bin" / "python"
        wheel_with_extras = f"{wheel}[openai,hypothesis]"
        run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", wheel_with_extras, *EXTRAS])
        work = scratch / "elsewhere"
        work.mkdir()
        shutil.copy(SMOKE, work / SMOKE.name)
        env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV")}
        env["FAKE_ASSISTANTS_CHECKOUT"] = str(ROOT)
        env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
        command = [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", SMOKE.name]
        print("+", " ".join(command), f"(in {work})", flush=True)
        smoke = subprocess.run(command, cwd=work, env=env).returncode
        pages = work / "docs"
        pages.mkdir()
        for page in [*sorted((ROOT / "docs").glob("*.md")), ROOT / "README.md"]:
            shutil.copy(page, pages / page.name)
        shutil.copy(DOCS_RUNNER, work / DOCS_RUNNER.name)
        command = [str(python), DOCS_RUNNER.name, *sorted(str(page) for page in pages.glob("*.md"))]
        print("+", python, DOCS_RUNNER.name, "docs/*.md", f"(in {work})", flush=True)
        docs = subprocess.run(command, cwd=work, env=env).returncode
        return smoke or docs
    finally:
        if args.keep:
            print(f"install_tests: kept {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())

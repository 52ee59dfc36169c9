"""Without the openai package, every way that needs it says which package to install (an import blocker stands in
for an environment without it: the shared environments keep their SDK)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from fake_assistants.transports.sdk import require_openai

# Runs first in the child: ``import openai`` fails as it does where the package is absent, and so does the
# metadata lookup of its version.
BLOCKER = """
import importlib.metadata
import sys


class NoOpenAI:
    def find_spec(self, name, path=None, target=None):
        if name == "openai" or name.startswith("openai."):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


sys.meta_path.insert(0, NoOpenAI())
for loaded in [name for name in sys.modules if name == "openai" or name.startswith("openai.")]:
    del sys.modules[loaded]
_version = importlib.metadata.version


def version(name):
    if name == "openai":
        raise importlib.metadata.PackageNotFoundError(name)
    return _version(name)


importlib.metadata.version = version
"""

INSTALL = "needs the openai package (openai>=2,<4), which is not installed: pip install 'fake-assistants[openai]'"


def run_without_openai(tmp_path: Path, code: str, *args: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "sitecustomize.py").write_text(BLOCKER)
    script = tmp_path / "main.py"
    script.write_text(textwrap.dedent(code))
    path = os.pathsep.join(filter(None, [str(tmp_path), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": path, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    return subprocess.run(
        [sys.executable, str(script), *args], capture_output=True, text=True, timeout=120, cwd=tmp_path, env=env
    )


def test_every_way_in_names_the_package_to_install(tmp_path: Path) -> None:
    done = run_without_openai(
        tmp_path,
        """
        from fake_assistants import FakeAssistants
        from fake_assistants.transports.sdk import MissingOpenAIError

        fake = FakeAssistants()
        for name, call in [
            ("client", fake.client),
            ("async_client", fake.async_client),
            ("patch", fake.patch),
            ("transport", fake.transport),
        ]:
            try:
                call()
            except MissingOpenAIError as error:
                assert isinstance(error, ModuleNotFoundError)
                print(name, "|", error)
        """,
    )
    assert done.returncode == 0, done.stderr
    lines = dict(line.split(" | ") for line in done.stdout.splitlines())
    assert lines["client"] == f"fake.client() {INSTALL} (or pip install openai)"
    assert lines["async_client"].startswith(f"fake.async_client() {INSTALL}")
    assert lines["patch"].startswith(f"fake.patch() {INSTALL}")
    assert lines["transport"].startswith(f"choosing the SDK's HTTP library (fake.transport()) {INSTALL}")


def test_the_demo_says_it_in_one_line(tmp_path: Path) -> None:
    done = run_without_openai(tmp_path, "from fake_assistants.cli import main\nraise SystemExit(main(['demo']))\n")
    assert done.returncode == 2
    assert done.stderr == f"fake-assistants: fake-assistants demo {INSTALL} (or pip install openai)\n"


def test_the_client_fixture_says_it(tmp_path: Path) -> None:
    (tmp_path / "test_app.py").write_text("def test_x(fake_openai_client):\n    pass\n")
    # only this plugin: the child starts in a second instead of importing every plugin of this venv
    plugin = "fake_assistants.pytest_plugin"
    code = f"import pytest\nraise SystemExit(pytest.main(['-q', '-p', '{plugin}', 'test_app.py']))\n"
    done = run_without_openai(tmp_path, code)
    assert done.returncode == 1
    assert f"MissingOpenAIError: fake.client() {INSTALL}" in done.stdout


def test_an_installed_sdk_is_left_alone() -> None:
    assert require_openai("this test").__name__ == "openai"

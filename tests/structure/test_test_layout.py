"""The test suites' own structure: no module imports a test module or a conftest, the emulator fixtures come from the
shipped plugin only (``tests/conftest.py`` gives two of them short names), and its markers configure them per test."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import openai
import pytest

from fake_assistants import FakeAssistants, ManualClock

ROOT = Path(__file__).resolve().parents[2]
SUITES = ("tests", "contract_tests")
PLUGIN_FIXTURES = frozenset({"fake_assistants", "fake_openai_client", "fake_async_openai_client"})
SHORT_NAMES = frozenset({"fake", "client"})  # defined once, in tests/conftest.py, on the plugin's fixtures
SHORT_NAMES_HOME = "tests/conftest.py"


def is_test_module(module: str) -> bool:
    name = module.rsplit(".", 1)[-1]
    return name == "conftest" or name.startswith("test_")


def imported_modules(source: str, module: str) -> list[str]:
    """Every module ``source`` (the code of ``module``, dotted) imports, relative imports resolved to full names;
    ``from package import name`` counts ``package.name`` too, since ``name`` may be a module."""
    package = module.rsplit(".", 1)[0]
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*parent, *([base] if base else [])])
            found.append(base)
            found.extend(f"{base}.{alias.name}" for alias in node.names)
    return found


def imports_of_test_modules(source: str, module: str) -> list[str]:
    """The test modules and conftests ``module`` imports: none may be imported, shared code lives in plain modules."""
    return sorted({name for name in imported_modules(source, module) if is_test_module(name)})


def fixture_names(source: str) -> list[str]:
    """The names of the fixtures ``source`` defines (``@pytest.fixture``, ``@fixture``, with or without arguments,
    and ``name=`` when given)."""
    names: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for decorator in node.decorator_list:
            call = decorator if isinstance(decorator, ast.Call) else None
            target = call.func if call is not None else decorator
            dotted = ast.unparse(target)
            if dotted not in ("pytest.fixture", "fixture"):
                continue
            given = [kw.value for kw in (call.keywords if call else []) if kw.arg == "name"]
            name = given[0].value if given and isinstance(given[0], ast.Constant) else node.name
            names.append(str(name))
    return names


def misplaced_fixtures(source: str, path: str) -> list[str]:
    """Fixtures of ``source`` (at ``path``, relative to the project) that copy the plugin's: its own names anywhere,
    the short names anywhere but in ``tests/conftest.py``."""
    forbidden = PLUGIN_FIXTURES if path == SHORT_NAMES_HOME else PLUGIN_FIXTURES | SHORT_NAMES
    return sorted(name for name in fixture_names(source) if name in forbidden)


def suite_files() -> list[tuple[str, str]]:
    """``(path relative to the project, dotted module)`` of every Python file of both suites."""
    files = []
    for suite in SUITES:
        for path in sorted((ROOT / suite).rglob("*.py")):
            relative = path.relative_to(ROOT)
            files.append((relative.as_posix(), ".".join(relative.with_suffix("").parts)))
    return files


# --- the checkers catch what they are for ----------------------------------------------------------------------


def test_the_import_checker_catches_a_test_module_or_conftest_imported() -> None:
    source = textwrap.dedent(
        """
        import tests.test_server
        from .test_azure import VERSION
        from . import conftest, support
        from contract_tests.test_shapes import COVERED_OPERATIONS

        def later():
            from ..tests import test_snapshot
        """
    )
    assert imports_of_test_modules(source, "tests.test_inspector") == [
        "contract_tests.test_shapes",
        "tests.conftest",
        "tests.test_azure",
        "tests.test_server",
        "tests.test_snapshot",
    ]
    allowed = "from .support import HEADERS\nfrom . import spec\nfrom .recorder import Recorder\nimport pytest\n"
    assert imports_of_test_modules(allowed, "contract_tests.test_drift") == []


def test_the_fixture_checker_catches_a_copy_of_the_plugins_fixtures() -> None:
    source = textwrap.dedent(
        """
        import pytest
        from pytest import fixture

        @pytest.fixture
        def fake(): ...

        @pytest.fixture(params=["wire", "spec"])
        def fake_assistants(request): ...

        @fixture(name="client")
        def my_client(): ...

        @pytest.fixture
        def http(fake): ...

        def client(): ...  # not a fixture
        """
    )
    assert misplaced_fixtures(source, "tests/backend/test_files.py") == ["client", "fake", "fake_assistants"]
    assert misplaced_fixtures(source, SHORT_NAMES_HOME) == ["fake_assistants"]


# --- and the suites pass them ---------------------------------------------------------------------------------


def test_no_module_of_the_suites_imports_a_test_module_or_a_conftest() -> None:
    found = {path: imports_of_test_modules((ROOT / path).read_text(), module) for path, module in suite_files()}
    assert {path: names for path, names in found.items() if names} == {}
    assert len(found) > 60  # the walk saw both suites


def test_the_emulator_fixtures_are_the_plugins_and_fake_and_client_are_defined_once() -> None:
    found = {path: misplaced_fixtures((ROOT / path).read_text(), path) for path, _ in suite_files()}
    assert {path: names for path, names in found.items() if names} == {}
    home = ast.parse((ROOT / SHORT_NAMES_HOME).read_text())
    arguments = {
        node.name: [arg.arg for arg in node.args.args]
        for node in home.body
        if isinstance(node, ast.FunctionDef) and node.name in SHORT_NAMES
    }
    assert arguments == {"fake": ["fake_assistants"], "client": ["fake_openai_client"]}  # built on the plugin's


# --- the conftest's markers configure the plugin's emulator --------------------------------------------------


@pytest.mark.manual_clock(1_234_567_890)
@pytest.mark.fake_assistants(seed=5, progression="immediate")
def test_manual_clock_gives_a_manual_clock_and_keeps_the_other_settings(
    fake: FakeAssistants, client: openai.OpenAI, fake_assistants: FakeAssistants
) -> None:
    assert fake is fake_assistants and isinstance(fake.clock, ManualClock)
    assert (fake.seed, fake.progression, fake.clock.now()) == (5, "immediate", 1_234_567_890)
    assert client.beta.assistants.create(model="gpt-4o").created_at == 1_234_567_890


@pytest.mark.both_shapes
def test_both_shapes_runs_a_test_once_per_shape(fake: FakeAssistants, request: pytest.FixtureRequest) -> None:
    assert fake.shapes == request.node.callspec.params["emulator_settings"]
    assert request.node.callspec.id in ("wire", "spec")


def test_each_test_gets_its_own_manual_clock(pytester: pytest.Pytester) -> None:
    pytester.makeconftest('pytest_plugins = ["tests.conftest"]')
    pytester.makepyfile(
        """
        import pytest

        pytestmark = pytest.mark.manual_clock(100)

        def test_moves_its_clock(fake):
            assert fake.advance_clock(50) == 150

        def test_sees_the_start(fake):
            assert fake.clock.now() == 100

        @pytest.mark.both_shapes
        def test_twice(fake):
            assert fake.advance_clock(1) == 101
        """
    )
    result = pytester.runpytest("-p", "no:randomly", "-v")  # in file order: the clock moved first, then read
    result.assert_outcomes(passed=4)
    result.stdout.fnmatch_lines(["*test_twice?wire? PASSED*", "*test_twice?spec? PASSED*"])

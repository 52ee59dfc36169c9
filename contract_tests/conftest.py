"""Fixtures for the contract tests: the contract document, a recording SDK client (``recorder``, see
``recorder.py``) and the ``backend`` a test body runs on (see ``backends.py``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from fake_assistants import FakeAssistants
from fake_assistants.contract import SpecUnavailable

from . import spec
from .backends import backends_of, live_unavailable, open_backend
from .coverage import summary
from .recorder import Recorder

# Every emulator in the suite also checks its own responses as it produces them (validate_responses).
os.environ.setdefault("FAKE_ASSISTANTS_VALIDATE_RESPONSES", "1")


@pytest.fixture(scope="session", autouse=True)
def contract_spec() -> dict[str, Any]:
    """The contract document. It ships with the package, so a missing or unreadable one fails every test loudly."""
    return spec.contract().document


@pytest.fixture
def recorder(fake_assistants: FakeAssistants) -> Iterator[Recorder]:
    """A :class:`Recorder` on the plugin's ``fake_assistants`` (configurable with ``@pytest.mark.fake_assistants``)."""
    rec = Recorder(fake_assistants)
    yield rec
    rec.close()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """``make contract`` reports how many of the spec's operations are served and covered."""
    try:
        terminalreporter.write_line(summary())
    except SpecUnavailable as exc:
        terminalreporter.write_line(f"fake_assistants contract: not run ({exc})")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "backends(*names): run this test on these backends (inprocess, server, live); see backends.py"
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" not in metafunc.fixturenames:
        return
    marker = metafunc.definition.get_closest_marker("backends")
    metafunc.parametrize("backend", list(backends_of(marker.args if marker else None)), indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> Iterator[Any]:
    """The backend this test body runs on (parametrized by the ``backends`` marker)."""
    if request.param == "live":
        reason = live_unavailable()
        if reason is not None:
            pytest.skip(reason)
    opened = open_backend(request.param)
    yield opened
    opened.close()

"""The suite's one conftest: short names for the plugin's fixtures, and two markers that configure its emulator.

Every emulator the tests get comes from the shipped plugin (``fake_assistants/pytest_plugin.py``): ``fake`` is its
``fake_assistants`` fixture and ``client`` its ``fake_openai_client``, configured as usual with
``@pytest.mark.fake_assistants(...)``. Two markers add what a marker's fixed keywords cannot give:

``@pytest.mark.manual_clock(start)``: the test's emulator gets its own ``ManualClock(start)`` (a clock passed in the
    ``fake_assistants`` marker would be one object shared by every test it marks).
``@pytest.mark.both_shapes``: a test that uses the emulator runs twice, once per ``shapes`` ("wire", the real
    shapes, and "spec", whose client validates strictly).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import openai
import pytest

from fake_assistants import FakeAssistants, ManualClock, sdk_http_module

from .support import refuse_sockets

pytest_plugins = ["pytester"]

# Our own suite runs every emulator with validate_responses on: a response that drifts from the contract fails.
os.environ.setdefault("FAKE_ASSISTANTS_VALIDATE_RESPONSES", "1")

# The SDK's HTTP library (httpx2 / httpx) imports its core (httpcore2 / httpcore) when its first Client is built.
# Build one now: a test that uses ``pytester`` gets sys.modules restored when it ends, so a core first imported inside
# such a test (a docs page served over HTTP) would be dropped and imported again later as another module, whose
# exceptions the library no longer maps (a timeout then escapes as httpcore2.ReadTimeout, not the SDK's error).
sdk_http_module().Client().close()

SHAPES = ("wire", "spec")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "manual_clock(start): the test's fake_assistants emulator gets its own ManualClock"
    )
    config.addinivalue_line("markers", "both_shapes: run the test under shapes='wire' and shapes='spec'")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    uses_the_emulator = "fake_assistants" in metafunc.fixturenames
    if uses_the_emulator and metafunc.definition.get_closest_marker("both_shapes") is not None:
        metafunc.parametrize("emulator_settings", SHAPES, indirect=True)


@pytest.fixture(autouse=True)
def emulator_settings(request: pytest.FixtureRequest) -> None:
    """Completes the ``fake_assistants`` marker from ``manual_clock`` and ``both_shapes`` before the plugin reads it.

    Autouse fixtures are set up before the others, so the plugin's ``fake_assistants`` fixture sees the result.
    """
    extra: dict[str, Any] = {}
    clock = request.node.get_closest_marker("manual_clock")
    if clock is not None:
        extra["clock"] = ManualClock(*clock.args, **clock.kwargs)
    shapes = getattr(request, "param", None)
    if shapes is not None:
        extra["shapes"] = shapes
    if extra:
        marker = request.node.get_closest_marker("fake_assistants")
        settings = {**(marker.kwargs if marker is not None else {}), **extra}
        request.node.add_marker(pytest.mark.fake_assistants(**settings), append=False)


@pytest.fixture
def fake(fake_assistants: FakeAssistants) -> FakeAssistants:
    """The plugin's ``fake_assistants`` emulator, under the suite's short name."""
    return fake_assistants


@pytest.fixture
def client(fake_openai_client: openai.OpenAI) -> openai.OpenAI:
    """The plugin's ``fake_openai_client``, under the suite's short name."""
    return fake_openai_client


@pytest.fixture
def server_url(fake: FakeAssistants) -> Iterator[str]:
    """The base URL of ``fake`` served over real HTTP on loopback (for the tests of server mode)."""
    with fake.serve() as base_url:
        yield base_url


@pytest.fixture
def server_client(server_url: str) -> Iterator[openai.OpenAI]:
    """A strict ``openai.OpenAI`` that reaches ``fake`` over HTTP through ``server_url``, not in-process."""
    with openai.OpenAI(base_url=server_url, api_key="sk-test", _strict_response_validation=True) as sdk:
        yield sdk


@pytest.fixture
def no_sockets(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every socket connect, bind, send or name lookup raises ``OSError``; the list collects the attempts."""
    return refuse_sockets(monkeypatch)

"""The pytest plugin (entry point ``pytest11``): fixtures, a marker, and quiet Assistants deprecations.

Fixtures:
    ``fake_assistants``: a fresh :class:`~fake_assistants.FakeAssistants` per test.
    ``fake_openai_client`` / ``fake_async_openai_client``: ``openai`` clients wired to it, with strict response
    validation on under ``shapes="spec"`` and off under the default real shapes (see ``FakeAssistants.client``).

Marker: ``@pytest.mark.fake_assistants(seed=..., clock=..., progression=..., strict=..., ...)`` passes its
keywords to the emulator the fixture builds, and gives the test that fixture even when the test does not ask for it
(so ``patch=True`` alone patches); a keyword it does not know fails the test, naming the nearest one;
``faults=[{"fault": "rate_limit", ...}]`` adds faults on demand
and ``rate_limits={"requests_per_minute": 3}`` sets the rate-limit policy (see ``docs/faults.md``).
A run that played the default reply (no scripted turn or responder served it) is named in an
:class:`UnscriptedRunWarning` when the test ends; ``strict=True`` on the marker (or ``fake_assistants_strict = true``
in the ini file) makes such a run a script error instead. ``check_script=True`` on the marker (or
``fake_assistants_check_script = true`` in the ini file) fails the test when a scripted turn was never played, a run
hit a script error or a run played the default reply. ``recording="cassettes/x.yaml"`` queues
one turn per run of that recording (a vcrpy/VCR cassette, a HAR file or the shared JSON layout; a relative path is
read from the test file's folder), so a test that used a cassette gets the recorded answers, and anything beyond the
recording is answered by the emulator. ``skip_sleep=True`` makes ``time.sleep`` return at once during the test, so a
client that polls with its own sleep runs through every status without waiting (see docs/performance.md, "Fast
suites for poll-loop clients"). ``world="world.yaml"`` loads a world file before the test starts (objects that
already exist, declared by id; a relative path is read from the test file's folder; see docs/world.md), and
``fake_assistants_world = tests/world.yaml`` in the ini file is the suite's default (relative to the ini file's
folder; a marker's ``world=None`` turns it off for one test).
``model={"base_url": ..., "record": "cassettes/m.yaml", "record_mode": "none"}`` makes runs that no queued turn serves
ask a chat model, or replay what it answered (the keywords of
``fake_assistants.chat.ChatModel``; a relative ``record`` path is read from the test file's folder; see
docs/models.md); ``--fake-assistants-record-mode=none`` sets every such model's record mode (for CI).

The SDK's ``DeprecationWarning`` for the Assistants API is filtered out unless ``--fake-assistants-keep-deprecations``
is given (or ``fake_assistants_keep_deprecations = true`` is set in the ini file).
"""

from __future__ import annotations

import contextlib
import difflib
import inspect
import time
import warnings
from collections.abc import Generator, Iterator
from dataclasses import fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from .chat import ChatModel
from .emulator import FakeAssistants
from .settings import Settings

if TYPE_CHECKING:
    import openai

# The SDK marks Assistants methods with ``typing_extensions.deprecated``: the assistants resource with the bare
# text "deprecated", threads, messages, runs and steps with "The Assistants API is deprecated ...".
DEPRECATION_FILTERS = (
    "ignore:The Assistants API is deprecated:DeprecationWarning",
    "ignore:deprecated$:DeprecationWarning",
)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("fake_assistants")
    group.addoption(
        "--fake-assistants-keep-deprecations",
        action="store_true",
        default=False,
        help="keep the openai SDK's Assistants API DeprecationWarnings (filtered by default)",
    )
    group.addoption(
        "--fake-assistants-record-mode",
        choices=("none", "once", "new_episodes", "all"),
        default=None,
        help="the record mode of every marker's model= (over its own record_mode): none in CI, new_episodes to record",
    )
    parser.addini(
        "fake_assistants_check_script",
        type="bool",
        default=False,
        help="fail a test whose fake_assistants script has turns left, hit a script error, or let a run play the "
        "default reply",
    )
    parser.addini(
        "fake_assistants_strict",
        type="bool",
        default=False,
        help="every fake_assistants emulator is strict: a run that no scripted turn or responder serves is a script "
        "error (the marker's strict=... overrides it)",
    )
    parser.addini(
        "fake_assistants_world",
        default="",
        help="a world file every fake_assistants fixture loads (relative to the ini file's folder; see docs/world.md)",
    )
    parser.addini(
        "fake_assistants_keep_deprecations",
        type="bool",
        default=False,
        help="keep the openai SDK's Assistants API DeprecationWarnings (filtered by default)",
    )


# The emulator's own keywords, as the marker passes them on: its settings (validate_responses=None: from the
# environment), and the clock.
_EMULATOR_OPTIONS = ", ".join(
    f"{item.name}={None if item.name == 'validate_responses' else item.default!r}" for item in fields(Settings)
).replace("seed=0", "seed=0, clock=None")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"fake_assistants({_EMULATOR_OPTIONS}, check_script=False, patch=False, faults=None, "
        "rate_limits=None, recording=None, skip_sleep=False, world=None, model=None): configure the emulator of the "
        "fake_assistants fixture; "
        "patch=True routes every openai client built during the test to it; faults and rate_limits take the "
        "documents of docs/faults.md; recording='cassette.yaml' scripts it from a recording (path relative to the "
        "test file); skip_sleep=True makes time.sleep return at once during the test; world='world.yaml' loads the "
        "objects the code expects to exist (path relative to the test file); model={'base_url': ..., "
        "'record': ...} has a chat model answer the runs (docs/models.md)",
    )


class UnscriptedRunWarning(UserWarning):
    """A run in a test played the default reply: no scripted turn or responder served it.

    The test may pass while testing nothing. Script the turn, or make the emulator strict (the marker's
    ``strict=True``, or ``fake_assistants_strict = true`` in the ini file) to turn this into a script error.
    """


# The marker's own keywords, beside the emulator's.
PLUGIN_KEYWORDS = ("check_script", "patch", "faults", "rate_limits", "recording", "skip_sleep", "world", "model")
_STASH = pytest.StashKey[tuple[FakeAssistants, bool]]()


def marker_keywords() -> tuple[str, ...]:
    """Every keyword ``@pytest.mark.fake_assistants(...)`` accepts."""
    return (*inspect.signature(FakeAssistants.__init__).parameters.keys() - {"self"}, *PLUGIN_KEYWORDS)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        # The marker alone gives the test its emulator: ``patch=True`` and the rest work without the fixture.
        names = getattr(item, "fixturenames", None)
        marked = item.get_closest_marker("fake_assistants") is not None
        if marked and names is not None and "fake_assistants" not in names:
            names.append("fake_assistants")
    # As item marks, the filters win over both ini ``filterwarnings`` and ``-W`` given on the command line.
    keep = config.getoption("--fake-assistants-keep-deprecations") or config.getini("fake_assistants_keep_deprecations")
    if keep:
        return
    for item in items:
        item.add_marker(pytest.mark.filterwarnings(*DEPRECATION_FILTERS))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    """After the test body: name every run that played the default reply, and with ``check_script`` fail the test
    on what its script left undone."""
    result = yield
    held = item.stash.get(_STASH, None)
    if held is not None:
        fake, check_script = held
        unscripted = fake.unscripted_runs
        if unscripted and not check_script:
            warnings.warn(UnscriptedRunWarning(_unscripted_text(item.nodeid, unscripted)), stacklevel=1)
        if check_script:
            problems = _script_problems(fake, unscripted)
            if problems:
                pytest.fail("fake_assistants script check failed:\n  " + "\n  ".join(problems), pytrace=False)
    return result


def _unscripted_text(nodeid: str, runs: tuple[str, ...]) -> str:
    return (
        f"{nodeid}: run {', '.join(runs)} played the default reply (no scripted turn or responder served it); "
        "script it with fake_assistants.script, or make the emulator strict "
        "(@pytest.mark.fake_assistants(strict=True) or fake_assistants_strict = true in the ini file)"
    )


def _script_problems(fake: FakeAssistants, unscripted: tuple[str, ...]) -> list[str]:
    script = fake.script
    problems = [f"script error: {error}" for error in script.errors]
    problems += [f"turn never played: {entry!r}" for entry in script.pending]
    problems += [f"run {run_id} played the default reply: no scripted turn served it" for run_id in unscripted]
    return problems


def _check_keywords(kwargs: dict[str, Any]) -> None:
    valid = marker_keywords()
    for name in kwargs:
        if name not in valid:
            near = difflib.get_close_matches(name, valid, n=1)
            hint = f"did you mean {near[0]!r}? " if near else ""
            pytest.fail(
                f"@pytest.mark.fake_assistants got an unknown keyword {name!r}; {hint}"
                f"it takes: {', '.join(sorted(valid))}",
                pytrace=False,
            )


@pytest.fixture
def fake_assistants(request: pytest.FixtureRequest) -> Iterator[FakeAssistants]:
    """A fresh emulator, configured by the ``fake_assistants`` marker if the test has one."""
    marker = request.node.get_closest_marker("fake_assistants")
    if marker is not None and marker.args:
        raise pytest.UsageError("@pytest.mark.fake_assistants takes keyword arguments only")
    kwargs = dict(marker.kwargs) if marker is not None else {}
    _check_keywords(kwargs)
    kwargs.setdefault("strict", request.config.getini("fake_assistants_strict"))
    check_script = kwargs.pop("check_script", None)
    if check_script is None:
        check_script = request.config.getini("fake_assistants_check_script")
    patch = kwargs.pop("patch", False)  # patch=True: every openai.OpenAI() built in the test reaches the emulator
    recording = kwargs.pop("recording", None)
    faults = kwargs.pop("faults", None)
    rate_limits = kwargs.pop("rate_limits", None)
    skip_sleep = kwargs.pop("skip_sleep", False)  # skip_sleep=True: a client's own poll sleeps return at once
    world = _world(request, kwargs.pop("world", _INI))
    model = kwargs.pop("model", None)  # model={...}: a chat model answers the runs no queued turn serves
    fake = FakeAssistants(**kwargs)
    if world is not None:
        fake.load_world(world)
    if model is not None:
        record_mode = request.config.getoption("--fake-assistants-record-mode")
        model = {**model, "record_mode": record_mode} if record_mode is not None else model
        fake.script.respond_with(ChatModel.from_config(model, relative_to=Path(request.path).parent))
    if recording is not None:
        fake.script.load_recording(Path(request.path).parent / recording)  # an absolute path stays as it is
    if faults:
        fake.faults.add_from(faults)
    if rate_limits:
        fake.rate_limits(**rate_limits)
    with contextlib.ExitStack() as stack:
        if skip_sleep:
            stack.enter_context(pytest.MonkeyPatch.context()).setattr(time, "sleep", _no_sleep)
        if patch:
            stack.enter_context(fake.patch())
        request.node.stash[_STASH] = (fake, bool(check_script))
        yield fake


_INI = object()  # the marker names no world: the ini file's, if any


def _world(request: pytest.FixtureRequest, marked: object) -> Path | dict[str, object] | None:
    """The world the test loads: the marker's (relative to the test file), else the ini file's (relative to it)."""
    if marked is _INI:
        default = request.config.getini("fake_assistants_world")
        if not default:
            return None
        return (request.config.inipath.parent if request.config.inipath else request.config.rootpath) / str(default)
    if marked is None or isinstance(marked, dict):
        return marked
    if not isinstance(marked, (str, Path)):
        raise pytest.UsageError("@pytest.mark.fake_assistants(world=...) takes a world file's path or a dict")
    return Path(request.path).parent / marked  # an absolute path stays as it is


def _no_sleep(seconds: float) -> None:
    """``time.sleep`` under ``skip_sleep=True``: checks its argument as the real one does, and returns."""
    if seconds < 0:
        raise ValueError("sleep length must be non-negative")


@pytest.fixture
def fake_openai_client(fake_assistants: FakeAssistants) -> Iterator[openai.OpenAI]:
    """An ``openai.OpenAI`` wired to ``fake_assistants`` (strict response validation as ``fake.client()``)."""
    client = fake_assistants.client()
    yield client
    client.close()


@pytest.fixture
def fake_async_openai_client(fake_assistants: FakeAssistants) -> openai.AsyncOpenAI:
    """An ``openai.AsyncOpenAI`` wired to ``fake_assistants`` (strict response validation as ``fake.client()``)."""
    return fake_assistants.async_client()

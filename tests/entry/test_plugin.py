"""The pytest plugin, tested the way users meet it: through pytester runs of small test files."""

from __future__ import annotations

import re

import pytest

TESTS_USING_FIXTURES = """
import asyncio
import pytest
from fake_assistants import FakeAssistants, ManualClock

def test_fresh_emulator_a(fake_assistants, fake_openai_client):
    assert isinstance(fake_assistants, FakeAssistants)
    fake_openai_client.beta.assistants.create(model="gpt-4o", instructions="Be brief.")
    assert len(fake_openai_client.beta.assistants.list().data) == 1

def test_fresh_emulator_b(fake_openai_client):
    fake_openai_client.beta.assistants.create(model="gpt-4o", instructions="Be brief.")
    assert len(fake_openai_client.beta.assistants.list().data) == 1

def test_client_is_loose_under_real_shapes_and_shares_the_fixture(fake_assistants, fake_openai_client):
    assert fake_openai_client._strict_response_validation is False
    fake_assistants.script.reply("from the script")
    assert [t.turn.ending.text for t in fake_assistants.script.pending] == ["from the script"]

@pytest.mark.fake_assistants(shapes="spec")
def test_spec_shapes_give_a_strict_client(fake_openai_client, fake_async_openai_client):
    assert fake_openai_client._strict_response_validation is True
    assert fake_async_openai_client._strict_response_validation is True

def test_async_client(fake_async_openai_client):
    async def main():
        thread = await fake_async_openai_client.beta.threads.create(metadata={"k": "v"})
        return (await fake_async_openai_client.beta.threads.retrieve(thread.id)).metadata
    assert asyncio.run(main()) == {"k": "v"}

@pytest.mark.fake_assistants(seed=42, clock=ManualClock(1_234_567_890), progression="immediate")
def test_marker_configures_the_emulator(fake_assistants, fake_openai_client):
    assert (fake_assistants.seed, fake_assistants.progression) == (42, "immediate")
    assistant = fake_openai_client.beta.assistants.create(model="gpt-4o", instructions="Be brief.")
    assert assistant.created_at == 1_234_567_890
    thread = fake_openai_client.beta.threads.create()
    run = fake_openai_client.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id)
    assert run.status == "completed"
"""

SEEDED = """
import pytest

@pytest.mark.fake_assistants(seed=5)
def test_first(fake_openai_client):
    print("ID", fake_openai_client.beta.assistants.create(model="m").id)

@pytest.mark.fake_assistants(seed=5)
def test_second(fake_openai_client):
    print("ID", fake_openai_client.beta.assistants.create(model="m").id)

@pytest.mark.fake_assistants(seed=6)
def test_other_seed(fake_openai_client):
    print("ID", fake_openai_client.beta.assistants.create(model="m").id)
"""

USES_DEPRECATED_CALLS = """
def test_calls_assistants_and_threads(fake_assistants, fake_openai_client):
    fake_assistants.script.reply("scripted")
    assistant = fake_openai_client.beta.assistants.create(model="gpt-4o", instructions="Be brief.")
    thread = fake_openai_client.beta.threads.create()
    fake_openai_client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
"""


def test_fixtures_are_fresh_per_test_and_the_marker_configures_them(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(TESTS_USING_FIXTURES)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=6)


def test_marker_seed_makes_ids_repeatable(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(SEEDED)
    result = pytester.runpytest("-s", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=3)
    ids = re.findall(r"ID (asst_\w+)", result.stdout.str())
    assert len(ids) == 3
    assert ids[0] == ids[1] != ids[2]


def test_marker_is_registered(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--markers")
    result.stdout.fnmatch_lines(["*@pytest.mark.fake_assistants(seed=0*"])


def test_deprecation_warnings_are_filtered_by_default(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(USES_DEPRECATED_CALLS)
    result = pytester.runpytest("-W", "error::DeprecationWarning", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def test_deprecation_filter_wins_over_an_ini_error_filter(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nfilterwarnings = error\n")
    pytester.makepyfile(USES_DEPRECATED_CALLS)
    # In a fresh process: in-process, the outer session's import of the plugin trips "error" on pytest's own
    # "already imported, cannot rewrite" warning, which says nothing about our filter.
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def test_option_keeps_deprecation_warnings(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(USES_DEPRECATED_CALLS)
    result = pytester.runpytest(
        "-W", "error::DeprecationWarning", "--fake-assistants-keep-deprecations", "-p", "no:cacheprovider"
    )
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*DeprecationWarning*"])


def test_ini_option_keeps_deprecation_warnings(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nfake_assistants_keep_deprecations = true\nfilterwarnings = error::DeprecationWarning\n")
    pytester.makepyfile(USES_DEPRECATED_CALLS)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)


def test_marker_rejects_positional_arguments(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        "import pytest\n\n@pytest.mark.fake_assistants(3)\ndef test_x(fake_assistants):\n    pass\n"
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.stdout.fnmatch_lines(["*keyword arguments only*"])

"""The plugin never lets a test pass silently: the marker works alone, unscripted runs are named, typos are caught."""

from __future__ import annotations

import pytest

WARNING = "fake_assistants.pytest_plugin.UnscriptedRunWarning"
RUN = """
    client = openai.OpenAI(max_retries=0)
    assistant = client.beta.assistants.create(model="gpt-4o", instructions="Be brief.")
    thread = client.beta.threads.create()
    return client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
"""

MARKER_ONLY = f"""
import openai
import pytest

def run_once():{RUN}

@pytest.mark.fake_assistants(patch=True, seed=7)
def test_only_the_marker(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-looks-live")
    run = run_once()
    assert run.status == "completed"

@pytest.mark.fake_assistants(patch=True)
class TestOnAClass:
    def test_in_a_class(self):
        assert run_once().status == "completed"
"""


def test_the_marker_alone_gives_the_test_its_emulator(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(MARKER_ONLY)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-W", "ignore::UserWarning")
    result.assert_outcomes(passed=2)


UNSCRIPTED = f"""
import openai
import pytest

def run_once():{RUN}

@pytest.mark.fake_assistants(patch=True)
def test_unscripted():
    run_once()

@pytest.mark.fake_assistants(patch=True)
def test_scripted(fake_assistants):
    fake_assistants.script.reply("scripted")
    run_once()
"""


def test_an_unscripted_run_is_named_in_a_warning(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(UNSCRIPTED)
    # -W: as a user's run shows it (this suite's own ini ignores the warning, and an in-process run inherits that)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-W", f"default::{WARNING}")
    result.assert_outcomes(passed=2, warnings=1)
    result.stdout.fnmatch_lines(
        [
            "*UnscriptedRunWarning: test_an_unscripted_run_is_named_in_a_warning.py::test_unscripted: run run_* "
            "played the default reply (no scripted turn or responder served it)*"
        ]
    )
    assert "::test_scripted: run" not in result.stdout.str()


def test_the_warning_can_be_an_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(UNSCRIPTED)
    result = pytester.runpytest_inprocess(
        "-p", "no:cacheprovider", "-W", f"error::{WARNING}"
    )
    result.assert_outcomes(passed=1, failed=1)


def test_the_ini_makes_every_emulator_strict_and_the_marker_overrides_it(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nfake_assistants_strict = true\n")
    pytester.makepyfile(
        f"""
import openai
import pytest

def run_once():{RUN}

def test_strict_by_the_ini(fake_assistants):
    assert fake_assistants.script.strict is True

@pytest.mark.fake_assistants(patch=True)
def test_unscripted_fails():
    with pytest.raises(openai.InternalServerError, match="strict script: run run_"):
        run_once()

@pytest.mark.fake_assistants(strict=False)
def test_the_marker_overrides(fake_assistants):
    assert fake_assistants.script.strict is False
"""
    )
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=3)


CHECKED = f"""
import openai
import pytest

def run_once():{RUN}

@pytest.mark.fake_assistants(patch=True, check_script=True)
def test_leaves_a_turn_and_runs_unscripted(fake_assistants):
    fake_assistants.script.for_assistant("asst_nobody").reply("never played")
    run_once()

@pytest.mark.fake_assistants(patch=True, check_script=True)
def test_plays_everything(fake_assistants):
    fake_assistants.script.reply("played")
    run_once()
"""


def test_check_script_fails_the_test_listing_what_the_script_left(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(CHECKED)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*fake_assistants script check failed:",
            "*turn never played: *never played*",
            "*run run_* played the default reply: no scripted turn served it",
        ]
    )


def test_a_misspelled_marker_keyword_names_the_nearest_one(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("import pytest\n\n@pytest.mark.fake_assistants(sead=3)\ndef test_x():\n    pass\n")
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["*@pytest.mark.fake_assistants got an unknown keyword 'sead'; did you mean 'seed'? it takes: check_script, *"]
    )

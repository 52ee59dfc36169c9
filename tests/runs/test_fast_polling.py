"""Fast suites for clients that poll with their own ``time.sleep`` (langchain's runnable sleeps 1 s per poll).

The same test body runs three ways: as it is (here with ``time.sleep`` recorded instead of slept, since this suite
never sleeps), under ``skip_sleep=True`` (every status still seen, no sleep), and under ``progression="immediate"``
(the run settles at once: no poll, no sleep, and no intermediate status either).
"""

from __future__ import annotations

import time

import openai
import pytest

from fake_assistants import FakeAssistants

REAL_SLEEP = time.sleep


def poll_until_done(client: openai.OpenAI, thread_id: str, assistant_id: str) -> list[str]:
    """The client under test: it polls with its own one-second sleep, as langchain's assistant runnable does."""
    run = client.beta.threads.runs.create(thread_id=thread_id, assistant_id=assistant_id)
    seen = [run.status]
    while run.status in ("queued", "in_progress"):
        time.sleep(1)
        run = client.beta.threads.runs.retrieve(run.id, thread_id=thread_id)
        seen.append(run.status)
    return seen


def the_test(client: openai.OpenAI) -> list[str]:
    """The one test body, shared by every way of running it below."""
    assistant = client.beta.assistants.create(model="gpt-4o")
    thread = client.beta.threads.create(messages=[{"role": "user", "content": "Hi"}])
    seen = poll_until_done(client, thread.id, assistant.id)
    reply = client.beta.threads.messages.list(thread.id, limit=1).data[0]
    assert seen[-1] == "completed" and reply.role == "assistant"
    return seen


def test_before_the_client_sleeps_once_per_status(
    fake_openai_client: openai.OpenAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    slept: list[float] = []
    monkeypatch.setattr(time, "sleep", slept.append)  # this suite never sleeps: record what the client asks for
    assert the_test(fake_openai_client) == ["queued", "in_progress", "completed"]
    assert slept == [1, 1]  # two real seconds per run, as the test stands


@pytest.mark.fake_assistants(skip_sleep=True)
def test_after_skip_sleep_keeps_every_status(fake_openai_client: openai.OpenAI) -> None:
    assert time.sleep is not REAL_SLEEP
    assert the_test(fake_openai_client) == ["queued", "in_progress", "completed"]


@pytest.mark.fake_assistants(progression="immediate")
def test_after_immediate_settles_at_once(fake_openai_client: openai.OpenAI, monkeypatch: pytest.MonkeyPatch) -> None:
    slept: list[float] = []
    monkeypatch.setattr(time, "sleep", slept.append)
    assert the_test(fake_openai_client) == ["completed"]
    assert slept == []


def test_skip_sleep_ends_with_the_test_and_checks_its_argument(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import time
        import pytest

        REAL = time.sleep

        @pytest.mark.fake_assistants(skip_sleep=True)
        def test_patched(fake_assistants):
            assert time.sleep is not REAL
            time.sleep(3600)  # returns at once
            with pytest.raises(ValueError):
                time.sleep(-1)

        def test_restored_after(fake_assistants):
            assert time.sleep is REAL
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)


def test_skip_sleep_also_works_with_patch_mode(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import time
        import openai
        import pytest

        @pytest.mark.fake_assistants(skip_sleep=True, patch=True)
        def test_both(fake_assistants):
            client = openai.OpenAI()
            assert client.beta.assistants.create(model="gpt-4o").id.startswith("asst_")
            time.sleep(5)
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def test_an_emulator_alone_is_untouched() -> None:
    FakeAssistants()
    assert time.sleep is REAL_SLEEP

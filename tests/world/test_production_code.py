"""Acceptance: production code that never creates its assistant, tested unchanged with a world file.

The production module below is what a user ships: it reads its assistant and vector store ids from configuration
(the dashboard's ids as defaults), searches the store and resumes a stored thread by id. Its test module is what
the user writes: the marker names a world file, and nothing in the production code changes. Both run under pytester,
in process and in server mode (the same test module, with the client pointed at ``fake.serve()``).
"""

from __future__ import annotations

import textwrap

import pytest

PRODUCTION = '''
import os

ASSISTANT_ID = os.environ.get("SUPPORT_ASSISTANT_ID", "asst_1Hq8SupportBotFromDashboard")
HANDBOOK_STORE_ID = os.environ.get("SUPPORT_STORE_ID", "vs_handbook")


def handbook_sources(client, question):
    """The handbook files that answer a question."""
    return [hit.filename for hit in client.vector_stores.search(HANDBOOK_STORE_ID, query=question)]


def continue_conversation(client, thread_id, text):
    """Add the customer's message to their stored thread, run the support assistant, return its answer."""
    client.beta.threads.messages.create(thread_id, role="user", content=text)
    run = client.beta.threads.runs.create_and_poll(thread_id=thread_id, assistant_id=ASSISTANT_ID)
    if run.status != "completed":
        raise RuntimeError(f"the run ended {run.status}")
    newest = client.beta.threads.messages.list(thread_id, limit=1).data[0]
    return newest.content[0].text.value


def history(client, thread_id):
    return [(m.role, m.content[0].text.value) for m in client.beta.threads.messages.list(thread_id, order="asc")]
'''

WORLD = """
# The objects made once in the dashboard, under the ids production reads.
files:
  - id: file-ReturnsPolicy
    path: docs/returns.md
    purpose: assistants
vector_stores:
  - id: vs_handbook
    name: Support handbook
    metadata: {team: support}
    file_ids: [file-ReturnsPolicy]
    files:
      - filename: shipping.md
        text: Orders ship within two business days; express shipping arrives the next day.
assistants:
  - id: asst_1Hq8SupportBotFromDashboard
    model: gpt-4o
    name: Support
    instructions: Answer from the handbook.
    tools: [{type: file_search}]
    tool_resources: {file_search: {vector_store_ids: [vs_handbook]}}
threads:
  - id: thread_customer42
    metadata: {customer: "42"}
    messages:
      - role: user
        content: I want to return my kettle.
      - role: assistant
        content: I can help with that. What is the order number?
"""

RETURNS = "Returns are accepted within 30 days of delivery with the receipt; refunds reach the card in a week."

TESTS = """
import pytest

import support


@pytest.mark.fake_assistants(world="world.yaml")
def test_the_handbook_answers_from_its_own_files(CLIENT):
    assert support.handbook_sources(CLIENT, "refund receipt")[0] == "returns.md"
    assert support.handbook_sources(CLIENT, "express shipping")[0] == "shipping.md"


@pytest.mark.fake_assistants(world="world.yaml")
def test_a_stored_thread_is_resumed_by_id(fake_assistants, CLIENT):
    fake_assistants.script.reply("Order 1234 is ready to be returned.")
    answer = support.continue_conversation(CLIENT, "thread_customer42", "Order 1234.")
    assert answer == "Order 1234 is ready to be returned."
    assert support.history(CLIENT, "thread_customer42") == [
        ("user", "I want to return my kettle."),
        ("assistant", "I can help with that. What is the order number?"),
        ("user", "Order 1234."),
        ("assistant", "Order 1234 is ready to be returned."),
    ]
    run = CLIENT.beta.threads.runs.list("thread_customer42").data[0]
    assert run.assistant_id == support.ASSISTANT_ID and run.instructions == "Answer from the handbook."
"""

IN_PROCESS = """
import pytest


@pytest.fixture
def client(fake_openai_client):
    return fake_openai_client
"""

SERVER_MODE = """
import openai
import pytest


@pytest.fixture
def client(fake_assistants):
    with fake_assistants.serve() as url:
        served = openai.OpenAI(base_url=url, api_key="sk-test", max_retries=0)
        yield served
        served.close()
"""


def _project(pytester: pytest.Pytester, fixtures: str) -> None:
    pytester.makepyfile(support=PRODUCTION)
    pytester.makepyfile(conftest=textwrap.dedent(fixtures))
    pytester.makepyfile(test_support=TESTS.replace("CLIENT", "client"))
    (pytester.path / "world.yaml").write_text(WORLD)
    (pytester.path / "docs").mkdir()
    (pytester.path / "docs" / "returns.md").write_text(RETURNS)


@pytest.mark.parametrize("mode", ["in process", "server mode"])
def test_production_code_passes_unchanged_under_the_marker_with_a_world_file(
    pytester: pytest.Pytester, mode: str
) -> None:
    _project(pytester, IN_PROCESS if mode == "in process" else SERVER_MODE)
    result = pytester.runpytest("-p", "no:cacheprovider", "-W", "error::DeprecationWarning")
    result.assert_outcomes(passed=2)


def test_the_ini_option_gives_every_test_the_world(pytester: pytest.Pytester) -> None:
    _project(pytester, IN_PROCESS)
    (pytester.path / "test_support.py").write_text(
        TESTS.replace("CLIENT", "client").replace('@pytest.mark.fake_assistants(world="world.yaml")\n', "")
    )
    (pytester.path / "test_without.py").write_text(
        "import openai, pytest\n\n\n"
        "@pytest.mark.fake_assistants(world=None)\n"
        "def test_a_marker_turns_the_suites_world_off(fake_openai_client):\n"
        "    with pytest.raises(openai.NotFoundError):\n"
        "        fake_openai_client.beta.assistants.retrieve('asst_1Hq8SupportBotFromDashboard')\n"
    )
    pytester.makeini("[pytest]\nfake_assistants_world = world.yaml\n")
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=3)


def test_without_the_world_the_same_code_meets_the_404s(pytester: pytest.Pytester) -> None:
    _project(pytester, IN_PROCESS)
    (pytester.path / "test_support.py").write_text(
        TESTS.replace("CLIENT", "client").replace('@pytest.mark.fake_assistants(world="world.yaml")\n', "")
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "--tb=line")
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(["*NotFoundError*"])

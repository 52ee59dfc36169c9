"""A bounded fuzz run: Schemathesis drives every operation of the package's own contract against server mode, with a
fixed seed and a few examples per operation, and the emulator answers no 5xx and no body that breaks the contract.

Half of each operation's examples use the ids of real objects (seeded before each operation), so retrieve, modify,
delete and the nested routes are exercised too, not only their 404s. The run prints its seed and example count.

Spec quirks the run ignores (each is the real API's behaviour, and the spec's mistake):

* 4xx statuses the spec does not declare (it lists few; the real API answers 400, 401, 404, 413...): the
  ``status_code_conformance`` check is not run; every 4xx body is still held to the error envelope by the emulator's
  own ``validate_responses``, which this suite turns on.
* ``first_id`` / ``last_id`` are null on an empty page (the spec types them as plain strings).
* a file's ``purpose`` may be ``evals`` (the spec's ``OpenAIFile.purpose`` enum predates it).
* a file's content (``GET /files/{file_id}/content``) is its bytes as ``application/octet-stream``, not the JSON
  string the spec declares: the ``content_type_conformance`` check is not run.

The run is one SDK leg's job (the emulator under it does not change with the SDK), so it is skipped on openai 2.x.
"""

from __future__ import annotations

import contextlib
import json
from importlib.metadata import version
from typing import Any

import pytest

from fake_assistants import FakeAssistants
from fake_assistants.clock import ManualClock
from fake_assistants.contract import spec_path
from fake_assistants.contract.wire import overlay

schemathesis = pytest.importorskip("schemathesis", reason="the fuzz run needs schemathesis (a dev dependency)")
hypothesis = pytest.importorskip("hypothesis")

from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.core.failures import FailureGroup  # noqa: E402
from schemathesis.openapi.checks import JsonSchemaError  # noqa: E402
from schemathesis.specs.openapi.checks import response_schema_conformance  # noqa: E402

SEED = 15
EXAMPLES_PER_OPERATION = 8
HEADERS = {"Authorization": "Bearer sk-fuzz", "OpenAI-Beta": "assistants=v2"}

pytestmark = pytest.mark.skipif(
    int(version("openai").split(".")[0]) < 3, reason="the fuzz run is the openai 3.x leg's job"
)


def contract() -> Any:
    """The package's contract as the emulator answers it by default (the spec with the recorded deviations laid over
    it, ``docs/fidelity.md``), as Schemathesis reads it: the one place that names it."""
    return schemathesis.openapi.from_dict(overlay(json.loads(spec_path().read_text(encoding="utf-8")), shapes="wire"))


def seed_objects(fake: FakeAssistants) -> dict[str, str]:
    """One object of every kind, by the path parameter that names it."""
    client = fake.client(api_key="sk-fuzz")
    uploaded = client.files.create(file=("notes.txt", b"the fuzz run's notes"), purpose="assistants")
    store = client.vector_stores.create(name="fuzz", file_ids=[uploaded.id])
    batch = client.vector_stores.file_batches.create(store.id, file_ids=[uploaded.id])
    assistant = client.beta.assistants.create(model="gpt-4o")
    thread = client.beta.threads.create(messages=[{"role": "user", "content": "hello"}])
    message = client.beta.threads.messages.list(thread.id).data[0]
    run = client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
    step = client.beta.threads.runs.steps.list(run.id, thread_id=thread.id).data[0]
    return {
        "file_id": uploaded.id,
        "vector_store_id": store.id,
        "batch_id": batch.id,
        "assistant_id": assistant.id,
        "thread_id": thread.id,
        "message_id": message.id,
        "run_id": run.id,
        "step_id": step.id,
    }


def known_quirk(failure: Exception, body: Any) -> bool:
    if not isinstance(failure, JsonSchemaError):
        return False
    path = list(failure.instance_path)
    if path in (["first_id"], ["last_id"]) and failure.instance is None:
        return isinstance(body, dict) and body.get("data") == []
    return bool(path) and path[-1] == "purpose" and failure.instance == "evals"


def fuzz(operation: Any, url: str, known: dict[str, str], problems: list[str]) -> int:
    """Run one operation's examples; returns how many ran. Odd examples use the seeded objects' ids."""
    examples = 0

    @hypothesis.seed(SEED)
    @hypothesis.settings(
        max_examples=EXAMPLES_PER_OPERATION,
        database=None,
        deadline=None,
        suppress_health_check=list(hypothesis.HealthCheck),
        phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
    )
    @hypothesis.given(operation.as_strategy())
    def exercise(case: Any) -> None:
        nonlocal examples
        examples += 1
        if examples % 2 and case.path_parameters:
            case.path_parameters = {name: known.get(name, value) for name, value in case.path_parameters.items()}
        response = case.call(base_url=url, headers=HEADERS)
        try:
            case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
        except FailureGroup as group:
            body = _json(response.text)
            for failure in group.exceptions:
                if not known_quirk(failure, body):
                    where = getattr(failure, "instance_path", "")
                    problems.append(
                        f"{operation.label} -> {response.status_code}: {failure.title} {where}: {response.text[:300]}"
                    )

    exercise()
    return examples


def test_schemathesis_finds_no_server_error_and_no_contract_break(request: pytest.FixtureRequest) -> None:
    # Schemathesis is the contract check here, with the quirks above set aside: the emulator's own
    # validate_responses (which holds 'evals' to the spec's enum) would turn a quirk into a 500.
    fake = FakeAssistants(seed=SEED, clock=ManualClock(), progression="immediate", validate_responses=False)
    operations = [result.ok() for result in contract().get_all_operations()]
    examples = 0
    problems: list[str] = []
    with fake.serve() as url:
        for operation in operations:
            fake.reset()
            examples += fuzz(operation, url, seed_objects(fake), problems)
    summary = (
        f"schemathesis fuzz run: seed {SEED}, {len(operations)} operations, {examples} examples "
        f"(up to {EXAMPLES_PER_OPERATION} per operation), {len(problems)} problems"
    )
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    with capture.global_and_fixture_disabled() if capture is not None else contextlib.nullcontext():
        print(f"\n{summary}", flush=True)
    assert len(operations) >= 40
    assert examples >= len(operations) * 2
    assert problems == [], "\n".join(problems[:20])


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None

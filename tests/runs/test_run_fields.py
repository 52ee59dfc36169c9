"""Adding a field to runs touches three package files: the request model, the ``Run`` model and the run's wire fields.

A copy of the package with exactly those three one-line edits takes the new field on create, echoes it on every
read and in stream events, and keeps it across a snapshot; the run operations copy echoed fields by themselves.
"""

from __future__ import annotations

from pathlib import Path

from ..footprint import after_line, with_edits

EDITS = {  # file -> (a line that is there, the line added after it)
    "schemas/requests.py": ("    parallel_tool_calls: bool | None = None\n", "    service_tier: str | None = None\n"),
    "backend/models.py": ("    moved_at: int = 0  # when", "    service_tier: str | None = None\n"),
    "api/serialize.py": ('    "max_completion_tokens",', '    "service_tier",\n'),  # in RUN_FIELDS, the wire order
}

USE_THE_FIELD = """
from fake_assistants import FakeAssistants

fake = FakeAssistants()
client = fake.client()
assistant = client.beta.assistants.create(model="gpt-4o")
thread = client.beta.threads.create(messages=[{"role": "user", "content": "hi"}])
tier = {"service_tier": "flex"}
run = client.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id, extra_body=tier)
plain = client.beta.threads.runs.create_and_poll(thread_id=client.beta.threads.create().id, assistant_id=assistant.id,
                                                  additional_messages=[{"role": "user", "content": "hi"}])
with client.beta.threads.runs.stream(thread_id=client.beta.threads.create().id, assistant_id=assistant.id,
                                     additional_messages=[{"role": "user", "content": "hi"}],
                                     extra_body={"service_tier": "priority"}) as stream:
    streamed = {event.data.to_dict().get("service_tier") for event in stream if event.event.startswith("thread.run.")
                and event.event != "thread.run.step.created" and event.data.object == "thread.run"}
restored = FakeAssistants.restore(fake.snapshot()).client()
print(run.to_dict()["service_tier"], plain.to_dict()["service_tier"], sorted(streamed),
      restored.beta.threads.runs.retrieve(run.id, thread_id=thread.id).to_dict()["service_tier"])
"""


def test_a_new_run_field_is_three_one_line_edits(tmp_path: Path) -> None:
    edits = {name: after_line(anchor, added) for name, (anchor, added) in EDITS.items()}
    done = with_edits(tmp_path, USE_THE_FIELD, edits)  # and no other file changed
    assert done.stdout.split() == ["flex", "None", "['priority']", "flex"]

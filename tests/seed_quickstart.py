"""The seed's quickstart, Steps 1-4, verbatim but for one line: ``client = OpenAI()`` became ``fake.client()``;
and its file examples (thread attachments vs the knowledge base), verbatim.

The tests run these copies, so they need nothing outside the repository. ``tests/entry/test_quickstart.py`` and
``tests/runs/test_scoping.py`` check them against the seed file itself when it is at hand (this project's
``../shared/seeds``), and skip that comparison, with the reason, when it is not.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fake_assistants import FakeAssistants

SEED_FILE = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "000_6bdba0f0c3ef0dae.txt"
SEED_MISSING = f"the seed file is not at {SEED_FILE} (it sits beside this project's own checkout only)"

STEPS_1_TO_4 = '''
from openai import OpenAI

client = fake.client()

assistant = client.beta.assistants.create(
    name="Math Tutor",
    instructions="You are a personal math tutor. Write and run code to answer math questions.",
    tools=[{"type": "code_interpreter"}],
    model="gpt-4o"
)

thread = client.beta.threads.create()

message = client.beta.threads.messages.create(
    thread_id=thread.id,
    role="user",
    content="I need to solve the equation `3x + 11 = 14`. Can you help me?"
)

run = client.beta.threads.runs.create_and_poll(
    thread_id=thread.id,
    assistant_id=assistant.id,
    instructions="Please address the user as Jane Doe. The user has a premium account."
)
'''

# "Uploading Files to a Thread": the attachment example (it names a placeholder file id, `file_abc123`).
ATTACH_TO_A_THREAD = """
message = client.beta.threads.messages.create(
    thread_id=thread.id,
    role="user",
    content="Please analyze the attached document.",
    attachments=[{"file_id": "file_abc123", "tools": [{"type": "code_interpreter"}]}]
)
"""

# "Uploading Files to a Knowledge Base (Tool Resources)", 1. Upload the File.
UPLOAD_THE_FILE = """
file = client.files.create(
    file=open("data.csv", "rb"),
    purpose="assistants"
)
"""

# 2. Create the Assistant with the File as a Resource.
ASSISTANT_WITH_THE_FILE = """
assistant = client.beta.assistants.create(
    name="Data Visualizer",
    instructions="You analyze .csv files and generate data visualizations.",
    model="gpt-4o",
    tools=[{"type": "code_interpreter"}],
    tool_resources={
        "code_interpreter": {
            "file_ids": [file.id]
        }
    }
)
"""


def run_seed(fake: FakeAssistants) -> dict[str, Any]:
    """Run Steps 1-4 with ``fake`` in scope; return the names they defined (``client``, ``run``, ...)."""
    namespace: dict[str, Any] = {"fake": fake}
    exec(compile(STEPS_1_TO_4, "seed-quickstart", "exec"), namespace)
    return namespace

"""Without hypothesis, the package works as before, and importing the strategies says which extra to install."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

WITHOUT_HYPOTHESIS = textwrap.dedent(
    """
    import sys

    class NoHypothesis:
        def find_spec(self, name, path=None, target=None):
            if name == "hypothesis" or name.startswith("hypothesis."):
                raise ModuleNotFoundError(f"No module named {name!r}", name=name)
            return None

    sys.meta_path.insert(0, NoHypothesis())
    import fake_assistants
    import fake_assistants.pytest_plugin

    fake = fake_assistants.FakeAssistants()
    fake.script.reply("Still here.")
    client = fake.client()
    assistant = client.beta.assistants.create(model="gpt-4o")
    run = client.beta.threads.create_and_run_poll(
        assistant_id=assistant.id, thread={"messages": [{"role": "user", "content": "hi"}]}
    )
    reply = client.beta.threads.messages.list(run.thread_id).data[0].content[0].text.value
    print("reply:", reply)
    try:
        import fake_assistants.strategies
    except ImportError as exc:
        print("refused:", exc)
    print("hypothesis imported:", "hypothesis" in sys.modules)
    """
)


def test_the_package_runs_without_hypothesis_and_the_strategies_name_their_extra() -> None:
    done = subprocess.run(
        [sys.executable, "-W", "ignore::DeprecationWarning", "-c", WITHOUT_HYPOTHESIS],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=True,
    )
    lines = done.stdout.splitlines()
    assert lines[0] == "reply: Still here."
    assert lines[1] == (
        "refused: fake_assistants.strategies needs hypothesis, which the 'hypothesis' extra installs: "
        "pip install 'fake-assistants[hypothesis]'"
    )
    assert lines[2] == "hypothesis imported: False"

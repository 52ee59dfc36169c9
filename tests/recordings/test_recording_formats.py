"""A recording format is one reader (``name``, ``accepts``, ``read`` into the one ``Recording`` model) in
``recordings/readers.py`` and its place in ``READERS``: the footprint test adds a made-up JSON-lines format on a copy
of the package, and its recorded run then plays through the SDK, from the script and from the importer alike."""

from __future__ import annotations

from pathlib import Path

from ..footprint import with_edits

READER = '''

class JsonLinesReader:
    """One exchange per line: ``{"method", "path", "status", "response"}``."""

    name = "jsonl"

    def accepts(self, path: Path) -> bool:
        return path.suffix.lower() == ".jsonl"

    def read(self, path: Path) -> Recording:
        lines = [json.loads(line) for line in _text(path).splitlines() if line.strip()]
        return Recording(path.stem, {"format": self.name}, tuple(Exchange(**line) for line in lines), str(path))
'''

USE_THE_FORMAT = """
import json, pathlib
from fake_assistants import FakeAssistants

run = {"id": "run_1abcdef", "object": "thread.run", "status": "completed", "assistant_id": "asst_1"}
message = {"id": "msg_1abcdef", "object": "thread.message", "role": "assistant", "run_id": "run_1abcdef",
           "created_at": 1, "content": [{"type": "text", "text": {"value": "Recorded hello.", "annotations": []}}]}
lines = [{"method": "GET", "path": "/v1/threads/t/runs/run_1abcdef", "response": run},
         {"method": "GET", "path": "/v1/threads/t/messages", "response": {"object": "list", "data": [message]}}]
path = pathlib.Path("session.jsonl")
path.write_text("\\n".join(json.dumps(line) for line in lines))
fake = FakeAssistants(progression="immediate")
print(fake.script.load_recording(path))
client = fake.client()
assistant = client.beta.assistants.create(model="gpt-4o", instructions="Hi.")
run = client.beta.threads.create_and_run_poll(assistant_id=assistant.id)
print(client.beta.threads.messages.list(run.thread_id).data[0].content[0].text.value)
"""


def test_a_new_recording_format_is_one_reader(tmp_path: Path) -> None:
    def edit(text: str) -> str:
        listed, anchor = "SharedJsonReader())\n", "\n\nREADERS: tuple[Reader, ...] = ("
        assert text.count(listed) == 1 and text.count(anchor) == 1
        text = text.replace(listed, "SharedJsonReader(), JsonLinesReader())\n")
        return text.replace(anchor, READER + anchor)

    done = with_edits(tmp_path, USE_THE_FORMAT, {"recordings/readers.py": edit})
    assert done.stdout.splitlines() == ["1", "Recorded hello."]

"""``make demo``: the seed's quickstart, run unchanged against an in-process emulator.

Run it with ``python -m fake_assistants.demo`` (or ``fake-assistants demo``). Steps 1-4 print each run status the
SDK saw while polling, then the thread's messages. The second half is the seed's "Thread vs. Knowledge Base": one
file goes into the assistant's knowledge base (``tool_resources``) and one is attached to a message of the thread; a
run on that thread and a run on another thread then say which files they could see, as a small table.
"""

from __future__ import annotations

import json
import warnings
from typing import Any

from .emulator import BASE_URL, FakeAssistants
from .script import RunContext
from .transports.inprocess import sdk_http_module
from .transports.sdk import require_openai


def main() -> None:
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    fake = FakeAssistants(seed=2024)
    fake.script.reply("Of course, Jane Doe! Subtract 11 from both sides: 3x = 3. Then divide by 3: x = 1.")

    def show_run_status(response: Any) -> None:
        if "/runs" in response.request.url.path:
            response.read()
            verb = "created" if response.request.method == "POST" else "polled"
            print(f"  {verb} run -> {json.loads(response.content)['status']}")

    # The only change to the seed: the client talks to the emulator through its transport.
    require_openai("fake-assistants demo")
    from openai import OpenAI

    http = sdk_http_module()
    client = OpenAI(
        api_key="sk-demo",
        base_url=BASE_URL,
        http_client=http.Client(transport=fake.transport(http), event_hooks={"response": [show_run_status]}),
    )

    print("Step 1: create an assistant")
    assistant = client.beta.assistants.create(
        name="Math Tutor",
        instructions="You are a personal math tutor. Write and run code to answer math questions.",
        tools=[{"type": "code_interpreter"}],
        model="gpt-4o",
    )
    print(f"  {assistant.id} ({assistant.name}, {assistant.model})")

    print("Step 2: create a thread")
    thread = client.beta.threads.create()
    print(f"  {thread.id}")

    print("Step 3: add a message")
    message = client.beta.threads.messages.create(
        thread_id=thread.id,
        role="user",
        content="I need to solve the equation `3x + 11 = 14`. Can you help me?",
    )
    print(f"  {message.id}")

    print("Step 4: create and poll a run")
    run = client.beta.threads.runs.create_and_poll(
        thread_id=thread.id,
        assistant_id=assistant.id,
        instructions="Please address the user as Jane Doe. The user has a premium account.",
    )
    print(f"  {run.id} finished: {run.status}, usage {run.usage.total_tokens if run.usage else 0} tokens")

    print("Messages (newest first):")
    for item in client.beta.threads.messages.list(thread_id=thread.id):
        for part in item.content:
            if part.type == "text":
                print(f"  [{item.role}] {part.text.value}")

    knowledge_base_vs_attachments(fake, client)


def knowledge_base_vs_attachments(fake: FakeAssistants, client: Any) -> None:
    """The seed's "Uploading Files: Thread vs. Knowledge Base", and which files a run on each thread can see."""
    print()
    print("Files: the knowledge base vs a thread attachment")
    data = client.files.create(file=("data.csv", b"month,sales\nJan,10\nFeb,12\n"), purpose="assistants")
    report = client.files.create(file=("report.csv", b"region,total\nnorth,22\n"), purpose="assistants")
    print(f"  uploaded {data.filename} ({data.id}) and {report.filename} ({report.id})")
    visualizer = client.beta.assistants.create(
        name="Data Visualizer",
        instructions="You analyze .csv files and generate data visualizations.",
        model="gpt-4o",
        tools=[{"type": "code_interpreter"}],
        tool_resources={"code_interpreter": {"file_ids": [data.id]}},
    )
    print(f"  {visualizer.id} ({visualizer.name}) has {data.filename} in its knowledge base (tool_resources)")
    with_attachment = client.beta.threads.create()
    client.beta.threads.messages.create(
        thread_id=with_attachment.id,
        role="user",
        content="Please analyze the attached document.",
        attachments=[{"file_id": report.id, "tools": [{"type": "code_interpreter"}]}],
    )
    print(f"  thread A ({with_attachment.id}): {report.filename} is attached to its message")
    other = client.beta.threads.create(messages=[{"role": "user", "content": "Plot the monthly sales."}])
    print(f"  thread B ({other.id}): another thread, with no attachment")

    seen: dict[str, tuple[str, ...]] = {}

    def note_the_files(ctx: RunContext) -> str:
        seen[ctx.thread_id] = ctx.files.code_interpreter_file_ids
        return f"I can read {len(ctx.files.code_interpreter_file_ids)} file(s) here."

    fake.script.respond_with(note_the_files)
    for thread in (with_attachment, other):
        client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=visualizer.id)

    rows = [
        (data.filename, "knowledge base (tool_resources)"),
        (report.filename, "attachment on thread A"),
    ]
    files = {data.filename: data.id, report.filename: report.id}
    columns = ["run on thread A", "run on thread B"]
    print()
    print("Which files can a run's code interpreter see?")
    table = [("file", "given as", *columns)] + [
        (name, given, *("yes" if files[name] in seen[t.id] else "no" for t in (with_attachment, other)))
        for name, given in rows
    ]
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    for index, row in enumerate(table):
        print("  " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
        if index == 0:
            print("  " + "  ".join("-" * width for width in widths))
    print()
    print("Knowledge base files serve every thread; a thread's attachments stay in that thread.")


if __name__ == "__main__":
    main()

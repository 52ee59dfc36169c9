"""``make demo``: the seed's quickstart (Steps 1-4), run unchanged against an in-process emulator.

Run it with ``python -m fake_assistants.demo``. It prints each run status the SDK saw while polling, then the
thread's messages.
"""

from __future__ import annotations

import json
import warnings
from typing import Any

from .emulator import BASE_URL, FakeAssistants
from .transports.inprocess import sdk_http_module


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
    from openai import OpenAI

    http = sdk_http_module()
    client = OpenAI(
        api_key="sk-demo",
        base_url=BASE_URL,
        http_client=http.Client(transport=fake.transport(http), event_hooks={"response": [show_run_status]}),
        _strict_response_validation=True,
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


if __name__ == "__main__":
    main()

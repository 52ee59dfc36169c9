"""``make screenshots``: pictures of the inspector for the docs, taken with the system's Chromium.

The emulator plays the seed's quickstart, a function-call run waiting for its tool outputs, and a file search over
a small knowledge base, on a fixed seed and a manual clock; the pictures land in ``docs/images/``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from fake_assistants import FakeAssistants, ManualClock
from tests.browser import ARGS, chromium_path, missing

OUT = Path(__file__).resolve().parents[1] / "docs" / "images"


def populate(fake: FakeAssistants) -> tuple[str, str]:
    """A small, varied state: a knowledge base, a finished run with code, and a run waiting for a function.
    Returns the tutoring thread's id and the waiting run's id."""
    client = fake.client()
    doc = client.files.create(file=("pricing.md", b"The premium plan costs 20 dollars a month."), purpose="assistants")
    store = client.vector_stores.create(name="Product docs", file_ids=[doc.id])
    fake.advance(doc.id)  # the store's file is indexed: searches find it
    tutor = client.beta.assistants.create(
        name="Math Tutor",
        instructions="You are a personal math tutor. Write and run code to answer math questions.",
        tools=[{"type": "code_interpreter"}],
        model="gpt-4o",
    )
    fake.script.run_code("solve(3*x + 11 - 14)", output="[1]").then_reply("The solution is x = 1.")
    fake.advance_clock(60)
    thread = client.beta.threads.create()
    client.beta.threads.messages.create(
        thread_id=thread.id, role="user", content="I need to solve the equation `3x + 11 = 14`. Can you help me?"
    )
    client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=tutor.id)
    helper = client.beta.assistants.create(
        name="Support bot",
        model="gpt-4o",
        tools=[
            {"type": "file_search"},
            {"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}},
        ],
        tool_resources={"file_search": {"vector_store_ids": [store.id]}},
    )
    fake.script.search_files("premium plan price").then_reply("The premium plan costs 20 dollars a month.")
    fake.script.call_function("get_weather", {"city": "Paris"})
    fake.script.reply("It is sunny in Paris.")
    support = client.beta.threads.create(messages=[{"role": "user", "content": "How much is the premium plan?"}])
    client.beta.threads.runs.create_and_poll(thread_id=support.id, assistant_id=helper.id)
    fake.advance_clock(30)
    client.beta.threads.messages.create(thread_id=support.id, role="user", content="And the weather in Paris?")
    waiting = client.beta.threads.runs.create_and_poll(thread_id=support.id, assistant_id=helper.id)
    return thread.id, waiting.id


def main() -> int:
    reason = missing()
    if reason:
        print(f"make screenshots: {reason}", file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    fake = FakeAssistants(seed=7, clock=ManualClock(1_767_225_600))
    tutoring_thread, waiting_run = populate(fake)
    with fake.serve() as url, sync_playwright() as playwright:
        page_url = url.removesuffix("/v1") + "/__fake__/ui/"
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=ARGS)
        page = browser.new_page(viewport={"width": 1100, "height": 760})
        page.goto(page_url)
        page.locator("#live").uncheck()  # a still page
        page.locator("details.bodies").first.locator("summary").click()  # one request's bodies, opened
        page.locator("details.bodies").first.locator(".response-body").filter(has_text="{").wait_for()
        shots = {
            "inspector-assistants.png": "#assistants",
            "inspector-thread.png": f"#{tutoring_thread}",
            "inspector-run.png": f"#{waiting_run}",
            "inspector-requests.png": "#requests",
        }
        for name, anchor in shots.items():
            page.evaluate("anchor => document.querySelector(anchor).scrollIntoView()", anchor)
            page.evaluate("() => window.scrollBy(0, -document.querySelector('header').offsetHeight - 8)")
            page.screenshot(path=str(OUT / name), animations="disabled")
            print(OUT / name)
        browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

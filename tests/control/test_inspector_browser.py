"""The inspector in a real browser: Playwright driving the system's Chromium (never a downloaded browser).

Without Chromium or the ``playwright`` package these tests skip and say why, unless
``FAKE_ASSISTANTS_REQUIRE_BROWSER=1`` (CI), which makes that a failure. One browser serves the whole module; each
test gets a fresh emulator served on loopback by ``fake.serve()`` and a fresh browser context. The page does not
depend on the SDK, so they run on the openai 3.x leg of ``make test`` only.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import openai
import pytest

from fake_assistants import DEFAULT_REPLY_TEXT, FakeAssistants
from fake_assistants.api.wire import ApiRequest

from ..browser import ARGS, chromium_path, missing, required
from ..seed_quickstart import STEPS_1_TO_4

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Locator, Page

PAYLOAD = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">'


SDK_MAJOR = int(openai.__version__.split(".")[0])


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if SDK_MAJOR < 3:
        pytest.skip("the browser tests run on the openai 3.x leg only (the page does not depend on the SDK)")
    reason = missing()
    if reason is not None:
        if required():
            pytest.fail(f"FAKE_ASSISTANTS_REQUIRE_BROWSER is set, but {reason}")
        pytest.skip(f"browser tests need a system Chromium and playwright: {reason}")
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        launched = playwright.chromium.launch(executable_path=chromium_path(), args=ARGS)
        yield launched
        launched.close()
    finally:
        playwright.stop()


class Served:
    def __init__(self, fake: FakeAssistants, url: str) -> None:
        self.fake = fake
        self.origin = url.removesuffix("/v1")
        self.ui = self.origin + "/__fake__/ui/?poll=250"  # live updates four times a second: shorter waits
        self.client = fake.client()


@pytest.fixture
def served(fake_assistants: FakeAssistants) -> Iterator[Served]:
    with fake_assistants.serve() as url:
        yield Served(fake_assistants, url)


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    opened = context.new_page()
    opened.set_default_timeout(10_000)  # a bound on waiting for the page, not a timed assertion
    dialogs: list[str] = []
    opened.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    opened.dialogs = dialogs  # type: ignore[attr-defined]
    yield opened
    context.close()


def section(page: Page, name: str) -> Locator:
    return page.locator(f"section#{name}")


def test_the_seed_flow_seen_in_the_page(served: Served, page: Page) -> None:
    namespace: dict[str, Any] = {"fake": served.fake}
    exec(compile(STEPS_1_TO_4, "seed-quickstart", "exec"), namespace)
    assistant, thread, run = namespace["assistant"], namespace["thread"], namespace["run"]
    page.goto(served.ui)

    card = page.locator(f"[id='{assistant.id}']")
    assert "Math Tutor" in card.locator("h3").inner_text()
    assert card.locator(".chip").all_inner_texts() == ["code_interpreter"]
    conversation = page.locator(f"[id='{thread.id}'] .conversation")
    assert "3x + 11 = 14" in conversation.locator(".role-user").inner_text()
    assert DEFAULT_REPLY_TEXT in conversation.locator(".role-assistant").inner_text()
    run_box = page.locator(f"[id='{run.id}']")
    assert run_box.locator("summary .status").inner_text() == "completed"
    labels = run_box.locator(".timeline li > span").all_inner_texts()
    assert labels[:2] == ["queued", "in_progress"] and labels[-1] == "completed"
    assert "prompt" in run_box.locator(".usage").inner_text()
    operations = section(page, "requests").locator("tbody tr td:nth-child(6)").all_inner_texts()
    assert operations[-4:] == ["createRun", "createMessage", "createThread", "createAssistant"]  # newest first

    run_box.locator(f"summary a[href='#{assistant.id}']").click()  # every id links to its object
    # The link names the assistant's own element (``:target`` itself would be flaky: a live update may replace the
    # element after the jump, and browsers only re-match ``:target`` on the next navigation).
    page.wait_for_function(f"location.hash === '#{assistant.id}'")
    assert page.locator(f"[id='{assistant.id}'] h3").count() == 1
    first_request = section(page, "requests").locator("details.bodies").last
    first_request.locator("summary").click()
    first_request.locator(".request-body", has_text='"name": "Math Tutor"').wait_for()  # fetched on demand
    first_request.locator(".response-body", has_text=assistant.id).wait_for()


def test_a_function_call_run_shows_its_steps_and_outputs(served: Served, page: Page) -> None:
    client = served.client
    assistant = client.beta.assistants.create(
        model="gpt-4o", tools=[{"type": "function", "function": {"name": "get_weather"}}]
    )
    served.fake.script.call_function("get_weather", {"city": "Paris"}).then_reply("Sunny in Paris.")
    thread = client.beta.threads.create(messages=[{"role": "user", "content": "Weather?"}])
    run = client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
    assert run.status == "requires_action" and run.required_action is not None
    call = run.required_action.submit_tool_outputs.tool_calls[0]
    page.goto(served.ui)

    run_box = page.locator(f"[id='{run.id}']")
    assert run_box.locator("summary .status").inner_text() == "requires_action"
    assert call.id in run_box.locator(".required").inner_text()
    tool = run_box.locator(f"[id='{call.id}']")
    assert "get_weather" in tool.locator(".fn").inner_text()
    assert '"city": "Paris"' in tool.locator("pre.json").first.inner_text()
    assert "waiting for tool outputs" in tool.inner_text()

    client.beta.threads.runs.submit_tool_outputs_and_poll(
        thread_id=thread.id, run_id=run.id, tool_outputs=[{"tool_call_id": call.id, "output": '{"celsius": 22}'}]
    )
    run_box.locator("summary .status", has_text="completed").wait_for()  # the live update, no reload
    assert '"celsius": 22' in page.locator(f"[id='{call.id}'] pre.json").nth(1).inner_text()
    steps = run_box.locator(".step .meta").all_inner_texts()
    assert len(steps) == 2 and "tool_calls" in steps[0] and "message_creation" in steps[1]
    assert "Sunny in Paris." in page.locator(f"[id='{thread.id}'] .role-assistant").inner_text()


def test_user_text_stays_text_in_every_view(served: Served, page: Page) -> None:
    """Every field a client or a script writes, and the page shows, carries markup; none of it becomes markup."""
    fake, client = served.fake, served.client
    file = client.files.create(file=(PAYLOAD, PAYLOAD.encode()), purpose="assistants")
    store = client.vector_stores.create(name=PAYLOAD, metadata={"note": PAYLOAD})
    client.vector_stores.files.create(vector_store_id=store.id, file_id=file.id, attributes={"note": PAYLOAD})
    fake.advance(file.id)  # indexed: a search finds its text
    assistant = client.beta.assistants.create(
        model="gpt-4o",
        name=PAYLOAD,
        instructions=PAYLOAD,
        metadata={"note": PAYLOAD},
        tools=[
            {"type": "function", "function": {"name": "lookup"}},
            {"type": "code_interpreter"},
            {"type": "file_search"},
        ],
        tool_resources={"file_search": {"vector_store_ids": [store.id]}},
    )
    fake.script.run_code(PAYLOAD, output=PAYLOAD).then_call("lookup", {"q": PAYLOAD}).then_reply(PAYLOAD)
    thread = client.beta.threads.create(messages=[{"role": "user", "content": PAYLOAD}])
    run = client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
    assert run.required_action is not None
    call = run.required_action.submit_tool_outputs.tool_calls[0]
    client.beta.threads.runs.submit_tool_outputs_and_poll(
        thread_id=thread.id, run_id=run.id, tool_outputs=[{"tool_call_id": call.id, "output": PAYLOAD}]
    )
    fake.script.search_files("xss window script").then_fail("server_error", PAYLOAD)
    fake.script.reply(PAYLOAD)  # still waiting in the script queue at the end
    failed = client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
    assert failed.status == "failed" and failed.last_error is not None and failed.last_error.message == PAYLOAD
    headers = {"authorization": "Bearer sk-test", "openai-beta": "assistants=v2"}
    fake.handle(ApiRequest("GET", "/v1/assistants/" + PAYLOAD, headers=headers))  # no SDK sends such a path
    fake.handle(ApiRequest("GET", "/v1/assistants", query=(("order", PAYLOAD),), headers=headers))
    page.goto(served.ui)

    as_json = json.dumps(PAYLOAD)[1:-1]  # metadata, attributes, arguments and bodies show as JSON
    shown = {
        "assistants": [PAYLOAD, as_json],  # name, instructions; metadata
        "threads": [PAYLOAD, as_json],  # message, code, logs, output, search hit, error, reply; arguments
        "files": [file.filename],  # multipart encoded the quotes; the markup is all there
        "vector_stores": [PAYLOAD, as_json],  # name; file attributes
        "script": [PAYLOAD, "xss window script"],  # the waiting reply; the consumed turns
        "requests": [PAYLOAD, as_json],  # path and query string; the bodies, opened below
    }
    bodies = section(page, "requests").locator("tbody tr", has_text="createAssistant").locator("details.bodies")
    bodies.locator("summary").click()
    bodies.locator(".request-body", has_text="onerror").wait_for()  # inserted by our script, on demand
    for name, texts in shown.items():
        view = section(page, name)
        for text in texts:
            assert text in view.inner_text(), (name, text)
        assert view.locator("img, script, [onerror]").count() == 0, name
    threads = section(page, "threads").inner_text()
    assert threads.count(PAYLOAD) >= 7 and f"last error: server_error {PAYLOAD}" in threads
    hit = section(page, "threads").locator(".hit pre.chunk")
    assert hit.inner_text() == PAYLOAD  # the file's own text, found by file search

    client.beta.threads.messages.create(thread_id=thread.id, role="user", content=PAYLOAD + " again")
    section(page, "threads").get_by_text(PAYLOAD + " again").wait_for()  # swapped in by the live update
    assert page.locator("img, [onerror]").count() == 0
    assert page.locator("script").count() == 1  # ours
    assert page.evaluate("window.__xss") is None
    assert page.dialogs == []  # type: ignore[attr-defined]


def test_a_new_run_appears_without_a_reload(served: Served, page: Page) -> None:
    client = served.client
    assistant = client.beta.assistants.create(model="gpt-4o", instructions="Help.", name="Live")
    page.goto(served.ui)
    assert "No threads." in section(page, "threads").inner_text()
    page.evaluate("window.__same_document = true")
    opened = section(page, "requests").locator("details[data-request='1']")
    opened.locator("summary").click()
    opened.locator(".request-body", has_text='"name": "Live"').wait_for()

    thread = client.beta.threads.create()
    run = client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
    page.locator(f"[id='{run.id}'] summary .status", has_text="completed").wait_for()
    assert page.evaluate("window.__same_document") is True  # no reload: the same document, updated
    assert page.locator("[data-count='runs']").inner_text() == "1"
    reopened = section(page, "requests").locator("details[data-request='1']")  # a new node, as it was
    assert reopened.evaluate("details => details.open") is True
    reopened.locator(".request-body", has_text='"name": "Live"').wait_for()


@pytest.mark.fake_assistants(progression="manual")
def test_the_advance_and_reset_buttons_use_the_control_api(served: Served, page: Page) -> None:
    client = served.client
    assistant = client.beta.assistants.create(model="gpt-4o", instructions="Help.")
    thread = client.beta.threads.create()
    run = client.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id)
    page.goto(served.ui)
    run_box = page.locator(f"[id='{run.id}']")
    assert run_box.locator("summary .status").inner_text() == "queued"
    run_box.get_by_role("button", name="Advance").click()
    run_box.locator("summary .status", has_text="in_progress").wait_for()
    assert client.beta.threads.runs.retrieve(run.id, thread_id=thread.id).status == "in_progress"
    assert "HTTP 200" in page.locator("#notice").inner_text()

    page.get_by_role("button", name="Reset emulator").click()
    section(page, "assistants").get_by_text("No assistants.").wait_for()
    assert page.dialogs == ["Forget every object, scripted turn and logged request?"]  # type: ignore[attr-defined]
    with pytest.raises(openai.NotFoundError):
        client.beta.assistants.retrieve(assistant.id)


def test_with_an_api_key_the_browser_needs_the_credential(browser: Browser, served: Served) -> None:
    from playwright.sync_api import Error as PlaywrightError

    served.fake.require_api_key("sk-page")
    client = served.fake.client(api_key="sk-page")
    served.fake.progression = "manual"
    assistant = client.beta.assistants.create(model="gpt-4o", instructions="Help.", name="Behind a key")
    thread = client.beta.threads.create()
    run = client.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id)

    stranger = browser.new_context()
    try:
        with pytest.raises(PlaywrightError, match="ERR_INVALID_AUTH_CREDENTIALS"):
            stranger.new_page().goto(served.ui)  # headless Chromium has no one to ask for the key
        refused = stranger.request.get(served.ui)
        assert refused.status == 401
        assert refused.headers["www-authenticate"].startswith("Basic ")  # a real browser prompts for the key
    finally:
        stranger.close()

    # what the browser sends once the prompt is answered (a blank user name, the key as the password); Playwright
    # cannot answer a prompt with a blank user name, so the context sends the same header itself. The page's live
    # updates and its buttons carry it too.
    token = base64.b64encode(b":sk-page").decode()
    context = browser.new_context(extra_http_headers={"authorization": f"Basic {token}"})
    try:
        page = context.new_page()
        response = page.goto(served.ui)
        assert response is not None and response.status == 200
        assert "Behind a key" in section(page, "assistants").inner_text()
        page.locator(f"[id='{run.id}']").get_by_role("button", name="Advance").click()
        page.locator(f"[id='{run.id}'] summary .status", has_text="in_progress").wait_for()
    finally:
        context.close()


@pytest.mark.fake_assistants(progression="manual")
def test_a_page_from_another_origin_cannot_press_the_buttons(served: Served, page: Page) -> None:
    client = served.client
    assistant = client.beta.assistants.create(model="gpt-4o", instructions="Help.")
    thread = client.beta.threads.create()
    run = client.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id)
    before = served.fake.snapshot()
    # a page at another origin (served by the browser itself: nothing leaves the machine) tries both buttons,
    # as the inspector's script does (JSON) and as a form would (a "simple" request with no preflight)
    page.route("http://evil.example/", lambda route: route.fulfill(content_type="text/html", body="<p>evil</p>"))
    page.goto("http://evil.example/")
    outcomes = page.evaluate(
        """async ([origin, runId]) => {
            const results = [];
            for (const path of [`/__fake__/runs/${runId}/advance`, "/__fake__/reset"]) {
                for (const init of [
                    {method: "POST", headers: {"content-type": "application/json"}, body: "{}"},
                    {method: "POST", mode: "no-cors", headers: {"content-type": "text/plain"}, body: "{}"},
                ]) {
                    try { const r = await fetch(origin + path, init); results.push(r.type + ":" + r.status); }
                    catch (error) { results.push("blocked"); }
                }
            }
            return results;
        }""",
        [served.origin, run.id],
    )
    assert len(outcomes) == 4 and all(o in ("blocked", "opaque:0") for o in outcomes), outcomes
    assert served.fake.snapshot() == before  # nothing moved, nothing was reset
    assert client.beta.threads.runs.retrieve(run.id, thread_id=thread.id).status == "queued"


def test_opened_bodies_stay_shown_across_live_updates(served: Served, page: Page) -> None:
    client = served.client
    client.beta.assistants.create(model="gpt-4o", instructions="Help.", name="Kept")
    page.goto(served.ui)
    opened = section(page, "requests").locator("details[data-request='1']")
    opened.locator("summary").click()
    opened.locator(".request-body", has_text='"name": "Kept"').wait_for()
    # From now on, every time the page's main part is swapped, the opened bodies must already be there.
    page.evaluate(
        """() => {
        window.__blank = 0;
        window.__swaps = 0;
        new MutationObserver(() => {
            window.__swaps += 1;
            const body = document.querySelector("details[data-request='1'] .request-body");
            const shown = body && body.closest("details").open && body.textContent.includes('"name": "Kept"');
            if (!shown) window.__blank += 1;
        }).observe(document.body, { childList: true, subtree: true });
    }"""
    )
    for number in range(3):
        client.beta.threads.create(messages=[{"role": "user", "content": f"update {number}"}])
        section(page, "threads").get_by_text(f"update {number}").wait_for()
    assert page.evaluate("window.__swaps") > 0
    assert page.evaluate("window.__blank") == 0

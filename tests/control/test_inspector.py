"""The inspector page, served in-process (no browser): what it shows, that it only reads, and that it escapes.

The browser tests (``test_inspector_browser.py``) drive the same page in Chromium.
"""

from __future__ import annotations

import base64
import json
import signal
import urllib.request

import openai
import pytest
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import escape

from fake_assistants import FakeAssistants, ManualClock
from fake_assistants.api.wire import ApiRequest, ApiResponse
from fake_assistants.control.inspector.history import Body
from fake_assistants.control.inspector.view import timeline
from tools.screenshots import populate

from ..support import AZURE_VERSION, served_cli

UI = "/__fake__/ui/"
PAYLOAD = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">'


def get(fake: FakeAssistants, path: str = UI) -> ApiResponse:
    return fake.handle(ApiRequest("GET", path))


def page(fake: FakeAssistants) -> str:
    response = get(fake)
    assert response.status == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    return response.body.decode()


def test_the_page_is_read_only_and_does_not_move_runs(
    fake_assistants: FakeAssistants, fake_openai_client: openai.OpenAI
) -> None:
    client = fake_openai_client
    assistant = client.beta.assistants.create(model="gpt-4o", name="Tutor")
    thread = client.beta.threads.create(messages=[{"role": "user", "content": "hello"}])
    run = client.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id)  # per_read: queued
    before = fake_assistants.snapshot()
    for _ in range(3):
        text = page(fake_assistants)
    assert f'id="{run.id}"' in text
    refused = fake_assistants.handle(ApiRequest("POST", UI, headers={"content-type": "application/json"}, body=b"{}"))
    assert refused.status == 405
    assert json.loads(refused.body)["error"]["message"].startswith("The inspector is read-only")
    assert fake_assistants.snapshot() == before  # reading the page moved nothing, the refused POST changed nothing
    assert [run.status for run in client.beta.threads.runs.list(thread_id=thread.id)] == ["queued"]


def test_user_text_is_escaped_in_the_html(fake_assistants: FakeAssistants, fake_openai_client: openai.OpenAI) -> None:
    client = fake_openai_client
    client.beta.assistants.create(model="gpt-4o", name=PAYLOAD, instructions=PAYLOAD, metadata={"note": PAYLOAD})
    client.beta.threads.create(messages=[{"role": "user", "content": PAYLOAD}])
    file = client.files.create(file=(PAYLOAD, b"hello"), purpose="assistants")
    assert "<img src=x onerror=" in file.filename  # multipart encodes the quotes, the markup stays
    client.vector_stores.create(name=PAYLOAD)
    fake_assistants.script.reply(PAYLOAD)
    text = page(fake_assistants)
    assert PAYLOAD not in text
    assert "<img" not in text
    assert text.count("<script") == 1  # ours: <script src=".../inspector.js">
    shown = str(escape(PAYLOAD))
    for section in ("assistants", "threads", "files", "vector_stores", "script"):
        start = text.index(f'<section id="{section}">')
        expected = str(escape(file.filename)) if section == "files" else shown
        assert expected in text[start : text.index("</section>", start)], section
    assert str(escape(json.dumps({"note": PAYLOAD}, indent=2))) in text  # metadata, as JSON


def test_headers_forbid_inline_script_and_sniffing(fake_assistants: FakeAssistants) -> None:
    response = get(fake_assistants)
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    for name, kind in (("inspector.css", "text/css"), ("inspector.js", "text/javascript"), ("favicon.svg", "image/")):
        asset = get(fake_assistants, f"{UI}static/{name}")
        assert asset.status == 200 and asset.headers["content-type"].startswith(kind) and asset.body
    assert get(fake_assistants, f"{UI}static/../pages.py").status == 404
    assert get(fake_assistants, f"{UI}nothing").status == 404


def test_request_bodies_on_demand_and_reset_forgets_them(
    fake_assistants: FakeAssistants, fake_openai_client: openai.OpenAI
) -> None:
    client = fake_openai_client
    client.beta.assistants.create(model="gpt-4o", name="Body check")
    with pytest.raises(openai.NotFoundError):
        client.beta.assistants.retrieve("asst_missing")
    text = page(fake_assistants)
    assert "createAssistant" in text and "getAssistant" in text and ">404<" in text
    first = json.loads(get(fake_assistants, f"{UI}requests/1").body)
    assert json.loads(first["request_body"]) == {"model": "gpt-4o", "name": "Body check"}
    assert json.loads(first["response_body"])["name"] == "Body check"
    second = json.loads(get(fake_assistants, f"{UI}requests/2").body)
    assert json.loads(second["response_body"])["error"]["code"] is None or "No assistant" in second["response_body"]
    assert "authorization" not in json.dumps(first).lower()  # headers (API keys) are never kept
    fake_assistants.reset()
    assert get(fake_assistants, f"{UI}requests/1").status == 404
    assert "No API requests yet." in page(fake_assistants)


def test_a_streamed_response_is_kept_as_its_events(
    fake_assistants: FakeAssistants, fake_openai_client: openai.OpenAI
) -> None:
    client = fake_openai_client
    assistant = client.beta.assistants.create(model="gpt-4o", instructions="Help.")
    thread = client.beta.threads.create()
    with client.beta.threads.runs.stream(thread_id=thread.id, assistant_id=assistant.id) as stream:
        stream.until_done()
    last = json.loads(get(fake_assistants, f"{UI}requests/3").body)["response_body"]
    events = [line.removeprefix("event: ") for line in last.splitlines() if line.startswith("event: ")]
    assert events[0] == "thread.run.created" and "thread.message.delta" in events and events[-1] == "done"
    assert "data: [DONE]" in last


def test_file_scope_says_why_each_file_is_visible(
    fake_assistants: FakeAssistants, fake_openai_client: openai.OpenAI
) -> None:
    client = fake_openai_client
    knowledge = client.files.create(file=("kb.txt", b"knowledge"), purpose="assistants").id
    attached = client.files.create(file=("att.txt", b"attached"), purpose="assistants").id
    searched = client.files.create(file=("doc.md", b"searchable text"), purpose="assistants").id
    elsewhere = client.files.create(file=("other.txt", b"another thread"), purpose="assistants").id
    store = client.vector_stores.create(name="Docs", file_ids=[searched]).id
    assistant = client.beta.assistants.create(
        model="gpt-4o",
        tools=[{"type": "code_interpreter"}, {"type": "file_search"}],
        tool_resources={"code_interpreter": {"file_ids": [knowledge]}, "file_search": {"vector_store_ids": [store]}},
    )
    attachment = {"file_id": attached, "tools": [{"type": "code_interpreter"}]}
    thread = client.beta.threads.create(messages=[{"role": "user", "content": "hi", "attachments": [attachment]}])
    other = {"file_id": elsewhere, "tools": [{"type": "code_interpreter"}]}
    client.beta.threads.create(messages=[{"role": "user", "content": "other", "attachments": [other]}])
    run = client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
    text = page(fake_assistants)
    scope = text[text.index(f'id="{run.id}"') :]
    scope = scope[scope.index("File scope") : scope.index("</table>", scope.index("File scope"))]
    message_id = client.beta.threads.messages.list(thread_id=thread.id, order="asc").data[0].id
    assert "code_interpreter: in the assistant&#39;s tool_resources" in scope
    assert f'code_interpreter: attached to message <a class="id" href="#{message_id}">' in scope
    assert f'file_search: in vector store <a class="id" href="#{store}">' in scope
    assert "</span>, from the assistant&#39;s tool_resources" in scope
    assert {knowledge, attached, searched} <= {f for f in (knowledge, attached, searched, elsewhere) if f in scope}
    assert elsewhere not in scope  # another thread's attachment is never in this run's scope


def test_script_queue_shows_waiting_and_consumed_turns(
    fake_assistants: FakeAssistants, fake_openai_client: openai.OpenAI
) -> None:
    client = fake_openai_client
    fake_assistants.script.reply("first reply")
    fake_assistants.script.call_function("lookup", {"q": "x"})
    assistant = client.beta.assistants.create(model="gpt-4o", instructions="Help.")
    thread = client.beta.threads.create()
    run = client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
    text = page(fake_assistants)
    queue = text[text.index('<section id="script">') : text.index('<section id="requests">')]
    waiting, consumed = queue.split("Consumed (")
    assert "Waiting (1)" in waiting and "lookup" in waiting and "first reply" not in waiting
    assert consumed.startswith("1)") and "first reply" in consumed and f'href="#{run.id}"' in consumed


def test_served_by_fake_serve_and_by_the_command_line(fake_assistants: FakeAssistants) -> None:
    server = fake_assistants.serve()
    with server as url, urllib.request.urlopen(server.inspector_url, timeout=10) as response:
        assert server.inspector_url == url.removesuffix("/v1") + "/__fake__/ui/"
        assert response.status == 200 and "fake_assistants inspector" in response.read().decode()

    with served_cli() as (process, url):
        inspector = url.removesuffix("/v1") + "/__fake__/ui/"
        with urllib.request.urlopen(inspector, timeout=10) as response:
            assert "<title>fake_assistants inspector</title>" in response.read().decode()
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=20)
    assert f"inspector at {inspector}" in err


# --- access: the control API's gate, nothing of the inspector's own -----------------------------------------------


def basic(key: str) -> str:
    return "Basic " + base64.b64encode(f":{key}".encode()).decode()


def ui_get(fake: FakeAssistants, path: str = UI, **headers: str) -> ApiResponse:
    return fake.handle(ApiRequest("GET", path, headers={"host": "127.0.0.1:8000", **headers}))


@pytest.mark.parametrize("path", [UI, f"{UI}static/inspector.js", f"{UI}requests/1"])
def test_with_api_keys_the_page_needs_the_control_apis_credential(fake_assistants: FakeAssistants, path: str) -> None:
    fake_assistants.require_api_key("sk-page")
    fake_assistants.client(api_key="sk-page").beta.assistants.create(model="gpt-4o")
    for refused in (ui_get(fake_assistants, path), ui_get(fake_assistants, path, authorization="Bearer sk-other")):
        assert refused.status == 401
        assert refused.headers["www-authenticate"].startswith("Basic ")  # a browser asks for it
        assert json.loads(refused.body)["error"]["type"] == "invalid_request_error"
    state = ui_get(fake_assistants, "/__fake__/state")
    assert state.status == 401  # the same rule as the rest of the control API
    for credential in ("Bearer sk-page", basic("sk-page")):
        assert ui_get(fake_assistants, path, authorization=credential).status == 200


def test_with_a_control_token_the_page_needs_it(fake_assistants: FakeAssistants) -> None:
    fake_assistants.require_api_key("sk-app")
    fake_assistants.protect_control(token="control-secret")
    assert ui_get(fake_assistants, authorization="Bearer sk-app").status == 403
    assert ui_get(fake_assistants, authorization=basic("control-secret")).status == 200


def test_under_key_isolation_a_tenant_sees_only_its_own(fake_assistants: FakeAssistants) -> None:
    fake_assistants.isolate_keys()
    fake_assistants.protect_control(token="control-secret")
    fake_assistants.script.reply("a queued reply")
    for key in ("sk-a", "sk-b"):
        client = fake_assistants.client(api_key=key)
        client.beta.assistants.create(model="gpt-4o", name=f"owned by {key}")
        client.beta.threads.create(messages=[{"role": "user", "content": f"said by {key}"}])
        client.files.create(file=(f"{key}.txt", b"text"), purpose="assistants")
    for key, other in (("sk-a", "sk-b"), ("sk-b", "sk-a")):
        text = ui_get(fake_assistants, authorization=f"Bearer {key}").body.decode()
        assert f"owned by {key}" in text and f"said by {key}" in text and f"{key}.txt" in text
        assert other not in text  # no object, message, file or request of the other key
        assert "a queued reply" not in text and "one tenant's view" in text
        assert 'data-action="reset"' not in text  # resetting needs the control token
    own = ui_get(fake_assistants, f"{UI}requests/1", authorization="Bearer sk-a")  # sk-a's createAssistant
    assert "owned by sk-a" in json.loads(own.body)["request_body"]
    assert ui_get(fake_assistants, f"{UI}requests/1", authorization="Bearer sk-b").status == 404
    admin = ui_get(fake_assistants, authorization="Bearer control-secret").body.decode()
    assert "owned by sk-a" in admin and "owned by sk-b" in admin and "a queued reply" in admin
    assert 'data-action="reset"' in admin


def test_a_foreign_origin_or_host_cannot_use_the_page_or_its_buttons(
    fake_assistants: FakeAssistants, fake_openai_client: openai.OpenAI
) -> None:
    fake_assistants.progression = "manual"
    client = fake_openai_client
    assistant = client.beta.assistants.create(model="gpt-4o", instructions="Help.")
    thread = client.beta.threads.create()
    run = client.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id)
    before = fake_assistants.snapshot()
    json_post = {"host": "127.0.0.1:8000", "content-type": "application/json"}
    for path in (f"/__fake__/runs/{run.id}/advance", "/__fake__/reset"):  # the page's two buttons
        foreign = ApiRequest("POST", path, headers={**json_post, "origin": "http://evil.example"}, body=b"{}")
        assert fake_assistants.handle(foreign).status == 403
        plain = ApiRequest("POST", path, headers={**json_post, "content-type": "text/plain"}, body=b"{}")
        assert fake_assistants.handle(plain).status == 415
    assert ui_get(fake_assistants, host="evil.example:8000").status == 403  # DNS rebinding reads nothing
    assert fake_assistants.snapshot() == before
    own = {**json_post, "origin": "http://127.0.0.1:8000"}
    assert fake_assistants.handle(ApiRequest("POST", f"/__fake__/runs/{run.id}/advance", (), own, b"{}")).status == 200
    assert fake_assistants.snapshot() != before  # the page's own origin may press them


# --- the run timeline ---------------------------------------------------------------------------------------------

STEP_ENDS = ("completed", "failed", "cancelled", "expired")
moments = st.one_of(st.none(), st.integers(0, 10**9))


@st.composite
def runs_with_steps(draw: st.DrawFn) -> tuple[dict[str, object], list[dict[str, object]]]:
    status = draw(st.sampled_from(["queued", "in_progress", "requires_action", "completed", "failed", "expired"]))
    run: dict[str, object] = {"created_at": draw(st.integers(0, 10**9)), "status": status}
    for name in ("started_at", "completed_at", "failed_at", "cancelled_at"):
        run[name] = draw(moments)
    steps = []
    for number in range(draw(st.integers(0, 4))):
        step: dict[str, object] = {
            "id": f"step_{number}",
            "type": draw(st.sampled_from(["message_creation", "tool_calls"])),
            "created_at": draw(st.integers(0, 10**9)),
        }
        step.update({f"{end}_at": draw(moments) for end in STEP_ENDS})
        steps.append(step)
    return run, steps


@given(runs_with_steps())
def test_the_timeline_is_in_time_order_and_misses_nothing(
    drawn: tuple[dict[str, object], list[dict[str, object]]],
) -> None:
    run, steps = drawn
    events = timeline(run, steps)
    timed = [event["at"] for event in events if event["at"] is not None]
    assert timed == sorted(timed)
    assert all(event["at"] is None for event in events[len(timed) :])  # untimed ones (requires_action) come last
    for step in steps:
        mine = [event for event in events if event["ref"] == step["id"]]
        assert len(mine) == 1 + sum(step[f"{end}_at"] is not None for end in STEP_ENDS)
    assert ("requires_action: waiting for tool outputs" in [e["label"] for e in events]) == (
        run["status"] == "requires_action"
    )


def test_the_screenshot_scene_still_plays() -> None:
    """``make screenshots`` photographs this scene; it must keep showing what the docs' captions say."""
    fake = FakeAssistants(seed=7, clock=ManualClock(1_767_225_600))
    thread_id, run_id = populate(fake)
    text = page(fake)
    run = text[text.index(f'<details class="run" id="{run_id}"') :]
    assert "status-requires_action" in run[:400] and "get_weather" in run
    assert f'id="{thread_id}"' in text and "code_interpreter" in text and "The solution is x = 1." in text
    assert "pricing.md</span> score 0." in text  # the file search found the knowledge base
    assistants = text[text.index('<section id="assistants">') : text.index('<section id="threads">')]
    assert (
        "Product docs</span>, files: <a" in assistants and "pricing.md" in assistants
    )  # the knowledge base, down to its files


@pytest.mark.parametrize(
    ("asked", "used"), [(None, 1000), ("2000", 2000), ("5", 250), ("10000000", 60000), ("x", 1000)]
)
def test_the_refresh_interval_can_be_asked_for_within_bounds(
    fake_assistants: FakeAssistants, asked: str | None, used: int
) -> None:
    query = () if asked is None else (("poll", asked),)
    text = fake_assistants.handle(ApiRequest("GET", UI, query)).body.decode()
    assert f'data-poll-ms="{used}"' in text


def test_azure_requests_are_logged_with_the_operation_they_stand_for(fake_assistants: FakeAssistants) -> None:
    client = fake_assistants.azure_client(api_version=AZURE_VERSION)
    client.beta.assistants.create(model="gpt-4o", name="Through Azure")
    text = page(fake_assistants)
    row = text[text.index('<tr id="request-1">') :]
    row = row[: row.index("</tr>")]
    assert "/openai/assistants" in row and "createAssistant" in row
    assert "Through Azure" in json.loads(get(fake_assistants, f"{UI}requests/1").body)["request_body"]


def test_a_hostile_body_is_kept_as_sent(fake_assistants: FakeAssistants) -> None:
    deep = b'{"model": "m", "metadata": ' + b"[" * 5_000 + b"]" * 5_000 + b"}"
    headers = {"authorization": "Bearer sk-test", "openai-beta": "assistants=v2", "content-type": "application/json"}
    assert fake_assistants.handle(ApiRequest("POST", "/v1/assistants", (), headers, deep)).status == 400
    kept = json.loads(get(fake_assistants, f"{UI}requests/1").body)["request_body"]
    assert kept == deep.decode()  # too deep to indent: as it came
    huge = json.dumps({"model": "m", "instructions": "x" * 30_000}).encode()
    assert fake_assistants.handle(ApiRequest("POST", "/v1/assistants", (), headers, huge)).status == 200
    cut = json.loads(get(fake_assistants, f"{UI}requests/2").body)["request_body"]
    assert cut.startswith(huge.decode()[:100]) and cut.endswith(f"(cut at 20000 of {len(huge)} bytes)")


def test_a_body_is_made_readable_only_as_far_as_it_can_be() -> None:
    euros = ("€" * 10_000).encode()  # 30 000 bytes: the cut at 20 000 falls inside a character
    text = Body.of(euros, "text/plain").text()
    assert text == "€" * 6_666 + "\n… (cut at 20000 of 30000 bytes)"
    assert Body.of(b"\xff\xfe\x00", "application/octet-stream").text() == "(application/octet-stream, 3 bytes)"
    assert Body.of(b'{"a": [1]}', "application/json").text() == '{\n  "a": [\n    1\n  ]\n}'
    assert Body.of(b"", "application/json").text() == ""


@pytest.mark.fake_assistants(progression="manual")
def test_advance_is_offered_only_where_it_moves_the_run(
    fake_assistants: FakeAssistants, fake_openai_client: openai.OpenAI
) -> None:
    client = fake_openai_client
    tool = {"type": "function", "function": {"name": "lookup"}}
    assistant = client.beta.assistants.create(model="gpt-4o", instructions="Help.", tools=[tool])  # type: ignore[list-item]
    fake_assistants.script.call_function("lookup", {"q": "x"})
    waiting = client.beta.threads.create()
    run = client.beta.threads.runs.create(thread_id=waiting.id, assistant_id=assistant.id)

    def button() -> bool:
        return f'data-action="advance" data-run="{run.id}"' in page(fake_assistants)

    assert button()  # queued
    fake_assistants.advance(run.id)
    assert button()  # in_progress
    fake_assistants.advance(run.id)
    assert client.beta.threads.runs.retrieve(run.id, thread_id=waiting.id).status == "requires_action"
    assert fake_assistants.advance(run.id) == "requires_action"  # what the button would have done: nothing
    text = page(fake_assistants)
    assert not button()
    assert "waiting for the client's tool outputs" in text
    client.beta.threads.runs.cancel(run.id, thread_id=waiting.id)
    assert button()  # cancelling: advance finishes the cancellation
    fake_assistants.advance(run.id)
    assert not button()  # cancelled: over

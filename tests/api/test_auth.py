"""API keys and tenancy: the real 401s, an accepted-keys list, and per-key isolation, in-process and over HTTP."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import openai
import pytest

from fake_assistants import FakeAssistants, sdk_http_module
from fake_assistants.api.auth import NO_KEY_MESSAGE, masked
from fake_assistants.api.wire import ApiRequest

HTTP = sdk_http_module()
BASE_URL = "http://fake-assistants.invalid/v1"
BETA = {"openai-beta": "assistants=v2"}
ALICE, BOB = "sk-alice-1234567890abcdef", "sk-bob-1234567890abcdef"


def handle(fake: FakeAssistants, method: str, path: str, headers: dict[str, str], body: Any = None) -> Any:
    data = json.dumps(body).encode() if body is not None else b""
    response = fake.handle(ApiRequest(method, path, headers=headers, body=data))
    return response.status, json.loads(response.body)


# --- no key, wrong key -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer", "Bearer   ", "Token sk-x", "sk-x", "Basic " + base64.b64encode(b"user:sk-x").decode()],
)
def test_a_request_without_a_key_gets_the_real_401(authorization: str | None) -> None:
    fake = FakeAssistants()
    headers = dict(BETA) if authorization is None else {**BETA, "authorization": authorization}
    status, body = handle(fake, "POST", "/v1/assistants", headers, {"model": "gpt-4o"})
    assert status == 401
    assert body == {"error": {"message": NO_KEY_MESSAGE, "type": "invalid_request_error", "param": None, "code": None}}
    assert fake.client().beta.assistants.list().data == []  # nothing was created


def test_the_401_text_is_the_real_one() -> None:
    assert NO_KEY_MESSAGE == (
        "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer "
        "auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're "
        "accessing the API from your browser and are prompted for a username and password. You can obtain an API "
        "key from https://platform.openai.com/account/api-keys."
    )


def test_the_key_is_checked_before_the_beta_header_and_the_body() -> None:
    fake = FakeAssistants()
    status, _ = handle(fake, "POST", "/v1/assistants", {}, {"colour": "red"})
    assert status == 401
    status, body = handle(fake, "POST", "/v1/assistants", {"authorization": "Bearer sk-x"}, {"model": "m"})
    assert (status, body["error"]["code"]) == (400, "invalid_beta")


def test_an_unknown_url_is_a_404_even_without_a_key() -> None:
    status, body = handle(FakeAssistants(), "GET", "/v1/no_such_thing", {})
    assert (status, body["error"]["message"]) == (404, "Invalid URL (GET /v1/no_such_thing)")


def test_basic_auth_with_a_blank_user_carries_the_key() -> None:
    fake = FakeAssistants()
    fake.require_api_key("sk-basic")
    basic = "Basic " + base64.b64encode(b":sk-basic").decode()
    status, body = handle(fake, "POST", "/v1/assistants", {**BETA, "authorization": basic}, {"model": "gpt-4o"})
    assert status == 200 and body["object"] == "assistant"


def test_raw_http_without_a_key_is_401_through_the_transport() -> None:
    fake = FakeAssistants()
    with HTTP.Client(transport=fake.transport(HTTP), base_url=BASE_URL, headers=BETA) as raw:
        response = raw.get("/assistants")
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/json"
    assert response.json()["error"]["message"] == NO_KEY_MESSAGE


@pytest.mark.parametrize(
    ("key", "shown"),
    [
        ("sk-zhj0s" + "x" * 39 + "CMuq", "sk-zhj0s" + "*" * 39 + "CMuq"),  # a 51-character key, as observed
        ("YOUR_OPENAI_KEY", "YOUR_OPE***_KEY"),  # observed
        ("sk-xxxxxx", "sk-xxxxxx"),  # short keys were shown whole
        ("kk", "kk"),
        ("sk-abcdef1234", "sk-abcde*1234"),
    ],
)
def test_keys_are_masked_as_the_real_api_masks_them(key: str, shown: str) -> None:
    assert masked(key) == shown


def test_a_wrong_key_gets_invalid_api_key() -> None:
    fake = FakeAssistants()
    fake.require_api_key(ALICE)
    assert fake.client(api_key=ALICE).beta.assistants.list().data == []
    with pytest.raises(openai.AuthenticationError) as caught:
        fake.client(api_key="sk-wrong-0123456789xyz").beta.assistants.list()
    error = caught.value
    assert (error.status_code, error.code, error.type, error.param) == (
        401,
        "invalid_api_key",
        "invalid_request_error",
        None,
    )
    assert error.body is not None
    assert error.body["message"] == (  # type: ignore[index]
        "Incorrect API key provided: sk-wrong**********9xyz. "
        "You can find your API key at https://platform.openai.com/account/api-keys."
    )
    fake.require_api_key()  # any key again
    assert fake.client(api_key="sk-wrong-0123456789xyz").beta.assistants.list().data == []


def test_several_keys_may_be_accepted() -> None:
    fake = FakeAssistants()
    fake.require_api_key(ALICE, BOB)
    fake.client(api_key=ALICE).beta.assistants.create(model="gpt-4o", instructions="Be brief.")
    assert len(fake.client(api_key=BOB).beta.assistants.list().data) == 1  # no isolation: one shared world
    with pytest.raises(openai.AuthenticationError):
        fake.client().beta.assistants.list()  # the default key is not on the list
    with pytest.raises(ValueError, match="non-empty"):
        fake.require_api_key("")


# --- isolation ---------------------------------------------------------------------------------------------------


class World:
    """Everything one key made: an assistant, a thread with a message and a finished run, a file, a store."""

    def __init__(self, fake: FakeAssistants, client: openai.OpenAI, name: str) -> None:
        self.client = client
        self.assistant = client.beta.assistants.create(model="gpt-4o", name=name)
        self.thread = client.beta.threads.create()
        self.message = client.beta.threads.messages.create(thread_id=self.thread.id, role="user", content=name)
        fake.script.reply(f"hello {name}")
        self.run = client.beta.threads.runs.create_and_poll(thread_id=self.thread.id, assistant_id=self.assistant.id)
        self.step = client.beta.threads.runs.steps.list(run_id=self.run.id, thread_id=self.thread.id).data[0]
        self.file = client.files.create(file=(f"{name}.txt", f"notes of {name}".encode()), purpose="assistants")
        self.store = client.vector_stores.create(name=name, file_ids=[self.file.id])


@pytest.fixture(params=["in-process", "server"])
def clients(request: pytest.FixtureRequest) -> Iterator[tuple[FakeAssistants, openai.OpenAI, openai.OpenAI]]:
    fake = FakeAssistants(seed=11, shapes="spec")  # the server leg uses strict SDK clients
    fake.isolate_keys()
    if request.param == "in-process":
        yield fake, fake.client(api_key=ALICE), fake.client(api_key=BOB)
        return
    with fake.serve() as url:
        alice = openai.OpenAI(base_url=url, api_key=ALICE, _strict_response_validation=True)
        bob = openai.OpenAI(base_url=url, api_key=BOB, _strict_response_validation=True)
        yield fake, alice, bob
        alice.close()
        bob.close()


def assert_absent(call: Any, message: str) -> None:
    with pytest.raises(openai.NotFoundError) as caught:
        call()
    assert caught.value.body is not None
    assert caught.value.body["message"] == message  # type: ignore[index]


def assert_invisible(world: World, other: openai.OpenAI) -> None:
    """Every object of ``world`` answers ``other`` as if it did not exist."""
    a, t, m, r, s, f, v = world.assistant, world.thread, world.message, world.run, world.step, world.file, world.store
    threads, runs = other.beta.threads, other.beta.threads.runs
    assert_absent(lambda: other.beta.assistants.retrieve(a.id), f"No assistant found with id '{a.id}'.")
    assert_absent(lambda: other.beta.assistants.update(a.id, name="x"), f"No assistant found with id '{a.id}'.")
    assert_absent(lambda: other.beta.assistants.delete(a.id), f"No assistant found with id '{a.id}'.")
    assert_absent(lambda: threads.retrieve(t.id), f"No thread found with id '{t.id}'.")
    assert_absent(lambda: threads.messages.list(thread_id=t.id), f"No thread found with id '{t.id}'.")
    assert_absent(lambda: threads.messages.retrieve(m.id, thread_id=t.id), f"No thread found with id '{t.id}'.")
    assert_absent(
        lambda: threads.messages.create(thread_id=t.id, role="user", content="hi"), f"No thread found with id '{t.id}'."
    )
    assert_absent(lambda: runs.retrieve(r.id, thread_id=t.id), f"No thread found with id '{t.id}'.")
    assert_absent(lambda: runs.steps.retrieve(s.id, thread_id=t.id, run_id=r.id), f"No thread found with id '{t.id}'.")
    assert_absent(lambda: other.files.retrieve(f.id), f"No such File object: {f.id}")
    assert_absent(lambda: other.files.content(f.id), f"No such File object: {f.id}")
    assert_absent(lambda: other.vector_stores.retrieve(v.id), f"No vector store found with id '{v.id}'.")
    assert_absent(
        lambda: other.vector_stores.files.list(vector_store_id=v.id), f"No vector store found with id '{v.id}'."
    )
    # nor may it be used by reference in a body
    own_thread = threads.create()
    assert_absent(
        lambda: runs.create(thread_id=own_thread.id, assistant_id=a.id), f"No assistant found with id '{a.id}'."
    )
    assert_absent(lambda: other.vector_stores.create(file_ids=[f.id]), f"No such File object: {f.id}")
    assert_absent(
        lambda: other.beta.assistants.create(
            model="gpt-4o",
            tools=[{"type": "file_search"}],
            tool_resources={"file_search": {"vector_store_ids": [v.id]}},
        ),
        f"No vector store found with id '{v.id}'.",
    )
    # and lists hold none of it
    assert a.id not in {x.id for x in other.beta.assistants.list()}
    assert f.id not in {x.id for x in other.files.list()}
    assert v.id not in {x.id for x in other.vector_stores.list()}


def test_isolation_in_both_directions(clients: tuple[FakeAssistants, openai.OpenAI, openai.OpenAI]) -> None:
    fake, alice, bob = clients
    alices, bobs = World(fake, alice, "alice"), World(fake, bob, "bob")
    assert_invisible(alices, bob)
    assert_invisible(bobs, alice)
    # each still sees all of its own, unchanged by the other's attempts
    assert alice.beta.assistants.retrieve(alices.assistant.id).name == "alice"
    assert [x.id for x in alice.beta.assistants.list()] == [alices.assistant.id]
    assert [x.id for x in bob.beta.assistants.list()] == [bobs.assistant.id]
    reply = alice.beta.threads.messages.list(thread_id=alices.thread.id).data[0]
    assert reply.content[0].text.value == "hello alice"  # type: ignore[union-attr]
    assert [x.id for x in alice.vector_stores.list()] == [alices.store.id]
    assert alices.file.id in {x.id for x in alice.files.list()}


def test_lists_page_through_the_callers_objects_only(
    clients: tuple[FakeAssistants, openai.OpenAI, openai.OpenAI],
) -> None:
    _, alice, bob = clients
    mine: list[str] = []
    for index in range(7):  # interleaved: every page of the shared list holds both keys' objects
        mine.append(alice.beta.assistants.create(model="gpt-4o", name=f"a{index}").id)
        bob.beta.assistants.create(model="gpt-4o", name=f"b{index}")
        bob.beta.assistants.create(model="gpt-4o", name=f"b{index}'")
    newest_first = mine[::-1]
    page = alice.beta.assistants.list(limit=3)
    assert [x.id for x in page.data] == newest_first[:3]
    assert page.has_more is True
    raw = alice.beta.assistants.with_raw_response.list(limit=3).http_response.json()
    assert (raw["first_id"], raw["last_id"]) == (newest_first[0], newest_first[2])
    assert [x.id for x in alice.beta.assistants.list(limit=3)] == newest_first  # auto-paging: every page
    assert [x.id for x in alice.beta.assistants.list(limit=2, order="asc")] == mine
    last = alice.beta.assistants.list(limit=3, after=newest_first[3])
    assert [x.id for x in last.data] == newest_first[4:7] and last.has_more is False
    before = alice.beta.assistants.list(limit=2, order="asc", before=mine[4])
    assert [x.id for x in before.data] == mine[2:4] and before.has_more is True
    empty = alice.beta.assistants.with_raw_response.list(after=newest_first[-1]).http_response.json()
    assert empty == {"object": "list", "data": [], "first_id": None, "last_id": None, "has_more": False}
    assert len(list(bob.beta.assistants.list(limit=5))) == 14


def test_a_stream_created_thread_belongs_to_its_key(
    clients: tuple[FakeAssistants, openai.OpenAI, openai.OpenAI],
) -> None:
    _, alice, bob = clients
    assistant = alice.beta.assistants.create(model="gpt-4o", instructions="Be brief.")
    with alice.beta.threads.create_and_run_stream(
        assistant_id=assistant.id, thread={"messages": [{"role": "user", "content": "hi"}]}
    ) as stream:
        stream.until_done()
        run = stream.get_final_run()
    assert run.status == "completed"
    assert alice.beta.threads.retrieve(run.thread_id).id == run.thread_id
    assert_absent(lambda: bob.beta.threads.retrieve(run.thread_id), f"No thread found with id '{run.thread_id}'.")
    polled = alice.beta.threads.create_and_run_poll(assistant_id=assistant.id)
    assert_absent(
        lambda: bob.beta.threads.runs.list(thread_id=polled.thread_id), f"No thread found with id '{polled.thread_id}'."
    )


def test_without_isolation_every_key_sees_everything() -> None:
    fake = FakeAssistants()
    alice, bob = fake.client(api_key=ALICE), fake.client(api_key=BOB)
    assistant = alice.beta.assistants.create(model="gpt-4o", instructions="Be brief.")
    assert bob.beta.assistants.retrieve(assistant.id).id == assistant.id
    fake.isolate_keys()  # ownership was recorded all along: turning isolation on applies to what exists
    assert_absent(lambda: bob.beta.assistants.retrieve(assistant.id), f"No assistant found with id '{assistant.id}'.")
    fake.isolate_keys(False)
    assert bob.beta.assistants.retrieve(assistant.id).id == assistant.id


def test_objects_no_key_created_stay_shared() -> None:
    fake = FakeAssistants()
    unowned = fake.handle(
        ApiRequest(
            "POST", "/v1/assistants", headers={**BETA, "authorization": "Bearer sk-setup"}, body=b'{"model":"m"}'
        )
    )
    setup_id = json.loads(unowned.body)["id"]
    fake.isolate_keys()
    # made with another key: hidden; the same key still sees it
    assert_absent(
        lambda: fake.client(api_key=ALICE).beta.assistants.retrieve(setup_id),
        f"No assistant found with id '{setup_id}'.",
    )
    assert fake.client(api_key="sk-setup").beta.assistants.retrieve(setup_id).id == setup_id


def test_isolation_over_the_server_with_required_keys() -> None:
    fake = FakeAssistants(shapes="spec")
    fake.require_api_key(ALICE, BOB)
    fake.isolate_keys()
    with fake.serve() as url:
        alice = openai.OpenAI(base_url=url, api_key=ALICE, _strict_response_validation=True)
        bob = openai.OpenAI(base_url=url, api_key=BOB, _strict_response_validation=True)
        stranger = openai.OpenAI(base_url=url, api_key="sk-stranger-000000000", _strict_response_validation=True)
        thread = alice.beta.threads.create()
        assert_absent(lambda: bob.beta.threads.retrieve(thread.id), f"No thread found with id '{thread.id}'.")
        with pytest.raises(openai.AuthenticationError):
            stranger.beta.threads.retrieve(thread.id)
        for sdk in (alice, bob, stranger):
            sdk.close()


def test_stores_made_for_a_key_are_its_own(clients: tuple[FakeAssistants, openai.OpenAI, openai.OpenAI]) -> None:
    _, alice, bob = clients
    file = alice.files.create(file=("notes.txt", b"the notes"), purpose="assistants")
    thread = alice.beta.threads.create(
        messages=[
            {
                "role": "user",
                "content": "see",
                "attachments": [{"file_id": file.id, "tools": [{"type": "file_search"}]}],
            }
        ]
    )
    assert thread.tool_resources is not None and thread.tool_resources.file_search is not None
    (thread_store,) = thread.tool_resources.file_search.vector_store_ids or []
    assistant = alice.beta.assistants.create(
        model="gpt-4o",
        tools=[{"type": "file_search"}],
        tool_resources={"file_search": {"vector_stores": [{"file_ids": [file.id]}]}},
    )
    assert assistant.tool_resources is not None and assistant.tool_resources.file_search is not None
    (helper_store,) = assistant.tool_resources.file_search.vector_store_ids or []
    assert {thread_store, helper_store} <= {store.id for store in alice.vector_stores.list()}
    assert bob.vector_stores.list().data == []
    assert_absent(lambda: bob.vector_stores.retrieve(helper_store), f"No vector store found with id '{helper_store}'.")

"""The Azure OpenAI front door: ``openai.AzureOpenAI`` runs the seed's quickstart, streaming included, in-process
and over ``fake-assistants serve``; Azure's own front-door errors."""

from __future__ import annotations

import asyncio
import json
import signal
import urllib.error
import urllib.request
from typing import Any

import openai
import pytest

from fake_assistants import FakeAssistants

from ..seed_quickstart import STEPS_1_TO_4
from ..support import AZURE_VERSION, served_cli, stop


def run_seed_quickstart(client: openai.AzureOpenAI) -> dict[str, Any]:
    """The seed's Steps 1-4 with ``client`` (an AzureOpenAI), then the same run streamed."""
    namespace: dict[str, Any] = {"make_client": lambda: client}
    code = STEPS_1_TO_4.replace("client = fake.client()", "client = make_client()")
    exec(compile(code, "seed-quickstart-azure", "exec"), namespace)
    with client.beta.threads.runs.stream(
        thread_id=namespace["thread"].id, assistant_id=namespace["assistant"].id
    ) as stream:
        namespace["events"] = [event.event for event in stream]
        namespace["streamed_text"] = "".join(
            block.text.value for message in stream.get_final_messages() for block in message.content  # type: ignore[union-attr]
        )
    return namespace


def check_quickstart(ns: dict[str, Any], client: openai.AzureOpenAI) -> None:
    assert ns["run"].status == "completed"
    assert ns["assistant"].model == "gpt-4o"  # on Azure, the deployment's name
    assert ns["events"][0] == "thread.run.created" and ns["events"][-1] == "thread.run.completed"
    assert ns["streamed_text"] == "Streamed: x = 1."
    replies = [m.content[0].text.value for m in client.beta.threads.messages.list(thread_id=ns["thread"].id)]  # type: ignore[union-attr]
    assert replies == ["Streamed: x = 1.", "x = 1, Jane Doe.", ns["message"].content[0].text.value]


def test_azure_client_runs_the_seed_quickstart_in_process() -> None:
    fake = FakeAssistants()
    fake.script.reply("x = 1, Jane Doe.")
    fake.script.reply("Streamed: x = 1.")
    client = fake.azure_client(api_version=AZURE_VERSION)
    assert isinstance(client, openai.AzureOpenAI) and client._strict_response_validation is False  # real shapes
    check_quickstart(run_seed_quickstart(client), client)
    paths = {entry.path.split("/")[2] for entry in fake.request_log}
    assert {entry.path.split("/")[1] for entry in fake.request_log} == {"openai"}
    assert paths == {"assistants", "threads"}


def test_azure_client_runs_the_seed_quickstart_over_the_cli_server() -> None:
    with served_cli() as (process, url):
        control = urllib.request.Request(
            url.removesuffix("/v1") + "/__fake__/script",
            data=json.dumps({"turns": [{"reply": "x = 1, Jane Doe."}, {"reply": "Streamed: x = 1."}]}).encode(),
            method="POST",
            headers={"Content-Type": "application/json"},
        )
        urllib.request.urlopen(control, timeout=5).close()
        client = openai.AzureOpenAI(
            azure_endpoint=url.removesuffix("/v1"), api_key="azure-key", api_version=AZURE_VERSION, max_retries=0
        )
        check_quickstart(run_seed_quickstart(client), client)
        assert stop(process, signal.SIGINT) == 0


def test_async_azure_client_and_an_entra_id_token() -> None:
    fake = FakeAssistants()

    async def main() -> str:
        client = fake.async_azure_client(api_key=None, azure_ad_token="entra-token")
        assistant = await client.beta.assistants.create(model="my-deployment", instructions="Be brief.")
        run = await client.beta.threads.create_and_run_poll(assistant_id=assistant.id)
        return run.model

    assert asyncio.run(main()) == "my-deployment"


def test_an_unsupported_api_version_is_azures_400() -> None:
    client = FakeAssistants().azure_client(api_version="2024-02-15-preview", max_retries=0)  # Assistants v1 only
    with pytest.raises(openai.BadRequestError) as caught:
        client.beta.assistants.list()
    assert caught.value.body == {"code": "BadRequest", "message": "API version not supported"}


def test_a_key_the_emulator_refuses_is_azures_401() -> None:
    fake = FakeAssistants()
    fake.require_api_key("right")
    with pytest.raises(openai.AuthenticationError) as caught:
        fake.azure_client(api_key="wrong", max_retries=0).beta.assistants.list()
    assert caught.value.body["code"] == "401"  # type: ignore[index]
    assert fake.azure_client(api_key="right").beta.assistants.list().data == []


def test_what_the_sdk_cannot_send_no_api_version_and_no_key() -> None:
    """Raw HTTP: AzureOpenAI always sends an api-version and a credential."""
    fake = FakeAssistants()
    with fake.serve() as url:
        root = url.removesuffix("/v1")
        for path, headers, status, body in [
            ("/openai/assistants", {"api-key": "k"}, 404, {"code": "404", "message": "Resource not found"}),
            (f"/openai/no-such-thing?api-version={AZURE_VERSION}", {"api-key": "k"}, 404, None),
            (f"/openai/assistants?api-version={AZURE_VERSION}", {}, 401, None),
        ]:
            request = urllib.request.Request(root + path, headers={**headers, "OpenAI-Beta": "assistants=v2"})
            with pytest.raises(urllib.error.HTTPError) as caught:
                urllib.request.urlopen(request, timeout=5)
            answer = json.loads(caught.value.read())
            assert caught.value.code == status
            assert answer["error"] == body if body else answer["error"]["code"] == str(status)
    assert fake.snapshot() == FakeAssistants().snapshot()


def test_faults_and_rate_limits_apply_to_azure_requests() -> None:
    fake = FakeAssistants()
    fake.faults.rate_limit(operation="listAssistants", retry_after_ms=1)
    client = fake.azure_client()
    assert client.beta.assistants.list().data == []
    assert [(e.path, e.status, e.fault) for e in fake.request_log] == [
        ("/openai/assistants", 429, "rate_limit"),
        ("/openai/assistants", 200, None),
    ]


def test_a_base_url_naming_a_deployment_reaches_the_same_routes() -> None:
    fake = FakeAssistants()
    client = fake.azure_client(base_url="https://fake-assistants.invalid/openai/deployments/my-gpt")
    assistant = client.beta.assistants.create(model="my-gpt")
    assert client.beta.assistants.retrieve(assistant.id).model == "my-gpt"
    assert fake.request_log[0].path == "/openai/deployments/my-gpt/assistants"

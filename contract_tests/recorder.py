"""A recording SDK client: the real ``openai`` SDK (strict response validation under spec shapes) over an HTTP
client whose response hook keeps every raw response: the operationId it answered (from the emulator's own route
table), the status, the headers and the JSON body. Tests then hold each recorded body to the spec.
"""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass
from typing import Any

import openai

from fake_assistants import FakeAssistants
from fake_assistants.api.routes import match
from fake_assistants.emulator import BASE_URL, DEFAULT_API_KEY
from fake_assistants.transports.inprocess import sdk_http_module

from . import spec

BETA_HEADERS = {"OpenAI-Beta": "assistants=v2", "Authorization": "Bearer sk-contract"}


@dataclass(frozen=True)
class Exchange:
    method: str
    path: str  # without the /v1 prefix
    operation_id: str | None  # None when the emulator's route table has no such route
    status: int
    headers: dict[str, str]
    body: Any
    shapes: str = "wire"

    def __str__(self) -> str:
        return f"{self.operation_id or '?'} {self.method} {self.path} -> {self.status}"

    def check(self) -> None:
        """Hold the body to the spec: a 200 to its operation's schema, anything else to ``ErrorResponse``."""
        if self.status == 200:
            assert self.operation_id is not None, f"{self}: answered 200 on a route the spec does not have"
            if self.body is not None or self.operation_id != "downloadFile":  # a download is the file's bytes
                spec.assert_response(self.operation_id, self.body, shapes=self.shapes)
        else:
            spec.assert_error_envelope(self.body, label=f"{self.operation_id or self.path} (HTTP {self.status})")


class Recorder:
    """An SDK client wired to an emulator, and the log of every response it received."""

    def __init__(
        self, fake: FakeAssistants | None, *, base_url: str = BASE_URL, api_key: str = DEFAULT_API_KEY
    ) -> None:
        """In-process on ``fake`` by default; over real HTTP when given another ``base_url`` (server, live)."""
        self.fake = fake
        self.shapes = fake.shapes if fake is not None else "wire"
        self.exchanges: list[Exchange] = []
        http = sdk_http_module()
        hooks = {"response": [self._record]}
        if base_url == BASE_URL:
            assert fake is not None, "an in-process recorder needs the emulator"
            self.http = http.Client(transport=fake.transport(http), event_hooks=hooks)
        else:
            self.http = http.Client(event_hooks=hooks, timeout=60)
        self.client = openai.OpenAI(
            api_key=api_key,
            base_url=base_url,
            http_client=self.http,
            _strict_response_validation=self.shapes == "spec",  # the real shapes break the SDK's strict models
        )

    def _record(self, response: Any) -> None:
        response.read()
        request = response.request
        path = request.url.path
        path = path[3:] if path.startswith("/v1/") else path
        found = match(request.method.upper(), path.rstrip("/") or "/")
        self.exchanges.append(
            Exchange(
                method=request.method.upper(),
                path=path,
                operation_id=found[0].operation_id if found else None,
                status=response.status_code,
                headers={name.lower(): value for name, value in response.headers.items()},
                body=response.json() if "json" in response.headers.get("content-type", "") else None,
                shapes=self.shapes,
            )
        )

    def raw(self, method: str, path: str, json: Any = None) -> Exchange:
        """Send one request outside the SDK (same client, same log) and return its exchange."""
        self.http.request(method, f"{BASE_URL}{path}", json=json, headers=BETA_HEADERS)
        return self.exchanges[-1]

    def of(self, operation_id: str) -> list[Exchange]:
        return [exchange for exchange in self.exchanges if exchange.operation_id == operation_id]

    def last(self, operation_id: str) -> Exchange:
        found = self.of(operation_id)
        assert found, f"no {operation_id} response was recorded"
        return found[-1]

    def operation_ids(self) -> set[str]:
        return {exchange.operation_id for exchange in self.exchanges if exchange.operation_id is not None}

    def check_all(self) -> None:
        """Hold every recorded response to the spec, reporting all failures at once."""
        failures: list[str] = []
        for exchange in self.exchanges:
            try:
                exchange.check()
            except AssertionError as exc:
                failures.append(f"[{exchange}] {exc}")
        assert not failures, "\n\n".join(failures)

    def close(self) -> None:
        self.client.close()


def assert_covered(recorder: Recorder, expected: Set[str]) -> None:
    """Every operation in ``expected`` was answered at least once on ``recorder``."""
    missing = expected - recorder.operation_ids()
    assert not missing, f"these operations were never answered: {sorted(missing)}"

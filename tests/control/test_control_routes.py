"""Control routes are one table (``control/handler.py: ROUTES``), built once: a new endpoint is one action and one row
there, held by a footprint test on a copy of the package; each route reaches the emulator through its public
methods (``ControlHost``) and the collaborators it was given (``ControlParts``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fake_assistants import FakeAssistants
from fake_assistants.api.wire import ApiRequest
from fake_assistants.control import handler

from ..footprint import after_line, with_edits

JSON = {"content-type": "application/json"}

ACTION = """

def _clock(call: ControlCall) -> dict[str, Any]:
    return {"now": call.parts.state().clock.now(), "seed": call.host.seed}
"""

USE_THE_ROUTE = """
import json
from fake_assistants import FakeAssistants, ManualClock
from fake_assistants.api.wire import ApiRequest

fake = FakeAssistants(seed=9, clock=ManualClock(1_900_000_000))
fake.advance_clock(5)
answer = fake.handle(ApiRequest("GET", "/__fake__/clock", headers={"host": "localhost"}))
print(answer.status, json.loads(answer.body))
fake.protect_control(token="secret")
fake.isolate_keys()
refused = fake.handle(ApiRequest("GET", "/__fake__/clock", headers={"authorization": "Bearer sk-tenant"}))
print(refused.status, json.loads(refused.body)["error"]["code"])
"""


def test_a_new_control_route_is_one_action_and_one_row(tmp_path: Path) -> None:
    def edit(text: str) -> str:
        text = after_line(
            '    ControlRoute("GET", "/state", _state),',
            '    ControlRoute("GET", "/clock", _clock, admin="The clock"),\n',
        )(text)
        anchor = "\n\nROUTES: tuple[ControlRoute, ...] = ("
        assert text.count(anchor) == 1
        return text.replace(anchor, ACTION + anchor)

    done = with_edits(tmp_path, USE_THE_ROUTE, {"control/handler.py": edit})
    assert done.stdout.splitlines() == ["200 {'now': 1900000005, 'seed': 9}", "403 control_token_required"]


def test_the_routes_are_built_once(fake: FakeAssistants, monkeypatch: pytest.MonkeyPatch) -> None:
    assert len(handler.ROUTES) == len({(route.method, route.path) for route in handler.ROUTES})

    def no_building(route: handler.ControlRoute) -> None:
        raise AssertionError(f"{route.path} was compiled while serving a request")

    monkeypatch.setattr(handler.ControlRoute, "pattern", property(no_building))
    answer = fake.handle(ApiRequest("POST", "/__fake__/clock/advance", (), JSON, b'{"seconds": 1}'))
    assert answer.status == 200


@pytest.mark.parametrize("method", ["GET", "PUT"])
def test_a_path_no_route_has_is_the_unknown_endpoint_error(fake: FakeAssistants, method: str) -> None:
    answer = fake.handle(
        ApiRequest(method, "/__fake__/runs/run_1/retreat", headers={"content-type": "application/json"})
    )
    assert answer.status == 404
    assert "/__fake__/runs/run_1/retreat" in json.loads(answer.body)["error"]["message"]

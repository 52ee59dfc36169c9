"""Fault kinds are a table, as step kinds are: one module per kind in ``frontdoor/fault_kinds/``, found by the
package. The fault set acts by a kind's effect and never names a kind; a new kind is one new module, and then
works from Python, documents, the control API and the request log (the checklist in ``docs/architecture.md``)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from fake_assistants import FakeAssistants
from fake_assistants.frontdoor import fault_kinds, faults

from ..footprint import new_file, with_edits

PACKAGE = Path(faults.__file__).parents[1]

TEAPOT = '''
from ...api.wire import ApiRequest, ApiResponse
from .base import FaultKind, Params


class Teapot(FaultKind):
    name = "teapot"
    order = 9
    effect = "answer"

    def params(self, tea: str = "earl grey") -> Params:
        return {"tea": tea}

    def answer(self, params: Params, request: ApiRequest, request_id: str) -> ApiResponse:
        return ApiResponse(418, {"x-request-id": request_id, "x-tea": params["tea"]}, b"{}")


KIND = Teapot()
'''

USE_THE_KIND = '''
import json, urllib.request
import openai
from fake_assistants import FakeAssistants

fake = FakeAssistants()
client = fake.client(max_retries=0)
fake.faults.add_from({"fault": "teapot", "operation": "listAssistants", "tea": "sencha"})
try:
    client.beta.assistants.list()
except openai.APIStatusError as error:
    print(error.status_code, error.response.headers["x-tea"])
with fake.serve() as url:
    request = urllib.request.Request(url.removesuffix("/v1") + "/__fake__/faults", method="POST",
                                     data=json.dumps({"fault": "teapot", "method": "POST"}).encode(),
                                     headers={"content-type": "application/json"})
    print(json.load(urllib.request.urlopen(request))["added"])
    try:
        openai.OpenAI(base_url=url, api_key="sk-test", max_retries=0).beta.assistants.create(model="gpt-4o")
    except openai.APIStatusError as error:
        print(error.status_code, error.response.headers["x-tea"])
print([entry.fault for entry in fake.request_log])
'''


def test_a_new_fault_kind_is_one_module(tmp_path: Path) -> None:
    done = with_edits(tmp_path, USE_THE_KIND, {"frontdoor/fault_kinds/teapot.py": new_file(TEAPOT)})
    assert done.stdout.split("\n")[:-1] == ["418 sencha", "1", "418 earl grey", "['teapot', 'teapot']"]


def test_the_kinds_are_found_in_their_order() -> None:
    assert tuple(kind.name for kind in fault_kinds.KINDS) == fault_kinds.NAMES
    assert fault_kinds.NAMES[0] == "rate_limit" and fault_kinds.NAMES[-1] == "latency"
    assert {kind.effect for kind in fault_kinds.KINDS} == {"answer", "interrupt", "cut", "delay"}


def test_the_fault_set_names_no_kind() -> None:
    """``faults.py`` dispatches by effect: a kind's name appears only in the method that adds it by name."""
    tree = ast.parse(Path(faults.__file__).read_text(encoding="utf-8"))
    named = {
        node.value
        for function in ast.walk(tree)
        if isinstance(function, ast.FunctionDef) and function.name not in fault_kinds.NAMES
        for node in ast.walk(function)
        if isinstance(node, ast.Constant) and node.value in fault_kinds.NAMES
    }
    assert named == set()


def test_a_document_with_an_unknown_keyword_changes_nothing(fake: FakeAssistants) -> None:
    with pytest.raises(ValueError, match=r"fault 1 \(server_error\): unexpected keyword argument 'colour'"):
        fake.faults.add_from([{"fault": "timeout"}, {"fault": "server_error", "colour": "red"}])
    with pytest.raises(ValueError, match=r"fault 0 \(latency\): missing 1 required positional argument: 'ms'"):
        fake.faults.add_from({"fault": "latency"})
    assert not fake.faults

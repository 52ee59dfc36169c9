"""The fault strategies: 1 000 drawn fault lists are accepted by ``fake.faults``, every kind is drawn, and a drawn
fault drives the SDK's retry path."""

from __future__ import annotations

from typing import Any

import openai
import pytest
from hypothesis import HealthCheck, Phase, given, settings

from fake_assistants import FakeAssistants
from fake_assistants.frontdoor.fault_kinds import NAMES as FAULT_KINDS
from fake_assistants.strategies import Story, fault, fault_strategies, faults, playing, runs

from .support import for_a_thousand
from .tools import WEATHER


@for_a_thousand(documents=faults())
def test_every_drawn_fault_list_is_accepted(documents: list[dict[str, Any]]) -> None:
    fake = FakeAssistants()
    assert fake.faults.add_from(documents) == len(documents)
    stored = [fault.document() for fault in fake.faults]  # with the defaults filled in
    assert len(stored) == len(documents)
    assert all(drawn.items() <= kept.items() for drawn, kept in zip(documents, stored, strict=True))


def test_every_fault_kind_is_drawn() -> None:
    seen: set[str] = set()

    @settings(max_examples=100, database=None, phases=[Phase.generate])
    @given(document=fault())
    def record(document: dict[str, Any]) -> None:
        seen.add(document["fault"])

    record()
    assert seen == set(FAULT_KINDS)


def test_a_fault_kind_without_a_strategy_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValueError, match="createWidget"):
        fault(operations=["createWidget"])
    monkeypatch.setattr(fault_strategies, "NAMES", (*FAULT_KINDS, "meteor"))
    with pytest.raises(NotImplementedError, match="meteor"):
        fault()


@pytest.mark.manual_clock(1_700_000_000)  # a latency fault moves the clock instead of waiting
@pytest.mark.fake_assistants(skip_sleep=True)  # and the SDK's back-off before a retry returns at once
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(document=fault([kind for kind in FAULT_KINDS if kind != "cut_stream"], operations=["createAssistant"]))
def test_a_drawn_fault_drives_the_retry_path(fake: FakeAssistants, document: dict[str, Any]) -> None:
    fake.reset()
    fake.faults.add_from([{**document, "times": 1}])
    client = fake.client(max_retries=1)
    try:
        client.beta.assistants.create(model="gpt-4o")
        created = True
    except openai.APIError:
        created = False
    log = fake.request_log
    if document["fault"] == "latency":  # late, not refused (0 ms is no delay at all)
        assert created and len(log) == 1 and log[0].fault == ("latency" if document["ms"] else None)
    else:  # refused once, then retried
        assert log[0].fault == document["fault"] and created == (len(log) == 2)
    assert len(client.beta.assistants.list().data) == int(created)


@pytest.mark.manual_clock(1_700_000_000)
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(story=runs(tools=[WEATHER], max_runs=1, faults=faults(min_size=1)))
def test_a_story_carries_its_faults_onto_the_emulator(fake: FakeAssistants, story: Story) -> None:
    assert story.faults and story.document["faults"] == list(story.faults)
    with playing(fake, story):
        assert [f.kind for f in fake.faults] == [document["fault"] for document in story.faults]
    assert not fake.faults

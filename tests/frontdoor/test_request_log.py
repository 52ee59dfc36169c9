"""The request log's bound: the newest ``keep_requests`` requests within about ``keep_request_bytes`` bytes, or all
of them with ``keep_requests=None``; the inspector's history keeps no more than the log."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fake_assistants import FakeAssistants
from fake_assistants.api.wire import ApiRequest
from fake_assistants.control.inspector.history import KEEP, RequestHistory
from fake_assistants.frontdoor.requestlog import RequestLog, entry_size
from fake_assistants.settings import DEFAULT_KEEP_REQUESTS

HEADERS = {"authorization": "Bearer sk-test", "openai-beta": "assistants=v2"}


def retrieve_ids(fake: FakeAssistants, times: int) -> list[str | None]:
    """Retrieve one assistant ``times`` times through the SDK; the request ids of the answers."""
    client = fake.client()
    assistant = client.beta.assistants.create(model="gpt-4o")
    return [client.beta.assistants.retrieve(assistant.id)._request_id for _ in range(times)]


@pytest.mark.fake_assistants(keep_requests=3)
def test_the_log_keeps_the_newest_requests(fake: FakeAssistants) -> None:
    ids = retrieve_ids(fake, 5)
    assert [entry.request_id for entry in fake.request_log] == ids[-3:]
    assert [entry.method for entry in fake.request_log] == ["GET"] * 3


@pytest.mark.fake_assistants(keep_requests=None, keep_request_bytes=1)
def test_keep_requests_none_keeps_every_request(fake: FakeAssistants) -> None:
    ids = retrieve_ids(fake, 5)
    assert [entry.request_id for entry in fake.request_log][1:] == ids  # the create, then every retrieve


@pytest.mark.fake_assistants(keep_requests=100, keep_request_bytes=1)
def test_the_byte_bound_drops_the_oldest_but_keeps_the_newest(fake: FakeAssistants) -> None:
    ids = retrieve_ids(fake, 4)
    assert [entry.request_id for entry in fake.request_log] == ids[-1:]


def test_by_default_the_log_is_bounded() -> None:
    fake = FakeAssistants(validate_responses=False)
    request = ApiRequest("GET", "/v1/assistants/asst_missing", headers=HEADERS)
    for _ in range(DEFAULT_KEEP_REQUESTS + 5):
        fake.handle(request)
    log = fake.request_log
    assert len(log) == DEFAULT_KEEP_REQUESTS
    assert {entry.status for entry in log} == {404}


@pytest.mark.parametrize(
    "setting", [{"keep_requests": 0}, {"keep_requests": 1.5}, {"keep_request_bytes": 0}, {"keep_request_bytes": None}]
)
def test_a_bound_that_is_not_a_whole_positive_number_is_refused(setting: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="keep_request"):
        FakeAssistants(**setting)  # type: ignore[arg-type]


@pytest.mark.fake_assistants(keep_requests=2)
def test_reset_empties_the_bounded_log(fake: FakeAssistants) -> None:
    retrieve_ids(fake, 3)
    fake.reset()
    assert fake.request_log == ()
    retrieve_ids(fake, 1)
    assert len(fake.request_log) == 2


@pytest.mark.parametrize(("keep", "kept"), [(None, KEEP), (3, 3), (KEEP * 2, KEEP)])
def test_the_history_keeps_no_more_than_the_log(keep: int | None, kept: int) -> None:
    history = RequestHistory(keep)
    fake = FakeAssistants(validate_responses=False)
    request = ApiRequest("GET", "/v1/assistants/asst_missing", headers=HEADERS)
    for at in range(KEEP + 10):
        history.record(request, fake.handle(request), at, None, "getAssistant")
    entries = history.entries()
    assert len(entries) == kept
    assert [entry.number for entry in entries] == list(range(KEEP + 11 - kept, KEEP + 11))
    assert history.get(entries[0].number) == entries[0]
    assert history.get(entries[0].number - 1) is None


paths = st.text(alphabet="abc/", max_size=300).map(lambda tail: "/v1/" + tail)


@settings(max_examples=60, deadline=None)
@given(
    sizes=st.lists(paths, max_size=40),
    entries=st.none() | st.integers(1, 10),
    size=st.none() | st.integers(1, 3000),
)
def test_the_log_is_the_newest_run_of_requests_within_both_bounds(
    sizes: list[str], entries: int | None, size: int | None
) -> None:
    log = RequestLog(entries, size)
    sent = [("GET", path, 200, f"req_{n}", None, None) for n, path in enumerate(sizes)]
    for entry in sent:
        log.append(entry)
    kept = list(log)
    assert kept == sent[len(sent) - len(kept) :]  # the newest ones, in order
    if sent:
        assert kept  # the newest request is always kept
    if entries is not None:
        assert len(kept) <= entries
    if size is not None and len(kept) > 1:
        assert sum(entry_size(entry) for entry in kept) <= size
    if size is None and entries is None:
        assert kept == sent
    elif len(kept) < len(sent):  # one more (the next older one) would have broken a bound
        wider = [sent[len(sent) - len(kept) - 1], *kept]
        too_many = entries is not None and len(wider) > entries
        too_big = size is not None and sum(entry_size(entry) for entry in wider) > size
        assert too_many or too_big

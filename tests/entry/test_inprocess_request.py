"""The in-process transport's reading of a request: every header (lower-case names, a repeated one joined with
", " as the library joins it), the decoded path and the query, whatever the SDK's HTTP library sent."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from fake_assistants.transports.inprocess import sdk_http_module, to_api_request

names = st.sampled_from(["X-Trace", "x-trace", "Accept", "OpenAI-Beta", "x-stainless-lang"])
values = st.text(alphabet="abc =,;/0123456789", max_size=12).map(str.strip)
queries = st.lists(st.tuples(st.sampled_from(["limit", "after", "order"]), st.text("ab c%&=", max_size=5)), max_size=3)


@settings(max_examples=60, deadline=None)
@given(headers=st.lists(st.tuples(names, values), max_size=6), query=queries)
def test_a_request_reaches_the_router_as_the_library_reads_it(
    headers: list[tuple[str, str]], query: list[tuple[str, str]]
) -> None:
    http = sdk_http_module()
    request = http.Request("POST", "http://x.invalid/v1/threads/thread_a%20b/messages", headers=headers, params=query)
    request.read()
    seen = to_api_request(request)
    assert seen.headers == {name.lower(): value for name, value in request.headers.items()}
    assert seen.query == tuple(request.url.params.multi_items())
    assert seen.path == "/v1/threads/thread_a b/messages"
    assert seen.method == "POST"

"""Routes are matched by their segments (issue 26: no regular expression walk per request), and match exactly what
each template's own pattern matches, first route of the table first; an emulator remembers the routes of the paths
it has served (a bounded number), and matches them again when the table changes."""

from __future__ import annotations

import dataclasses
import re

import hypothesis.strategies as st
import pytest
from hypothesis import given, settings

from fake_assistants.api import routes
from fake_assistants.api.wire import ApiRequest

WORDS = sorted({part for route in routes.ROUTES for part in route.template.split("/") if part and "{" not in part})
SEGMENTS = st.one_of(st.sampled_from(WORDS), st.sampled_from(["", "asst_1", "x", "{id}", "runs ", "%2F"]))


def reference(method: str, path: str) -> tuple[str, dict[str, str]] | None:
    """The table walked in order, each template a regular expression whose parameters are non-empty segments."""
    for route in routes.ROUTES:
        pattern = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", route.template)
        found = re.fullmatch(pattern, path) if route.method == method else None
        if found is not None:
            return route.operation_id, found.groupdict()
    return None


@settings(max_examples=400, deadline=None)
@given(
    method=st.sampled_from(["GET", "POST", "DELETE", "PATCH"]),
    parts=st.lists(SEGMENTS, min_size=1, max_size=7),
)
def test_a_path_matches_the_route_its_template_fits(method: str, parts: list[str]) -> None:
    path = "/" + "/".join(parts)
    found = routes.match(method, path)
    assert (None if found is None else (found[0].operation_id, found[1])) == reference(method, path)


def test_every_template_matches_its_own_route() -> None:
    for route in routes.ROUTES:
        path = re.sub(r"\{(\w+)\}", lambda m: f"{m.group(1)}-value", route.template)
        found = routes.match(route.method, path)
        assert found is not None
        if found[0] is not route:  # an earlier route of the table takes it (a literal beats no parameter)
            assert routes.ROUTES.index(found[0]) < routes.ROUTES.index(route)


@settings(max_examples=200, deadline=None)
@given(
    method=st.sampled_from(["GET", "POST", "DELETE"]),
    paths=st.lists(st.lists(SEGMENTS, min_size=1, max_size=6).map(lambda parts: "/v1/" + "/".join(parts)), max_size=8),
)
def test_the_paths_an_emulator_has_seen_resolve_as_a_fresh_match_does(method: str, paths: list[str]) -> None:
    seen = routes.SeenPaths()
    for path in [*paths, *paths]:  # each path twice: the second time from what the emulator remembers
        remembered = routes.resolve(ApiRequest(method, path), seen)
        assert remembered == routes.resolve(ApiRequest(method, path))
    assert len(seen) == len(set(paths))


def test_a_remembered_path_is_not_matched_again_and_a_new_table_starts_over(monkeypatch: pytest.MonkeyPatch) -> None:
    walks: list[str] = []
    real = routes.match
    monkeypatch.setattr(routes, "match", lambda method, path: walks.append(path) or real(method, path))
    seen = routes.SeenPaths()
    for _ in range(3):
        found = routes.resolve(ApiRequest("GET", "/v1/assistants/asst_1"), seen)
        assert found is not None and found[0].operation_id == "getAssistant"
    assert walks == ["/assistants/asst_1"]
    renamed = tuple(dataclasses.replace(route, operation_id=f"new {route.operation_id}") for route in routes.ROUTES)
    monkeypatch.setattr(routes, "ROUTES", renamed)
    found = routes.resolve(ApiRequest("GET", "/v1/assistants/asst_1"), seen)
    assert found is not None and found[0].operation_id == "new getAssistant"
    assert len(walks) == 2


def test_an_emulator_remembers_a_bounded_number_of_paths(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(routes, "PATHS_KEPT", 10)
    seen = routes.SeenPaths()
    for n in range(25):
        routes.resolve(ApiRequest("GET", f"/v1/assistants/asst_{n}"), seen)
        assert len(seen) <= 10


def test_a_long_path_is_matched_but_never_remembered() -> None:
    seen = routes.SeenPaths()
    long_id = "asst_" + "x" * routes.PATH_KEPT_LENGTH
    found = routes.resolve(ApiRequest("GET", f"/v1/assistants/{long_id}"), seen)
    assert found is not None and found[1] == {"assistant_id": long_id}
    assert len(seen) == 0

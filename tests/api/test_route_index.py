"""Routes are matched by their segments (issue 26: no regular expression walk per request), and match exactly what
each template's own pattern matches, first route of the table first."""

from __future__ import annotations

import re

import hypothesis.strategies as st
from hypothesis import given, settings

from fake_assistants.api import routes

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

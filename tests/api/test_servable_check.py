"""The servable check walks a big document fast (issue 26: ``load_state`` of 100 000 messages), and refuses exactly
what the walk that names each path refuses, with the same error."""

from __future__ import annotations

from typing import Any

import hypothesis.strategies as st
from hypothesis import given, settings

from fake_assistants.errors import ApiError
from fake_assistants.schemas import validation

TEXT = st.text(alphabet=st.sampled_from(["a", "é", "\ud800", "\udfff", "😀", " "]), max_size=4)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.floats(allow_nan=False),
    TEXT,
    st.integers(min_value=-(2**65), max_value=2**65),
    st.sampled_from([2**63 - 1, 2**63, -(2**63), -(2**63) - 1]),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(TEXT, inner, max_size=4)),
    max_leaves=30,
)


def outcome(check: Any, value: Any, depth: int) -> tuple[str, str] | None:
    try:
        check(value, depth=depth) if check is validation.check_servable else check(value, depth)
    except ApiError as error:
        return error.code or "", error.message
    return None


@settings(max_examples=500, deadline=None)
@given(value=VALUES, depth=st.integers(1, 5))
def test_the_fast_walk_refuses_what_the_naming_walk_refuses(value: Any, depth: int) -> None:
    assert outcome(validation.check_servable, value, depth) == outcome(validation._check_servable_at, value, depth)

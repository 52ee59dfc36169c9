"""The coverage page is current, and every operation of the spec is served and held to it."""

from __future__ import annotations

from . import coverage, spec


def test_the_coverage_page_is_current() -> None:
    assert coverage.PAGE.read_text() == coverage.render(), (
        "docs/coverage.md is stale: run `python -m contract_tests.coverage` and commit the result"
    )


def test_all_operations_are_served_and_covered() -> None:
    count = len(spec.contract().operations)
    assert coverage.summary().endswith(f"{count}/{count} operations covered")
    assert count == 44

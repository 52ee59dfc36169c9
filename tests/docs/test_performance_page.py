"""docs/performance.md: written by ``make bench``, in the site's nav, with every row of the bench's table.

No figure is checked: the page records what one run measured, on one machine."""

from __future__ import annotations

from pathlib import Path

import yaml

from tools.benchmark import END, PAGE, ROWS, START

ROOT = Path(__file__).resolve().parents[2]


def table_labels() -> list[str]:
    text = PAGE.read_text(encoding="utf-8")
    assert START in text and END in text, "the bench markers are missing"
    table = text.split(START, 1)[1].split(END, 1)[0]
    rows = [line for line in table.splitlines() if line.startswith("| ") and not line.startswith("| measure")]
    return [row.split("|")[1].strip() for row in rows]


def test_the_page_shows_every_row_of_the_bench() -> None:
    labels = table_labels()
    assert sorted(labels) == sorted(ROWS)  # each row once, none missing, none unknown


def test_the_page_is_in_the_site_nav() -> None:
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    pages = [next(iter(entry.values())) for entry in config["nav"]]
    assert "performance.md" in pages

"""The docs site's structure: every page in the nav, every public name in the API reference, every picture there."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

import fake_assistants

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"


def nav_pages(entries: list[object]) -> list[str]:
    pages: list[str] = []
    for entry in entries:
        values = entry.values() if isinstance(entry, dict) else [entry]
        for value in values:
            pages += nav_pages(value) if isinstance(value, list) else [str(value)]
    return pages


def config() -> dict[str, object]:
    # mkdocs.yml may hold python tags of plugins; this file has none, so the safe loader reads it
    loaded = yaml.safe_load((ROOT / "mkdocs.yml").read_text())
    assert isinstance(loaded, dict)
    return loaded


def test_every_page_is_in_the_nav_with_a_page_per_front_door() -> None:
    nav = config()["nav"]
    assert isinstance(nav, list)
    pages = nav_pages(nav)
    assert sorted(pages) == sorted(page.name for page in DOCS.glob("*.md"))
    front_doors = next(entry["Front doors"] for entry in nav if isinstance(entry, dict) and "Front doors" in entry)
    assert nav_pages(front_doors) == [
        "quickstart.md",
        "pytest-plugin.md",
        "patch.md",
        "server.md",
        "azure.md",
        "inspector.md",
    ]


def test_the_reference_documents_every_public_name() -> None:
    documented = re.findall(r"^::: fake_assistants\.(\w+)$", (DOCS / "reference.md").read_text(), flags=re.M)
    assert sorted(documented) == sorted(fake_assistants.__all__)


def test_the_theme_search_and_docstrings_plugins() -> None:
    loaded = config()
    assert loaded["theme"]["name"] == "material"  # type: ignore[index]
    plugins = [next(iter(p)) if isinstance(p, dict) else p for p in loaded["plugins"]]  # type: ignore[attr-defined]
    assert "search" in plugins and "mkdocstrings" in plugins


def test_every_picture_the_docs_show_exists_and_stays_small() -> None:
    shown = {name for page in DOCS.glob("*.md") for name in re.findall(r"\]\((images/[^)]+)\)", page.read_text())}
    assert {f"images/{p.name}" for p in (DOCS / "images").glob("*.png")} == shown
    for name in shown:
        picture = DOCS / name
        assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert picture.stat().st_size < 300_000, f"{name} is too large for the repository"

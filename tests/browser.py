"""The system's Chromium, driven by Playwright, for the inspector's browser tests and ``make screenshots``.

No browser is ever downloaded: Playwright launches Debian's ``chromium`` (``/usr/bin/chromium``, or
``$FAKE_ASSISTANTS_CHROMIUM``). Without it, or without the ``playwright`` package, :func:`missing` says why, and the
tests skip with that reason, unless ``FAKE_ASSISTANTS_REQUIRE_BROWSER=1`` (CI sets it), which makes it a failure.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path

REQUIRE_ENV = "FAKE_ASSISTANTS_REQUIRE_BROWSER"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    configured = os.environ.get("FAKE_ASSISTANTS_CHROMIUM")
    if configured:
        return configured if Path(configured).is_file() else None
    for candidate in ("/usr/bin/chromium", "/usr/bin/chromium-browser"):
        if Path(candidate).is_file():
            return candidate
    return shutil.which("chromium")


def missing() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if importlib.util.find_spec("playwright") is None:
        return "the 'playwright' package is not installed (pip install playwright; no browser download is needed)"
    if chromium_path() is None:
        return "no system Chromium (apt-get install chromium, or set FAKE_ASSISTANTS_CHROMIUM to its path)"
    return None


def required() -> bool:
    return os.environ.get(REQUIRE_ENV, "") in ("1", "true")

"""The inspector: a read-only web page over one emulator's state, served under ``/__fake__/ui/``.

It is part of the control API (``control/handler.py``), so it follows the control API's access rules.
Pages are rendered on the server from Jinja2 templates with autoescaping on; the only script is our own
``inspector.js`` (short polling for live updates, request bodies on demand, and the control API's buttons).
"""

from .history import HistoryEntry, RequestHistory

__all__ = ["HistoryEntry", "RequestHistory"]

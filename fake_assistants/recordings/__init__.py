"""Recordings of real Assistants API traffic: read them, replay them, turn them into scripts.

Three formats are read, all into one :class:`Recording` (the layout of this project's shared recordings: each
exchange's method, path, query, beta header, JSON request, status, content type, and JSON response or SSE events):

* vcrpy / pytest-recording YAML cassettes, the current layout (``interactions:`` with ``uri``) and the old one (a
  bare list with ``protocol``, ``host``, ``port``, ``path``), gzip ``!!binary`` bodies included; Ruby VCR cassettes
  (``http_interactions:``) too;
* HAR 1.2 (``log.entries``), as browsers and proxies write it;
* the shared JSON layout itself (``{"source": ..., "interactions": [...]}``).

:func:`read_recording` picks the reader (:data:`READERS`, pluggable) by the file's name and content. A file it
cannot read raises :class:`RecordingError`, whose
message names the file, the interaction and the problem.
"""

from pathlib import Path

from .model import Exchange, Recording, RecordingError
from .readers import READERS, Reader, read_recording, read_recordings

# A vcrpy cassette of real traffic (a polled function-call run; free text replaced by placeholders), for trying the
# tools out: the worked example of docs/recordings.md.
EXAMPLE_CASSETTE = Path(__file__).resolve().parent / "examples" / "favorite_food.yaml"

__all__ = [
    "EXAMPLE_CASSETTE",
    "READERS",
    "Exchange",
    "Reader",
    "Recording",
    "RecordingError",
    "read_recording",
    "read_recordings",
]

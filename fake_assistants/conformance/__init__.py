"""Recorded conformance: real Assistants traffic, turned into fixtures the emulator must reproduce.

* :mod:`.readers` reads recordings through a pluggable :class:`~.readers.Reader` (the shared JSON layout today;
  other formats, such as vcrpy cassettes or HAR files, plug in as more readers);
* :mod:`.derive` turns a recording into a fixture kept in the repository: shapes, status codes, event order and
  request sequences, with free text replaced by placeholders and the source kept
  (``python -m fake_assistants.conformance.derive RECORDINGS -o contract_tests/conformance``);
* :mod:`.replay` plays a fixture against a fresh emulator, scripted from the recorded outputs, and reports every
  difference with the recording, the exchange, the JSON path, the real value and the emulator's.
"""

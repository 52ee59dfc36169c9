"""Recorded conformance: real Assistants traffic, turned into fixtures the emulator must reproduce.

* :mod:`fake_assistants.recordings` reads recordings through pluggable readers (vcrpy and Ruby VCR cassettes,
  HAR 1.2, the shared JSON layout), into one model;
* :mod:`.derive` turns a recording into a fixture kept in the repository: shapes, status codes, event order and
  request sequences, with free text replaced by placeholders and the source kept
  (``python -m fake_assistants.conformance.derive RECORDINGS -o contract_tests/conformance``);
* :mod:`.replay` plays a fixture against a fresh emulator, scripted from the recorded outputs, and reports every
  difference with the recording, the exchange, the JSON path, the real value and the emulator's.
"""

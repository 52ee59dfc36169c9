"""Recorded conformance: real Assistants traffic, turned into fixtures the emulator must reproduce.

* :mod:`fake_assistants.recordings` reads recordings through pluggable readers (vcrpy and Ruby VCR cassettes,
  HAR 1.2, the shared JSON layout), into one model;
* :mod:`.derive` turns a recording into a fixture kept in the repository: shapes, status codes, event order and
  request sequences, with free text replaced by placeholders and the source kept
  (``python -m fake_assistants.conformance.derive RECORDINGS -o contract_tests/conformance``);
* :mod:`.replay` plays a fixture against a fresh emulator, scripted from the recorded outputs, and reports every
  difference with the recording, the exchange, the JSON path, the real value and the emulator's;
* :mod:`.judge` sorts those differences by what a client of the recording's day would feel: keys the API added after
  the recording (:mod:`fake_assistants.contract.eras`), calls outside the Assistants API and recorded server errors
  are notes, the rest are failures;
* :mod:`.command` is ``fake-assistants conform`` (``--strict``, ``--json``; exit 0, 1 or 2, never a traceback).
"""

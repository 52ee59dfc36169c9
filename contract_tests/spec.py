"""The contract the suite holds the emulator to: OpenAI's published spec, through ``fake_assistants.contract``,
with the deviation table of ``fake_assistants.contract.wire`` laid over it for the default (real) shapes.

The contract ships inside the package (``fake_assistants/contract/assistants-v2.json``, the spec's facts without
its prose); ``$FAKE_ASSISTANTS_SPEC`` overrides it (see ``docs/contract.md``). This module adds the assertions the
tests use; every problem is reported with the JSON pointer of the bad field. Everything else comes from
``fake_assistants.contract`` directly.
"""

from __future__ import annotations

from typing import Any

from fake_assistants.contract import Contract
from fake_assistants.contract.wire import wire_contract


def contract(shapes: str = "wire") -> Contract:
    """The spec with the deviations of ``shapes`` laid over it (``"spec"``: only those the spec shapes keep)."""
    return wire_contract(Contract.load(), shapes)


def assert_valid(schema_name: str, body: Any, *, label: str, exact: bool = True, shapes: str = "wire") -> None:
    """Raise an ``AssertionError`` naming ``label`` and each bad field's pointer if ``body`` breaks the schema."""
    problems = contract(shapes).problems(schema_name, body, exact=exact)
    if problems:
        lines = "\n".join(f"  - {problem}" for problem in problems)
        raise AssertionError(
            f"{label}: the response does not match #/components/schemas/{schema_name} "
            f"({len(problems)} problem{'s' if len(problems) > 1 else ''}):\n{lines}"
        )


def assert_response(operation_id: str, body: Any, *, exact: bool = True, shapes: str = "wire") -> None:
    """Hold a 200 body to its operation's response schema in the spec (and, by default, to its exact shape)."""
    op = contract(shapes).operation(operation_id)
    if op.schema_name is None:
        raise AssertionError(f"{operation_id}: the spec gives no JSON schema $ref for its 200 response")
    assert_valid(op.schema_name, body, label=operation_id, exact=exact, shapes=shapes)


def assert_error_envelope(body: Any, *, label: str) -> None:
    """Hold an error body to the spec's ``ErrorResponse`` (exactly: ``message``, ``type``, ``param``, ``code``)."""
    assert_valid("ErrorResponse", body, label=label)


def assert_stream_event(name: str, data: Any, *, shapes: str = "wire") -> None:
    """Hold one SSE frame to the spec: a known event name, and ``data`` exactly of that event's schema."""
    schemas = contract().stream_event_schemas
    if name not in schemas:
        raise AssertionError(f"event {name!r} is not an AssistantStreamEvent (known: {sorted(schemas)})")
    schema_name = schemas[name]
    if schema_name is None:
        if data != "[DONE]":
            raise AssertionError(f"event {name!r}: data must be '[DONE]', not {data!r}")
        return
    assert_valid(schema_name, data, label=f"event {name}", shapes=shapes)

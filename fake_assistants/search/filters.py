"""Attribute filters of a vector store search: the spec's comparison and compound filters, on plain JSON.

A comparison (``eq``, ``ne``, ``gt``, ``gte``, ``lt``, ``lte``, ``in``, ``nin``) compares the attribute named by
``key`` with ``value``. Values compare only with values of the same kind: strings with strings (in code-point
order), numbers with numbers, booleans with booleans (equality only). A comparison of different kinds is false, so
``ne`` and ``nin`` are true for it. A file without the attribute matches only ``ne`` and ``nin``. A compound filter
(``and``, ``or``) combines its ``filters``; an empty ``and`` is true and an empty ``or`` is false.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    return "str" if isinstance(value, str) else "other"


def _equal(actual: Any, expected: Any) -> bool:
    return _kind(actual) == _kind(expected) and actual == expected


def _ordered(actual: Any, expected: Any, operator: str) -> bool:
    kind = _kind(actual)
    if kind != _kind(expected) or kind not in ("number", "str"):
        return False
    if operator == "gt":
        return bool(actual > expected)
    if operator == "gte":
        return bool(actual >= expected)
    if operator == "lt":
        return bool(actual < expected)
    return bool(actual <= expected)


def matches(condition: Mapping[str, Any], attributes: Mapping[str, Any]) -> bool:
    operator = condition["type"]
    if operator in ("and", "or"):
        results = (matches(inner, attributes) for inner in condition["filters"])
        return all(results) if operator == "and" else any(results)
    key, expected = condition["key"], condition["value"]
    if key not in attributes:
        return operator in ("ne", "nin")
    actual = attributes[key]
    if operator in ("in", "nin"):
        found = any(_equal(actual, item) for item in expected)
        return found if operator == "in" else not found
    if operator in ("eq", "ne"):
        return _equal(actual, expected) is (operator == "eq")
    return _ordered(actual, expected, operator)

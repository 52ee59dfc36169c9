"""Tools the strategy tests draw for: functions with schemas of every shape the generator reads, strict or not."""

from __future__ import annotations

from typing import Any

WEATHER: dict[str, Any] = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "strict": True,
        "parameters": {
            "type": "object",
            "properties": {
                "city": {"type": "string", "minLength": 1},
                "unit": {"type": ["string", "null"], "enum": ["celsius", "fahrenheit", None]},
            },
            "required": ["city", "unit"],
            "additionalProperties": False,
        },
    },
}
SEARCH: dict[str, Any] = {
    "type": "function",
    "function": {
        "name": "search_orders",
        "parameters": {
            "type": "object",
            "properties": {
                "query": {"type": "string", "maxLength": 40},
                "limit": {"type": "integer", "minimum": 1, "maximum": 50},
                "price": {"type": "number", "exclusiveMinimum": 0, "maximum": 1e6},
                "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 4, "uniqueItems": True},
                "sku": {"type": "string", "pattern": "^[A-Z]{3}-[0-9]{4}$"},
                "since": {"type": "string", "format": "date"},
                "filter": {"$ref": "#/$defs/filter"},
            },
            "required": ["query"],
            "$defs": {
                "filter": {
                    "anyOf": [
                        {"type": "object", "properties": {"status": {"const": "open"}}, "required": ["status"]},
                        {"type": "null"},
                    ]
                }
            },
        },
    },
}
NO_PARAMETERS: dict[str, Any] = {"type": "function", "function": {"name": "now"}}
ADDRESS: dict[str, Any] = {
    "type": "function",
    "function": {
        "name": "ship_to",
        "strict": True,
        "parameters": {
            "type": "object",
            "properties": {
                "address": {
                    "type": "object",
                    "properties": {"street": {"type": "string"}, "zip": {"type": "string"}},
                    "required": ["street", "zip"],
                    "additionalProperties": False,
                },
                "items": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {"sku": {"type": "string"}, "count": {"type": "integer"}},
                        "required": ["sku", "count"],
                        "additionalProperties": False,
                    },
                },
                "gift": {"type": "boolean"},
            },
            "required": ["address", "items", "gift"],
            "additionalProperties": False,
        },
    },
}
FUNCTIONS = (WEATHER, SEARCH, NO_PARAMETERS, ADDRESS)
EVERY_TOOL: list[dict[str, Any]] = [*FUNCTIONS, {"type": "code_interpreter"}, {"type": "file_search"}]

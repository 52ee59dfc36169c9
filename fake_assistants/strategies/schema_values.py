"""JSON values that satisfy a JSON Schema, as a hypothesis strategy: the generator behind function arguments and
request payloads.

It covers the part of JSON Schema that function tools and the shipped contract use: ``type`` (one or a list),
``enum``, ``const``, ``anyOf`` / ``oneOf`` / ``allOf``, local ``$ref``, ``nullable``; strings (``minLength``,
``maxLength``, ``pattern``, ``format``), numbers and integers (``minimum``, ``maximum``, the exclusive bounds,
``multipleOf``; an integer with no bound stays within ±(2**53 - 1), where every JSON reader agrees), arrays
(``items``, ``prefixItems``, ``minItems``, ``maxItems``, ``uniqueItems``) and objects (``properties``,
``required``, ``additionalProperties``, ``propertyNames``, ``minProperties``, ``maxProperties``). Every value
drawn is checked against the schema with ``jsonschema``, so a keyword it does not generate for still holds (by
filtering).

``strict=True`` is OpenAI's strict mode: every declared property is present and none other is, at any depth.
Values shrink towards the simplest: the first ``enum`` member or ``anyOf`` branch, empty strings and arrays, the
optional properties left out.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

from hypothesis import strategies as st
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]

JsonSchema = Mapping[str, Any] | bool

MAX_EXTRA_ITEMS = 3  # items drawn beyond an array's minItems: enough for "several", cheap enough for many examples
MAX_TEXT = 24  # characters drawn beyond a string's minLength, unless its maxLength is smaller
SAFE_INTEGER = 2**53 - 1  # an unbounded integer stays where every JSON reader agrees on it (RFC 8259 section 6)
MAX_DEPTH = 6  # below this, optional properties and optional items are left out (recursive schemas end)

_FORMATS: dict[str, st.SearchStrategy[str]] = {
    "date-time": st.datetimes().map(lambda d: d.isoformat() + "Z"),
    "date": st.dates().map(lambda d: d.isoformat()),
    "uuid": st.uuids().map(str),
    "email": st.from_regex(r"\A[a-z]{1,8}@[a-z]{1,8}\.com\Z"),
    "uri": st.from_regex(r"\Ahttps://[a-z]{1,12}\.example/[a-z0-9]{0,12}\Z"),
}


class SchemaError(ValueError):
    """A schema this generator cannot read (the message names the keyword and where)."""


def json_values(
    schema: JsonSchema, *, root: Mapping[str, Any] | None = None, strict: bool = False
) -> st.SearchStrategy[Any]:
    """A strategy of JSON values valid against ``schema`` (``root``: the document its ``$ref`` point into; by
    default ``schema`` itself)."""
    document = root if root is not None else schema
    validator = Draft202012Validator(schema if root is None else {**root, **_as_dict(schema)})
    values = _Generator(document if isinstance(document, Mapping) else {}, strict).strategy(schema, "#", 0)
    return values.filter(validator.is_valid)


def _as_dict(schema: JsonSchema) -> dict[str, Any]:
    if isinstance(schema, bool):
        return {} if schema else {"not": {}}
    return dict(schema)


def any_json(max_leaves: int = 4) -> st.SearchStrategy[Any]:
    """Any small JSON value (for a schema that says nothing)."""
    scalars = st.none() | st.booleans() | st.integers(-1000, 1000) | st.text(max_size=8)
    return st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=2) | st.dictionaries(st.text(max_size=4), inner, max_size=2),
        max_leaves=max_leaves,
    )


class _Generator:
    def __init__(self, root: Mapping[str, Any], strict: bool) -> None:
        self.root = root
        self.strict = strict

    def resolve(self, ref: str, where: str) -> JsonSchema:
        if not ref.startswith("#"):
            raise SchemaError(f"{where}: only local $ref are supported, not {ref!r}")
        node: Any = self.root
        for token in ref[1:].lstrip("/").split("/") if ref != "#" else ():
            key = token.replace("~1", "/").replace("~0", "~")
            if not isinstance(node, Mapping) or key not in node:
                raise SchemaError(f"{where}: $ref {ref!r} points nowhere")
            node = node[key]
        return node  # type: ignore[no-any-return]

    def strategy(self, schema: JsonSchema, where: str, depth: int) -> st.SearchStrategy[Any]:
        if schema is True:
            return any_json()
        if schema is False:
            return st.nothing()
        if not isinstance(schema, Mapping):
            raise SchemaError(f"{where}: a schema is an object or a bool, not {type(schema).__name__}")
        if "$ref" in schema:
            target = self.resolve(schema["$ref"], where)
            rest = {key: value for key, value in schema.items() if key != "$ref"}
            merged = _merge(_as_dict(target), rest) if rest else target
            return self.strategy(merged, schema["$ref"], depth)
        if "allOf" in schema:
            merged = {key: value for key, value in schema.items() if key != "allOf"}
            for part in schema["allOf"]:
                part = self.resolve(part["$ref"], where) if isinstance(part, Mapping) and "$ref" in part else part
                merged = _merge(merged, _as_dict(part))
            return self.strategy(merged, f"{where}/allOf", depth)
        for keyword in ("anyOf", "oneOf"):
            if keyword in schema:
                rest = {key: value for key, value in schema.items() if key != keyword}
                branches = [
                    self.strategy(_merge(rest, _as_dict(self._deref(branch, where))), f"{where}/{keyword}/{i}", depth)
                    for i, branch in enumerate(schema[keyword])
                ]
                return st.one_of(branches)
        if schema.get("nullable") is True:
            rest = {key: value for key, value in schema.items() if key != "nullable"}
            return st.none() | self.strategy(rest, where, depth)
        if "const" in schema:
            return st.just(schema["const"])
        if "enum" in schema:
            return st.sampled_from(list(schema["enum"]))
        declared = schema.get("type")
        if isinstance(declared, list):
            return st.one_of([self.typed(name, schema, where, depth) for name in declared])
        if declared is None:
            declared = _implied_type(schema)
        if declared is None:
            return any_json()
        return self.typed(declared, schema, where, depth)

    def _deref(self, schema: JsonSchema, where: str) -> JsonSchema:
        if isinstance(schema, Mapping) and "$ref" in schema:
            target = self.resolve(schema["$ref"], where)
            rest = {key: value for key, value in schema.items() if key != "$ref"}
            return self._deref(_merge(_as_dict(target), rest), where) if rest else self._deref(target, where)
        return schema

    def typed(self, name: str, schema: Mapping[str, Any], where: str, depth: int) -> st.SearchStrategy[Any]:
        if name == "null":
            return st.none()
        if name == "boolean":
            return st.booleans()
        if name == "string":
            return _strings(schema, where)
        if name == "integer":
            return _integers(schema)
        if name == "number":
            return _integers(schema) | _floats(schema)
        if name == "array":
            return self.arrays(schema, where, depth)
        if name == "object":
            return self.objects(schema, where, depth)
        raise SchemaError(f"{where}: unknown type {name!r}")

    def arrays(self, schema: Mapping[str, Any], where: str, depth: int) -> st.SearchStrategy[Any]:
        least = int(schema.get("minItems", 0))
        most = schema.get("maxItems")
        extra = 0 if depth >= MAX_DEPTH else MAX_EXTRA_ITEMS
        most = least + extra if most is None else min(int(most), least + extra)
        prefix = [
            self.strategy(item, f"{where}/prefixItems/{index}", depth + 1)
            for index, item in enumerate(schema.get("prefixItems", ()))
        ]
        items = schema.get("items", True)
        if prefix:
            head = st.tuples(*prefix).map(list)
            if items is False or len(prefix) >= most:
                return head
            tail = st.lists(self.strategy(items, f"{where}/items", depth + 1), max_size=most - len(prefix))
            return st.tuples(head, tail).map(lambda pair: pair[0] + pair[1])
        element = self.strategy(items, f"{where}/items", depth + 1)
        if element.is_empty:  # no item can be drawn (e.g. an id, when none was given): only an empty array
            return st.just([]) if least == 0 else st.nothing()
        if schema.get("uniqueItems"):
            return st.lists(element, min_size=least, max_size=most, unique_by=_canonical)
        return st.lists(element, min_size=least, max_size=most)

    def objects(self, schema: Mapping[str, Any], where: str, depth: int) -> st.SearchStrategy[Any]:
        properties: Mapping[str, Any] = schema.get("properties", {})
        required = set(schema.get("required", ()))
        if self.strict:
            required |= set(properties)
        fixed = {
            key: self.strategy(value, f"{where}/properties/{key}", depth + 1)
            for key, value in properties.items()
            if key in required
        }
        optional = {}
        if depth < MAX_DEPTH:
            optional = {
                key: self.strategy(value, f"{where}/properties/{key}", depth + 1)
                for key, value in properties.items()
                if key not in required
            }
        for key in required - set(properties):  # required, but described nowhere: any value
            fixed[key] = any_json()
        declared = st.fixed_dictionaries(fixed, optional=optional)
        extra = schema.get("additionalProperties", not properties)
        if self.strict or extra is False or (properties and extra is True) or depth >= MAX_DEPTH:
            return declared
        values = self.strategy(extra, f"{where}/additionalProperties", depth + 1)
        keys: st.SearchStrategy[str] = st.text(max_size=12)
        if isinstance(schema.get("propertyNames"), Mapping):
            keys = _strings({"type": "string", **schema["propertyNames"]}, f"{where}/propertyNames")
        keys = keys.filter(lambda key: key not in properties)
        most = int(schema.get("maxProperties", MAX_EXTRA_ITEMS))
        least = int(schema.get("minProperties", 0))
        room = max(0, min(most - len(fixed), MAX_EXTRA_ITEMS + least))
        more = st.dictionaries(keys, values, min_size=max(0, least - len(fixed)), max_size=room)
        return st.tuples(declared, more).map(lambda pair: {**pair[1], **pair[0]})


def _implied_type(schema: Mapping[str, Any]) -> str | None:
    if any(key in schema for key in ("properties", "required", "additionalProperties", "propertyNames")):
        return "object"
    if any(key in schema for key in ("items", "prefixItems", "minItems", "maxItems")):
        return "array"
    if any(key in schema for key in ("minLength", "maxLength", "pattern", "format")):
        return "string"
    if any(key in schema for key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf")):
        return "number"
    return None


def _merge(base: Mapping[str, Any], more: Mapping[str, Any]) -> dict[str, Any]:
    """Two schemas' keywords as one (``required`` and ``properties`` joined; otherwise ``more`` wins)."""
    merged = dict(base)
    for key, value in more.items():
        if key == "required":
            merged[key] = [*merged.get(key, ()), *(item for item in value if item not in merged.get(key, ()))]
        elif key == "properties" and isinstance(merged.get(key), Mapping):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    return merged


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


def _strings(schema: Mapping[str, Any], where: str) -> st.SearchStrategy[str]:
    least = int(schema.get("minLength", 0))
    most = schema.get("maxLength")
    most = least + MAX_TEXT if most is None else min(int(most), least + MAX_TEXT)
    if least > most:
        return st.nothing()
    pattern = schema.get("pattern")
    if pattern is not None:
        return st.from_regex(pattern, fullmatch=True).filter(lambda text: least <= len(text) <= most)
    known = _FORMATS.get(schema.get("format", ""))
    if known is not None:
        return known.filter(lambda text: least <= len(text) <= most)
    return st.text(min_size=least, max_size=most)


def _bounds(schema: Mapping[str, Any]) -> tuple[float | None, float | None, bool, bool]:
    low, high = schema.get("minimum"), schema.get("maximum")
    low_open = high_open = False
    if isinstance(schema.get("exclusiveMinimum"), int | float) and not isinstance(schema["exclusiveMinimum"], bool):
        low, low_open = schema["exclusiveMinimum"], True
    if isinstance(schema.get("exclusiveMaximum"), int | float) and not isinstance(schema["exclusiveMaximum"], bool):
        high, high_open = schema["exclusiveMaximum"], True
    return low, high, low_open, high_open


def _integers(schema: Mapping[str, Any]) -> st.SearchStrategy[int]:
    low, high, low_open, high_open = _bounds(schema)
    least = -SAFE_INTEGER if low is None else (math.floor(low) + 1 if low_open else math.ceil(low))
    most = SAFE_INTEGER if high is None else (math.ceil(high) - 1 if high_open else math.floor(high))
    step = schema.get("multipleOf")
    if isinstance(step, int) and step > 0:
        return st.integers(-(-least // step), most // step).map(lambda n: n * step)
    if least > most:
        return st.nothing()
    return st.integers(least, most)


def _floats(schema: Mapping[str, Any]) -> st.SearchStrategy[float]:
    low, high, low_open, high_open = _bounds(schema)
    return st.floats(
        min_value=low,
        max_value=high,
        exclude_min=low_open and low is not None,
        exclude_max=high_open and high is not None,
        allow_nan=False,
        allow_infinity=False,
    )

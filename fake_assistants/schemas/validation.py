"""Request validation: pydantic errors become the real API's 400s, in one place.

Request models are pydantic models with ``extra="forbid"``. Their errors are translated here into the messages,
``param`` paths and ``code`` values the real API used. Validators that need a message pydantic cannot express raise
:func:`openai_error`, whose context carries the exact wire text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails, PydanticCustomError

from ..contract import json_type
from ..errors import ApiError, length_text, missing_parameter, type_text, unknown_parameter

ModelT = TypeVar("ModelT", bound=BaseModel)

_TYPE_NAMES = {
    "string_type": "a string",
    "int_type": "an integer",
    "int_parsing": "an integer",
    "int_from_float": "an integer",
    "float_type": "a decimal",
    "float_parsing": "a decimal",
    "bool_type": "a boolean",
    "bool_parsing": "a boolean",
    "dict_type": "an object",
    "model_type": "an object",
    "model_attributes_type": "an object",
    "list_type": "an array",
}


_DESCRIBED = {
    "null": "null",
    "boolean": "a boolean",
    "integer": "an integer",
    "number": "a decimal",
    "string": "a string",
    "array": "an array",
    "object": "an object",
}


def describe_json_type(value: Any) -> str:
    """A JSON value's type as the real API's messages name it ("a boolean", "an array", ...)."""
    return _DESCRIBED[json_type(value)]


def render_param(loc: Sequence[int | str]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


def join_param(head: str, tail: str) -> str:
    if not head or not tail:
        return head or tail
    return head + tail if tail.startswith("[") else f"{head}.{tail}"


def openai_error(message: str, *, code: str | None, param: str = "") -> PydanticCustomError:
    """An error raised inside a validator; ``param`` is a suffix to the validated field's path ("", "[0].x")."""
    return PydanticCustomError("openai_error", "{message}", {"message": message, "code": code, "param": param})


def _quote_list(values: Sequence[Any]) -> str:
    quoted = [f"'{v}'" for v in values]
    if len(quoted) <= 1:
        return "".join(quoted)
    return ", ".join(quoted[:-1]) + " and " + quoted[-1]


def translate(error: ErrorDetails, prefix: str = "") -> ApiError:
    param = join_param(prefix, render_param(error["loc"]))
    kind = error["type"]
    ctx: dict[str, Any] = dict(error.get("ctx") or {})
    value = error.get("input")
    if kind == "openai_error":
        full = join_param(param, ctx["param"])
        return ApiError(400, ctx["message"].replace("{param}", full), param=full, code=ctx["code"])
    if kind == "missing":
        return missing_parameter(param)
    if kind == "extra_forbidden":
        return unknown_parameter(param)
    if kind == "string_too_short" and value == "":
        return ApiError(
            400,
            f"Invalid '{param}': empty string. Expected a string with minimum length {ctx['min_length']}, "
            "but got an empty string instead.",
            param=param,
            code="empty_string",
        )
    if kind == "string_too_long":
        n = ctx["max_length"]
        return ApiError(
            400, length_text(param, "string", most=n, length=len(value)), param=param, code="string_above_max_length"
        )
    if kind == "too_long":
        n = ctx["max_length"]
        return ApiError(
            400, length_text(param, "array", most=n, length=len(value)), param=param, code="array_above_max_length"
        )
    if kind == "too_short":
        n = ctx["min_length"]
        return ApiError(
            400, length_text(param, "array", least=n, length=len(value)), param=param, code="array_below_min_length"
        )
    if kind in ("greater_than_equal", "less_than_equal"):
        bound = ctx["ge"] if kind == "greater_than_equal" else ctx["le"]
        noun = "decimal" if isinstance(bound, float) else "integer"
        if kind == "greater_than_equal":
            word, sign, code = "below minimum", ">=", f"{noun}_below_min_value"
        else:
            word, sign, code = "above maximum", "<=", f"{noun}_above_max_value"
        return ApiError(
            400,
            f"Invalid '{param}': {noun} {word} value. Expected a value {sign} {bound:g}, but got {value} instead.",
            param=param,
            code=code,
        )
    if kind == "string_pattern_mismatch":
        return ApiError(
            400,
            f"Invalid '{param}': string does not match pattern. Expected a string that matches the pattern "
            f"'{ctx['pattern']}'.",
            param=param,
            code="invalid_value",
        )
    if kind == "literal_error":
        expected = [s.strip().strip("'") for s in str(ctx.get("expected", "")).replace(" or ", ", ").split(",")]
        return ApiError(
            400,
            f"Invalid value: '{value}'. Supported values are: {_quote_list(expected)}.",
            param=param,
            code="invalid_value",
        )
    if kind in _TYPE_NAMES:
        got = describe_json_type(value)
        return ApiError(400, type_text(param, _TYPE_NAMES[kind], got), param=param, code="invalid_type")
    return ApiError(400, f"Invalid '{param}': {error['msg']}.", param=param, code="invalid_value")


MAX_JSON_BYTES = 32 * 1024 * 1024  # the largest JSON body accepted (uploads are multipart, bounded on their own)
MAX_JSON_DEPTH = 100  # arrays and objects nested deeper than this are refused before they are parsed
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(rb"[\[\]{}]")


def check_json_limits(body: bytes) -> None:
    """Refuse a JSON body too large (413) or nested too deep (400) before anything parses it: the parser, and
    every validator after it, recurse once per level."""
    if len(body) > MAX_JSON_BYTES:
        raise ApiError(
            413,
            f"Request body too large: {len(body)} bytes. The largest JSON body accepted is {MAX_JSON_BYTES} bytes.",
            code="request_too_large",
        )
    if body.count(b"[") + body.count(b"{") <= MAX_JSON_DEPTH:
        return
    depth = 0
    for bracket in _BRACKET.findall(_STRING.sub(b"", body)):
        depth += 1 if bracket in b"[{" else -1
        if depth > MAX_JSON_DEPTH:
            raise ApiError(
                400,
                f"We could not parse the JSON body of your request: it nests arrays and objects more than "
                f"{MAX_JSON_DEPTH} levels deep.",
                code="json_too_deep",
            )


def parse_body(model: type[ModelT], body: bytes) -> ModelT:
    """Parse a JSON request body into ``model``, raising the real API's 400 on the first problem."""
    if not body.strip():
        body = b"{}"
    check_json_limits(body)
    try:
        raw = json.loads(body)
    except ValueError as exc:
        raise ApiError(
            400,
            "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your "
            "HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)",
        ) from exc
    if not isinstance(raw, dict):
        got = describe_json_type(raw)
        raise ApiError(400, f"Invalid type for body: expected an object, but got {got} instead.", code="invalid_type")
    return validate(model, raw)


def validate(model: type[ModelT], raw: Mapping[str, Any], *, prefix: str = "", strict: bool = True) -> ModelT:
    try:
        return model.model_validate(raw, strict=strict)
    except ValidationError as exc:
        errors = sorted(exc.errors(), key=_error_rank)
        raise translate(errors[0], prefix) from None


def _error_rank(error: ErrorDetails) -> int:
    # The real API reports a missing required field before anything else, then unknown fields.
    return {"missing": 0, "extra_forbidden": 1}.get(error["type"], 2)


def validate_tagged(value: Any, choices: Mapping[str, type[BaseModel]]) -> BaseModel:
    """Validate one member of a ``type``-tagged union, keeping the wire ``param`` paths flat."""
    if not isinstance(value, Mapping):
        raise openai_error(
            type_text("{param}", "an object", describe_json_type(value)),
            code="invalid_type",
        )
    tag = value.get("type")
    if tag is None:
        raise openai_error("Missing required parameter: '{param}'.", code="missing_required_parameter", param="type")
    if not isinstance(tag, str):  # by type first: an array or an object is no tag (nor a dict key)
        raise openai_error(
            type_text("{param}", "a string", describe_json_type(tag)),
            code="invalid_type",
            param="type",
        )
    if tag not in choices:
        raise openai_error(
            f"Invalid value: '{tag}'. Supported values are: {_quote_list(list(choices))}.",
            code="invalid_value",
            param="type",
        )
    try:
        return choices[tag].model_validate(value, strict=True)
    except ValidationError as exc:
        inner = translate(sorted(exc.errors(), key=_error_rank)[0])
        message = inner.message
        if inner.param:
            message = message.replace(f"'{inner.param}'", "'{param}'")
        raise openai_error(message, code=inner.code, param=inner.param or "") from None


def validate_tagged_list(values: Any, choices: Mapping[str, type[BaseModel]]) -> list[BaseModel]:
    if not isinstance(values, list):
        raise openai_error(
            type_text("{param}", "an array", describe_json_type(values)),
            code="invalid_type",
        )
    out: list[BaseModel] = []
    for index, value in enumerate(values):
        try:
            out.append(validate_tagged(value, choices))
        except PydanticCustomError as exc:
            ctx = dict(exc.context or {})
            raise openai_error(ctx["message"], code=ctx["code"], param=join_param(f"[{index}]", ctx["param"])) from None
    return out

"""Request validation: pydantic errors become the real API's 400s, in one place.

Request models are pydantic models with ``extra="forbid"``. Their errors are translated here into the messages,
``param`` paths and ``code`` values the real API used. Validators that need a message pydantic cannot express raise
:func:`openai_error`, whose context carries the exact wire text.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails, PydanticCustomError

from .. import jsoncodec
from ..contract import json_type
from ..errors import (
    ApiError,
    body_not_an_object,
    empty_string,
    invalid_json,
    invalid_unicode,
    invalid_value,
    json_too_deep,
    json_too_large,
    missing_parameter,
    out_of_bounds,
    pattern_mismatch,
    unknown_parameter,
    unsupported_value,
    wrong_length,
    wrong_type,
)

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


P = "{param}"  # where an error raised inside a validator names the validated field's path (filled in by translate)


def openai_error(error: ApiError, suffix: str = "") -> PydanticCustomError:
    """``error`` (an ``errors`` factory's, given :data:`P` for its param) raised inside a validator; ``suffix``
    extends the validated field's path ("", "files", "[0].x")."""
    return _carried(error.message, error.code, suffix)


def _carried(message: str, code: str | None, suffix: str) -> PydanticCustomError:
    return PydanticCustomError("openai_error", "{message}", {"message": message, "code": code, "param": suffix})


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
        return empty_string(param, ctx["min_length"])
    if kind == "string_too_long":
        return wrong_length(param, "string", most=ctx["max_length"], length=len(value))
    if kind == "too_long":
        return wrong_length(param, "array", most=ctx["max_length"], length=len(value))
    if kind == "too_short":
        return wrong_length(param, "array", least=ctx["min_length"], length=len(value))
    if kind == "greater_than_equal":
        return out_of_bounds(param, value, least=ctx["ge"])
    if kind == "less_than_equal":
        return out_of_bounds(param, value, most=ctx["le"])
    if kind == "string_pattern_mismatch":
        return pattern_mismatch(param, ctx["pattern"])
    if kind == "literal_error":
        expected = [s.strip().strip("'") for s in str(ctx.get("expected", "")).replace(" or ", ", ").split(",")]
        return unsupported_value(param, value, _quote_list(expected))
    if kind in _TYPE_NAMES:
        return wrong_type(param, _TYPE_NAMES[kind], describe_json_type(value))
    return invalid_value(param, error["msg"])


MAX_JSON_BYTES = 32 * 1024 * 1024  # the largest JSON body accepted (uploads are multipart, bounded on their own)
MAX_JSON_DEPTH = 100  # arrays and objects nested deeper than this are refused
MAX_INTEGER = 2**63 - 1  # the real API's integers are 64-bit: larger ones are a 400, never stored
MIN_INTEGER = -(2**63)


def check_json_limits(body: bytes) -> None:
    """Refuse a JSON body too large (413) before anything parses it, and one nested too deep (400), holding an
    integer out of the 64-bit range or a string that is not valid Unicode (400): linear time, in one parse (the
    parser's own recursion limit stops a body nested thousands deep at once) and one walk. A body that is not JSON
    passes: whoever reads it answers :func:`invalid_json`."""
    try:
        load_json(body)
    except ApiError as error:
        if error.message != invalid_json().message:
            raise


def check_json_size(body: bytes) -> None:
    if len(body) > MAX_JSON_BYTES:
        raise json_too_large(len(body), MAX_JSON_BYTES)


def json_value(body: bytes | str) -> Any:
    """``json.loads``, strict as JSON is: ``NaN``, ``Infinity`` and ``-Infinity`` are not JSON (a ``ValueError``).
    Bytes are read by orjson where it gives the same value (``jsoncodec.read_as_json_does``)."""
    if isinstance(body, bytes):
        value = jsoncodec.read_as_json_does(body)
        if value is not jsoncodec.UNREAD:
            return value
    return json.loads(body, parse_constant=_not_json)


def _not_json(constant: str) -> Any:
    raise ValueError(f"{constant} is not JSON")


def load_json(body: bytes) -> Any:
    """The JSON value of ``body``, checked by :func:`check_json_limits`'s rules; :func:`invalid_json` when it is not
    JSON."""
    check_json_size(body)
    try:
        raw = json_value(body)
    except RecursionError:
        raise json_too_deep(MAX_JSON_DEPTH) from None
    except ValueError as exc:
        raise invalid_json() from exc
    check_servable(raw)
    return raw


def check_servable(value: Any, *, depth: int = MAX_JSON_DEPTH) -> None:
    """Refuse (400) what could be stored but never answered: nesting past ``depth``, an integer outside the 64-bit
    range, a string (or key) with a lone surrogate. One iterative walk, so any depth is safe; the walk that names
    where the problem is (:func:`_check_servable_at`) runs only when there is one, or a value of another type."""
    if not _plainly_servable(value, depth):
        _check_servable_at(value, depth)


def _plainly_servable(value: Any, depth: int) -> bool:
    """Whether ``value`` holds only JSON's own types, each servable, within ``depth``: the scalars of a container
    are checked where they stand, only containers wait their turn."""
    pending: list[tuple[Any, int]] = [(value, 0)]
    while pending:
        item, level = pending.pop()
        kind = type(item)
        if kind is dict:
            inner = item.values()
            if not all(type(key) is str and (key.isascii() or _utf8(key)) for key in item):
                return False
        elif kind is list:
            inner = item
        else:
            inner = (item,)
        if kind is dict or kind is list:
            if level >= depth:
                return False
            level += 1
        for child in inner:
            child_kind = type(child)
            if child_kind is str:
                if not (child.isascii() or _utf8(child)):
                    return False
            elif child_kind is int:
                if not MIN_INTEGER <= child <= MAX_INTEGER:
                    return False
            elif child_kind is dict or child_kind is list:
                pending.append((child, level))
            elif child is not None and child_kind is not bool and child_kind is not float:
                return False
    return True


def _utf8(text: str) -> bool:
    """Whether ``text`` encodes as UTF-8 (holds no lone surrogate)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _check_servable_at(value: Any, depth: int) -> None:
    """:func:`check_servable`, naming the path of what it refuses."""
    pending: list[tuple[Any, tuple[int | str, ...]]] = [(value, ())]
    while pending:
        item, path = pending.pop()
        if isinstance(item, dict):
            if len(path) >= depth:
                raise json_too_deep(depth)
            for key, inner in item.items():
                _check_text(key, path)
                pending.append((inner, (*path, key)))
        elif isinstance(item, list):
            if len(path) >= depth:
                raise json_too_deep(depth)
            pending.extend((inner, (*path, index)) for index, inner in enumerate(item))
        elif isinstance(item, str):
            _check_text(item, path)
        elif isinstance(item, int) and not isinstance(item, bool):
            if item > MAX_INTEGER:
                raise out_of_bounds(render_param(path), item, most=MAX_INTEGER)
            if item < MIN_INTEGER:
                raise out_of_bounds(render_param(path), item, least=MIN_INTEGER)


def _check_text(text: str, path: tuple[int | str, ...]) -> None:
    if not (text.isascii() or _utf8(text)):
        raise invalid_unicode(render_param(path))


def parse_body(model: type[ModelT], body: bytes) -> ModelT:
    """Parse a JSON request body into ``model``, raising the real API's 400 on the first problem."""
    if not body.strip():
        body = b"{}"
    raw = load_json(body)
    if not isinstance(raw, dict):
        raise body_not_an_object(describe_json_type(raw))
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
        raise openai_error(wrong_type(P, "an object", describe_json_type(value)))
    tag = value.get("type")
    if tag is None:
        raise openai_error(missing_parameter(P), "type")
    if not isinstance(tag, str):  # by type first: an array or an object is no tag (nor a dict key)
        raise openai_error(wrong_type(P, "a string", describe_json_type(tag)), "type")
    if tag not in choices:
        raise openai_error(unsupported_value(P, tag, _quote_list(list(choices))), "type")
    try:
        return choices[tag].model_validate(value, strict=True)
    except ValidationError as exc:
        inner = translate(sorted(exc.errors(), key=_error_rank)[0])
        message = inner.message
        if inner.param:
            message = message.replace(f"'{inner.param}'", "'{param}'")
        raise _carried(message, inner.code, inner.param or "") from None


def validate_tagged_list(values: Any, choices: Mapping[str, type[BaseModel]]) -> list[BaseModel]:
    if not isinstance(values, list):
        raise openai_error(wrong_type(P, "an array", describe_json_type(values)))
    out: list[BaseModel] = []
    for index, value in enumerate(values):
        try:
            out.append(validate_tagged(value, choices))
        except PydanticCustomError as exc:
            ctx = dict(exc.context or {})
            raise _carried(ctx["message"], ctx["code"], join_param(f"[{index}]", ctx["param"])) from None
    return out

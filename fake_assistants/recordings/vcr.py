"""YAML cassettes: vcrpy / pytest-recording (current and old layouts) and Ruby VCR.

* vcrpy 1.0 and later: ``{interactions: [{request: {method, uri, body, headers: {name: [values]}}, response:
  {status: {code, message}, headers: {name: [values]}, body: {string: ...}}}], version: 1}``. A gzip body is stored
  as ``!!binary`` (base64) with ``Content-Encoding: gzip``; an SSE body is one string.
* vcrpy before 1.0: a bare list of interactions; the request has ``protocol``, ``host``, ``port`` and ``path``
  instead of ``uri`` (often tagged ``!!python/object:vcr.request.Request``), its headers map names to single values,
  and the response's headers are raw ``"Name: value"`` lines.
* Ruby VCR 2 and later: ``{http_interactions: [{request: {method, uri, body: {string}, headers}, response: {status,
  headers, body: {string | base64_string}}}]}``.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from pathlib import PurePath
from typing import Any

from ..yamltext import MAX_FLOW_DEPTH, flow_too_deep
from .decode import BodyError, exchange_from_http, header
from .model import Recording, RecordingError, check_document

OLD_REQUEST_TAG = "!!python/object:vcr.request.Request"
MAX_ALIASES = 200  # a cassette repeats little; alias chains are how YAML bombs grow


def read_vcr(source: str, text: str) -> Recording:
    document = _load_yaml(source, text.replace(f" {OLD_REQUEST_TAG}", ""))
    if isinstance(document, list):
        layout, interactions = "vcrpy (before 1.0)", document
    elif isinstance(document, Mapping) and isinstance(document.get("interactions"), list):
        layout, interactions = "vcrpy", document["interactions"]
    elif isinstance(document, Mapping) and isinstance(document.get("http_interactions"), list):
        layout, interactions = "Ruby VCR", document["http_interactions"]
    else:
        raise RecordingError(source, "not a cassette: expected 'interactions' (vcrpy) or 'http_interactions' (VCR)")
    exchanges = []
    for number, interaction in enumerate(interactions, start=1):
        try:
            exchanges.append(_exchange(interaction))
        except BodyError as exc:
            raise RecordingError(source, str(exc), interaction=number) from None
        except (KeyError, TypeError, AttributeError, ValueError, binascii.Error) as exc:
            raise RecordingError(source, _shape_problem(interaction, exc), interaction=number) from None
    origin: dict[str, Any] = {"format": layout}
    if isinstance(document, Mapping) and document.get("recorded_with"):
        origin["recorded_with"] = str(document["recorded_with"])
    recorded = _recorded(interactions)
    if recorded:
        origin["recorded"] = recorded
    return Recording(PurePath(source).stem, origin, tuple(exchanges), source)


def _load_yaml(source: str, text: str) -> Any:
    import yaml  # type: ignore[import-untyped]

    class Loader(yaml.SafeLoader):  # type: ignore[misc]
        aliases = 0

        def compose_node(self, parent: Any, index: Any) -> Any:
            if self.check_event(yaml.AliasEvent):
                Loader.aliases += 1
                if Loader.aliases > MAX_ALIASES:
                    raise yaml.YAMLError(f"more than {MAX_ALIASES} aliases: this is not a cassette")
            return super().compose_node(parent, index)

    if flow_too_deep(text):  # before PyYAML, whose scanner is quadratic in flow nesting
        raise RecordingError(source, f"not valid YAML (nested more than {MAX_FLOW_DEPTH} deep)")
    try:
        document = yaml.load(text, Loader=Loader)
    except yaml.YAMLError as exc:
        raise RecordingError(source, f"not valid YAML ({_one_line(exc)})") from None
    check_document(source, document)  # the aliases' expansion is bounded too, not only their number
    return document


def _exchange(interaction: Any) -> Any:
    request, response = interaction["request"], interaction["response"]
    if response is None:
        raise KeyError("response")
    status = response["status"]
    code = status["code"] if isinstance(status, Mapping) else status
    return exchange_from_http(
        method=str(request["method"]),
        url=_uri(request),
        request_headers=_headers(request.get("headers")),
        request_body=_body(request.get("body")),
        status=int(code),
        response_headers=_headers(response.get("headers")),
        response_body=_body(response.get("body")),
    )


def _uri(request: Mapping[str, Any]) -> str:
    if "uri" in request:
        return str(request["uri"])
    protocol, host, port, path = request["protocol"], request["host"], request["port"], request["path"]
    default = {"https": 443, "http": 80}.get(protocol)
    return f"{protocol}://{host}{'' if port == default else f':{port}'}{path}"


def _headers(raw: Any) -> dict[str, str]:
    if raw is None:
        return {}
    if isinstance(raw, list):  # old vcrpy responses: raw "Name: value\r\n" lines
        pairs = (str(line).split(":", 1) for line in raw if ":" in str(line))
        return {name.strip(): value.strip() for name, value in pairs}
    out: dict[str, str] = {}
    for name, value in raw.items():
        out[str(name)] = ", ".join(str(v) for v in value) if isinstance(value, list) else str(value)
    return out


def _body(raw: Any) -> bytes | str | None:
    if raw is None or isinstance(raw, (str, bytes)):
        return raw
    if isinstance(raw, Mapping):
        if "base64_string" in raw:  # Ruby VCR, for bodies that are not valid text
            return base64.b64decode(str(raw["base64_string"]))
        value = raw.get("string")
        return value if value is None or isinstance(value, (str, bytes)) else str(value)
    raise TypeError(f"a body of type {type(raw).__name__}")


def _recorded(interactions: list[Any]) -> str | None:
    """When the cassette was recorded: the ``Date`` header of its first answer (Ruby VCR: ``recorded_at``)."""
    for interaction in interactions[:1]:
        if not isinstance(interaction, Mapping):
            return None
        if interaction.get("recorded_at"):
            return str(interaction["recorded_at"])
        response = interaction.get("response")
        try:
            headers = _headers(response.get("headers")) if isinstance(response, Mapping) else {}
        except (AttributeError, TypeError):
            return None
        return header(headers, "date")
    return None


def _shape_problem(interaction: Any, exc: BaseException) -> str:
    if not isinstance(interaction, Mapping):
        return "an interaction must be a mapping with 'request' and 'response'"
    if isinstance(exc, KeyError):
        missing = exc.args[0] if exc.args else exc
        if missing == "response" or "response" not in interaction:
            return "the interaction has no response"
        return f"the interaction lacks {missing!r}"
    return f"cannot read the interaction ({exc})"


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())

"""Derive the package's contract file from OpenAI's published OpenAPI spec.

Usage::

    python -m fake_assistants.contract.build SPEC [--output FILE] [--check]

``SPEC`` is the *normalized* Assistants-era spec (``openapi-assistants.normalized.json``: OpenAI's ``openapi.yaml`` at
commit ``f85dbe223d40e1a31cba812ab2d755c7e98a92a3``, trimmed to the assistants, threads, files and vector stores
paths, with OpenAPI 3.0 ``nullable: true`` rewritten to ``null`` types). Without ``SPEC``, ``$FAKE_ASSISTANTS_SPEC``
is read. The output defaults to the file the package ships, ``fake_assistants/contract/assistants-v2.json``.

The derivation keeps the facts (paths, operations, parameters, request bodies, responses, schemas, types, enums,
``required`` lists, limits, defaults, formats, the stream-event schemas) and drops the prose: ``description``,
``summary``, ``title``, ``example``/``examples``, ``externalDocs``, tags and every ``x-*`` extension. Keys that are
*names* (a property called ``description``, a path, a media type, a status code) are kept whatever they are called.
The output is a pure function of the input's bytes: running it twice gives byte-identical files.

``--check`` derives and compares instead of writing; it exits 1 and says where the shipped file drifted.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import DEFAULT_SPEC_PATH as SHIPPED
from . import SPEC_ENV

PINNED_COMMIT = "f85dbe223d40e1a31cba812ab2d755c7e98a92a3"

# Annotation keywords that carry prose, never a rule a body must follow.
PROSE = frozenset({"description", "summary", "title", "example", "examples", "externalDocs", "tags"})
# Keys whose values are maps from *names* to objects: their own keys are data, never keywords.
NAME_MAPS = frozenset(
    {
        "properties",
        "patternProperties",
        "$defs",
        "definitions",
        "dependentSchemas",
        "paths",
        "schemas",
        "responses",
        "requestBodies",
        "headers",
        "securitySchemes",
        "content",
        "encoding",
        "mapping",
    }
)
KEPT_TOP_LEVEL = ("openapi", "info", "servers", "security", "paths", "components")
KEPT_INFO = ("title", "version", "license")


class DerivationError(ValueError):
    """The input is not a normalized OpenAPI document this script can derive the contract from."""


def derive(document: dict[str, Any], source: bytes) -> dict[str, Any]:
    """The contract: ``document`` without its prose, with where it came from in ``x-derived-from``."""
    if not isinstance(document, dict) or "paths" not in document or "schemas" not in document.get("components", {}):
        raise DerivationError("not an OpenAPI document with paths and components.schemas")
    if _has_key(document, "nullable"):
        raise DerivationError("the document still uses OpenAPI 3.0 `nullable`: give the normalized spec")
    out: dict[str, Any] = {}
    for key in KEPT_TOP_LEVEL:
        if key == "info":
            out[key] = {name: document["info"][name] for name in KEPT_INFO if name in document.get("info", {})}
        elif key in document:
            out[key] = _strip(document[key], names=key in NAME_MAPS)
    origin = document.get("x-contract-source", {})
    out["x-derived-from"] = {
        "repository": "openai/openai-openapi",
        "commit": origin.get("commit", PINNED_COMMIT),
        "trimmed": "paths under /assistants, /threads, /files and /vector_stores, and the schemas they reach",
        "input_sha256": hashlib.sha256(source).hexdigest(),
        "derived_by": "python -m fake_assistants.contract.build",
    }
    return out


def _strip(node: Any, *, names: bool = False) -> Any:
    if isinstance(node, list):
        return [_strip(item) for item in node]
    if not isinstance(node, dict):
        return node
    if names:  # a map of names: keep every key, and read each value as an object of its own
        return {key: _strip(value) for key, value in node.items()}
    return {
        key: _strip(value, names=key in NAME_MAPS)
        for key, value in node.items()
        if key not in PROSE and not key.startswith("x-")
    }


def _has_key(node: Any, wanted: str) -> bool:
    if isinstance(node, dict):
        return wanted in node or any(_has_key(value, wanted) for value in node.values())
    if isinstance(node, list):
        return any(_has_key(item, wanted) for item in node)
    return False


def render(contract: dict[str, Any]) -> bytes:
    """The file's bytes: key order as in the spec, one key per line, so a drift reads as a small diff."""
    return (json.dumps(contract, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def derive_file(spec: Path) -> bytes:
    source = spec.read_bytes()
    try:
        document = json.loads(source)
    except ValueError as exc:
        raise DerivationError(f"{spec} is not JSON: {exc}") from exc
    try:
        return render(derive(document, source))
    except DerivationError as exc:
        raise DerivationError(f"{spec}: {exc}") from exc


def first_difference(expected: bytes, actual: bytes) -> str:
    """Where two renderings part, as a line number and both lines."""
    for number, (want, got) in enumerate(zip(expected.splitlines(), actual.splitlines(), strict=False), start=1):
        if want != got:
            return f"line {number}: derived {want.decode()!r}, shipped {got.decode()!r}"
    return f"lengths differ: derived {len(expected)} bytes, shipped {len(actual)} bytes"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m fake_assistants.contract.build",
        description="Derive the package's contract file (the spec's facts, none of its prose) from the pinned spec.",
    )
    parser.add_argument("spec", nargs="?", help=f"the normalized spec (default: ${SPEC_ENV})")
    parser.add_argument("--output", "-o", default=str(SHIPPED), help="where to write (default: the shipped file)")
    parser.add_argument("--check", action="store_true", help="compare with --output instead of writing it")
    args = parser.parse_args(argv)
    spec = args.spec or os.environ.get(SPEC_ENV)
    if not spec:
        print(f"contract.build: give the spec's path, or set ${SPEC_ENV}", file=sys.stderr)
        return 2
    try:
        derived = derive_file(Path(spec))
    except (OSError, DerivationError) as exc:
        print(f"contract.build: {exc}", file=sys.stderr)
        return 2
    output = Path(args.output)
    if args.check:
        shipped = output.read_bytes() if output.is_file() else b""
        if shipped != derived:
            where = first_difference(derived, shipped)
            print(f"contract.build: {output} drifted from {spec}: {where}", file=sys.stderr)
            return 1
        print(f"{output} matches {spec}")
        return 0
    tmp = output.with_name(output.name + ".tmp")
    tmp.write_bytes(derived)
    tmp.replace(output)
    print(f"wrote {output} ({len(derived)} bytes) from {spec}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

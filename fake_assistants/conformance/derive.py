"""Recordings to conformance fixtures: ``python -m fake_assistants.conformance.derive RECORDINGS -o OUT``.

A fixture keeps what carries the contract: the request sequence (method, path, query, body), the status codes, the
response shapes with their ids, enums, numbers and nulls, and the order of stream events. Free text carries no
contract and is not copied: every string under a free-text key (message texts, instructions, names, file names,
code, logs, function arguments) becomes a placeholder of the same type, ``text_<n>``, the same placeholder for the
same text throughout one recording (so that an echo still matches). An annotated text keeps one placeholder per
annotation marker inside its own. The source attribution is kept.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from ..recordings import READERS, Exchange, Recording, read_recordings

FORMAT = "fake_assistants.conformance/1"
FREE_TEXT = frozenset(
    {
        "value",
        "text",
        "instructions",
        "name",
        "description",
        "filename",
        "file_name",
        "input",
        "logs",
        "output",
        "arguments",
        "url",
        "quote",
        "content",
        "additional_instructions",
    }
)


class Placeholders:
    def __init__(self) -> None:
        self.seen: dict[str, str] = {}

    def __call__(self, text: str) -> str:
        if text not in self.seen:
            self.seen[text] = f"text_{len(self.seen) + 1}"
        return self.seen[text]

    def scrub(self, value: Any, key: str | None = None) -> Any:
        if isinstance(value, dict):
            if isinstance(value.get("value"), str) and isinstance(value.get("annotations"), list):
                return self._annotated(value)
            return {k: self.scrub(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [self.scrub(item, key) for item in value]
        if isinstance(value, str) and key in FREE_TEXT:
            return self(value)
        return value

    def _annotated(self, value: dict[str, Any]) -> dict[str, Any]:
        """A text with annotations: its markers stay findable in it, each as its own placeholder."""
        markers = [a.get("text") for a in value["annotations"] if isinstance(a.get("text"), str)]
        text = self(value["value"])
        text += "".join(f" {self(marker)}" for marker in markers if marker)
        out = {k: self.scrub(v, k) for k, v in value.items() if k != "value"}
        return {"value": text, **out}


def derive(recording: Recording, *, placeholders: bool = True) -> dict[str, Any]:
    """The fixture of ``recording``; ``placeholders=False`` keeps its free text (``fake-assistants conform`` replays
    a user's own recording as it is, so its differences read in the user's words)."""
    scrub = Placeholders().scrub if placeholders else _keep
    return {
        "format": FORMAT,
        "recording": recording.name,
        "source": recording.source,
        "exchanges": [_exchange(exchange, scrub) for exchange in recording.exchanges],
    }


def _exchange(exchange: Exchange, scrub: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "method": exchange.method,
        "path": exchange.path,
        "query": exchange.query,
        "request": scrub(exchange.request),
        "status": exchange.status,
    }
    if exchange.events is not None:
        out["events"] = [[name, data if data == "[DONE]" else scrub(data)] for name, data in exchange.event_objects()]
    else:
        out["response"] = scrub(exchange.response)
    return out


def _keep(value: Any, key: str | None = None) -> Any:
    return value


def write_fixtures(recordings_dir: Path, out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for recording in read_recordings(recordings_dir, READERS):
        target = out_dir / f"{recording.name}.json"
        target.write_text(json.dumps(derive(recording), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m fake_assistants.conformance.derive", description=__doc__)
    parser.add_argument("recordings", type=Path, help="a folder of recordings (the shared JSON layout)")
    parser.add_argument("-o", "--out", type=Path, required=True, help="where the fixtures go")
    args = parser.parse_args(argv)
    written = write_fixtures(args.recordings, args.out)
    print(f"{len(written)} fixtures written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

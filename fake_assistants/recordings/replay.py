"""Replay a recording against a fresh emulator and report every place the emulator answers differently.

The emulator is scripted from the recording itself (:mod:`.importer`), so the runs say what they said. Each
recorded request is sent again, through the same in-process transport the SDK uses, with the recorded ids rewritten
to the ids the emulator gave the same objects. The answer is then compared with the recorded one, field by field:

* ids are matched, not compared: the first time a recorded id meets an emulator id at the same place they become a
  pair, and every later sighting must keep the pair;
* times (``*_at`` keys) and token counts (under ``usage``) cannot be known: only their type and whether they are
  null are compared;
* list pages of account-wide collections (assistants, files, vector stores) hold objects other sessions made: only
  the items this recording made are compared;
* a stream is compared as its sequence of event names (consecutive deltas count as one) and each event's data; the
  deltas of a message are compared as the text they add up to.

Runs move under the ``manual`` policy: before a recorded read, the run is moved on until it shows the recorded
status, so polling loops replay exactly. A request that names an object the recording never created (an upload that
was not recorded, say) cannot be replayed and is reported as skipped, not as a difference.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from .decode import parse_sse
from .importer import import_recording
from .model import Exchange, Recording

ID = re.compile(r"^(asst|thread|msg|run|step|call|vs|vsfb|file|batch)[-_][A-Za-z0-9]{6,}$")
ACCOUNT_WIDE = re.compile(r"^/v1/(assistants|files|vector_stores)$")
MAX_MOVES = 8  # status moves a run may need before a read: more means the recording is not a lifecycle we know


@dataclass(frozen=True)
class Difference:
    recording: str
    exchange: int  # 1-based, as in the recording
    request: str  # "GET /v1/threads/.../runs/..."
    path: str  # JSON path into the response ("$.data[0].status"); "$" is the whole answer
    real: Any
    emulator: Any

    def to_json(self) -> dict[str, Any]:
        return {
            "recording": self.recording,
            "exchange": self.exchange,
            "request": self.request,
            "path": self.path,
            "real": self.real,
            "emulator": self.emulator,
        }

    def __str__(self) -> str:
        real, emulator = json.dumps(self.real, ensure_ascii=False), json.dumps(self.emulator, ensure_ascii=False)
        return f"{self.recording} #{self.exchange} {self.request} {self.path}: real {real}, emulator {emulator}"


@dataclass
class Report:
    recording: str
    exchanges: int = 0
    differences: list[Difference] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "recording": self.recording,
            "exchanges": self.exchanges,
            "differences": [difference.to_json() for difference in self.differences],
            "skipped": self.skipped,
        }


class _Ids:
    """Recorded ids and the emulator's ids for the same objects."""

    def __init__(self) -> None:
        self.real_to_fake: dict[str, str] = {}
        self.fake_to_real: dict[str, str] = {}

    def pair(self, real: str, fake: str) -> bool:
        known = self.real_to_fake.get(real)
        if known is None and fake not in self.fake_to_real:
            self.real_to_fake[real], self.fake_to_real[fake] = fake, real
            return True
        return known == fake

    def rewrite(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.real_to_fake.get(value, value)
        if isinstance(value, list):
            return [self.rewrite(item) for item in value]
        if isinstance(value, dict):
            return {key: self.rewrite(item) for key, item in value.items()}
        return value

    def rewrite_text(self, text: str) -> str:
        for real, fake in self.real_to_fake.items():
            text = text.replace(real, fake)
        return text

    def unknown_in(self, value: Any) -> list[str]:
        if isinstance(value, str):
            return [part for part in re.split(r"[/?&=,]", value) if ID.match(part) and part not in self.real_to_fake]
        if isinstance(value, list):
            return [found for item in value for found in self.unknown_in(item)]
        if isinstance(value, dict):
            return [found for item in value.values() for found in self.unknown_in(item)]
        return []


def replay(recording: Recording, *, fake: Any = None) -> Report:
    """Replay ``recording`` on ``fake`` (default: a new emulator scripted from the recording)."""
    from ..emulator import FakeAssistants
    from ..transports.inprocess import sdk_http_module

    if fake is None:
        fake = FakeAssistants(progression="manual")
        fake.script.add_from(import_recording(recording).document)
    http = sdk_http_module()
    client = http.Client(transport=fake.transport(http), base_url="http://fake-assistants.invalid")
    ids = _Ids()
    report = Report(recording.source)
    for number, exchange in enumerate(recording.exchanges, start=1):
        label = f"{exchange.method} {exchange.path}"
        unknown = ids.unknown_in([exchange.path, exchange.query, exchange.request])
        if unknown:
            report.skipped.append(f"#{number} {label}: names {', '.join(sorted(set(unknown)))}, never made here")
            continue
        report.exchanges += 1
        compare = _Comparison(report, number, label, ids)
        _prepare(fake, exchange, ids)
        response = _send(client, exchange, ids)
        if response.status_code != exchange.status:
            compare.add("$.<status>", exchange.status, response.status_code)
            continue
        if exchange.events is not None:
            compare.stream(exchange.events, parse_sse(response.text))
        elif exchange.response is not None:
            try:
                answer = response.json()
            except ValueError:
                compare.add("$", exchange.response, response.text[:200])
                continue
            compare.value("$", exchange.response, answer, account_wide=bool(ACCOUNT_WIDE.match(exchange.path)))
    client.close()
    return report


def _prepare(fake: Any, exchange: Exchange, ids: _Ids) -> None:
    """Move a run (under the manual policy) to the status the recorded read shows."""
    body = exchange.response if isinstance(exchange.response, dict) else {}
    if exchange.method != "GET" or body.get("object") != "thread.run":
        return
    run_id = ids.real_to_fake.get(str(body.get("id")))
    if run_id is None:
        return
    for _ in range(MAX_MOVES):
        current = _status(fake, run_id)
        if current == body.get("status") or current in ("completed", "failed", "cancelled", "expired", "incomplete"):
            return
        if current == "requires_action":
            return  # only the client's tool outputs move it on
        fake.advance(run_id)


def _status(fake: Any, run_id: str) -> str | None:
    run = fake._backend.runs.get(run_id)  # a read that does not count as the client's
    return None if run is None else str(run.status)


def _send(client: Any, exchange: Exchange, ids: _Ids) -> Any:
    headers = {"Authorization": "Bearer sk-replay"}
    if exchange.beta:
        headers["OpenAI-Beta"] = exchange.beta
    url = ids.rewrite_text(exchange.path) + (f"?{ids.rewrite_text(exchange.query)}" if exchange.query else "")
    if exchange.request is None and exchange.method == "POST" and exchange.path == "/v1/files":
        uploaded = exchange.response if isinstance(exchange.response, dict) else {}
        name = str(uploaded.get("filename") or "upload.txt")
        content = b"x" * int(uploaded.get("bytes") or 1)
        purpose = str(uploaded.get("purpose") or "assistants")
        return client.post(url, headers=headers, files={"file": (name, content)}, data={"purpose": purpose})
    if exchange.request is None:
        return client.request(exchange.method, url, headers=headers)
    body = json.dumps(ids.rewrite(exchange.request)).encode("utf-8")
    headers["Content-Type"] = "application/json"
    return client.request(exchange.method, url, headers=headers, content=body)


class _Comparison:
    def __init__(self, report: Report, number: int, label: str, ids: _Ids) -> None:
        self.report, self.number, self.label, self.ids = report, number, label, ids

    def add(self, path: str, real: Any, emulator: Any) -> None:
        self.report.differences.append(Difference(self.report.recording, self.number, self.label, path, real, emulator))

    def value(self, path: str, real: Any, fake: Any, *, key: str = "", account_wide: bool = False) -> None:
        if isinstance(real, str) and ID.match(real) and isinstance(fake, str):
            if not self.ids.pair(real, fake):
                self.add(path, real, fake)
            return
        if key.endswith("_at") or key == "expires_at" or self._token_count(path):
            if (real is None) != (fake is None) or type(real) is not type(fake):
                self.add(path, real, fake)
            return
        if isinstance(real, dict) and isinstance(fake, dict):
            self._object(path, real, fake, account_wide=account_wide)
        elif isinstance(real, list) and isinstance(fake, list):
            self._list(path, real, fake, key=key)
        elif real != fake or type(real) is not type(fake):
            self.add(path, real, fake)

    @staticmethod
    def _token_count(path: str) -> bool:
        """Token counts: the real model's tokenizer is not the emulator's rule (``usage`` keeps its shape)."""
        return ".usage." in path and path.rsplit(".", 1)[-1].endswith("tokens")

    def _object(self, path: str, real: dict[str, Any], fake: dict[str, Any], *, account_wide: bool) -> None:
        if account_wide and real.get("object") == "list":
            self._account_page(path, real, fake)
            return
        for name in real:
            if name not in fake:
                self.add(f"{path}.{name}", real[name], "<missing>")
        for name in fake:
            if name not in real:
                self.add(f"{path}.{name}", "<missing>", fake[name])
        for name in real.keys() & fake.keys():
            self.value(f"{path}.{name}", real[name], fake[name], key=name)

    def _account_page(self, path: str, real: dict[str, Any], fake: dict[str, Any]) -> None:
        """Only the items this recording made are comparable: other sessions' objects fill the real page."""
        ours = {
            self.ids.real_to_fake[item["id"]]: item
            for item in real.get("data", [])
            if item["id"] in self.ids.real_to_fake
        }
        for index, item in enumerate(fake.get("data", [])):
            if item.get("id") in ours:
                self.value(f"{path}.data[{index}]", ours[item["id"]], item)
        for name in ("object",):
            self.value(f"{path}.{name}", real.get(name), fake.get(name), key=name)

    def _list(self, path: str, real: list[Any], fake: list[Any], *, key: str) -> None:
        if len(real) != len(fake):
            self.add(f"{path}.<length>", len(real), len(fake))
        for index, (one, other) in enumerate(zip(real, fake, strict=False)):
            self.value(f"{path}[{index}]", one, other)

    def stream(self, real: tuple[tuple[str, str], ...], fake: tuple[tuple[str, str], ...]) -> None:
        real_names, fake_names = _collapsed([name for name, _ in real]), _collapsed([name for name, _ in fake])
        if real_names != fake_names:
            self.add("$.<events>", real_names, fake_names)
            return
        real_data, fake_data = _merged(real), _merged(fake)
        for index, ((name, one), (_, other)) in enumerate(zip(real_data, fake_data, strict=True)):
            self.value(f"$.<event {index}: {name}>", one, other)


def _collapsed(names: list[str]) -> list[str]:
    return [name for index, name in enumerate(names) if index == 0 or names[index - 1] != name or "delta" not in name]


def _merged(events: tuple[tuple[str, str], ...]) -> list[tuple[str, Any]]:
    """Events with data parsed; a run of consecutive deltas becomes one whose strings are joined."""
    out: list[tuple[str, Any]] = []
    for name, data in events:
        try:
            parsed: Any = json.loads(data)
        except ValueError:
            parsed = data
        if out and "delta" in name and out[-1][0] == name:
            out[-1] = (name, _join(out[-1][1], parsed))
        else:
            out.append((name, parsed))
    return out


def _join(first: Any, second: Any) -> Any:
    """Two deltas as the SDK accumulates them: strings joined, objects merged, list items by ``index``."""
    if isinstance(first, str) and isinstance(second, str):
        return first + second
    if isinstance(first, dict) and isinstance(second, dict):
        merged = dict(first)
        for key, value in second.items():
            merged[key] = (
                _join(merged[key], value) if key in merged and key not in ("id", "object", "type", "index") else value
            )
        return merged
    if isinstance(first, list) and isinstance(second, list):
        merged_list = list(first)
        for item in second:
            index = item.get("index") if isinstance(item, dict) else None
            target = next(
                (i for i, old in enumerate(merged_list) if isinstance(old, dict) and old.get("index") == index), None
            )
            if index is not None and target is not None:
                merged_list[target] = _join(merged_list[target], item)
            else:
                merged_list.append(item)
        return merged_list
    return second

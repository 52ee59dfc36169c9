"""Replaying a conformance fixture against a fresh emulator, and every difference it shows.

The emulator is scripted from the recorded outputs: each run gets a turn built from what the real run did (its
steps in order: code, searches, function calls, messages written between them, the final reply). Runs move under
``progression="manual"``: before a read of a run, the emulator's run is advanced to the status the recording shows.
Recorded ids are mapped to the emulator's as they appear (``id`` and ``*_id`` fields, ``*_ids`` lists), and every
later request and comparison goes through the mapping. Only what cannot be known is masked: times (compared as
null or not), token counts, byte sizes and scores (compared by type), search results (by shape), the text each
stream delta happens to carry, the pages of account-wide lists (only the objects this recording made are compared),
and files whose uploads were not recorded (placeholder files stand in for them).
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from ..api.wire import ApiRequest
from ..emulator import FakeAssistants
from ..recordings.played import played
from ..script.turns import Reply, Turn
from .derive import FREE_TEXT

HEADERS = {"openai-beta": "assistants=v2", "authorization": "Bearer sk-conformance", "content-type": "application/json"}
TIMES = frozenset(
    {"created_at", "started_at", "expires_at", "cancelled_at", "failed_at", "completed_at", "incomplete_at"}
    | {"expired_at", "last_active_at"}
)
COUNTS = frozenset(
    {"prompt_tokens", "completion_tokens", "total_tokens", "cached_tokens", "reasoning_tokens", "bytes"}
    | {"usage_bytes", "score", "start_index", "end_index"}
)
SHAPE_ONLY = frozenset({"results"})  # file search results depend on the search engine, not on the contract
ACCOUNT_LISTS = frozenset({"/v1/assistants", "/v1/files", "/v1/vector_stores"})
DELTAS = frozenset({"thread.message.delta", "thread.run.step.delta"})
# the id forms of every era: vs_ + 24 alphanumerics (2024) or 32 hex (2025), vsfb_ + hex or vsfb_ibj_ + hex (2025)
ID_VALUE = re.compile(r"^(asst|thread|msg|run|step|call|vs|vsfb)_[A-Za-z0-9]+(_[A-Za-z0-9]+)?$|^file-[A-Za-z0-9]+$")
FILE_OBJECTS = frozenset({"vector_store", "vector_store.file", "vector_store.file_batch", "vector_store.files_batch"})
MAX_ADVANCES = 12


@dataclass(frozen=True)
class Difference:
    recording: str
    exchange: int
    path: str
    real: Any
    emulator: Any
    kind: str | None = field(default=None, compare=False)  # the "object" of the answer the key belongs to
    within: str = field(default="", compare=False)  # the key's path inside that object

    def __str__(self) -> str:
        return f"{self.recording}[{self.exchange}] {self.path}: real {self.real!r}, emulator {self.emulator!r}"


@dataclass
class Replay:
    fixture: dict[str, Any]
    fake: FakeAssistants = field(default_factory=lambda: FakeAssistants(progression="manual", validate_responses=False))
    ids: dict[str, str] = field(default_factory=dict)  # recorded id -> emulator id
    differences: list[Difference] = field(default_factory=list)
    index: int = 0
    skip: Callable[[dict[str, Any]], bool] = lambda exchange: False  # exchanges not to replay (their index stays)

    @property
    def name(self) -> str:
        return str(self.fixture["recording"])

    def run(self) -> list[Difference]:
        exchanges = self.fixture["exchanges"]
        for self.index, exchange in enumerate(exchanges):
            if not self.skip(exchange):
                self._play(exchange)
        return self.differences

    # --- one exchange -----------------------------------------------------------------------------------------

    def _play(self, exchange: dict[str, Any]) -> None:
        method, path = exchange["method"], exchange["path"]
        if method == "POST" and re.fullmatch(r"/v1/threads(/[^/]+)?/runs", path):
            self._queue_turn(exchange)
        self._upload_unknown_files(exchange["request"])
        self._advance_to(exchange)
        if method == "POST" and path == "/v1/files":
            status, body = self._upload(exchange["response"])
        else:
            status, body = self._send(method, path, exchange["query"], exchange["request"])
        if status != exchange["status"]:
            self._differ("$status", exchange["status"], status)
        if "events" in exchange:
            self._compare_events(exchange["events"], body)
        elif path in ACCOUNT_LISTS and method == "GET":
            self._compare_account_list(exchange["response"], body)
        else:
            self._compare(exchange["response"], body, "$")

    def _send(self, method: str, path: str, query: str, request: Any) -> tuple[int, Any]:
        params = tuple((k, self._mapped(v)) for k, v in parse_qsl(query, keep_blank_values=True))
        body = json.dumps(self._mapped(request)).encode() if request is not None else b""
        response = self.fake.handle(ApiRequest(method, self._mapped_path(path), params, dict(HEADERS), body))
        if response.stream is not None:
            return response.status, list(_frames(response.stream))
        return response.status, json.loads(response.body)

    def _upload(self, recorded: dict[str, Any]) -> tuple[int, Any]:
        boundary = "conformance"
        content = b"x" * int(recorded.get("bytes") or 1)
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="purpose"\r\n\r\n{recorded["purpose"]}\r\n'.encode(),
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{recorded["filename"]}"\r\n'
            "Content-Type: text/plain\r\n\r\n".encode()
            + content
            + b"\r\n",
            f"--{boundary}--\r\n".encode(),
        ]
        headers = {**HEADERS, "content-type": f"multipart/form-data; boundary={boundary}"}
        response = self.fake.handle(ApiRequest("POST", "/v1/files", (), headers, b"".join(parts)))
        return response.status, json.loads(response.body)

    def _upload_unknown_files(self, request: Any) -> None:
        """Files the request names whose uploads were not recorded: a placeholder file stands in for each."""
        for value in _strings(request):
            if value.startswith("file-") and value not in self.ids:
                _, body = self._upload({"bytes": 1, "purpose": "assistants", "filename": "untracked.txt"})
                self.ids[value] = body["id"]

    # --- runs: scripted from the recording, moved to the recorded status --------------------------------------

    def _advance_to(self, exchange: dict[str, Any]) -> None:
        self._advance_files(exchange.get("response"))
        self._advance_runs_shown(exchange)
        match = re.fullmatch(r"/v1/threads/[^/]+/runs/([^/]+)", exchange["path"])
        response = exchange.get("response")
        if exchange["method"] != "GET" or match is None or not isinstance(response, dict):
            return
        run_id = self.ids.get(match.group(1))
        if run_id is None:
            return
        _, current = self._send("GET", exchange["path"], "", None)  # under "manual", a read moves nothing
        status = current.get("status")
        for _ in range(MAX_ADVANCES):
            if status in (None, response.get("status")):
                return
            status = self.fake.advance(run_id)

    def _advance_files(self, response: Any) -> None:
        """Vector stores, their files and batches the answer shows done: their files finish processing first."""
        items = response.get("data") if isinstance(response, dict) and response.get("object") == "list" else [response]
        for item in items if isinstance(items, list) else ():
            if not isinstance(item, dict) or item.get("object") not in FILE_OBJECTS or item.get("id") not in self.ids:
                continue
            counts = item.get("file_counts")
            done = item.get("status") == "completed" and (not isinstance(counts, dict) or not counts.get("in_progress"))
            if done:
                with contextlib.suppress(KeyError):  # an object the emulator no longer holds
                    self.fake.advance(self.ids[item["id"]])

    def _advance_runs_shown(self, exchange: dict[str, Any]) -> None:
        """A run whose reply a message list shows has got that far; a run the answer shows started has started."""
        response = exchange.get("response")
        items = response.get("data") if isinstance(response, dict) and response.get("object") == "list" else [response]
        for item in items if isinstance(items, list) else ():
            if not isinstance(item, dict):
                continue
            if item.get("object") == "thread.message" and item.get("run_id") in self.ids:
                self._advance_run(self.ids[item["run_id"]], lambda status: status not in ("queued", "in_progress"))
            elif item.get("object") == "thread.run" and item.get("started_at") and item.get("id") in self.ids:
                self._advance_run(self.ids[item["id"]], lambda status: status != "queued")

    def _advance_run(self, run_id: str, far_enough: Callable[[str], bool]) -> None:
        for _ in range(MAX_ADVANCES):
            try:
                status = self.fake.run_status(run_id)
            except KeyError:  # a run the emulator does not hold
                return
            if far_enough(status):
                return
            self.fake.advance(run_id)

    def _queue_turn(self, exchange: dict[str, Any]) -> None:
        """The turn the recorded run played, found in the run's responses anywhere in the fixture."""
        run_id = _created_run_id(exchange)
        if run_id is not None:
            self.fake.script.add(self._turn(run_id))

    def _turn(self, run_id: str) -> Turn:
        """What the recorded run played (``recordings/played.py``: the importer reads runs the same way)."""
        messages = self._recorded_messages()
        written = sorted(
            (m for m in messages.values() if m.get("run_id") == run_id and m.get("role") == "assistant"),
            key=lambda m: m.get("created_at") or 0,
        )
        snapshots, steps = self._run_snapshots(run_id), self._recorded_steps(run_id)
        result = played(snapshots, steps, written, file_id=self._file_id)
        reply = Reply(result.reply.text, result.reply.annotations) if result.reply is not None else None
        return Turn(steps=result.steps, ending=reply)

    def _file_id(self, recorded: str) -> str:
        return self.ids.get(recorded, recorded)

    def _run_snapshots(self, run_id: str) -> list[dict[str, Any]]:
        """The run as every recorded response and event showed it, in order."""
        found = []
        for exchange in self.fixture["exchanges"]:
            bodies = [d for _, d in exchange.get("events", ())] or [exchange.get("response")]
            found += [body for body in bodies if isinstance(body, dict) and body.get("id") == run_id]
        return found

    def _recorded_steps(self, run_id: str) -> list[dict[str, Any]]:
        """The run's steps, oldest first: from stream events in their order, else from step lists (read page after
        page, newest first unless the query asked for ``order=asc``)."""
        streamed: dict[str, dict[str, Any]] = {}
        newest_first: dict[str, dict[str, Any]] = {}
        oldest_first: dict[str, dict[str, Any]] = {}
        for exchange in self.fixture["exchanges"]:
            for name, data in exchange.get("events", ()):
                if name.startswith("thread.run.step.") and name not in DELTAS and data.get("run_id") == run_id:
                    streamed[data["id"]] = data
            response = exchange.get("response")
            if isinstance(response, dict) and response.get("object") == "list" and "/steps" in exchange["path"]:
                pages = oldest_first if "order=asc" in exchange["query"] else newest_first
                for step in response["data"]:
                    if step.get("run_id") == run_id:
                        pages.setdefault(step["id"], step)
        found = streamed or oldest_first or dict(reversed(list(newest_first.items())))
        return list(found.values())

    def _recorded_messages(self) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        for exchange in self.fixture["exchanges"]:
            for name, data in exchange.get("events", ()):
                if name == "thread.message.completed":
                    found[data["id"]] = data
            response = exchange.get("response")
            if isinstance(response, dict) and response.get("object") == "list":
                for item in response["data"]:
                    if isinstance(item, dict) and item.get("object") == "thread.message":
                        found.setdefault(item["id"], item)
        return found

    # --- comparison -------------------------------------------------------------------------------------------

    def _differ(self, path: str, real: Any, emulator: Any, owner: tuple[str | None, str] = (None, "")) -> None:
        kind, base = owner
        within = path[len(base) :].lstrip(".") if base and path.startswith(base) else ""
        self.differences.append(Difference(self.name, self.index, path, real, emulator, kind, within))

    def _compare(
        self,
        real: Any,
        emu: Any,
        path: str,
        key: str | None = None,
        loose: bool = False,
        owner: tuple[str | None, str] = (None, ""),
    ) -> None:
        if isinstance(real, dict) and isinstance(emu, dict):
            if isinstance(emu.get("object"), str):
                owner = (emu["object"], path)
            for k in sorted(set(real) | set(emu)):
                if k not in emu:
                    self._differ(f"{path}.{k}", real[k], "(absent)", owner)
                elif k not in real:
                    self._differ(f"{path}.{k}", "(absent)", emu[k], owner)
                else:
                    self._compare(real[k], emu[k], f"{path}.{k}", k, loose, owner)
            return
        if isinstance(real, list) and isinstance(emu, list):
            if key in SHAPE_ONLY:
                for index, (r, e) in enumerate(zip(real[:1], emu[:1], strict=False)):
                    self._shape(r, e, f"{path}[{index}]")
                return
            if len(real) != len(emu) and not loose:  # a delta's pieces are cut where the text happens to be cut
                self._differ(f"{path}.length", len(real), len(emu))
            for index, (r, e) in enumerate(zip(real, emu, strict=False)):
                self._compare(r, e, f"{path}[{index}]", key, loose, owner)
            return
        if type(real) is not type(emu) and not (key in COUNTS and _number(real) and _number(emu)):
            self._differ(path, real, emu)
        elif key in TIMES or key in COUNTS:
            return  # unknowable: the type (and for times, null or not) is all that can match
        elif isinstance(real, str) and (ID_VALUE.match(real) or (key or "").endswith("_id") or key == "id"):
            self._compare_id(real, emu, path)
        elif loose and isinstance(real, str) and key in FREE_TEXT:
            return  # the piece of text a delta carries
        elif real != emu:
            self._differ(path, real, emu)

    def _compare_id(self, real: str, emu: Any, path: str) -> None:
        known = self.ids.get(real)
        if known is None:
            if emu in self.ids.values():
                self._differ(path, real, emu)  # the emulator reused an id it gave another object
            self.ids[real] = emu
        elif known != emu:
            self._differ(path, real, emu)

    def _shape(self, real: Any, emu: Any, path: str) -> None:
        if isinstance(real, dict) and isinstance(emu, dict):
            if set(real) != set(emu):
                self._differ(f"{path}.keys", sorted(real), sorted(emu))
            for k in set(real) & set(emu):
                self._shape(real[k], emu[k], f"{path}.{k}")
        elif type(real) is not type(emu) and not (_number(real) and _number(emu)):
            self._differ(path, real, emu)

    def _compare_events(self, real: list[list[Any]], emu: Any) -> None:
        if not isinstance(emu, list):  # the emulator answered with a body, not a stream (an error, say)
            self._differ("$events", [name for name, _ in real], emu)
            return
        real_events, emu_events = _collapsed(real), _collapsed(emu)
        if [n for n, _ in real_events] != [n for n, _ in emu_events]:
            self._differ("$events", [n for n, _ in real_events], [n for n, _ in emu_events])
            return
        for index, ((name, r), (_, e)) in enumerate(zip(real_events, emu_events, strict=True)):
            if name != "done":
                self._compare(r, e, f"$events[{index}]({name})", loose=name in DELTAS)

    def _compare_account_list(self, real: dict[str, Any], emu: Any) -> None:
        """A page of an account-wide list: the objects this recording made, in the same order; the rest, and the
        page's cursors and ``has_more``, depend on what else the account held."""
        if not isinstance(emu, dict):
            self._differ("$", real, emu)
            return
        if real.get("object") != emu.get("object"):
            self._differ("$.object", real.get("object"), emu.get("object"))
        known = [item for item in real.get("data", []) if item.get("id") in self.ids]
        by_id = {item.get("id"): item for item in emu.get("data", [])}
        for index, item in enumerate(known):
            mine = by_id.get(self.ids[item["id"]])
            if mine is None:
                self._differ(f"$.data[{index}]", item["id"], "(not listed)")
            else:
                self._compare(item, mine, f"$.data[{index}]")
        order = [self.ids[item["id"]] for item in known]
        listed = [item_id for item_id in by_id if item_id in order]
        if listed != order:
            self._differ("$.data(order)", order, listed)

    # --- ids in requests --------------------------------------------------------------------------------------

    def _mapped(self, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: self._mapped(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self._mapped(v) for v in value]
        if isinstance(value, str):
            return self.ids.get(value, value)
        return value

    def _mapped_path(self, path: str) -> str:
        return "/".join(self.ids.get(part, part) for part in path.split("/"))


def replay(
    fixture: dict[str, Any], fake: FakeAssistants | None = None, *, existing: Iterable[str] = ()
) -> list[Difference]:
    """Every difference between the recording and a fresh emulator (``fake``: one to use instead). ``existing``:
    the ids of objects that stand in for those the recording uses but never creates (a world loaded into ``fake``,
    as ``fake-assistants conform`` does): they are the emulator's under the same ids."""
    played = Replay(fixture, fake or FakeAssistants(progression="manual", validate_responses=False))
    played.ids.update((object_id, object_id) for object_id in existing)
    return played.run()


def _created_run_id(exchange: dict[str, Any]) -> str | None:
    if "events" in exchange:
        return next((d["id"] for n, d in exchange["events"] if n == "thread.run.created"), None)
    response = exchange.get("response")
    return response.get("id") if isinstance(response, dict) and response.get("object") == "thread.run" else None


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, str):
        yield value


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _frames(stream: Iterator[bytes]) -> Iterator[list[Any]]:
    for chunk in stream:
        lines = dict(line.split(": ", 1) for line in chunk.decode().strip().split("\n"))
        data = lines["data"]
        yield [lines["event"], data if data == "[DONE]" else json.loads(data)]


def _collapsed(events: list[list[Any]]) -> list[tuple[str, Any]]:
    """Runs of the same delta event become one (its first): how a text is cut into deltas is unknowable."""
    out: list[tuple[str, Any]] = []
    for name, data in events:
        if out and name in DELTAS and out[-1][0] == name:
            continue
        out.append((name, data))
    return out

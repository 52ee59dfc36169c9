"""What the inspector shows, read from one backend under its lock, as wire JSON plus a few derived facts.

Objects are read the way the API's own list handlers read them and written out by the API's serializers
(``api/serialize*.py``), so the page shows exactly what a client would get. Nothing here changes state: runs are
not caught up (that would move them, under the ``per_read`` policy), so a run shows the status it holds now.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ...api.serialize import assistant_wire, message_wire, run_wire, step_wire, thread_wire
from ...api.serialize_files import file_batch_wire, file_wire, vector_store_file_wire, vector_store_wire
from ...backend.models import JsonDict, Run
from ...backend.state import Backend
from ...runs.lifecycle import MOVING_STATUSES
from ...runs.scope import run_scope
from ...script.codec import turn_to_json
from ...script.script import ScriptedTurn
from .history import HistoryEntry


@dataclass(frozen=True)
class Tenant:
    """One API key's view under key isolation: ``visible`` says whether the key may see an object id."""

    key: str
    visible: Callable[[str], bool]


def _everything(object_id: str) -> bool:
    return True


TERMINAL = frozenset({"completed", "failed", "cancelled", "expired", "incomplete"})
_LAYERS = (("assistant", "the assistant's"), ("thread", "the thread's"), ("run", "the run's own"))


@dataclass(frozen=True)
class Inspection:
    now: int
    seed: int
    progression: str
    assistants: list[JsonDict]
    threads: list[JsonDict]
    files: list[JsonDict]
    vector_stores: list[JsonDict]
    script: JsonDict | None  # None in a tenant's view
    requests: list[JsonDict]
    names: dict[str, str]  # object id -> a short label (file names, assistant names), for links
    known: frozenset[str]  # every object id the page shows, to link ids in request paths

    @property
    def store_files(self) -> dict[str, list[str]]:
        """Each vector store's file ids, to show a knowledge base down to its files."""
        return {store["id"]: [item["id"] for item in store["files"]] for store in self.vector_stores}

    def counts(self) -> dict[str, int]:
        return {
            "assistants": len(self.assistants),
            "threads": len(self.threads),
            "runs": sum(len(thread["runs"]) for thread in self.threads),
            "files": len(self.files),
            "vector_stores": len(self.vector_stores),
            "script": len(self.script["pending"]) if self.script else 0,
            "requests": len(self.requests),
        }


def inspect(backend: Backend, exchanges: tuple[HistoryEntry, ...], tenant: Tenant | None = None) -> Inspection:
    """Everything the page shows. Call it holding ``backend.lock``.

    With a ``tenant`` (one key's view under key isolation), only what that key may see: its own objects and
    requests, and no script queue (it is every tenant's)."""
    now = backend.clock.now()
    mine = tenant.visible if tenant else _everything
    files = [file_wire(stored) for file_id, stored in backend.files.items() if mine(file_id)]
    stores = [_vector_store(backend, store_id, now) for store_id in backend.vector_stores if mine(store_id)]
    names = {file["id"]: file["filename"] for file in files}
    names.update({store["id"]: store["name"] or store["id"] for store in stores})
    assistants = [assistant_wire(found) for assistant_id, found in backend.assistants.items() if mine(assistant_id)]
    names.update({assistant["id"]: assistant["name"] or assistant["id"] for assistant in assistants})
    threads = [_thread(backend, thread_id) for thread_id in backend.threads if mine(thread_id)]
    known = {*names, *(store["id"] for store in stores), *(batch["id"] for s in stores for batch in s["batches"])}
    for thread in threads:
        known.add(thread["id"])
        known.update(message["id"] for message in thread["messages"])
        known.update(run["id"] for run in thread["runs"])
        known.update(step["id"] for run in thread["runs"] for step in run["steps"])
    return Inspection(
        now=now,
        seed=backend.settings.seed,
        progression=backend.settings.progression,
        assistants=assistants,
        threads=threads,
        files=files,
        vector_stores=stores,
        script=_script(backend) if tenant is None else None,
        requests=[  # newest first
            _request(exchange) for exchange in reversed(exchanges) if tenant is None or exchange.key == tenant.key
        ],
        names=names,
        known=frozenset(known),
    )


def _request(exchange: HistoryEntry) -> JsonDict:
    """A request log row: no bodies (the page fetches them on demand), no key."""
    names = ("number", "at", "method", "path", "query", "status", "operation", "request_id")
    return {name: getattr(exchange, name) for name in names}


def _vector_store(backend: Backend, store_id: str, now: int) -> JsonDict:
    store = backend.vector_store(store_id)
    batches = [batch for batch in backend.batches.values() if batch.vector_store_id == store_id]
    return {
        **vector_store_wire(store, now),
        "files": [vector_store_file_wire(item) for item in store.files.values()],
        "batches": [file_batch_wire(backend, batch) for batch in batches],
    }


def _thread(backend: Backend, thread_id: str) -> JsonDict:
    thread = backend.thread(thread_id)
    return {
        **thread_wire(thread),
        "messages": [message_wire(backend.messages[message_id]) for message_id in thread.message_ids],
        "runs": [_run(backend, backend.runs[run_id]) for run_id in thread.run_ids],
    }


def _run(backend: Backend, run: Run) -> JsonDict:
    steps = [step_wire(backend.steps[step_id], run, with_search_content=True) for step_id in run.step_ids]
    wire = run_wire(run)
    return {
        **wire,
        "steps": steps,
        "timeline": timeline(wire, steps),
        "scope": explain_scope(backend, run),
        "terminal": run.status in TERMINAL,
        # Advance is offered only where ``fake.advance`` moves the run: not while it waits on tool outputs (only the
        # client can answer), nor while a stream plays it, nor once it is over.
        "advanceable": run.status in MOVING_STATUSES and not run.streaming,
    }


def timeline(run: JsonDict, steps: list[JsonDict]) -> list[JsonDict]:
    """The run's statuses and its steps' events in time order: ``{"at", "label", "kind", "ref"}`` each (``ref``: the
    step's id, for a step's event). Events with no timestamp of their own (``requires_action``) come last."""
    events: list[JsonDict] = [_event(run["created_at"], "queued")]
    if run["started_at"] is not None:
        events.append(_event(run["started_at"], "in_progress"))
    for step in steps:
        what = "message creation" if step["type"] == "message_creation" else "tool calls"
        events.append(_event(step["created_at"], f"{what} step started", ref=step["id"]))
        for name in ("completed", "failed", "cancelled", "expired"):
            if step.get(f"{name}_at") is not None:  # the wire has no expired_at for steps; it may come back
                events.append(_event(step[f"{name}_at"], f"{what} step {name}", ref=step["id"]))
    for name in ("completed", "failed", "cancelled"):
        if run[f"{name}_at"] is not None:
            events.append(_event(run[f"{name}_at"], name))
    if run["status"] == "requires_action":
        events.append(_event(None, "requires_action: waiting for tool outputs"))
    elif run["status"] in ("expired", "incomplete", "cancelling"):
        events.append(_event(None, run["status"]))
    timed = sorted((event for event in events if event["at"] is not None), key=lambda event: event["at"])
    return timed + [event for event in events if event["at"] is None]


def _event(at: int | None, label: str, *, ref: str | None = None) -> JsonDict:
    return {"at": at, "label": label, "kind": "status" if ref is None else "step", "ref": ref}


def explain_scope(backend: Backend, run: Run) -> list[JsonDict]:
    """The files the run can see (the run engine's own :func:`~fake_assistants.runs.scope.run_scope`), each with
    the reasons it is visible: which tool_resources or attachment named it, and through which vector store."""
    scope = run_scope(backend, run)
    assistant = backend.assistants.get(run.assistant_id)
    thread = backend.thread(run.thread_id)
    layers: dict[str, JsonDict] = {
        "assistant": assistant.tool_resources if assistant else {},
        "thread": thread.tool_resources,
        "run": run.tool_resources,
    }
    reasons: dict[str, list[JsonDict]] = {file_id: [] for file_id in scope.file_ids}
    for layer, label in _LAYERS:
        resources = layers[layer]
        for file_id in resources.get("code_interpreter", {}).get("file_ids", []):
            if file_id in scope.code_interpreter_file_ids:
                reasons[file_id].append(_why(f"code_interpreter: in {label} tool_resources"))
        for store_id in resources.get("file_search", {}).get("vector_store_ids", []):
            if store_id not in scope.vector_store_ids or store_id not in backend.vector_stores:
                continue
            for file_id in backend.vector_store(store_id).files:
                if file_id in scope.file_search_file_ids:
                    reasons[file_id].append(
                        _why("file_search: in vector store", store_id, f"from {label} tool_resources")
                    )
    for message_id in thread.message_ids:
        for attachment in backend.messages[message_id].attachments:
            file_id = attachment["file_id"]
            tools = [tool.get("type") for tool in attachment.get("tools", [])]
            if "code_interpreter" in tools and file_id in scope.code_interpreter_file_ids:
                reasons[file_id].append(_why("code_interpreter: attached to message", message_id))
    return [
        {
            "file_id": file_id,
            "tools": [
                tool
                for tool, ids in (
                    ("code_interpreter", scope.code_interpreter_file_ids),
                    ("file_search", scope.file_search_file_ids),
                )
                if file_id in ids
            ],
            "reasons": [dict(unique) for unique in dict.fromkeys(tuple(why.items()) for why in found)],
        }
        for file_id, found in reasons.items()
    ]


def _why(text: str, ref: str | None = None, then: str = "") -> JsonDict:
    """One reason a file is visible: text, the id of the object that makes it so (linked on the page), more text."""
    return {"text": text, "ref": ref, "then": then}


def _script(backend: Backend) -> JsonDict:
    script = backend.script
    return {
        "pending": [_turn(entry) for entry in script.pending],
        "consumed": [_turn(entry) for entry in script.consumed],
        "errors": list(script.errors),
        "strict": script.strict,
    }


def _turn(entry: ScriptedTurn) -> JsonDict:
    """A queued turn as the page shows it: its steps and ending in the one JSON form of turns, texts as text."""
    form = turn_to_json(entry.turn)
    steps = [{"say": _text(step["say"])} if "say" in step else step for step in form["steps"]]
    ending = {name: form[name] for name in ENDINGS if name in form} or None
    if ending is not None and "reply" in ending:
        ending = {"reply": _text(ending["reply"])}
    for_ = str(entry.matcher) if entry.matcher else "any run"
    return {"for": for_, "run_id": entry.run_id, "steps": steps, "ending": ending}


ENDINGS = ("reply", "fail", "incomplete", "expire")


def _text(value: str | JsonDict) -> str:
    return value if isinstance(value, str) else str(value["text"])

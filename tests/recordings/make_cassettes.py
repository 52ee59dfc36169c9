"""Write the test cassettes from the shared recordings of real traffic: vcrpy (current and old layouts) and HAR.

Run ``python -m tests.recordings.make_cassettes [RECORDINGS_DIR]`` (default: this project's ``../shared/recordings``).
The recordings are real traffic of the live API (``openai/openai-dotnet``, ``tests/SessionRecords/AssistantsTests``,
MIT). Free text carries no contract, so it is replaced by placeholders of the same type before anything is written:
user and assistant message texts, instructions, names and descriptions (a streamed reply's deltas are cut from its
placeholder, so they still add up to the message). Ids, shapes, statuses, event order, function names, arguments
and tool outputs are kept. JSON response bodies are gzip-compressed and stored as ``!!binary``, as vcrpy does when
a response came compressed; a stream's body is one string. The output is a pure function of the input.
"""

from __future__ import annotations

import base64
import gzip
import json
import sys
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
EXAMPLES = Path(__file__).resolve().parents[2] / "fake_assistants" / "recordings" / "examples"
EXAMPLE = "favorite_food.yaml"  # the worked example of docs/recordings.md, shipped in the package
SHARED = Path(__file__).resolve().parents[3] / "shared" / "recordings"
HOST = "https://api.openai.com"
CASSETTES = {"StreamingRunWorks.json": "streaming_run", "FunctionToolsWork.json": "function_tools"}
PROSE_KEYS = {"instructions": "Instructions", "additional_instructions": "Instructions", "description": "Description"}


class Placeholders:
    """Each distinct free text gets one placeholder, so equal texts stay equal."""

    def __init__(self) -> None:
        self.seen: dict[str, str] = {}

    def __call__(self, text: str, label: str) -> str:
        if not text:
            return text
        if text not in self.seen:  # about as long as the text it stands for, so token counts stay alike
            base = f"{label} {len(self.seen) + 1}."
            self.seen[text] = base + (" lorem ipsum" * len(text))[: max(0, len(text) - len(base))]
        return self.seen[text]


def scrub(node: Any, words: Placeholders, *, parent: str = "") -> Any:
    if isinstance(node, list):
        return [scrub(item, words, parent=parent) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if isinstance(value, str) and key in PROSE_KEYS:
            out[key] = words(value, PROSE_KEYS[key])
        elif isinstance(value, str) and key == "name" and node.get("object", parent) == "assistant":
            out[key] = words(value, "Assistant name")
        elif isinstance(value, str) and _is_message_text(node, key, parent):
            out[key] = words(value, "Message text")
        else:
            out[key] = scrub(value, words, parent=key)
    return out


def _is_message_text(node: dict[str, Any], key: str, parent: str) -> bool:
    """A user message's string ``content``, a content part's ``text``, or a text object's ``value``."""
    return (
        (key == "content" and "role" in node)
        or (key == "value" and parent == "text")
        or (key == "text" and node.get("type") == "text")
    )


def scrub_events(events: list[dict[str, str]], words: Placeholders) -> list[dict[str, str]]:
    """Stream frames with placeholders; a message's deltas are cut from its completed text's placeholder."""
    parsed = [(event["event"], json.loads(event["data"]) if event["data"] != "[DONE]" else None) for event in events]
    finals = {data["id"]: data for name, data in parsed if name == "thread.message.completed"}
    deltas: dict[str, int] = {}
    for name, data in parsed:
        if name == "thread.message.delta":
            deltas[data["id"]] = deltas.get(data["id"], 0) + 1
    pieces: dict[str, list[str]] = {}
    for message_id, count in deltas.items():
        full = "".join(part["text"]["value"] for part in finals[message_id]["content"] if part["type"] == "text")
        placeholder = words(full, "Message text")
        pieces[message_id] = [
            placeholder[i * len(placeholder) // count : (i + 1) * len(placeholder) // count] for i in range(count)
        ]
    out = []
    for (name, data), event in zip(parsed, events, strict=True):
        if data is None:
            out.append(event)
            continue
        if name == "thread.message.delta":
            data = json.loads(json.dumps(data))
            for part in data["delta"]["content"]:
                if part.get("type") == "text" and "value" in part.get("text", {}):
                    part["text"]["value"] = pieces[data["id"]].pop(0)
        else:
            data = scrub(data, words)
        out.append({"event": name, "data": json.dumps(data, separators=(",", ":"), ensure_ascii=False)})
    return out


def scrubbed(recording: dict[str, Any]) -> dict[str, Any]:
    words = Placeholders()
    interactions = []
    for item in recording["interactions"]:
        item = dict(item)
        item["request"] = scrub(item["request"], words)
        if item.get("events") is not None:
            item["events"] = scrub_events(item["events"], words)
        else:
            item["response"] = scrub(item["response"], words)
        interactions.append(item)
    return {"source": recording["source"], "interactions": interactions}


def _url(item: dict[str, Any]) -> str:
    return f"{HOST}{item['path']}" + (f"?{item['query']}" if item["query"] else "")


def _request_headers(item: dict[str, Any]) -> dict[str, str]:
    headers = {"Accept": "application/json", "Authorization": "<redacted>"}
    if item["request"] is not None:
        headers["Content-Type"] = "application/json"
    if item["beta"]:
        headers["OpenAI-Beta"] = item["beta"]
    return headers


def _response_body(item: dict[str, Any]) -> tuple[str, bytes | str]:
    if item.get("events") is not None:
        text = "".join(f"event: {event['event']}\ndata: {event['data']}\n\n" for event in item["events"])
        return "text/event-stream; charset=utf-8", text
    body = json.dumps(item["response"], ensure_ascii=False).encode("utf-8")
    return item["content_type"], gzip.compress(body, mtime=0)


def _comment(source: dict[str, Any]) -> str:
    return (
        f"# Derived from real traffic: {source['repo']} {source['path']} at {source['commit']} (MIT),\n"
        "# recorded against the live Assistants API v2. Free text is replaced by placeholders;\n"
        "# written by tests/recordings/make_cassettes.py.\n"
    )


def vcrpy(recording: dict[str, Any]) -> str:
    interactions = []
    for item in recording["interactions"]:
        content_type, body = _response_body(item)
        headers = {"Content-Type": [content_type]}
        if isinstance(body, bytes):
            headers["Content-Encoding"] = ["gzip"]
        interactions.append(
            {
                "request": {
                    "body": None if item["request"] is None else json.dumps(item["request"], ensure_ascii=False),
                    "headers": {name: [value] for name, value in _request_headers(item).items()},
                    "method": item["method"],
                    "uri": _url(item),
                },
                "response": {
                    "body": {"string": body},
                    "headers": headers,
                    "status": {"code": item["status"], "message": "OK" if item["status"] == 200 else "Error"},
                },
            }
        )
    document = {"interactions": interactions, "version": 1}
    return _comment(recording["source"]) + yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=1000)


def vcrpy_old(recording: dict[str, Any]) -> str:
    """The layout of vcrpy before 1.0: a bare list, the request's URL in parts, raw response header lines."""
    interactions = []
    for item in recording["interactions"]:
        content_type, body = _response_body(item)
        lines = [f"Content-Type: {content_type}\r\n"] + (
            ["Content-Encoding: gzip\r\n"] if isinstance(body, bytes) else []
        )
        interactions.append(
            {
                "request": {
                    "body": None if item["request"] is None else json.dumps(item["request"], ensure_ascii=False),
                    "headers": _request_headers(item),
                    "host": "api.openai.com",
                    "method": item["method"],
                    "path": item["path"] + (f"?{item['query']}" if item["query"] else ""),
                    "port": 443,
                    "protocol": "https",
                },
                "response": {
                    "body": {"string": body},
                    "headers": lines,
                    "status": {"code": item["status"], "message": "OK"},
                },
            }
        )
    text = yaml.safe_dump(interactions, sort_keys=False, allow_unicode=True, width=1000)
    tagged = text.replace("- request:\n", "- request: !!python/object:vcr.request.Request\n")
    return _comment(recording["source"]) + tagged


def har(recording: dict[str, Any]) -> str:
    entries = []
    for item in recording["interactions"]:
        content_type, body = _response_body(item)
        if isinstance(body, bytes):  # HAR keeps the decoded text
            text, encoding = gzip.decompress(body).decode("utf-8"), None
        else:  # and may keep any body base64-encoded: the stream is, to exercise that path
            text, encoding = base64.b64encode(body.encode("utf-8")).decode("ascii"), "base64"
        request: dict[str, Any] = {
            "method": item["method"],
            "url": _url(item),
            "httpVersion": "HTTP/1.1",
            "headers": [{"name": k, "value": v} for k, v in _request_headers(item).items()],
            "queryString": [],
            "cookies": [],
            "headersSize": -1,
            "bodySize": -1,
        }
        if item["request"] is not None:
            request["postData"] = {
                "mimeType": "application/json",
                "text": json.dumps(item["request"], ensure_ascii=False),
            }
        content: dict[str, Any] = {"size": len(text), "mimeType": content_type, "text": text}
        if encoding:
            content["encoding"] = encoding
        entries.append(
            {
                "startedDateTime": "2025-10-30T22:00:00.000Z",
                "time": 0,
                "request": request,
                "response": {
                    "status": item["status"],
                    "statusText": "OK",
                    "httpVersion": "HTTP/1.1",
                    "headers": [
                        {"name": "Content-Type", "value": content_type},
                        {"name": "Content-Encoding", "value": "gzip"},
                    ],
                    "cookies": [],
                    "content": content,
                    "redirectURL": "",
                    "headersSize": -1,
                    "bodySize": -1,
                },
                "cache": {},
                "timings": {"send": 0, "wait": 0, "receive": 0},
            }
        )
    source = recording["source"]
    document = {
        "log": {
            "version": "1.2",
            "creator": {"name": "fake-assistants tests/recordings/make_cassettes.py", "version": "1"},
            "comment": f"Derived from real traffic: {source['repo']} {source['path']} at {source['commit']} (MIT); "
            "free text replaced by placeholders.",
            "entries": entries,
        }
    }
    return json.dumps(document, indent=1, ensure_ascii=False) + "\n"


def outputs(recordings: Path) -> dict[str, str]:
    """Every file this script writes, by name, from the recordings in ``recordings``."""
    files: dict[str, str] = {}
    for name, stem in CASSETTES.items():
        recording = scrubbed(json.loads((recordings / name).read_text(encoding="utf-8")))
        files[f"{stem}.yaml"] = vcrpy(recording)
        files[f"{stem}.har"] = har(recording)
        if stem == "function_tools":
            files[f"{stem}_old_layout.yaml"] = vcrpy_old(recording)
    return files


def main(argv: list[str]) -> int:
    recordings = Path(argv[0]) if argv else SHARED
    for name, text in outputs(recordings).items():
        (HERE / name).write_text(text, encoding="utf-8")
        print(f"wrote tests/recordings/{name}")
        if name == "function_tools.yaml":
            (EXAMPLES / EXAMPLE).write_text(text, encoding="utf-8")
            print(f"wrote fake_assistants/recordings/examples/{EXAMPLE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

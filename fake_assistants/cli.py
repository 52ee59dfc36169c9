"""``fake-assistants serve``: the emulator as an HTTP server, for code and tools outside this Python process.

Prints the base URL (``http://HOST:PORT/v1``) on stdout once the port is bound, then serves until SIGINT (Ctrl-C)
or SIGTERM, and exits 0.
"""

from __future__ import annotations

import argparse
import gc
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

from uvicorn.config import LOGGING_CONFIG

from .emulator import FakeAssistants
from .runs.lifecycle import PROGRESSIONS
from .script.files import ScriptFileError
from .server import ThreadedServer
from .snapshot import SnapshotError

GC_YOUNG_THRESHOLD = 20_000


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fake-assistants", description="An offline, deterministic emulator of the OpenAI Assistants API v2."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    serve = commands.add_parser("serve", help="serve the API over HTTP until Ctrl-C")
    serve.add_argument("--host", default="127.0.0.1", help="the address to bind (default: 127.0.0.1, loopback only)")
    serve.add_argument("--port", type=int, default=8000, help="the port (default: 8000; 0 picks a free one)")
    serve.add_argument("--seed", type=int, default=0, help="seeds every id stream (default: 0)")
    serve.add_argument(
        "--progression", choices=PROGRESSIONS, default="per_read", help="when runs move (default: per_read)"
    )
    serve.add_argument(
        "--api-key",
        action="append",
        dest="api_keys",
        metavar="KEY",
        help="accept only this key (repeat the option to accept several); by default any key is accepted",
    )
    serve.add_argument(
        "--isolate-keys", action="store_true", help="objects made with one key are invisible to every other key"
    )
    serve.add_argument(
        "--script", metavar="FILE", help="queue the turns of this YAML or JSON script file (see docs/server.md)"
    )
    serve.add_argument(
        "--state",
        metavar="FILE",
        help="load the emulator's state from FILE if it exists, and write it back there (atomically) on shutdown",
    )
    serve.add_argument("--log-level", default="warning", help="uvicorn's log level (default: warning)")
    serve.add_argument("--access-log", action="store_true", help="log every request on stderr")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.port < 0 or args.port > 65535:
        print(f"fake-assistants: --port must be 0-65535, not {args.port}", file=sys.stderr)
        return 2
    return serve(args)


def serve(args: argparse.Namespace) -> int:
    try:
        fake = _emulator(args)
    except (ScriptFileError, SnapshotError, OSError, ValueError) as error:
        print(f"fake-assistants: {error}", file=sys.stderr)
        return 2
    if args.api_keys:
        fake.require_api_key(*args.api_keys)
    fake.isolate_keys(args.isolate_keys)
    _tune_gc()

    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    logging = _stderr_logging()
    server = ThreadedServer(
        fake, args.host, args.port, log_level=args.log_level, access_log=args.access_log, log_config=logging
    )
    try:
        try:
            url = server.start()
        except RuntimeError as error:
            print(f"fake-assistants: {error}", file=sys.stderr)
            return 1
        print(url, flush=True)
        print(f"fake-assistants: serving {fake!r} at {url} (Ctrl-C to stop)", file=sys.stderr, flush=True)
        while not stop.wait(0.2):
            if not server.running:
                print("fake-assistants: the server stopped", file=sys.stderr)
                return 1
        return 0
    finally:
        server.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if args.state:
            fake.save_state(args.state)
            print(f"fake-assistants: state saved to {args.state}", file=sys.stderr, flush=True)


def _tune_gc() -> None:
    """A server process: what is loaded so far stays (the cyclic collector need not walk it again), and the
    youngest generation is collected less often (each request leaves short-lived garbage that refcounting frees)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(GC_YOUNG_THRESHOLD, *gc.get_threshold()[1:])


def _emulator(args: argparse.Namespace) -> FakeAssistants:
    if args.state and Path(args.state).exists():
        fake = FakeAssistants.load_state(args.state, progression=args.progression)
    else:
        fake = FakeAssistants(seed=args.seed, progression=args.progression)
    if args.script:
        fake.script.load(args.script)
    return fake


def _stderr_logging() -> dict[str, object]:
    """uvicorn's logging setup, with the access log on stderr: stdout carries the URL and nothing else."""
    config: dict[str, object] = {**LOGGING_CONFIG, "handlers": {**LOGGING_CONFIG["handlers"]}}
    handlers = config["handlers"]
    assert isinstance(handlers, dict)
    handlers["access"] = {**handlers["access"], "stream": "ext://sys.stderr"}
    return config


if __name__ == "__main__":
    raise SystemExit(main())

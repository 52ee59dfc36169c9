"""The ``fake-assistants`` command (also ``python -m fake_assistants``).

``fake-assistants serve`` runs the emulator as an HTTP server, for code and tools outside this Python process. It
prints the base URL (``http://HOST:PORT/v1``) on stdout once the port is bound, then serves until SIGINT (Ctrl-C)
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
from typing import TYPE_CHECKING, Any

from uvicorn.config import LOGGING_CONFIG

from . import __version__
from .backend.snapshot import SnapshotError
from .chat import ChatModel
from .control.access import WILDCARD_HOSTS, bind_check
from .emulator import FakeAssistants
from .script.files import ScriptFileError
from .server import ThreadedServer
from .server.limits import MAX_CONNECTIONS
from .server.state_file import DEFAULT_INTERVAL, StateFile, StateFileError
from .settings import PROGRESSIONS
from .world import WorldError

if TYPE_CHECKING:
    from .recordings import Recording

GC_YOUNG_THRESHOLD = 20_000
LOG_LEVELS = ("critical", "error", "warning", "info", "debug", "trace")  # uvicorn's


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fake-assistants", description="An offline, deterministic emulator of the OpenAI Assistants API v2."
    )
    parser.add_argument("--version", action="version", version=f"fake-assistants {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("demo", help="run the quickstart against an in-process emulator and print what it did")
    conform = commands.add_parser(
        "conform", help="replay recordings of the real API and print every place the emulator answers differently"
    )
    conform.add_argument("recordings", nargs="+", metavar="CASSETTE", help="vcrpy/VCR YAML, HAR or shared JSON")
    conform.add_argument("--json", action="store_true", help="print one JSON report (for CI) instead of text")
    conform.add_argument(
        "--strict", action="store_true", help="count keys the API added after the recording as differences too"
    )
    imports = commands.add_parser(
        "import", help="turn a recording (vcrpy/VCR cassette, HAR, shared JSON) into a script file"
    )
    imports.add_argument("recording", metavar="CASSETTE", help="the recording to read")
    imports.add_argument("-o", "--output", metavar="FILE", help="write the script here (default: standard output)")
    imports.add_argument(
        "--world",
        metavar="FILE",
        help="also write the world the recording needs: the objects it uses but never creates (see docs/world.md)",
    )
    _world_commands(commands)
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
        "--control-token",
        metavar="TOKEN",
        help="the credential the control API (/__fake__/) requires, as 'Authorization: Bearer TOKEN'",
    )
    serve.add_argument(
        "--allow-host",
        action="append",
        dest="allow_hosts",
        default=[],
        metavar="NAME",
        help="a host name the control API answers to besides loopback ones (repeat for several)",
    )
    serve.add_argument(
        "--allow-remote",
        action="store_true",
        help="serve on a non-loopback address even without --api-key or --control-token (prints a warning)",
    )
    serve.add_argument(
        "--max-connections",
        type=int,
        default=MAX_CONNECTIONS,
        help=f"connections served at once; past it, a 503 (default: {MAX_CONNECTIONS})",
    )
    serve.add_argument(
        "--script", metavar="FILE", help="queue the turns of this YAML or JSON script file (see docs/server.md)"
    )
    serve.add_argument(
        "--world",
        metavar="FILE",
        help="start with the objects this world file declares (YAML or JSON, see docs/world.md); with --state, "
        "only when the state file does not exist yet",
    )
    serve.add_argument(
        "--state",
        metavar="FILE",
        help="load the emulator's state from FILE if it exists, and write it back there (atomically) every "
        "--save-every seconds and on shutdown; the server refuses to start if it cannot write FILE",
    )
    serve.add_argument(
        "--save-every",
        type=float,
        default=DEFAULT_INTERVAL,
        metavar="SECONDS",
        help="with --state, seconds between two writes while serving; 0: only on shutdown "
        f"(default: {DEFAULT_INTERVAL:g})",
    )
    serve.add_argument(
        "--shapes",
        choices=("wire", "spec"),
        default="wire",
        help="response shapes: the real API's recorded ones (default) or the spec's, for strict clients",
    )
    _model_options(serve)
    serve.add_argument(
        "--log-level",
        choices=LOG_LEVELS,
        default="warning",
        metavar="LEVEL",
        help=f"the server's log level: {', '.join(LOG_LEVELS)} (default: warning)",
    )
    serve.add_argument("--access-log", action="store_true", help="log every request on stderr")
    return parser


def _model_options(serve: argparse.ArgumentParser) -> None:
    """``serve``'s options for a chat model that answers the runs no scripted turn serves (docs/models.md)."""
    model = serve.add_argument_group("a chat model answers the runs (docs/models.md)")
    model.add_argument("--model-url", metavar="URL", help="a Chat Completions endpoint, e.g. http://127.0.0.1:11434/v1")
    model.add_argument("--model", metavar="NAME", help="the model to ask (default: each run's own model)")
    model.add_argument(
        "--model-key-env", metavar="VAR", help="the environment variable that holds the endpoint's API key"
    )
    model.add_argument("--model-timeout", type=float, default=60.0, help="seconds the model may stay silent")
    model.add_argument("--model-temperature", type=float, help="the temperature of every request")
    model.add_argument("--model-seed", type=int, help="the seed of every request")
    model.add_argument("--record", metavar="FILE", help="record the model's turns in FILE, and replay them")
    model.add_argument(
        "--record-mode",
        choices=("none", "once", "new_episodes", "all"),
        default="once",
        help="vcrpy's modes: none replays only; once (default) records when FILE does not exist yet",
    )


def model_config(args: argparse.Namespace) -> dict[str, object] | None:
    """The ``ChatModel`` options ``serve``'s arguments give, or None when they name no model and no recording."""
    if args.model_url is None and args.record is None:
        return None
    options = {
        "base_url": args.model_url,
        "model": args.model,
        "api_key_env": args.model_key_env,
        "timeout": args.model_timeout,
        "temperature": args.model_temperature,
        "seed": args.model_seed,
        "record": args.record,
        "record_mode": args.record_mode,
    }
    return {name: value for name, value in options.items() if value is not None}


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    if not (sys.argv[1:] if argv is None else argv):  # no command: what the program can do, not an error
        parser.print_help()
        return 0
    args = parser.parse_args(argv)
    if args.command == "demo":
        from .demo import main as demo
        from .transports.sdk import MissingOpenAIError

        try:
            demo()
        except MissingOpenAIError as error:
            print(f"fake-assistants: {error}", file=sys.stderr)
            return 2
        return 0
    if args.command == "import":
        return import_recording(args.recording, args.output, world=args.world)
    if args.command == "world":
        return world_command(args)
    if args.command == "conform":
        return conform(args.recordings, as_json=args.json, strict=args.strict)
    if args.port < 0 or args.port > 65535:
        print(f"fake-assistants: --port must be 0-65535, not {args.port}", file=sys.stderr)
        return 2
    if args.save_every < 0:
        print(f"fake-assistants: --save-every must be 0 or more seconds, not {args.save_every:g}", file=sys.stderr)
        return 2
    if args.max_connections < 1:
        print(f"fake-assistants: --max-connections must be 1 or more, not {args.max_connections}", file=sys.stderr)
        return 2
    return serve(args)


def serve(args: argparse.Namespace) -> int:
    credential = bool(args.api_keys or args.control_token)
    refused, warning = bind_check(args.host, credential=credential, allow_remote=args.allow_remote)
    if refused:
        print(f"fake-assistants: {refused}", file=sys.stderr)
        return 2
    if warning:
        print(f"fake-assistants: {warning}", file=sys.stderr, flush=True)
    state = StateFile(args.state, args.save_every) if args.state else None
    try:
        if state is not None:
            state.check()
        fake = _emulator(args)
    except (ScriptFileError, SnapshotError, StateFileError, WorldError, OSError, ValueError) as error:
        print(f"fake-assistants: {error}", file=sys.stderr)
        return 2
    if args.api_keys:
        fake.require_api_key(*args.api_keys)
    fake.isolate_keys(args.isolate_keys)
    hosts = [*args.allow_hosts, *([] if args.host in WILDCARD_HOSTS else [args.host])]
    fake.protect_control(token=args.control_token, hosts=hosts)
    _tune_gc()

    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    logging = _stderr_logging()
    server = ThreadedServer(
        fake,
        args.host,
        args.port,
        log_level=args.log_level,
        access_log=args.access_log,
        log_config=logging,
        max_connections=args.max_connections,
    )
    try:
        try:
            url = server.start()
        except RuntimeError as error:
            print(f"fake-assistants: {error}", file=sys.stderr)
            return 1
        print(url, flush=True)
        print(f"fake-assistants: serving {fake!r} at {url} (Ctrl-C to stop)", file=sys.stderr, flush=True)
        print(f"fake-assistants: inspector at {server.inspector_url}", file=sys.stderr, flush=True)
        while not stop.wait(0.2):
            if not server.running:
                print("fake-assistants: the server stopped", file=sys.stderr)
                return 1
            if state is not None and state.due():
                _write_state(fake, state)
        return 0
    finally:
        server.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if state is not None and _write_state(fake, state):
            print(f"fake-assistants: state saved to {state.path}", file=sys.stderr, flush=True)


def _write_state(fake: FakeAssistants, state: StateFile) -> bool:
    """Write the state file; a failure is one line on stderr (the server goes on, and tries again later)."""
    try:
        state.write(fake)
    except StateFileError as error:
        print(f"fake-assistants: {error}", file=sys.stderr, flush=True)
        return False
    return True


def conform(sources: Sequence[str], *, as_json: bool, strict: bool = False) -> int:
    """Exit 0 when every recording conforms (notes allowed), 1 when one differs, 2 when one cannot be read."""
    from .conformance.command import conform as run

    return run(sources, as_json=as_json, strict=strict)


def import_recording(source: str, output: str | None, *, world: str | None = None) -> int:
    from .recordings import RecordingError, read_recording
    from .recordings.importer import import_recording as to_script

    try:
        recording = read_recording(source)
        imported = to_script(recording)
    except RecordingError as error:
        print(f"fake-assistants import: {error}", file=sys.stderr)
        return 2
    if world is not None and _write_world(recording, source, world) != 0:
        return 2
    text = imported.to_yaml(source=Path(source).name)
    if output is None:
        sys.stdout.write(text)
    else:
        try:
            Path(output).write_text(text, encoding="utf-8")
        except OSError as error:
            print(f"fake-assistants import: cannot write {output}: {error}", file=sys.stderr)
            return 2
        turns = len(imported.document["turns"])
        print(f"fake-assistants import: {turns} turn(s) from {source} written to {output}", file=sys.stderr)
    for note in imported.notes:
        print(f"fake-assistants import: not imported: {note}", file=sys.stderr)
    return 0


# --- world files ---------------------------------------------------------------------------------------------------


def _world_commands(commands: Any) -> None:
    world = commands.add_parser("world", help="world files: the objects a test expects to exist (docs/world.md)")
    actions = world.add_subparsers(dest="world_command", required=True, metavar="ACTION")
    check = actions.add_parser("check", help="check a world file and print what it declares")
    check.add_argument("file", metavar="FILE", help="the world file (YAML or JSON)")
    from_state = actions.add_parser("from-state", help="write the world a state file (serve --state) holds")
    from_state.add_argument("state", metavar="STATE", help="a state file, or a snapshot saved as JSON")
    from_state.add_argument("-o", "--output", metavar="FILE", help="write the world here (default: standard output)")


def world_command(args: argparse.Namespace) -> int:
    """``world check`` exits 0 for a world that loads, 2 (one line on stderr) for one that does not."""
    from .world import read_world

    if args.world_command == "check":
        try:
            world = read_world(args.file)
            FakeAssistants().load_world(args.file)  # what only loading shows: sizes, the API's own checks
        except WorldError as error:
            print(f"fake-assistants world: {error}", file=sys.stderr)
            return 2
        for section, ids in world.summary().items():
            if ids:
                shown = ", ".join(object_id or "(a seeded id)" for object_id in ids)
                print(f"{section} ({len(ids)}): {shown}")
        print(f"{args.file}: a valid world")
        return 0
    return _world_from_state(args.state, args.output)


def _world_from_state(state: str, output: str | None) -> int:
    from .world.export import dump_world, world_from_snapshot

    try:
        fake = FakeAssistants.load_state(state)
    except (SnapshotError, OSError, ValueError) as error:
        print(f"fake-assistants world: {state}: not a state file: {' '.join(str(error).split())}", file=sys.stderr)
        return 2
    exported = world_from_snapshot(fake.snapshot())
    header = [f"A world written by `fake-assistants world from-state {Path(state).name}`."]
    header += [f"Not kept: {note}" for note in exported.notes]
    return _write(dump_world(exported.document, header), output, "world")


def _write_world(recording: Recording, source: str, output: str) -> int:
    from .world.export import dump_world
    from .world.infer import infer_world

    inferred = infer_world(recording)
    header = [f"The world {Path(source).name} needs: the objects it uses but never creates."]
    header += [f"Written by `fake-assistants import --world`. Not known: {note}" for note in inferred.notes]
    return _write(dump_world(inferred.document, header), output, "import")


def _write(text: str, output: str | None, command: str) -> int:
    if output is None:
        sys.stdout.write(text)
        return 0
    try:
        Path(output).write_text(text, encoding="utf-8")
    except OSError as error:
        print(f"fake-assistants {command}: cannot write {output}: {error}", file=sys.stderr)
        return 2
    print(f"fake-assistants {command}: world written to {output}", file=sys.stderr)
    return 0


def _tune_gc() -> None:
    """A server process: what is loaded so far stays (the cyclic collector need not walk it again), and the
    youngest generation is collected less often (each request leaves short-lived garbage that refcounting frees)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(GC_YOUNG_THRESHOLD, *gc.get_threshold()[1:])


def _emulator(args: argparse.Namespace) -> FakeAssistants:
    if args.state and Path(args.state).exists():
        fake = FakeAssistants.load_state(args.state, progression=args.progression, shapes=args.shapes)
    else:
        fake = FakeAssistants(seed=args.seed, progression=args.progression, shapes=args.shapes)
    if args.script:
        fake.script.load(args.script)
    if args.world and not (args.state and Path(args.state).exists()):  # a saved state holds its world already
        fake.load_world(args.world)
    model = model_config(args)
    if model is not None:
        fake.script.respond_with(ChatModel.from_config(model))
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

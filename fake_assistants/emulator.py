"""``FakeAssistants``: one emulator, owning its state, script and clock, with clients wired to it."""

from __future__ import annotations

import os
import tempfile
import threading
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from . import jsoncodec
from .api.contract_check import ValidatingRouter
from .api.router import Router
from .api.spec_shapes import SpecShapesRouter
from .api.wire import ApiRequest, ApiResponse, Handles
from .backend import snapshot as snapshots
from .backend.models import Run
from .backend.state import Backend
from .backend.vector_stores import advance_vector_store_item
from .chat import ChatModel
from .clock import MICROSECONDS, Clock, Duration, ManualClock, OffsetClock, SystemClock, check_advance, to_microseconds
from .contract import Contract
from .contract.wire import wire_contract
from .control.access import ControlAccess
from .control.handler import ControlApi
from .control.host import ControlParts
from .control.inspector.history import RequestHistory
from .frontdoor.azure import DEFAULT_API_VERSION as AZURE_API_VERSION
from .frontdoor.door import FrontDoor, LoggedRequest
from .frontdoor.faults import FaultSet
from .frontdoor.ratelimits import RateLimits
from .frontdoor.requestlog import RequestLog
from .runs import engine
from .script import Script
from .settings import (
    DEFAULT_KEEP_REQUEST_BYTES,
    DEFAULT_KEEP_REQUESTS,
    DEFAULT_MAX_UPLOAD_BYTES,
    Progression,
    Settings,
    check_progression,
)
from .transports.inprocess import make_transport, sdk_http_module
from .transports.sdk import require_openai

if TYPE_CHECKING:
    import openai

    from .world import WorldSource

BASE_URL = "http://fake-assistants.invalid/v1"
"""The base URL in-process clients use. The ``.invalid`` top-level domain never resolves."""
AZURE_ENDPOINT = "https://fake-assistants.invalid"
"""The ``azure_endpoint`` of in-process Azure clients."""

DEFAULT_API_KEY = "sk-fake-assistants"
VALIDATE_ENV = "FAKE_ASSISTANTS_VALIDATE_RESPONSES"


class FakeAssistants:
    """An in-memory, deterministic emulator of the OpenAI Assistants API v2.

    Args:
        seed: seeds every id stream; the same seed and the same calls give the same JSON.
        clock: where "now" comes from. The default follows ``time.time()`` (freezegun, time-machine).
        progression: when runs move: ``"per_read"`` (default), ``"immediate"``, ``"by_clock"`` or ``"manual"``
            (see :data:`fake_assistants.settings.PROGRESSIONS`). ``fake.set_progression`` sets it per run.
        seconds_per_status: under ``"by_clock"``, how long a run stays in each status.
        strict: a run that no scripted turn or responder serves is a script error, not the default reply.
        stream_chunk_tokens: how many tokens each streamed text delta carries (``tokens.pieces``).
        poll_after_ms: the ``openai-poll-after-ms`` header on run responses (``0``: the SDK never sleeps).
        validate_responses: hold every response to the real API's contract as it is produced; a response that
            breaks it becomes a 500 naming the operation and the field (see ``fake.contract_violations``). The
            contract ships with the package (``$FAKE_ASSISTANTS_SPEC`` overrides it). ``None`` (default): on if
            ``$FAKE_ASSISTANTS_VALIDATE_RESPONSES`` is ``1``.
        max_upload_bytes: the largest file ``files.create`` accepts (default 512 MB, as the real API); a larger
            one is a 413.
        shapes: ``"wire"`` (default): responses in the real API's recorded shapes, held to the spec with the
            deviation table laid over it (``docs/fidelity.md``). ``"spec"``: in the OpenAPI spec's shapes, for
            clients that validate strictly (``_strict_response_validation=True``), held to the spec.
        world: objects that exist before the test starts, declared by id: a world file (YAML or JSON) or a dict
            (see ``docs/world.md`` and :meth:`load_world`).
        keep_requests: how many of the newest requests :attr:`request_log` keeps (default 10 000; the inspector's
            history keeps at most its own 500 of them). ``None``: keep every request, for a test that asserts on
            the whole log of a long session.
        keep_request_bytes: with ``keep_requests``, the log also keeps at most about this many bytes (default
            8 MiB), the oldest requests going first.
    """

    def __init__(
        self,
        *,
        seed: int = 0,
        clock: Clock | None = None,
        progression: Progression = "per_read",
        seconds_per_status: int = 1,
        strict: bool = False,
        stream_chunk_tokens: int = 4,
        poll_after_ms: int = 0,
        validate_responses: bool | None = None,
        max_upload_bytes: int | None = None,
        shapes: str = "wire",
        world: WorldSource | None = None,
        keep_requests: int | None = DEFAULT_KEEP_REQUESTS,
        keep_request_bytes: int = DEFAULT_KEEP_REQUEST_BYTES,
    ) -> None:
        if validate_responses is None:
            validate_responses = os.environ.get(VALIDATE_ENV, "") in ("1", "true")
        settings = Settings(  # checks every value, once
            seed=seed,
            progression=progression,
            seconds_per_status=seconds_per_status,
            strict=strict,
            stream_chunk_tokens=stream_chunk_tokens,
            poll_after_ms=poll_after_ms,
            validate_responses=validate_responses,
            max_upload_bytes=DEFAULT_MAX_UPLOAD_BYTES if max_upload_bytes is None else max_upload_bytes,
            shapes=shapes,
            keep_requests=keep_requests,
            keep_request_bytes=keep_request_bytes,
        )
        self._backend = Backend(settings, clock or SystemClock())
        self._api = Router(self._backend)
        self._validator: ValidatingRouter | None = None
        checked: Handles = self._api
        if settings.shapes == "spec":
            checked = SpecShapesRouter(self._api, lambda: self._api.backend)
        if settings.validate_responses:
            checked = self._validator = ValidatingRouter(checked, wire_contract(Contract.load(), settings.shapes))
        self._control_access = ControlAccess()
        self._history = history = RequestHistory(keep_requests)  # what the inspector shows of each request
        control = ControlApi(self, ControlParts(self._control_access, self._api.auth, history, lambda: self._backend))
        faults = FaultSet(seed, lambda: self.clock, self.advance_clock)
        # what every transport calls: the control API, the request log, faults, then the API
        log = RequestLog(keep_requests, None if keep_requests is None else keep_request_bytes)
        self._front_door = FrontDoor(checked, control=control, faults=faults, history=history, now=self._now, log=log)
        self._backend.script.fault_sink = faults.add_from  # a script file's ``faults:``
        self._backend.script.model_sink = self._model_from_script  # a script file's ``model:``
        if world is not None:
            self.load_world(world)

    def _now(self) -> int:
        return self._backend.clock.now()

    def _model_from_script(self, config: dict[str, Any], relative_to: Path | None) -> None:
        """A script file's ``model:``: runs no queued turn serves ask that chat model (``docs/models.md``)."""
        self.script.respond_with(ChatModel.from_config(config, relative_to=relative_to))

    def __repr__(self) -> str:
        b = self._backend
        return f"FakeAssistants(seed={b.settings.seed}, clock={b.clock!r}, progression={b.settings.progression!r})"

    # --- configuration ------------------------------------------------------------------------------------

    @property
    def seed(self) -> int:
        return self._backend.settings.seed

    @property
    def settings(self) -> Settings:
        """What this emulator was told (frozen; ``progression`` follows ``fake.progression``)."""
        return self._backend.settings

    @property
    def clock(self) -> Clock:
        return self._backend.clock

    @property
    def progression(self) -> Progression:
        """The progression policy of every run that has none of its own. Settable."""
        return self._backend.settings.progression

    @progression.setter
    def progression(self, value: Progression) -> None:
        backend = self._backend
        backend.settings = replace(backend.settings, progression=value)

    def set_progression(self, run_id: str, progression: Progression | None) -> None:
        """Give one run its own progression policy (``None``: follow the emulator's again)."""
        if progression is not None:
            check_progression(progression)
        with self._backend.lock:
            self._run(run_id).progression = progression

    @property
    def shapes(self) -> str:
        """``"wire"`` (the real API's recorded shapes) or ``"spec"``, as given to the constructor."""
        return self._backend.settings.shapes

    @property
    def contract_violations(self) -> tuple[str, ...]:
        """With ``validate_responses``, every response that broke the contract (empty when it is off)."""
        return tuple(self._validator.violations) if self._validator else ()

    @property
    def script(self) -> Script:
        """The scripted response engine: ``fake.script.reply("...")`` queues the next run's reply."""
        return self._backend.script

    @property
    def unscripted_runs(self) -> tuple[str, ...]:
        """The runs that played the default reply (no scripted turn or responder served them), oldest first. The
        pytest plugin names them in a warning, and ``check_script=True`` fails the test on them."""
        with self._backend.lock:
            scripted = {entry.run_id for entry in self._backend.script.consumed}
            return tuple(
                run.id
                for run in self._backend.runs.values()
                if run.turn is not None and run.responder is None and run.id not in scripted
            )

    # --- clients and transports ---------------------------------------------------------------------------

    def transport(self, http: ModuleType | None = None) -> Any:
        """A transport serving this emulator, for ``httpx2.Client(transport=...)`` or ``httpx.Client``.

        The same object works with the async clients. ``http`` picks the library (default: the installed
        SDK's: ``httpx2`` for openai 3.x, ``httpx`` for 2.x).
        """
        return make_transport(self._front_door, http)

    def client(self, **kwargs: Any) -> openai.OpenAI:
        """An ``openai.OpenAI`` wired to this emulator in-process.

        Keywords go to the client unchanged. ``_strict_response_validation`` defaults to ``True`` under
        ``shapes="spec"`` (the SDK then checks every response against its models) and to ``False`` under the
        default real shapes, which the SDK's strict models reject as they rejected the real API's (a REST message
        has no ``status``). ``api_key`` and ``base_url`` have harmless defaults.
        """
        require_openai("fake.client()")
        import openai

        return openai.OpenAI(**self._client_kwargs(kwargs, asynchronous=False))

    def async_client(self, **kwargs: Any) -> openai.AsyncOpenAI:
        """An ``openai.AsyncOpenAI`` wired to this emulator in-process."""
        require_openai("fake.async_client()")
        import openai

        return openai.AsyncOpenAI(**self._client_kwargs(kwargs, asynchronous=True))

    def azure_client(self, *, api_version: str = AZURE_API_VERSION, **kwargs: Any) -> openai.AzureOpenAI:
        """An ``openai.AzureOpenAI`` wired to this emulator in-process, through the Azure front door
        (``/openai/...?api-version=...`` with an ``api-key`` header). See ``docs/azure.md``."""
        require_openai("fake.azure_client()")
        import openai

        return openai.AzureOpenAI(**self._azure_kwargs(kwargs, api_version, asynchronous=False))

    def async_azure_client(self, *, api_version: str = AZURE_API_VERSION, **kwargs: Any) -> openai.AsyncAzureOpenAI:
        """An ``openai.AsyncAzureOpenAI`` wired to this emulator in-process."""
        require_openai("fake.async_azure_client()")
        import openai

        return openai.AsyncAzureOpenAI(**self._azure_kwargs(kwargs, api_version, asynchronous=True))

    def _azure_kwargs(self, kwargs: dict[str, Any], api_version: str, *, asynchronous: bool) -> dict[str, Any]:
        kwargs["api_version"] = api_version
        base_url = kwargs.get("base_url")
        if base_url is None:
            kwargs.setdefault("azure_endpoint", AZURE_ENDPOINT)
        return self._client_kwargs(kwargs, asynchronous=asynchronous, base_url=base_url)

    def _client_kwargs(
        self, kwargs: dict[str, Any], *, asynchronous: bool, base_url: str | None = BASE_URL
    ) -> dict[str, Any]:
        if "http_client" in kwargs:
            raise TypeError(
                "fake.client() builds its own http_client; to bring your own, pass "
                "transport=fake.transport() to it and build the OpenAI client yourself"
            )
        http = sdk_http_module()
        client_class = http.AsyncClient if asynchronous else http.Client
        kwargs.setdefault("api_key", DEFAULT_API_KEY)
        kwargs.setdefault("_strict_response_validation", self._backend.settings.shapes == "spec")
        if base_url is not None:
            kwargs.setdefault("base_url", base_url)
        kwargs["http_client"] = client_class(transport=self.transport(http))
        return kwargs

    def handle(self, request: ApiRequest) -> ApiResponse:
        """Serve one request directly, without any HTTP library."""
        return self._front_door.handle(request)

    @property
    def lock(self) -> threading.RLock:
        """The lock every request holds while it reads or changes the state (the server uses it to serve a request
        on its event loop when nobody holds it)."""
        return self._backend.lock

    # --- test controls ------------------------------------------------------------------------------------

    def advance(self, object_id: str) -> str:
        """Move a run one status forward, whatever the progression policy; or the in-progress files of a vector
        store, a file batch or a vector store file (by the file's id). Returns the object's new status."""
        backend = self._backend
        with backend.lock:
            if not object_id.startswith("run_"):
                return advance_vector_store_item(backend, object_id, backend.clock.now())
            run = self._run(object_id)
            engine.step(backend, run, backend.clock.now())
            return run.status

    def run_status(self, run_id: str) -> str:
        """A run's status now, without moving it (``KeyError`` for a run this emulator does not hold)."""
        return self._run(run_id).status

    def _run(self, run_id: str) -> Run:
        run = self._backend.runs.get(run_id)
        if run is None:
            raise KeyError(f"no run {run_id!r} in this emulator")
        return run

    def advance_clock(self, seconds: Duration) -> int:
        """Move the emulator's clock forward (a ``ManualClock`` directly; any other clock gets an offset) by
        ``seconds``: an int, a float or a ``timedelta``. The API counts whole seconds: fractions add up, and "now"
        is rounded down (see ``fake_assistants.clock``). Returns the new "now"."""
        micros = to_microseconds(seconds)
        with self._backend.lock:
            clock = self._backend.clock
            check_advance(clock.now(), -(-micros // MICROSECONDS))  # whole seconds, rounded up: never past LATEST
            if isinstance(clock, ManualClock):
                return clock.advance(timedelta(microseconds=micros))
            self._backend.clock = OffsetClock(clock, timedelta(microseconds=micros))
            return self._backend.clock.now()

    def reset(self, *, seed: int | None = None) -> None:
        """Forget every object, scripted turn and fault, and start the id streams over (with ``seed``, a new
        seed). The clock, the policies (rate limits too, with a fresh window), accepted API keys and key isolation
        stay."""
        with self._backend.lock:
            old = self._backend
            settings = replace(old.settings, strict=old.script.strict)  # a script file may have set strict
            fresh = Backend(settings if seed is None else replace(settings, seed=seed), old.clock)
            fresh.lock = old.lock  # requests in flight keep the same lock
            fresh.script.fault_sink = old.script.fault_sink
            fresh.script.model_sink = old.script.model_sink
            self._backend = self._api.backend = fresh
            door = self._front_door
            door.log.clear()
            self._history.clear()
            door.faults.reseed(fresh.settings.seed)
            if door.limits is not None:
                door.limits.reset()

    @property
    def faults(self) -> FaultSet:
        """Faults on demand: ``fake.faults.rate_limit(operation="createRun", times=2)`` and the other kinds of
        :class:`~fake_assistants.frontdoor.faults.FaultSet`. See ``docs/faults.md``."""
        return self._front_door.faults

    def rate_limits(
        self, *, requests_per_minute: int | None = None, tokens_per_minute: int | None = None
    ) -> RateLimits | None:
        """Enforce requests and tokens per minute on the emulator's clock (both ``None``: no limits again).
        Every response then carries the real ``x-ratelimit-*`` headers; a request over a limit gets the real 429
        with ``retry-after-ms`` (the time until the window resets) and changes no state. See ``docs/faults.md``."""
        limits = None
        if requests_per_minute is not None or tokens_per_minute is not None:
            limits = RateLimits(
                lambda: self.clock, requests_per_minute=requests_per_minute, tokens_per_minute=tokens_per_minute
            )
        self._front_door.limits = limits
        return limits

    @property
    def request_log(self) -> tuple[LoggedRequest, ...]:
        """The API requests served so far (method, path, status, request id, fault), oldest first: the newest
        ``keep_requests`` of them (all of them with ``FakeAssistants(keep_requests=None)``)."""
        return self._front_door.logged()

    # --- worlds --------------------------------------------------------------------------------------------

    def load_world(self, world: WorldSource) -> dict[str, list[str]]:
        """Add the objects a world declares (a world file's path, or a dict in the same form) to the current state,
        with the ids it gives them; all of them, or (``WorldError``, naming the file, the line and the id) none.
        Returns the ids of what was made, by section. See ``docs/world.md``."""
        from .world import read_world
        from .world.apply import load

        return load(self._backend, read_world(world))

    # --- snapshots ----------------------------------------------------------------------------------------

    def snapshot(self) -> dict[str, Any]:
        """The whole state as one JSON-ready document (see ``fake_assistants.backend.snapshot``)."""
        with self._backend.lock:
            return snapshots.snapshot(self._backend)

    @classmethod
    def restore(cls, document: dict[str, Any], **kwargs: Any) -> FakeAssistants:
        """A new emulator holding a snapshot's state (keywords as for the constructor; the seed is the snapshot's)."""
        if not isinstance(document, dict) or "seed" not in document:
            raise snapshots.SnapshotError("not a fake_assistants snapshot (no 'format': 'fake_assistants.snapshot')")
        fake = cls(seed=document["seed"], **kwargs)
        with fake._backend.lock:
            snapshots.restore(fake._backend, document)
        return fake

    def save_state(self, path: str | Path) -> None:
        """Write the state to ``path`` atomically: to a temporary file beside it, then renamed over it. The file is
        the snapshot with its messages packed as rows, encoded by ``orjson`` when installed (``jsoncodec``)."""
        target = Path(path)
        with self._backend.lock, snapshots.gc_paused():
            document = jsoncodec.dumps(snapshots.packed(self._backend))
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent or ".")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(document)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    @classmethod
    def load_state(cls, path: str | Path, **kwargs: Any) -> FakeAssistants:
        """A new emulator from a state file written by :meth:`save_state` (or a snapshot saved as JSON)."""
        with snapshots.gc_paused():  # the whole load: the collector would walk the young objects again and again
            try:
                document = jsoncodec.loads(Path(path).read_bytes())
            except ValueError as error:  # json.JSONDecodeError and orjson's are ValueErrors
                raise snapshots.SnapshotError(f"{path}: not a JSON state file ({error})") from None
            try:
                return cls.restore(document, **kwargs)
            except snapshots.SnapshotError as error:
                raise snapshots.SnapshotError(f"{path}: {error}") from None

    # --- server mode, API keys and patch mode -------------------------------------------------------------

    if TYPE_CHECKING:  # for the annotations below; the methods import these when called
        from .api.auth import Auth
        from .patching import Patch
        from .server import ThreadedServer

    def serve(self, host: str = "127.0.0.1", port: int = 0) -> ThreadedServer:
        """This emulator over real HTTP, from a background thread: ``with fake.serve() as url:`` gives
        ``http://127.0.0.1:PORT/v1`` for any client (``port=0``: a free port). The server shares this emulator's
        state and script, and stops when the block ends. See ``docs/server.md``.
        """
        from .server import ThreadedServer

        return ThreadedServer(self, host, port)

    def patch(self) -> Patch:
        """``with fake.patch():`` wires every ``openai.OpenAI()`` and ``openai.AsyncOpenAI()`` built inside the
        block (with no arguments, deep in the code under test, without ``$OPENAI_API_KEY``) to this emulator
        in-process; a request to any other host raises ``fake_assistants.patching.OutsideRequestError``.
        Everything is restored when the block ends. See ``docs/patch.md``.
        """
        require_openai("fake.patch()")
        from .patching import Patch

        return Patch(self, BASE_URL, DEFAULT_API_KEY)

    def require_api_key(self, *keys: str) -> None:
        """Accept only these API keys; any other key gets the real 401 ``invalid_api_key``. With no keys, accept
        any key again. A request without a key is always a 401.
        """
        if not all(isinstance(key, str) and key for key in keys):
            raise ValueError("API keys are non-empty strings")
        with self._backend.lock:
            self._auth().api_keys = frozenset(keys) if keys else None

    def isolate_keys(self, enabled: bool = True) -> None:
        """Per-key tenancy: objects created with one API key answer 404 to every other key, and lists hold only
        the caller's objects. Ownership is recorded whether or not this is on.
        """
        with self._backend.lock:
            self._auth().isolate = bool(enabled)

    def protect_control(self, *, token: str | None = None, hosts: tuple[str, ...] | list[str] = ()) -> None:
        """Close the control API (``/__fake__/``) further: ``token`` is the credential it then requires
        (``Authorization: Bearer TOKEN``; under key isolation, the only one that may reset, seed, move the clock or
        queue turns, or see every tenant), and ``hosts`` are host names it answers to besides loopback ones.
        See ``docs/security.md``.
        """
        if token is not None and (not isinstance(token, str) or not token):
            raise ValueError("the control token is a non-empty string")
        with self._backend.lock:
            self._control_access.token = token
            self._control_access.hosts = frozenset(host.strip("[]").lower().rstrip(".") for host in hosts)

    def _auth(self) -> Auth:
        """The API router's :class:`~fake_assistants.api.auth.Auth`."""
        return self._api.auth

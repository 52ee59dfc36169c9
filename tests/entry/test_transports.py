"""A transport is one module: it turns its own requests into ``ApiRequest`` and hands them to the emulator's
``Handles`` (the front door), as ``transports/inprocess.py`` and ``server/app.py`` do. The footprint test adds a WSGI
transport as one new module on a copy of the package, and the real SDK talks to it through its HTTP library's
WSGI transport."""

from __future__ import annotations

from pathlib import Path

from ..footprint import new_file, with_edits

WSGI = '''"""The emulator as a WSGI application (no streaming: a stream is sent whole)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qsl

from ..api.wire import ApiRequest, Handles


def wsgi_app(door: Handles) -> Callable[..., Iterable[bytes]]:
    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        size = int(environ.get("CONTENT_LENGTH") or 0)
        headers = {k[5:].replace("_", "-").lower(): v for k, v in environ.items() if k.startswith("HTTP_")}
        if environ.get("CONTENT_TYPE"):
            headers["content-type"] = environ["CONTENT_TYPE"]
        request = ApiRequest(
            environ["REQUEST_METHOD"],
            environ["PATH_INFO"],
            tuple(parse_qsl(environ.get("QUERY_STRING", ""))),
            headers,
            environ["wsgi.input"].read(size),
        )
        response = door.handle(request)
        body = b"".join(response.stream) if response.stream is not None else response.body
        start_response(f"{response.status} -", list(response.headers.items()))
        return [body]

    return app
'''

USE_THE_TRANSPORT = """
import openai
from fake_assistants import FakeAssistants, sdk_http_module
from fake_assistants.transports.wsgi import wsgi_app

fake = FakeAssistants()
http = sdk_http_module()
client = openai.OpenAI(base_url="http://wsgi.invalid/v1", api_key="sk-test",
                       http_client=http.Client(transport=http.WSGITransport(app=wsgi_app(fake))))
assistant = client.beta.assistants.create(model="gpt-4o", name="over WSGI")
print(client.beta.assistants.retrieve(assistant.id).name, [entry.status for entry in fake.request_log])
"""


def test_a_new_transport_is_one_module(tmp_path: Path) -> None:
    done = with_edits(tmp_path, USE_THE_TRANSPORT, {"transports/wsgi.py": new_file(WSGI)})
    assert done.stdout.strip() == "over WSGI [200, 200]"

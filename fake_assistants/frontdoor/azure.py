"""The Azure OpenAI front door: ``/openai/...`` requests, as ``openai.AzureOpenAI`` sends them, served by the same API.

``AzureOpenAI(azure_endpoint=E, api_version=V, api_key=K)`` calls ``E/openai/assistants?api-version=V`` with an
``api-key: K`` header (an Entra ID token comes as ``Authorization: Bearer``). Assistants paths are never rewritten
under ``/deployments/{name}`` by the SDK; a base URL that names a deployment is accepted and the deployment dropped.

:func:`to_openai` turns such a request into its ``/v1`` twin (the ``api-version`` query removed, the ``api-key`` as
a bearer key), or raises the error Azure's own front door answered, in Azure's ``{"error": {"code", "message"}}``
envelope: no ``api-version``, 404 ``Resource not found``; a version without Assistants v2, 400 ``API version not
supported``; no key, 401 (the front door also answers a path no route serves with 404 ``Resource not found``).
Everything past the front door (objects, errors, streams) is the OpenAI API's.
"""

from __future__ import annotations

import re

from ..api.responses import error_response
from ..api.wire import ApiRequest, ApiResponse
from ..errors import azure_access_denied, azure_resource_not_found, azure_unsupported_version

PREFIX = "/openai/"  # every Azure path starts with it (the front door checks it on each request)
DEFAULT_API_VERSION = "2024-10-01-preview"
API_VERSIONS = frozenset(
    {  # the preview versions that served Assistants v2 (earlier ones served v1; the GA versions had no Assistants)
        "2024-05-01-preview",
        "2024-07-01-preview",
        "2024-08-01-preview",
        "2024-09-01-preview",
        "2024-10-01-preview",
        "2024-12-01-preview",
        "2025-01-01-preview",
        "2025-02-01-preview",
        "2025-03-01-preview",
        "2025-04-01-preview",
    }
)
_DEPLOYMENT = re.compile(r"^/openai/deployments/[^/]+(?=/)")


def to_openai(request: ApiRequest) -> ApiRequest:
    """The ``/v1`` request an Azure request stands for, or the Azure front door's error (an :class:`ApiError`)."""
    versions = [value for name, value in request.query if name == "api-version"]
    if not versions or not versions[-1]:
        raise azure_resource_not_found()
    if versions[-1] not in API_VERSIONS:
        raise azure_unsupported_version()
    headers = request.headers
    api_key = headers.get("api-key", "").strip()
    if "authorization" not in headers:
        if not api_key:
            raise azure_access_denied()
        headers = {**headers, "authorization": f"Bearer {api_key}"}
    path = "/v1/" + _DEPLOYMENT.sub("/openai", request.path)[len(PREFIX) :]
    query = tuple((name, value) for name, value in request.query if name != "api-version")
    return ApiRequest(request.method, path, query, headers, request.body)


def from_openai(response: ApiResponse) -> ApiResponse:
    """The API's answer as Azure's front door gives it: a 401 is Azure's own ``Access denied``."""
    if response.status != 401:
        return response
    return error_response(azure_access_denied(), response.headers)

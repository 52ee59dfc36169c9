"""API errors: the one exception type handlers raise, and the one place that builds the wire envelope."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """An error the emulator answers with, in the real ``{"error": {...}}`` envelope."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        type: str = "invalid_request_error",
        param: str | None = None,
        code: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.type = type
        self.param = param
        self.code = code
        self.headers = headers or {}

    def envelope(self) -> dict[str, Any]:
        return {"error": {"message": self.message, "type": self.type, "param": self.param, "code": self.code}}

    def __repr__(self) -> str:
        return f"ApiError({self.status}, {self.message!r}, param={self.param!r}, code={self.code!r})"


# Human names of the resources, as the real "No <kind> found with id '<id>'." messages spell them.
_KIND_NAMES = {
    "assistant": "assistant",
    "thread": "thread",
    "message": "message",
    "run": "run",
    "step": "run step",
    "vector_store": "vector store",
}


def not_found(kind: str, object_id: str) -> ApiError:
    if kind == "file":
        return ApiError(404, f"No such File object: {object_id}", param="id")
    return ApiError(404, f"No {_KIND_NAMES[kind]} found with id '{object_id}'.")


def invalid_request(message: str, *, param: str | None = None, code: str | None = None) -> ApiError:
    return ApiError(400, message, param=param, code=code)


def thread_without_user_message() -> ApiError:
    """A run on a thread with no user message, whose assistant has no instructions and the run adds none."""
    return invalid_request(
        "Run creation requires a Thread with a user message or an assistant with instructions.", code="invalid_thread"
    )


def missing_parameter(name: str) -> ApiError:
    return ApiError(400, f"Missing required parameter: '{name}'.", param=name, code="missing_required_parameter")


def unknown_parameter(name: str) -> ApiError:
    return ApiError(400, f"Unknown parameter: '{name}'.", param=name, code="unknown_parameter")


def invalid_url(method: str, path: str) -> ApiError:
    return ApiError(404, f"Invalid URL ({method} {path})")


def internal_error(detail: str) -> ApiError:
    return ApiError(
        500,
        f"The fake_assistants emulator hit an internal error: {detail}",
        type="server_error",
        headers={"x-should-retry": "false"},
    )


def not_implemented(what: str) -> ApiError:
    return ApiError(
        501,
        f"fake_assistants does not implement {what} yet. See the Limitations section of the README.",
        type="server_error",
        code="not_implemented",
        headers={"x-should-retry": "false"},
    )


# --- keys and the beta header -------------------------------------------------------------------------------------

KEYS_PAGE = "https://platform.openai.com/account/api-keys"
NO_KEY_MESSAGE = (
    "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth "
    "(i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the "
    f"API from your browser and are prompted for a username and password. You can obtain an API key from {KEYS_PAGE}."
)


def unauthorized_no_key() -> ApiError:
    return ApiError(401, NO_KEY_MESSAGE)


def incorrect_api_key(shown: str) -> ApiError:
    """The 401 of a key the emulator does not accept; ``shown`` is the key as the real 401 masks it."""
    return ApiError(
        401, f"Incorrect API key provided: {shown}. You can find your API key at {KEYS_PAGE}.", code="invalid_api_key"
    )


def missing_beta_header() -> ApiError:
    return invalid_request(
        "You must provide the 'OpenAI-Beta' header to access the Assistants API. "
        "Please try again by setting the header 'OpenAI-Beta: assistants=v2'.",
        code="invalid_beta",
    )


def v1_deprecated() -> ApiError:
    """``OpenAI-Beta: assistants=v1`` after v2 replaced it (seen verbatim in 2024-12 and 2025-03)."""
    return invalid_request(
        "The v1 Assistants API has been deprecated. Please try again by setting the header "
        "'OpenAI-Beta: assistants=v2'. See the migration guide for more information: "
        "https://platform.openai.com/docs/assistants/migration",
        code="invalid_beta",
    )


def invalid_id_prefix(name: str, value: str, prefix: str) -> ApiError:
    return invalid_request(
        f"Invalid '{name}': '{value}'. Expected an ID that begins with '{prefix}'.", param=name, code="invalid_value"
    )


# --- server mode: a request body too large or too slow ------------------------------------------------------------


def request_too_large(limit: int) -> ApiError:
    return ApiError(413, f"The request body is too large: the limit is {limit} bytes.", code="request_too_large")


def request_timeout(seconds: float) -> ApiError:
    return ApiError(408, f"The request body did not arrive within {seconds:g} seconds.", code="request_timeout")


# --- the control API ------------------------------------------------------------------------------------------------


def control_unknown_endpoint(method: str, path: str) -> ApiError:
    return ApiError(404, f"Unknown control endpoint: {method} {path}", code="unknown_url")


def control_not_json() -> ApiError:
    return invalid_request("The control API takes a JSON body.")


def control_not_an_object() -> ApiError:
    return invalid_request("The control API takes a JSON object.")


def control_not_a_count(name: str) -> ApiError:
    return invalid_request(f"'{name}' must be a whole number, 0 or more.", param=name)


def control_faults_not_a_list() -> ApiError:
    return invalid_request("'faults' is a list of faults.", param="faults")


def control_host_not_allowed(host: str) -> ApiError:
    return ApiError(
        403,
        f"The control API does not answer to the host '{host}'. Allow it with --allow-host.",
        code="host_not_allowed",
    )


def control_origin_not_allowed(origin: str) -> ApiError:
    return ApiError(
        403, f"The control API does not accept requests from the origin '{origin}'.", code="origin_not_allowed"
    )


def control_needs_json() -> ApiError:
    return ApiError(
        415, "The control API takes a JSON body: send 'Content-Type: application/json'.", code="unsupported_media_type"
    )


def control_token_required(what: str | None = None) -> ApiError:
    """The control token is missing: for any use, or (``what``) for a change that reaches every tenant."""
    if what is None:
        text = "The control API needs the control token (--control-token)."
    else:
        text = (
            f"{what} changes every tenant's emulator: under key isolation it needs the control token (--control-token)."
        )
    return ApiError(403, text, code="control_token_required")


def inspector_read_only(method: str) -> ApiError:
    return ApiError(405, f"The inspector is read-only: {method} is not allowed here.")


def inspector_unknown_page(path: str) -> ApiError:
    return ApiError(404, f"Unknown inspector page: {path}", code="unknown_url")


def inspector_no_request(number: int) -> ApiError:
    return ApiError(404, f"No request number {number} in the inspector's journal.")


# --- the emulator's own problems, as 500s the SDK raises at once ---------------------------------------------


def script_problem(message: str) -> ApiError:
    """The test's script cannot serve a run (see ``script.script.ScriptError``)."""
    return _own_problem(f"fake_assistants script error: {message}", "fake_assistants_script_error", "script_error")


def contract_problem(where: str, schema: str, details: str) -> ApiError:
    """A response the emulator produced breaks the contract (``validate_responses``): ``where`` names the
    operation (and the status, or the stream event), ``details`` each bad field's JSON pointer and problem."""
    message = f"fake_assistants contract violation in {where}, against {schema}: {details}"
    return _own_problem(message, "fake_assistants_contract_error", None)


def _own_problem(message: str, type: str, code: str | None) -> ApiError:
    return ApiError(500, message, type=type, code=code, headers={"x-should-retry": "false"})


# --- files and vector stores -----------------------------------------------------------------------------------


def vector_store_file_not_found(vector_store_id: str, file_id: str) -> ApiError:
    return ApiError(404, f"No file found with id '{file_id}' in vector store '{vector_store_id}'.")


def file_batch_not_found(batch_id: str) -> ApiError:
    return ApiError(404, f"No vector store file batch found with id '{batch_id}'.")


def file_too_large(size: int, limit: int) -> ApiError:
    return ApiError(
        413,
        f"File is too large ({size} bytes). The maximum size of an uploaded file is {limit} bytes.",
        param="file",
        code="file_too_large",
    )


def not_multipart(content_type: str | None) -> ApiError:
    return invalid_request(f"Invalid Content-Type header ({content_type}), expected multipart/form-data.")


def no_multipart_boundary(content_type: str | None) -> ApiError:
    return invalid_request(f"Invalid Content-Type header ({content_type}): the multipart boundary is missing.")


def bad_multipart(problem: object) -> ApiError:
    return invalid_request(f"Could not parse the multipart/form-data body of your request: {problem}")


# --- the texts of the request checks (``schemas``): ``param`` may be ``{param}``, filled in where it is known -------


def _a(noun: str) -> str:
    return f"an {noun}" if noun[0] in "aeiou" else f"a {noun}"


def length_text(param: str, noun: str, *, most: int | None = None, least: int | None = None, length: int) -> str:
    """A string or an array outside its length limits (give ``most`` or ``least``)."""
    word, bound, limit = ("long", "maximum", most) if most is not None else ("short", "minimum", least)
    return (
        f"Invalid '{param}': {noun} too {word}. Expected {_a(noun)} with {bound} length {limit}, "
        f"but got {_a(noun)} with length {length} instead."
    )


def type_text(param: str, expected: str, got: str) -> str:
    """A value of the wrong JSON type: ``expected`` and ``got`` as the real API words them (``an object``)."""
    return f"Invalid type for '{param}': expected {expected}, but got {got} instead."


def wrong_length(param: str, noun: str, *, most: int | None = None, least: int | None = None, length: int) -> ApiError:
    side = "above_max" if most is not None else "below_min"
    code = f"{'string' if noun == 'string' else 'array'}_{side}_length"
    return ApiError(400, length_text(param, noun, most=most, least=least, length=length), param=param, code=code)


def wrong_type(param: str, expected: str, got: str) -> ApiError:
    return ApiError(400, type_text(param, expected, got), param=param, code="invalid_type")


def too_many_properties(param: str, most: int, count: int) -> ApiError:
    return ApiError(
        400,
        f"Invalid '{param}': too many properties. Expected an object with at most {most} properties, "
        f"but got an object with {count} properties instead.",
        param=param,
        code="object_above_max_properties",
    )


def overlap_too_large(param: str, half: int, overlap: int) -> ApiError:
    return ApiError(
        400,
        f"Invalid '{param}': chunk_overlap_tokens must not exceed half of max_chunk_size_tokens. "
        f"Expected a value <= {half}, but got {overlap} instead.",
        param=param,
        code="invalid_value",
    )


def file_ids_and_files(param: str) -> ApiError:
    return ApiError(
        400,
        f"Invalid '{param}': 'file_ids' and 'files' are mutually exclusive; give one of them.",
        param=param,
        code="invalid_value",
    )


def empty_string(param: str, least: int) -> ApiError:
    return ApiError(
        400,
        f"Invalid '{param}': empty string. Expected a string with minimum length {least}, "
        "but got an empty string instead.",
        param=param,
        code="empty_string",
    )


def out_of_bounds(param: str, value: object, *, least: float | None = None, most: float | None = None) -> ApiError:
    """A number under ``least`` or over ``most`` (a float bound words it as a decimal)."""
    bound = least if least is not None else most
    noun = "decimal" if isinstance(bound, float) else "integer"
    word, sign, side = (
        ("below minimum", ">=", "below_min") if least is not None else ("above maximum", "<=", "above_max")
    )
    return ApiError(
        400,
        f"Invalid '{param}': {noun} {word} value. Expected a value {sign} {_number(bound)}, but got {value} instead.",
        param=param,
        code=f"{noun}_{side}_value",
    )


def _number(bound: float | None) -> str:
    return str(bound) if isinstance(bound, int) else f"{bound:g}"


def pattern_mismatch(param: str, pattern: str) -> ApiError:
    return ApiError(
        400,
        f"Invalid '{param}': string does not match pattern. Expected a string that matches the pattern '{pattern}'.",
        param=param,
        code="invalid_value",
    )


def unsupported_value(param: str, value: object, supported: str) -> ApiError:
    """``supported``: the allowed values, each quoted, as the real API lists them."""
    return ApiError(
        400, f"Invalid value: '{value}'. Supported values are: {supported}.", param=param, code="invalid_value"
    )


def invalid_value(param: str, problem: str) -> ApiError:
    return ApiError(400, f"Invalid '{param}': {problem}.", param=param, code="invalid_value")


def body_not_an_object(got: str) -> ApiError:
    return ApiError(400, f"Invalid type for body: expected an object, but got {got} instead.", code="invalid_type")


def invalid_json() -> ApiError:
    return ApiError(
        400,
        "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your "
        "HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)",
    )


def json_too_large(size: int, limit: int) -> ApiError:
    return ApiError(
        413,
        f"Request body too large: {size} bytes. The largest JSON body accepted is {limit} bytes.",
        code="request_too_large",
    )


def invalid_unicode(param: str) -> ApiError:
    where = f" at '{param}'" if param else ""
    return ApiError(
        400,
        f"We could not parse the JSON body of your request: it holds a string{where} that is not valid UTF-8 "
        "(a lone surrogate).",
        param=param or None,
        code="invalid_value",
    )


def json_too_deep(limit: int) -> ApiError:
    return ApiError(
        400,
        f"We could not parse the JSON body of your request: it nests arrays and objects more than {limit} levels deep.",
        code="json_too_deep",
    )


# --- what runs refuse: the texts the real API answered --------------------------------------------------------


def run_already_active(thread_id: str, run_id: str) -> ApiError:
    return invalid_request(f"Thread {thread_id} already has an active run {run_id}.")


def thread_busy(thread_id: str, run_id: str) -> ApiError:
    return invalid_request(f"Can't add messages to {thread_id} while a run {run_id} is active.")


def cannot_cancel(status: str, what: str = "run") -> ApiError:
    return invalid_request(f"Cannot cancel {what} with status '{status}'.")


def no_tool_outputs_expected(status: str) -> ApiError:
    return invalid_request(f'Runs in status "{status}" do not accept tool outputs.')


def tool_outputs_mismatch(expected: list[str], given: list[str]) -> ApiError:
    return invalid_request(f"Expected tool outputs for call_ids {expected}, got {given}.", param="tool_outputs")


def both_vector_store_sources() -> ApiError:
    return invalid_request(
        "Only one of 'vector_store_ids' or 'vector_stores' may be provided for 'file_search'.",
        param="tool_resources.file_search",
    )


def unsupported_include(value: str, supported: str) -> ApiError:
    return unsupported_value("include[]", value, f"'{supported}'")


# --- faults and rate limits: the errors the real API answered when it could not serve a request ----------------

RATE_LIMITS_PAGE = "https://platform.openai.com/account/rate-limits"
QUOTA_MESSAGE = (
    "You exceeded your current quota, please check your plan and billing details. For more information on this "
    "error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors."
)
SERVER_ERROR_MESSAGE = "The server had an error while processing your request. Sorry about that!"
OVERLOADED_MESSAGE = "The engine is currently overloaded, please try again later."


def rate_limit_exceeded(
    kind: str, *, model: str, limit: int, used: int, requested: int, wait: str, headers: dict[str, str]
) -> ApiError:
    """The 429 of a requests (RPM) or tokens (TPM) limit; ``kind`` is the error's ``type``."""
    unit = "requests per min (RPM)" if kind == "requests" else "tokens per min (TPM)"
    message = (
        f"Rate limit reached for {model} in organization org-fake-assistants on {unit}: Limit {limit}, "
        f"Used {used}, Requested {requested}. Please try again in {wait}. Visit {RATE_LIMITS_PAGE} to learn more."
    )
    return ApiError(429, message, type=kind, code="rate_limit_exceeded", headers=headers)


def insufficient_quota() -> ApiError:
    return ApiError(429, QUOTA_MESSAGE, type="insufficient_quota", code="insufficient_quota")


def server_error(status: int = 500, *, should_retry: bool | None = None) -> ApiError:
    """A 5xx of the real API's own: 500 ``server_error``, 503 overloaded (any other 5xx: the 500 text)."""
    headers = {} if should_retry is None else {"x-should-retry": "true" if should_retry else "false"}
    message = OVERLOADED_MESSAGE if status == 503 else SERVER_ERROR_MESSAGE
    return ApiError(status, message, type="server_error", headers=headers)


def fault_status(status: int) -> ApiError:
    """The default body of an ``error`` fault: the status, in the usual envelope."""
    return ApiError(status, f"fake_assistants fault: HTTP {status}")


def gateway_timeout() -> ApiError:
    """What a stalled request gets when the client outlasted the stall (server mode's timeout fault)."""
    return ApiError(504, "Gateway timeout: the request took too long.", type="server_error")


# --- the Azure OpenAI front door ---------------------------------------------------------------------------------


class AzureError(ApiError):
    """An error of Azure's own front door, in its ``{"error": {"code", "message"}}`` envelope."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(status, message, code=code)

    def envelope(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message}}


def azure_resource_not_found() -> AzureError:
    """No ``api-version``, or a path Azure does not serve."""
    return AzureError(404, "404", "Resource not found")


def azure_unsupported_version() -> AzureError:
    return AzureError(400, "BadRequest", "API version not supported")


def azure_access_denied() -> AzureError:
    return AzureError(
        401,
        "401",
        "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for "
        "an active subscription and use a correct regional API endpoint for your resource.",
    )


MODEL_FAILED_MESSAGE = "Sorry, something went wrong."
"""The ``last_error.message`` (code ``server_error``) of a run whose model failed, as the real API wrote it; a model
responder (``fake_assistants.chat``) ends a run with it when its chat endpoint fails or times out."""

"""Request models: what each operation accepts, with the spec's limits.

Every model forbids unknown fields. ``None`` for an optional field means "not set", as clients send explicit nulls.
Tagged unions (tools, content parts, response formats) are validated by hand through
:func:`~fake_assistants.schemas.validation.validate_tagged` so that error ``param`` paths stay those of the wire.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from ..errors import (
    missing_parameter,
    too_many_properties,
    unsupported_include,
    unsupported_value,
    wrong_length,
    wrong_type,
)
from .validation import P, describe_json_type, openai_error, validate_tagged, validate_tagged_list

JsonDict = dict[str, Any]
NonEmpty = Annotated[str, Field(min_length=1)]  # the real API refused an empty string: 400 ``empty_string``


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    def wire(self) -> JsonDict:
        """The model as JSON, without the optional fields that were not given."""
        return self.model_dump(mode="json", exclude_none=True)


# --- metadata --------------------------------------------------------------------------------------------------


def check_map_limits(value: dict[str, Any]) -> None:
    """The limits metadata and attributes share: at most 16 keys, each at most 64 characters."""
    if len(value) > 16:
        raise openai_error(too_many_properties(P, 16, len(value)))
    for key in value:
        if len(key) > 64:
            raise openai_error(wrong_length(P, "string", most=64, length=len(key)))


def check_string_value(key: str, item: str) -> None:
    """A metadata or attribute value: at most 512 characters."""
    if len(item) > 512:
        raise openai_error(wrong_length(P, "string", most=512, length=len(item)), key)


def _check_metadata(value: dict[str, str]) -> dict[str, str]:
    check_map_limits(value)
    for key, item in value.items():
        check_string_value(key, item)
    return value


Metadata = Annotated[dict[str, str], AfterValidator(_check_metadata)]

# --- tools -----------------------------------------------------------------------------------------------------


class CodeInterpreterTool(Strict):
    type: Literal["code_interpreter"]


class RankingOptions(Strict):
    ranker: Literal["auto", "default_2024_08_21"] | None = None
    score_threshold: Annotated[float, Field(ge=0, le=1)]


class FileSearchOptions(Strict):
    max_num_results: Annotated[int, Field(ge=1, le=50)] | None = None
    ranking_options: RankingOptions | None = None


DEFAULT_RANKER = "default_2024_08_21"


class FileSearchTool(Strict):
    type: Literal["file_search"]
    file_search: FileSearchOptions | None = None

    def wire(self) -> JsonDict:
        """Normalized as the real API stored it: ranking options always there (the default ranker, threshold 0),
        with ``hybrid_search: null``."""
        options = self.file_search or FileSearchOptions()
        out: JsonDict = {}
        if options.max_num_results is not None:
            out["max_num_results"] = options.max_num_results
        ranking = options.ranking_options
        ranker = ranking.ranker if ranking is not None and ranking.ranker not in (None, "auto") else DEFAULT_RANKER
        threshold = ranking.score_threshold if ranking is not None else 0.0
        out["ranking_options"] = {"ranker": ranker, "score_threshold": float(threshold), "hybrid_search": None}
        return {"type": "file_search", "file_search": out}


class FunctionDefinition(Strict):
    name: Annotated[str, Field(max_length=64, pattern=r"^[a-zA-Z0-9_-]+$")]
    description: str | None = None
    parameters: JsonDict | None = None
    strict: bool | None = None


class FunctionTool(Strict):
    type: Literal["function"]
    function: FunctionDefinition

    def wire(self) -> JsonDict:
        """Normalized as the real API stored it: ``parameters`` (an empty object schema) and ``strict: false``."""
        out = super().wire()
        out["function"].setdefault("parameters", {"type": "object", "properties": {}})
        out["function"].setdefault("strict", False)
        return out


_TOOLS: dict[str, type[BaseModel]] = {
    "code_interpreter": CodeInterpreterTool,
    "file_search": FileSearchTool,
    "function": FunctionTool,
}


def _tools(value: Any) -> list[JsonDict]:
    return [tool.wire() for tool in validate_tagged_list(value, _TOOLS)]  # type: ignore[attr-defined]


AssistantTools = Annotated[list[JsonDict], BeforeValidator(_tools), Field(max_length=128)]
RunTools = Annotated[list[JsonDict], BeforeValidator(_tools), Field(max_length=20)]

# --- response_format and tool_choice ------------------------------------------------------------------------


class TextFormat(Strict):
    type: Literal["text"]


class JsonObjectFormat(Strict):
    type: Literal["json_object"]


class JsonSchemaSpec(Strict):
    name: Annotated[str, Field(max_length=64, pattern=r"^[a-zA-Z0-9_-]+$")]
    description: str | None = None
    schema_: JsonDict | None = Field(default=None, alias="schema")
    strict: bool | None = None

    def wire(self) -> JsonDict:
        return self.model_dump(mode="json", exclude_none=True, by_alias=True)


class JsonSchemaFormat(Strict):
    type: Literal["json_schema"]
    json_schema: JsonSchemaSpec

    def wire(self) -> JsonDict:
        return {"type": "json_schema", "json_schema": self.json_schema.wire()}


_FORMATS: dict[str, type[BaseModel]] = {
    "text": TextFormat,
    "json_object": JsonObjectFormat,
    "json_schema": JsonSchemaFormat,
}


def _response_format(value: Any) -> Any:
    if value is None or value == "auto":
        return value
    if isinstance(value, str):
        raise openai_error(unsupported_value(P, value, "'auto'"))
    return validate_tagged(value, _FORMATS).wire()  # type: ignore[attr-defined]


ResponseFormat = Annotated[Any, BeforeValidator(_response_format)]


class NamedFunction(Strict):
    name: str


class NamedToolChoice(Strict):
    type: Literal["function", "code_interpreter", "file_search"]
    function: NamedFunction | None = None


def _tool_choice(value: Any) -> Any:
    if value is None or value in ("none", "auto", "required"):
        return value
    if isinstance(value, str):
        raise openai_error(unsupported_value(P, value, "'none', 'auto' and 'required'"))
    if not isinstance(value, dict):
        raise openai_error(wrong_type(P, "an object", describe_json_type(value)))
    choice = validate_tagged(value, {name: NamedToolChoice for name in ("function", "code_interpreter", "file_search")})
    assert isinstance(choice, NamedToolChoice)
    if choice.type == "function" and choice.function is None:
        raise openai_error(missing_parameter(P), "function")
    return choice.wire()


ToolChoice = Annotated[Any, BeforeValidator(_tool_choice)]


class TruncationStrategy(Strict):
    type: Literal["auto", "last_messages"]
    last_messages: Annotated[int, Field(ge=1)] | None = None

    def wire(self) -> JsonDict:
        return {"type": self.type, "last_messages": self.last_messages}


# --- tool resources --------------------------------------------------------------------------------------------


class CodeInterpreterResources(Strict):
    file_ids: Annotated[list[str], Field(max_length=20)] = Field(default_factory=list)


class FileSearchResources(Strict):
    vector_store_ids: Annotated[list[str], Field(max_length=1)] | None = None
    vector_stores: Annotated[list[JsonDict], Field(max_length=1)] | None = None


class ToolResources(Strict):
    code_interpreter: CodeInterpreterResources | None = None
    file_search: FileSearchResources | None = None


class RunFileSearchResources(Strict):
    """A run's ``file_search`` resources: existing stores only (the spec has no ``vector_stores`` helper here)."""

    vector_store_ids: Annotated[list[str], Field(max_length=1)] | None = None


class RunToolResources(ToolResources):
    file_search: RunFileSearchResources | None = None  # type: ignore[assignment]


# --- messages --------------------------------------------------------------------------------------------------


class TextPart(Strict):
    type: Literal["text"]
    text: str

    def wire(self) -> JsonDict:
        return {"type": "text", "text": {"value": self.text, "annotations": []}}


class ImageFile(Strict):
    file_id: str
    detail: Literal["auto", "low", "high"] = "auto"


class ImageFilePart(Strict):
    type: Literal["image_file"]
    image_file: ImageFile


class ImageUrl(Strict):
    url: NonEmpty
    detail: Literal["auto", "low", "high"] = "auto"


class ImageUrlPart(Strict):
    type: Literal["image_url"]
    image_url: ImageUrl


_PARTS: dict[str, type[BaseModel]] = {"text": TextPart, "image_file": ImageFilePart, "image_url": ImageUrlPart}


def _content(value: Any) -> list[JsonDict]:
    if isinstance(value, str):
        return [{"type": "text", "text": {"value": value, "annotations": []}}]
    if isinstance(value, list) and not value:
        raise openai_error(wrong_length(P, "array", least=1, length=0))
    if not isinstance(value, list):
        expected = "one of a string or an array of objects"
        raise openai_error(wrong_type(P, expected, describe_json_type(value)))
    return [part.wire() for part in validate_tagged_list(value, _PARTS)]  # type: ignore[attr-defined]


MessageContent = Annotated[list[JsonDict], BeforeValidator(_content)]


class AttachmentTool(Strict):
    type: Literal["code_interpreter", "file_search"]


class Attachment(Strict):
    file_id: str
    tools: list[AttachmentTool] = Field(default_factory=list)


class CreateMessage(Strict):
    role: Literal["user", "assistant"]
    content: MessageContent
    attachments: list[Attachment] | None = None
    metadata: Metadata | None = None


class ModifyMessage(Strict):
    metadata: Metadata | None = None


# --- assistants ------------------------------------------------------------------------------------------------

ReasoningEffort = Literal["minimal", "low", "medium", "high"]


class CreateAssistant(Strict):
    model: NonEmpty
    name: Annotated[str, Field(max_length=256)] | None = None
    description: Annotated[str, Field(max_length=512)] | None = None
    instructions: Annotated[str, Field(max_length=256_000)] | None = None
    reasoning_effort: ReasoningEffort | None = None
    tools: AssistantTools | None = None
    tool_resources: ToolResources | None = None
    metadata: Metadata | None = None
    temperature: Annotated[float, Field(ge=0, le=2)] | None = None
    top_p: Annotated[float, Field(ge=0, le=1)] | None = None
    response_format: ResponseFormat = None


class ModifyAssistant(CreateAssistant):
    model: NonEmpty | None = None  # type: ignore[assignment]


# --- threads ---------------------------------------------------------------------------------------------------


class CreateThread(Strict):
    messages: list[CreateMessage] | None = None
    tool_resources: ToolResources | None = None
    metadata: Metadata | None = None


class ModifyThread(Strict):
    tool_resources: ToolResources | None = None
    metadata: Metadata | None = None


# --- runs ------------------------------------------------------------------------------------------------------


class RunOptions(Strict):
    """The options create-run and create-thread-and-run share."""

    assistant_id: str
    model: NonEmpty | None = None
    instructions: str | None = None
    tools: RunTools | None = None
    metadata: Metadata | None = None
    temperature: Annotated[float, Field(ge=0, le=2)] | None = None
    top_p: Annotated[float, Field(ge=0, le=1)] | None = None
    stream: bool | None = None
    max_prompt_tokens: Annotated[int, Field(ge=1)] | None = None  # the spec says >= 256; the real API took 16
    max_completion_tokens: Annotated[int, Field(ge=1)] | None = None
    truncation_strategy: TruncationStrategy | None = None
    tool_choice: ToolChoice = None
    parallel_tool_calls: bool | None = None
    response_format: ResponseFormat = None


class CreateRun(RunOptions):
    reasoning_effort: ReasoningEffort | None = None
    additional_instructions: str | None = None
    additional_messages: list[CreateMessage] | None = None


class CreateThreadAndRun(RunOptions):
    thread: CreateThread | None = None
    tool_resources: RunToolResources | None = None


class ModifyRun(Strict):
    metadata: Metadata | None = None


class ToolOutputItem(Strict):
    tool_call_id: str
    output: str


class SubmitToolOutputs(Strict):
    tool_outputs: list[ToolOutputItem]
    stream: bool | None = None


# --- query strings ---------------------------------------------------------------------------------------------


class ListQuery(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)  # one validated query serves every list that sends it

    limit: Annotated[int, Field(ge=1, le=100)] = 20
    order: Literal["asc", "desc"] = "desc"
    after: str | None = None
    before: str | None = None


class ListMessagesQuery(ListQuery):
    run_id: str | None = None


FILE_SEARCH_CONTENT = "step_details.tool_calls[*].file_search.results[*].content"
"""The one value ``include[]`` takes on run and step endpoints: put file search result contents in steps."""


def includes_file_search_content(query: tuple[tuple[str, str], ...]) -> bool:
    """Whether the query's ``include[]`` asks for file search result contents (an unknown value is a 400)."""
    values = [value for key, value in query if key in ("include[]", "include")]
    for value in values:
        if value != FILE_SEARCH_CONTENT:
            raise unsupported_include(value, FILE_SEARCH_CONTENT)
    return bool(values)

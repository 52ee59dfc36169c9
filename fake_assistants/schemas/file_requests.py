"""Request models of the files and vector store operations, with the spec's limits.

The same conventions as :mod:`fake_assistants.schemas.requests`: unknown fields are refused, ``None`` means "not set",
and tagged unions (chunking strategies, search filters) are validated by hand so that ``param`` paths stay those of
the wire. A ``chunking_strategy`` comes out resolved: ``{"max_chunk_size_tokens", "chunk_overlap_tokens"}``, the
auto strategy being 800 and 400 tokens.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from ..errors import file_ids_and_files, missing_parameter, overlap_too_large, wrong_length, wrong_type
from .requests import JsonDict, ListQuery, Metadata, Strict, check_map_limits, check_string_value
from .validation import P, describe_json_type, openai_error, validate_tagged, validate_tagged_list

# --- files -----------------------------------------------------------------------------------------------------

FilePurpose = Literal["assistants", "batch", "fine-tune", "vision", "user_data", "evals"]

AttributeValue = str | bool | int | float
ATTRIBUTE_TYPES = "one of a string, a number or a boolean"  # what an attribute value may be, as the API words it
AUTO_CHUNK_TOKENS = 800  # the auto strategy: "a max_chunk_size_tokens of 800 and chunk_overlap_tokens of 400"
AUTO_OVERLAP_TOKENS = 400


class FileExpiresAfter(BaseModel):
    model_config = ConfigDict(extra="forbid")

    anchor: Literal["created_at"]
    seconds: Annotated[int, Field(ge=3600, le=2_592_000)]


class CreateFileForm(BaseModel):
    """The form fields of an upload besides the file itself (form values are text, so this one is not strict)."""

    model_config = ConfigDict(extra="forbid")

    purpose: FilePurpose
    expires_after: FileExpiresAfter | None = None


class ListFilesQuery(ListQuery):
    limit: Annotated[int, Field(ge=1, le=10_000)] = 10_000
    purpose: str | None = None


# --- chunking strategies ---------------------------------------------------------------------------------------


class AutoChunking(Strict):
    type: Literal["auto"]


class StaticChunkingSpec(Strict):
    max_chunk_size_tokens: Annotated[int, Field(ge=100, le=4096)]
    chunk_overlap_tokens: Annotated[int, Field(ge=0)]

    @model_validator(mode="after")
    def _overlap_at_most_half(self) -> StaticChunkingSpec:
        half = self.max_chunk_size_tokens // 2
        if self.chunk_overlap_tokens > half:
            raise openai_error(overlap_too_large(P, half, self.chunk_overlap_tokens), "chunk_overlap_tokens")
        return self


class StaticChunking(Strict):
    type: Literal["static"]
    static: StaticChunkingSpec


def _chunking(value: Any) -> Any:
    if value is None:
        return None
    strategy = validate_tagged(value, {"auto": AutoChunking, "static": StaticChunking})
    if isinstance(strategy, StaticChunking):
        return {
            "max_chunk_size_tokens": strategy.static.max_chunk_size_tokens,
            "chunk_overlap_tokens": strategy.static.chunk_overlap_tokens,
        }
    return {"max_chunk_size_tokens": AUTO_CHUNK_TOKENS, "chunk_overlap_tokens": AUTO_OVERLAP_TOKENS}


ChunkingStrategy = Annotated[dict[str, int] | None, BeforeValidator(_chunking)]

# --- vector store file attributes ------------------------------------------------------------------------------


def _attributes(value: Any) -> Any:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise openai_error(wrong_type(P, "an object", describe_json_type(value)))
    check_map_limits(value)
    for key, item in value.items():
        if not isinstance(item, str | bool | int | float):
            raise openai_error(wrong_type(P, ATTRIBUTE_TYPES, describe_json_type(item)), key)
        if isinstance(item, str):
            check_string_value(key, item)
    return value


Attributes = Annotated[dict[str, AttributeValue] | None, BeforeValidator(_attributes)]

# --- vector stores ---------------------------------------------------------------------------------------------


class VectorStoreExpiresAfter(Strict):
    anchor: Literal["last_active_at"]
    days: Annotated[int, Field(ge=1, le=365)]


class CreateVectorStore(Strict):
    file_ids: Annotated[list[str], Field(max_length=500)] | None = None
    name: str | None = None
    description: str | None = None
    expires_after: VectorStoreExpiresAfter | None = None
    chunking_strategy: ChunkingStrategy = None
    metadata: Metadata | None = None


class ModifyVectorStore(Strict):
    name: str | None = None
    expires_after: VectorStoreExpiresAfter | None = None
    metadata: Metadata | None = None


class CreateVectorStoreFile(Strict):
    file_id: str
    chunking_strategy: ChunkingStrategy = None
    attributes: Attributes = None


class CreateFileBatch(Strict):
    file_ids: Annotated[list[str], Field(min_length=1, max_length=2000)] | None = None
    files: Annotated[list[CreateVectorStoreFile], Field(min_length=1, max_length=2000)] | None = None
    chunking_strategy: ChunkingStrategy = None
    attributes: Attributes = None

    @model_validator(mode="after")
    def _file_ids_or_files(self) -> CreateFileBatch:
        if self.file_ids is not None and self.files is not None:
            raise openai_error(file_ids_and_files(P), "files")
        if self.file_ids is None and self.files is None:
            raise openai_error(missing_parameter(P), "file_ids")
        return self

    def entries(self) -> list[CreateVectorStoreFile]:
        """One entry per file: ``files`` as given, or ``file_ids`` with the batch's own settings."""
        if self.files is not None:
            return self.files
        return [
            CreateVectorStoreFile.model_construct(
                file_id=file_id, chunking_strategy=self.chunking_strategy, attributes=self.attributes
            )
            for file_id in self.file_ids or []
        ]


class UpdateVectorStoreFileAttributes(Strict):
    attributes: Attributes


class ListVectorStoreFilesQuery(ListQuery):
    filter: Literal["in_progress", "completed", "failed", "cancelled"] | None = None


# --- search ----------------------------------------------------------------------------------------------------

ComparisonType = Literal["eq", "ne", "gt", "gte", "lt", "lte", "in", "nin"]


class ComparisonFilter(Strict):
    type: ComparisonType
    key: str
    value: bool | int | float | str | list[int | float | str]

    @model_validator(mode="after")
    def _value_fits_the_operator(self) -> ComparisonFilter:
        wants_list = self.type in ("in", "nin")
        if wants_list and not isinstance(self.value, list):
            raise openai_error(wrong_type(P, "an array", describe_json_type(self.value)), "value")
        if not wants_list and isinstance(self.value, list):
            raise openai_error(wrong_type(P, ATTRIBUTE_TYPES, "an array"), "value")
        return self


def _filter_list(value: Any) -> list[JsonDict]:
    return [item.model_dump(mode="json") for item in validate_tagged_list(value, _FILTERS)]


class CompoundFilter(Strict):
    type: Literal["and", "or"]
    filters: Annotated[list[JsonDict], BeforeValidator(_filter_list)]


_FILTERS: dict[str, type[BaseModel]] = {
    **{name: ComparisonFilter for name in ("eq", "ne", "gt", "gte", "lt", "lte", "in", "nin")},
    "and": CompoundFilter,
    "or": CompoundFilter,
}


def _filter(value: Any) -> Any:
    if value is None:
        return None
    return validate_tagged(value, _FILTERS).model_dump(mode="json")


SearchFilter = Annotated[JsonDict | None, BeforeValidator(_filter)]


class SearchRankingOptions(Strict):
    ranker: Literal["none", "auto", "default-2024-11-15"] | None = None
    score_threshold: Annotated[float, Field(ge=0, le=1)] | None = None


def _query(value: Any) -> Any:
    if isinstance(value, str):
        return value
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        expected = "one of a string or an array of strings"
        raise openai_error(wrong_type(P, expected, describe_json_type(value)))
    if not value:
        raise openai_error(wrong_length(P, "array", least=1, length=0))
    return value


class SearchVectorStore(Strict):
    query: Annotated[str | list[str], BeforeValidator(_query)]
    rewrite_query: bool | None = None
    max_num_results: Annotated[int, Field(ge=1, le=50)] | None = None
    filters: SearchFilter = None
    ranking_options: SearchRankingOptions | None = None

    def queries(self) -> list[str]:
        return [self.query] if isinstance(self.query, str) else list(self.query)

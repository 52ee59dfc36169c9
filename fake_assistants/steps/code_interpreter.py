"""Code interpreter: the code the assistant ran, the logs it printed and the files it wrote.

Script file form: ``run_code: {input: "print(1)", output: "1", files: [{name: chart.png, content: <base64>}]}``.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import Field

from ..journal import keep
from ..tokens import count_tokens, pieces
from .base import Allowance, Events, JsonDict, Player, SpecModel, StepKind

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp")


def is_image_name(name: str) -> bool:
    return name.lower().endswith(IMAGE_SUFFIXES)


@dataclass(frozen=True)
class OutputFile:
    """A file code_interpreter produces: stored with ``purpose="assistants_output"``, downloadable with
    ``files.content``. An image (``.png``, ``.jpg``, ``.jpeg``, ``.gif``, ``.webp``) is an ``image`` output of the
    step and an ``image_file`` part of the reply; any file can be cited by a ``file_path`` annotation that names it
    by ``name``."""

    name: str
    content: bytes

    @property
    def is_image(self) -> bool:
        return is_image_name(self.name)


@dataclass(frozen=True)
class RunCode:
    """A code_interpreter step: the code the assistant ran, the logs it printed and the files it wrote."""

    input: str
    output: str | None = None
    files: tuple[OutputFile, ...] = ()


class OutputFileSpec(SpecModel):
    name: str
    content: str = Field(description="the file's bytes, base64")


class RunCodeSpec(SpecModel):
    input: str
    output: str | None = None
    files: list[OutputFileSpec] = Field(default_factory=list)


class CodeInterpreter(StepKind[RunCode]):
    name = "run_code"
    value = RunCode
    spec = RunCodeSpec
    call_type = "code_interpreter"
    order = 1

    def from_spec(self, spec: RunCodeSpec) -> RunCode:
        try:
            files = tuple(OutputFile(f.name, base64.b64decode(f.content, validate=True)) for f in spec.files)
        except ValueError:
            raise ValueError("a run_code file's content is its bytes in base64") from None
        return RunCode(spec.input, spec.output, files)

    def to_json(self, step: RunCode) -> Any:
        files = [{"name": f.name, "content": base64.b64encode(f.content).decode()} for f in step.files]
        return {"input": step.input, "output": step.output, "files": files}

    def from_public_calls(self, calls: Sequence[JsonDict]) -> list[RunCode]:
        """One step per call: its input, its logs, and a stand-in image for each image it made (the recording
        holds the image's file id, not its bytes)."""
        steps = []
        for call in calls:
            code = call.get("code_interpreter") or {}
            outputs = code.get("outputs") or []
            logs = "".join(o.get("logs", "") for o in outputs if o.get("type") == "logs")
            images = tuple(
                OutputFile(f"image_{n}.png", b"png") for n, o in enumerate(outputs) if o.get("type") == "image"
            )
            steps.append(RunCode(code.get("input", ""), logs or None, images))
        return steps

    def problem(self, step: RunCode, run: Allowance) -> str | None:
        return self.needs_tool(run, "code_interpreter", "runs code")

    def completion_tokens(self, step: RunCode) -> int:
        return count_tokens(step.input)

    def play(self, step: RunCode, player: Player) -> Events:
        def calls() -> list[JsonDict]:
            call_id = player.new_call_id()
            outputs: list[JsonDict] = [] if step.output is None else [{"type": "logs", "logs": step.output}]
            for produced in step.files:
                file_id = player.save_output_file(produced.name, produced.content)
                if produced.is_image:
                    outputs.append({"type": "image", "image": {"file_id": file_id}})
            return [
                {
                    "id": call_id,
                    "type": "code_interpreter",
                    "code_interpreter": {"input": step.input, "outputs": outputs},
                }
            ]

        yield from player.tool_calls(self.completion_tokens(step), calls)

    def stream_call(self, call: JsonDict, index: int, stored: list[JsonDict], chunk_tokens: int) -> Iterator[JsonDict]:
        code, outputs = call["code_interpreter"]["input"], call["code_interpreter"]["outputs"]
        keep(stored)
        stored.append({"id": call["id"], "type": "code_interpreter", "code_interpreter": {"input": "", "outputs": []}})
        yield {
            "index": index,
            "id": call["id"],
            "type": "code_interpreter",
            "code_interpreter": {"input": "", "outputs": []},
        }
        for piece in pieces(code, chunk_tokens):
            keep(stored)
            stored[index]["code_interpreter"]["input"] += piece
            yield {"index": index, "type": "code_interpreter", "code_interpreter": {"input": piece}}
        if outputs:
            keep(stored)
            stored[index]["code_interpreter"]["outputs"] = [dict(output) for output in outputs]
            indexed = [{"index": i, **output} for i, output in enumerate(outputs)]
            yield {"index": index, "type": "code_interpreter", "code_interpreter": {"outputs": indexed}}


KIND = CodeInterpreter()

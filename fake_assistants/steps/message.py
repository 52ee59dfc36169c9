"""Messages between tool steps: the assistant writes a message and the run goes on with the turn's next step (real
code-interpreter runs wrote code, message, code, message, ... in one run).

Script file form: ``say: "Let me check."``, or ``say: {text: ..., annotations: [{file_id, marker, kind}]}``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import Field

from ..tokens import count_tokens
from .base import Annotation, AnnotationSpec, Events, Player, SpecModel, StepKind, check_text


@dataclass(frozen=True)
class Say:
    """A message the assistant writes between tool steps; the run goes on with the turn's next step."""

    text: str
    annotations: tuple[Annotation, ...] = field(default=())

    def __post_init__(self) -> None:
        check_text(self.text, self.annotations, "message")


class SaySpec(SpecModel):
    text: str
    annotations: list[AnnotationSpec] = Field(default_factory=list)


class MessageCreation(StepKind[Say]):
    name = "say"
    value = Say
    spec = str | SaySpec
    order = 3

    def from_spec(self, spec: str | SaySpec) -> Say:
        if isinstance(spec, str):
            return Say(spec)
        return Say(spec.text, tuple(annotation.annotation() for annotation in spec.annotations))

    def to_json(self, step: Say) -> Any:
        if not step.annotations:
            return step.text
        return {"text": step.text, "annotations": [annotation.to_json() for annotation in step.annotations]}

    def completion_tokens(self, step: Say) -> int:
        return count_tokens(step.text)

    def play(self, step: Say, player: Player) -> Events:
        yield from player.write_message(step.text, step.annotations)


KIND = MessageCreation()

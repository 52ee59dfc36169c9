"""Ids are minted ahead, in bulk (issue 26: a new object no longer copies its stream's whole state), yet every id,
every id given back by a failed request, and every saved stream state are those of minting one at a time."""

from __future__ import annotations

import hashlib
import random

import hypothesis.strategies as st
from hypothesis import given, settings

from fake_assistants.ids import ID_SHAPES, IdFactory
from fake_assistants.journal import transaction

PREFIXES = ("asst", "msg", "vs", "file")


class OneAtATime:
    """The reference: each prefix's stream, one ``choice`` per character, a copy of its state per failed request."""

    def __init__(self, seed: int) -> None:
        self.streams: dict[str, random.Random] = {}
        self.seed = seed

    def stream(self, prefix: str) -> random.Random:
        if prefix not in self.streams:
            digest = hashlib.sha256(f"fake_assistants:{self.seed}:{prefix}".encode()).digest()
            self.streams[prefix] = random.Random(int.from_bytes(digest[:16], "big"))
        return self.streams[prefix]

    def new(self, prefix: str) -> str:
        separator, length, alphabet = ID_SHAPES[prefix]
        stream = self.stream(prefix)
        return prefix + separator + "".join(stream.choice(alphabet) for _ in range(length))


Step = tuple[str, int, bool]  # (prefix, how many ids, whether the request fails)


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 3),
    steps=st.lists(st.tuples(st.sampled_from(PREFIXES), st.integers(1, 45), st.booleans()), max_size=12),
)
def test_ids_and_saved_states_are_those_of_minting_one_at_a_time(seed: int, steps: list[Step]) -> None:
    factory, reference = IdFactory(seed), OneAtATime(seed)
    for prefix, count, fails in steps:
        if fails:
            try:
                with transaction():
                    issued = [factory.new(prefix) for _ in range(count)]
                    raise RuntimeError
            except RuntimeError:
                pass
            assert len(issued) == count
            continue
        with transaction():
            issued = [factory.new(prefix) for _ in range(count)]
        assert issued == [reference.new(prefix) for _ in range(count)]
    states = factory.states()
    for prefix, (version, internal, gauss) in states.items():
        assert reference.stream(prefix).getstate() == (version, tuple(internal), gauss)
    resumed = IdFactory(seed)
    resumed.resume(dict(factory.issued), states)
    for prefix in PREFIXES:
        assert resumed.new(prefix) == factory.new(prefix) == reference.new(prefix)

"""What a YAML (or JSON) text is checked for before PyYAML reads it.

PyYAML's scanner takes time quadratic in how deeply flow collections (``[...]``, ``{...}``) nest: ten thousand
``[`` take one or two seconds before its composer gives up. Counting the brackets first takes one linear pass.
The count ignores quoting (a bracket inside a string counts too), so it can only overestimate; its bound,
:data:`MAX_FLOW_DEPTH`, is twice the deepest nesting any file the emulator reads may hold once parsed.
"""

from __future__ import annotations

import re

MAX_FLOW_DEPTH = 200
_NOT_BRACKETS = re.compile(r"[^\[\]{}]+")


def flow_too_deep(text: str, limit: int = MAX_FLOW_DEPTH) -> bool:
    """Whether ``text``'s brackets open more than ``limit`` deep (a close with none open counts for nothing)."""
    depth = 0
    for bracket in _NOT_BRACKETS.sub("", text):
        if bracket in "[{":
            depth += 1
            if depth > limit:
                return True
        elif depth:
            depth -= 1
    return False

"""Record ids: one pattern, one check."""

from __future__ import annotations

import re

from govgraph.core.errors import BadParameter

ID_PATTERN = re.compile(r"^[a-z]+:[a-z0-9][a-z0-9.-]*$")
MAX_ID_CHARS = 200


def is_id(value: object) -> bool:
    """True for text shaped like a record id (kind prefix, colon, slug)."""
    return (
        isinstance(value, str) and len(value) <= MAX_ID_CHARS and bool(ID_PATTERN.fullmatch(value))
    )  # fullmatch: "$" alone would let a trailing newline through


def check_id(value: str, param: str = "id") -> str:
    """The id itself, or BadParameter naming the parameter and showing the shape."""
    if not is_id(value):
        raise BadParameter(param, f"'{str(value)[:100]}' is not an id such as org:openai")
    return value

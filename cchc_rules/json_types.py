"""The shape of what the JSON outputs hold (`--json`, `summary.json`, `to_json()`), for type hints."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TypeAlias, Union

JsonValue: TypeAlias = Union[None, bool, int, float, str, Sequence["JsonValue"], Mapping[str, "JsonValue"]]  # noqa: UP007
"""A value JSON can hold: numbers unrounded, null for what is missing (read-only views, so that a
`list[dict[str, float]]` is one)."""
JsonObject: TypeAlias = Mapping[str, JsonValue]
"""A JSON object."""

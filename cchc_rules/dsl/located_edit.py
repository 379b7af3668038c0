"""Editing the raw located document in place: copies, writes that keep positions, the criteria tree.

Whatever a change writes carries the change's position (`put`), so a later validation error points
at the change that caused it.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

from cchc_rules.dsl.source import LDict, LList
from cchc_rules.problems import Pos


def copy_located(value: Any) -> Any:
    """A deep copy that keeps LDict/LList and their positions."""
    if isinstance(value, LDict):
        out = LDict(((k, copy_located(v)) for k, v in value.items()), pos=value.pos)
        out.key_pos, out.val_pos, out.raw = dict(value.key_pos), dict(value.val_pos), dict(value.raw)
        return out
    if isinstance(value, LList):
        seq = LList((copy_located(v) for v in value), pos=value.pos)
        seq.item_pos, seq.raw = list(value.item_pos), dict(value.raw)
        return seq
    return copy.deepcopy(value)


def put(container: LDict | LList, key: Any, value: Any, pos: Pos, raw: str | None = None) -> None:
    """Write `value` at `key` (an existing index for a list) with the position of the change."""
    container[key] = value
    if isinstance(container, LDict):
        container.key_pos.setdefault(key, pos)
        container.val_pos[key] = pos
    else:
        container.item_pos[key] = pos
    container.raw.pop(key, None)
    if raw is not None:
        container.raw[key] = raw


def delete(container: LDict | LList, key: Any) -> None:
    if isinstance(container, LDict):
        del container[key]
        for table in (container.key_pos, container.val_pos, container.raw):
            table.pop(key, None)
        return
    del container[key]
    del container.item_pos[key]
    container.raw = {i - (i > key): v for i, v in container.raw.items() if i != key}


def insert(seq: LList, index: int, value: Any, pos: Pos) -> None:
    seq.insert(index, value)
    seq.item_pos.insert(index, pos)
    seq.raw = {i + (i >= index): v for i, v in seq.raw.items()}


# ---------------------------------------------------------------- the criteria tree
def nodes(seq: Any, parents: tuple[LDict, ...] = ()) -> Iterator[tuple[LDict, LList, tuple[LDict, ...]]]:
    """Every well-formed node with its sibling list and its ancestors (root first), depth first."""
    if not isinstance(seq, LList):
        return
    for item in seq:
        if isinstance(item, LDict) and isinstance(item.get("id"), str):
            yield item, seq, parents
            yield from nodes(item.get("children"), (*parents, item))



def id_items(seq: Any) -> list[LDict]:
    return [i for i in seq if isinstance(i, LDict) and isinstance(i.get("id"), str)] if isinstance(seq, LList) else []


def index_of(seq: LList, item: LDict) -> int:
    return next(i for i, x in enumerate(seq) if x is item)


def looks_like_item(path: str) -> bool:
    """`criteria/<id>/id`, `bands/<id>/id`, `bands_by_group/<g>/<id>/id` or `adjustments/<id>/id`."""
    parts = path.strip("/").split("/")
    return (parts[0] in ("criteria", "bands", "adjustments") and len(parts) == 3) or (
        parts[0] == "bands_by_group" and len(parts) == 4
    )

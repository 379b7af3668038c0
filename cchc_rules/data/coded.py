"""Text columns as codes into their distinct texts, the form in which parsing works on them.

`coded(table, column)` gives what `pandas.factorize` gives (codes in order of first appearance,
−1 for an empty cell, and the distinct texts), without hashing every cell again when the
columnar CSV reader read that very table: it already holds each column dictionary-encoded, and
keeps those codes here, beside the table, for as long as the table lives. A dataset's tables
are read-only once read (as the parsed-Inputs cache already assumes): edit a copy.
"""

from __future__ import annotations

import weakref
from typing import Protocol

import numpy as np
import pandas as pd

from cchc_rules.data.load_kernels import recode, used_codes

# id(table) → (a weak reference to the table, {column: (row codes, tidied texts; None = empty)})
_READ: dict[int, tuple[weakref.ref, dict[str, tuple[np.ndarray, list[str | None]]]]] = {}


def keep_codes(table: pd.DataFrame, columns: dict[str, tuple[np.ndarray, list[str | None]]]) -> None:
    """Remember the reader's codes of `table`'s columns (row i of the table is code i)."""
    key = id(table)
    _READ[key] = (weakref.ref(table, lambda _ref, key=key: _READ.pop(key, None)), columns)


def same_codes(new: pd.DataFrame, old: pd.DataFrame) -> None:
    """`new` has `old`'s rows in the same order (e.g. a column added): it shares `old`'s codes."""
    entry = _READ.get(id(old))
    if entry is not None and entry[0]() is old and len(new) == len(old):
        keep_codes(new, entry[1])


class Coded(Protocol):
    """A table that holds its columns as codes (`data.text_table.TextTable`)."""

    def codes(self, column: str) -> tuple[np.ndarray, list[str | None]]: ...

    def coded(self, column: str) -> tuple[np.ndarray, np.ndarray]: ...


def coded(table: pd.DataFrame | Coded, column: str) -> tuple[np.ndarray, np.ndarray]:
    """(codes, distinct texts) of a text column, exactly as `pandas.factorize` gives them (the codes of a table
    the columnar reader read as int32: half the memory per row)."""
    if not isinstance(table, pd.DataFrame):
        return table.coded(column)
    entry = _READ.get(id(table))
    if entry is not None and entry[0]() is table and column in entry[1]:
        raw, texts = entry[1][column]
        if len(raw) == len(table):
            return compact(raw, texts)
    codes, uniques = pd.factorize(table[column], use_na_sentinel=True)
    return codes.astype(np.intp, copy=False), np.asarray(uniques, dtype=object)


def coded_lookup(table: pd.DataFrame | Coded, column: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`coded(table, column)` as (row codes, look-up, distinct texts): `look-up[row codes]` are `coded`'s codes (a row
    code −1 reads the look-up's last slot, −1). A table of the reader's codes is not renumbered row by row: the
    caller's own pass over the rows goes through the look-up."""
    if isinstance(table, pd.DataFrame):
        codes, uniques = coded(table, column)
        return codes, np.append(np.arange(len(uniques), dtype=np.int32), -1), uniques
    raw, texts = table.codes(column)
    lookup, uniques = renumbering(raw, texts)
    return raw, np.append(lookup, -1), uniques


def compact(raw: np.ndarray, texts: list[str | None]) -> tuple[np.ndarray, np.ndarray]:
    """Merge texts that tidied to the same text, drop those no row uses; first-appearance order kept
    (the reader's dictionary is in order of first appearance). `raw` (≥ 0) indexes `texts`."""
    lookup, uniques = renumbering(raw, texts)
    return recode(raw, lookup), uniques


def renumbering(raw: np.ndarray, texts: list[str | None]) -> tuple[np.ndarray, np.ndarray]:
    """`compact`'s new code of each of the `texts` (−1: None, or no row uses it) and the distinct texts used."""
    merged, uniques = pd.factorize(np.asarray(texts, dtype=object), use_na_sentinel=True)  # a few texts
    used = np.zeros(len(uniques) + 1, dtype=bool)  # the last slot: None (code −1)
    used[merged[used_codes(raw, len(texts))]] = True
    renumber = np.full(len(uniques) + 1, -1, dtype=np.int32)  # the last slot keeps −1 at −1; rows: `limits`
    renumber[np.flatnonzero(used[:-1])] = np.arange(int(used[:-1].sum()))
    return renumber[merged], np.asarray(uniques, dtype=object)[used[:-1]]

"""Cell texts parsed by rule kind: yes/no, levels, numbers with the dataset's decimal mark, ratios.

`parse_cells` turns a block of cells (codes into a vocabulary of distinct texts) into values and
statuses, parsing each distinct text once, and describes every bad cell as a located problem
(`data.problems`); `match_names` finds level names and survey answers, in any case when unambiguous.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from cchc_rules.data import load_kernels as kernels
from cchc_rules.data import problems as dp
from cchc_rules.data.model import EMPTY, NA, VALUE, ZERO_TOTAL
from cchc_rules.data.text_table import Table
from cchc_rules.dsl.models import Node
from cchc_rules.i18n import level_names
from cchc_rules.problems import Problems, nearest

YES = ("1", "true", "yes", "có", "đạt", "x")
NO = ("0", "false", "no", "không", "chưa đạt")
_BINARY = {**dict.fromkeys(YES, 1.0), **dict.fromkeys(NO, 0.0)}
_OK, _NUMBER, _YESNO, _LEVEL, _RANGE, _COUNT, _ABOVE_ONE, _DONE_GT_TOTAL, _RATIO_COUNTS = range(9)


def parse_cells(cells: np.ndarray, vocabulary: np.ndarray, leaf: Node | None, kind: str, decimal: str,
           table: Table, rows: np.ndarray, stages: list[str],
           problems: Problems) -> tuple[np.ndarray, np.ndarray]:
    """Values and statuses of a block of cells (rows × stages, codes into `vocabulary`, −1 empty) of
    one leaf or adjustment.

    Each distinct text is parsed once (data repeat a few values over thousands of units).
    """
    codes, texts = _distinct(cells, vocabulary)
    u_na = np.append((texts == "NA").to_numpy(dtype=bool), False)  # the last slot serves empty cells (code −1)
    u_value = np.full(len(texts) + 1, np.nan)
    u_status = np.full(len(texts) + 1, EMPTY, dtype=np.int8)
    u_reason = np.full(len(texts) + 1, _OK, dtype=np.int8)
    _lookups(u_value, u_status, u_reason, texts, np.flatnonzero(~u_na[:-1]), u_na, leaf, kind, decimal)
    for cell in np.flatnonzero(u_reason[codes] != _OK):
        r, s = rows[cell // len(stages)], cell % len(stages)
        _describe(problems, table, r, stages[s], texts.iat[codes[cell]], int(u_reason[codes[cell]]), leaf, kind,
                  decimal)
    n = len(stages)
    return u_value[codes].reshape(-1, n), u_status[codes].reshape(-1, n)


def parse_leaf_rows(cells: np.ndarray, vocabulary: np.ndarray, leaf_of_row: np.ndarray, unit_of_row: np.ndarray,
                    leaves: list[Node], kinds: list[str], decimal: str, table: Table, rows: np.ndarray | range,
                    stages: list[str], problems: Problems, value: np.ndarray, status: np.ndarray) -> None:
    """`parse_cells` for the rows of many leaves at once (`leaf_of_row` indexes `leaves` and `kinds`; a row of leaf −1
    is skipped), each row's values and statuses written at its unit and leaf of `value` and `status` (units × leaves
    × stages); `rows`: each row's row of the `table`.

    Each distinct text is parsed once per rule kind (once per level list for `levels` leaves) and a
    leaf's own bound (a `points` leaf's maximum) is checked cell by cell, so the values, statuses
    and problems are those of `parse_cells` called leaf by leaf, in the same order (by leaf, then row,
    then stage).
    """
    texts = pd.Series(vocabulary, dtype=object)
    u_na = np.append((texts == "NA").to_numpy(dtype=bool), False)  # the last slot serves empty cells
    # one parse per rule kind (per list of level names for `levels`), of the texts its cells use
    groups: dict[tuple, int] = {}
    group_of = np.full(len(leaves), -1, dtype=np.int16)  # a handful of kinds and level lists
    for j in np.flatnonzero(kernels.used_codes(leaf_of_row, len(leaves))):
        key = (kinds[j], tuple(_levels(leaves[j]))) if kinds[j] == "levels" else (kinds[j],)
        group_of[j] = groups.setdefault(key, len(groups))
    used = kernels.texts_by_group(cells, leaf_of_row, group_of, len(groups), len(texts))
    u_value = np.full((len(groups), len(texts) + 1), np.nan)
    u_status = np.full((len(groups), len(texts) + 1), EMPTY, dtype=np.int8)
    u_reason = np.full((len(groups), len(texts) + 1), _OK, dtype=np.int8)
    numbers = _numbers(texts, decimal) if any(key[0] not in _NOT_NUMBERS for key in groups) else None
    for key, g in groups.items():
        first = leaves[int(np.flatnonzero(group_of == g)[0])] if key[0] == "levels" else None
        _lookups(u_value[g], u_status[g], u_reason[g], texts, np.flatnonzero(used[g] & ~u_na[:-1]), u_na, first,
                 key[0], decimal, numbers)
    # each points leaf's own maximum (no bound for other kinds)
    high = np.array([_entry_max(leaf) if k == "points" else np.inf for leaf, k in zip(leaves, kinds, strict=True)])
    reason = kernels.leaf_cells(cells, leaf_of_row, unit_of_row, group_of, u_value, u_status, u_reason, high, _RANGE,
                                value, status)
    bad_row, bad_stage = np.nonzero(reason) if reason.any() else (np.zeros(0, dtype=np.intp),) * 2  # _OK is 0
    for k in np.lexsort((bad_stage, bad_row, leaf_of_row[bad_row])):
        r, s = bad_row[k], bad_stage[k]
        at = int(leaf_of_row[r])
        _describe(problems, table, rows[r], stages[s], texts.iat[cells[r, s]], int(reason[r, s]), leaves[at],
                  kinds[at], decimal)


def _distinct(cells: np.ndarray, vocabulary: np.ndarray) -> tuple[np.ndarray, pd.Series]:
    """The cells' codes renumbered into the distinct texts they use (−1 stays −1: an empty cell, the last
    slot of the lookups), and those texts."""
    present = np.zeros(len(vocabulary) + 1, dtype=bool)  # slot 0: empty cells (code −1)
    present[cells.ravel() + 1] = True
    present[0] = False
    renumber = (np.cumsum(present) - 1).astype(np.int32)
    return renumber[cells.ravel() + 1], pd.Series(vocabulary[np.flatnonzero(present) - 1], dtype=object)


def _lookups(u_value: np.ndarray, u_status: np.ndarray, u_reason: np.ndarray, texts: pd.Series,
             parsed: np.ndarray, u_na: np.ndarray, leaf: Node | None, kind: str, decimal: str,
             numbers: tuple[np.ndarray, np.ndarray] | None = None) -> None:
    """Fill one rule kind's value, status and reason per text (the last slot: empty cells); without a leaf,
    a points leaf's maximum is left to the caller. `numbers`: `_numbers` of every text, when worked out already."""
    known = (numbers[0][parsed], numbers[1][parsed]) if numbers is not None else None
    vals, why, zero = _kind_values(texts.iloc[parsed], leaf, kind, decimal, known)
    ok = why == _OK
    u_status[u_na] = EMPTY if kind.startswith("adjustment") else NA
    u_value[parsed[ok & ~zero]] = vals[ok & ~zero]
    u_status[parsed[ok & ~zero]] = VALUE
    u_status[parsed[ok & zero]] = ZERO_TOTAL
    u_reason[parsed] = why


_NOT_NUMBERS = ("binary", "levels", "ratio")  # the kinds whose texts are not read as plain numbers


def _kind_values(texts: pd.Series, leaf: Node | None, kind: str, decimal: str,
                 numbers: tuple[np.ndarray, np.ndarray] | None = None):
    """(values, reason codes, zero-total mask) for non-empty, non-NA texts (`numbers`: their `_numbers`, if known)."""
    n = len(texts)
    zero = np.zeros(n, dtype=bool)
    if kind == "binary":
        v = np.array(texts.str.lower().map(_BINARY), dtype=float)
        return v, np.where(np.isnan(v), _YESNO, _OK), zero
    if kind == "levels":
        v = match_names(texts, _levels(leaf), labelled=True)
        return v, np.where(np.isnan(v), _LEVEL, _OK), zero
    if kind == "ratio":
        return _ratio(texts, decimal)
    v, bad = numbers if numbers is not None else _numbers(texts, decimal)
    reason = np.where(bad, _NUMBER, _OK)
    if kind == "points":
        reason[~bad & ((v < 0) | (v > _entry_max(leaf)))] = _RANGE
    elif kind == "survey":
        reason[~bad & ((v < 0) | (v > 1))] = _RANGE
    elif kind in ("deduct", "adjustment_deduct"):
        reason[~bad & ((v < 0) | (v != np.floor(v)))] = _COUNT
    elif kind == "adjustment_points":
        reason[~bad & (v < 0)] = _RANGE
    return v, reason, zero


def _levels(leaf: Node | None) -> list[str]:
    """The level names of a `levels` leaf, in order."""
    rule = leaf.rule if leaf is not None else None
    return list(rule.levels or {}) if rule is not None else []


def _entry_max(leaf: Node | None) -> float:
    """The highest value a `points` leaf takes (no bound without a leaf)."""
    return leaf.entry_max if leaf is not None else float("inf")


def _numbers(texts: pd.Series, decimal: str) -> tuple[np.ndarray, np.ndarray]:
    """Numbers from texts written with `decimal` as the decimal mark; NaN and a bad flag otherwise."""
    s = texts
    wrong_mark = np.zeros(len(s), dtype=bool)
    if decimal == ",":
        wrong_mark = s.str.contains(".", regex=False).to_numpy(dtype=bool)
        s = s.str.replace(",", ".", regex=False)
    v = np.array(pd.to_numeric(s, errors="coerce"), dtype=float)
    bad = ~np.isfinite(v) | wrong_mark
    v[bad] = np.nan
    return v, bad


def match_names(texts: pd.Series, names: list[str], labelled: bool = False) -> np.ndarray:
    """The index of each text in `names`: exact, else in any case when that is unambiguous; with `labelled`
    a level also by its label in either language (`tốt`, `Good`)."""
    folded: dict[str, set[float]] = {}
    for i, name in enumerate(names):
        for spelling in level_names(name) if labelled else (name,):
            folded.setdefault(spelling.casefold(), set()).add(float(i))
    v = np.array(texts.map({name: float(i) for i, name in enumerate(names)}), dtype=float)
    miss = np.isnan(v)
    if miss.any():
        v[miss] = texts[miss].str.casefold().map({k: min(s) for k, s in folded.items() if len(s) == 1}).to_numpy(float)
    return v


def _ratio(texts: pd.Series, decimal: str):
    n = len(texts)
    v = np.full(n, np.nan)
    reason = np.full(n, _OK, dtype=np.int64)
    zero = np.zeros(n, dtype=bool)
    slash = texts.str.contains("/", regex=False).to_numpy(dtype=bool)
    if slash.any():
        parts = texts[slash].str.split("/", n=1, expand=True)
        done, bad_d = _numbers(parts[0].str.strip(), decimal)
        total, bad_t = _numbers(parts[1].str.strip(), decimal)
        bad = bad_d | bad_t
        counts_bad = ~bad & ((done < 0) | (total < 0) | (done != np.floor(done)) | (total != np.floor(total)))
        over = ~bad & ~counts_bad & (done > total)
        r = np.where(bad, _NUMBER, np.where(counts_bad, _RATIO_COUNTS, np.where(over, _DONE_GT_TOTAL, _OK)))
        with np.errstate(invalid="ignore", divide="ignore"):
            v[slash] = np.where(r == _OK, done / total, np.nan)
        zero[slash] = (r == _OK) & (total == 0)
        reason[slash] = r
    plain = ~slash
    if plain.any():
        x, bad = _numbers(texts[plain], decimal)
        reason[plain] = np.where(bad, _NUMBER, np.where((x < 0) | (x > 1), _ABOVE_ONE, _OK))
        v[plain] = x
    return v, reason, zero


_RATIO_REASONS = {
    _ABOVE_ONE: ("một số đứng riêng phải nằm trong [0, 1]", "a plain number must be within [0, 1]"),
    _DONE_GT_TOTAL: ("số đã làm lớn hơn tổng số", "done is greater than the total"),
    _RATIO_COUNTS: ("số đếm phải là số nguyên ≥ 0", "counts must be whole numbers ≥ 0"),
    _NUMBER: ("không phải số", "not a number"),
}


_RANGE_RIGHT = {
    "points": ("Ghi số điểm từ 0 đến {h}; điểm không bị tự cắt bớt.",
               "Write points from 0 to {h}; points are never clipped."),
    "survey": ("Ghi tỷ lệ trung bình từ 0 đến 1 (ví dụ 0.75).", "Write a mean weight from 0 to 1 (e.g. 0.75)."),
    "adjustment_points": ("Ghi số điểm ≥ 0; dấu cộng/trừ do quy tắc quyết định.",
                          "Write points ≥ 0; the rule gives the sign."),
}


def _describe(problems: Problems, table: Table, r: int, column: str, text: str, reason: int,
              leaf: Node | None, kind: str, decimal: str) -> None:
    """One problem for a bad cell (runs only for bad cells)."""
    add = dp.add_at
    if kind == "ratio":
        vi, en = _RATIO_REASONS[reason]
        add(problems, dp.BAD_RATIO, table, r, column, value=text, reason_vi=vi, reason_en=en)
    elif reason == _NUMBER:
        if decimal == "." and re.fullmatch(r"[+-]?\d+,\d+", text):
            add(problems, dp.DECIMAL_COMMA, table, r, column, value=text, dotted=text.replace(",", "."))
        elif decimal == "," and re.fullmatch(r"[+-]?\d*\.\d+", text):
            add(problems, dp.DECIMAL_POINT, table, r, column, value=text, commaed=text.replace(".", ","))
        else:
            add(problems, dp.NOT_A_NUMBER, table, r, column, value=text)
    elif reason == _YESNO:
        add(problems, dp.NOT_YES_NO, table, r, column, value=text)
    elif reason == _LEVEL:
        levels = _levels(leaf)
        add(problems, dp.UNKNOWN_LEVEL, table, r, column, value=text, levels=levels, nearest=nearest(text, levels))
    elif reason == _COUNT:
        add(problems, dp.NOT_A_COUNT, table, r, column, value=text)
    elif reason == _RANGE:
        high = {"points": leaf.entry_max if leaf else None, "survey": 1}.get(kind, "∞")
        high_text = f"{high:g}" if isinstance(high, float) else str(high)
        right = _RANGE_RIGHT.get(kind, _RANGE_RIGHT["adjustment_points"])
        add(problems, dp.OUT_OF_RANGE, table, r, column, value=text, low=0, high=high_text,
            right_vi=right[0].format(h=high_text), right_en=right[1].format(h=high_text))

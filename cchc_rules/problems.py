"""Problems found in user input, collected and reported together.

Every problem has a stable code whose texts (what is wrong, what would be right) exist in
Vietnamese and English, and a location (file, line, column, path). Layers register their own
codes with `define`; a `Problems` collector gathers them and raises one `CchcError` carrying
the whole table (the habit of pandera's lazy validation).

The same problem repeated on many rows (the same code and text, file, sheet and column) is one
problem that lists its rows: "in 126 rows: 3, 7, 12, …" (in a workbook its cells, "F12:F20");
`count` keeps how many problems it stands for, so totals stay right. A code defined with
`lead=True` (a diagnosis of the whole input) is listed first. Messages are formatted only when
shown, so a `CchcError` is cheap to raise and to pickle (it crosses process pools).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from cchc_rules.display import count as count_text
from cchc_rules.i18n import resolve_lang
from cchc_rules.safe_text import terminal_text

Severity = Literal["error", "warning", "note"]


@dataclass(frozen=True)
class Message:
    """The texts of one problem code; templates use `str.format` fields."""

    what: dict[str, str]
    fix: dict[str, str]
    lead: bool = False  # a diagnosis of the whole input: listed before every other problem


CATALOGUE: dict[str, Message] = {}


def define(code: str, what_vi: str, what_en: str, fix_vi: str = "", fix_en: str = "", lead: bool = False) -> str:
    """Register a problem code with its texts in both languages; returns the code."""
    if code in CATALOGUE:
        raise ValueError(f"problem code {code} defined twice")
    CATALOGUE[code] = Message({"vi": what_vi, "en": what_en}, {"vi": fix_vi, "en": fix_en}, lead)
    return code


@dataclass(frozen=True)
class Pos:
    """A place in a source file: 1-based line and column; `sheet` for workbooks."""

    file: str
    line: int | None = None
    col: int | None = None
    sheet: str | None = None

    def __str__(self) -> str:
        return self.text("en")

    def text(self, lang: str | None = None) -> str:
        """Where, as a reader looks for it: `file:line:col`; in a workbook `file, sheet 'X', cell F12`."""
        if not self.sheet:
            parts = [self.file] + ([str(self.line)] if self.line is not None else [])
            if self.line is not None and self.col is not None:
                parts.append(str(self.col))
            return ":".join(parts)
        words = _WHERE[resolve_lang(lang)]
        parts = [self.file, words["sheet"].format(self.sheet)] if self.file else [words["sheet"].format(self.sheet)]
        if self.line is not None and self.col is not None:
            parts.append(words["cell"].format(f"{column_letter(self.col)}{self.line}"))
        elif self.line is not None:
            parts.append(words["row"].format(self.line))
        return ", ".join(parts)


_WHERE = {
    "vi": {"sheet": "trang '{}'", "cell": "ô {}", "row": "dòng {}"},
    "en": {"sheet": "sheet '{}'", "cell": "cell {}", "row": "row {}"},
}


def column_letter(col: int) -> str:
    """An Excel column's letters: 1 → A, 27 → AA."""
    letters = ""
    while col > 0:
        col, rest = divmod(col - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


class Count(int):
    """A parameter that counts things: shown with thousands grouped in the reader's language (4.676, 4,676)."""

    def __reduce__(self) -> tuple:
        return (Count, (int(self),))


def _render(template: str, params: dict[str, Any], lang: str = "en") -> str:
    return template.format_map(_Blank({k: _show(v, lang) for k, v in params.items()}))


def _show(value: Any, lang: str = "en") -> str:
    """A parameter as text; control characters it may hold (it came from the input) shown as `\\x..`."""
    if isinstance(value, Count):
        return count_text(int(value), lang)
    if isinstance(value, (list, tuple, set, frozenset)):
        return ", ".join(terminal_text(str(v)) for v in value) if value else "—"
    return terminal_text(str(value))


PLACES_SHOWN = 10  # runs of rows (or cells) a repeated problem lists before "…"


@dataclass(frozen=True)
class Problem:
    """One located problem. `path` is where in the document (e.g. criteria/3.1/rule).

    A repeated problem (`grouped`) stands for `count` problems: `pos` is its first place and
    `lines` every line it occurs on, in order.
    """

    code: str
    params: dict[str, Any] = field(default_factory=dict)
    pos: Pos | None = None
    path: str = ""
    severity: Severity = "error"
    column: str | None = None
    count: int = 1
    lines: tuple[int, ...] = ()

    def what(self, lang: str | None = None) -> str:
        lang = resolve_lang(lang)
        return _render(CATALOGUE[self.code].what[lang], self.params, lang)

    def fix(self, lang: str | None = None) -> str:
        lang = resolve_lang(lang)
        return _render(CATALOGUE[self.code].fix[lang], self.params, lang)

    @property
    def repeated(self) -> bool:
        """Whether this problem stands for the same problem on several lines."""
        return len(self.lines) > 1

    def places(self, limit: int | None = None) -> str:
        """The rows (`3, 7, 12–20`) or, in a workbook, the cells (`F3, F7, F12:F20`) of a repeated problem;
        at most `limit` runs, then `…`."""
        if not self.lines:
            return ""
        cell = self.pos is not None and self.pos.sheet and self.pos.col is not None
        letter = column_letter(self.pos.col) if cell and self.pos and self.pos.col else ""
        runs = _runs(self.lines)
        shown = runs if limit is None else runs[:limit]
        words = []
        for first, last in shown:
            if first == last:
                words.append(f"{letter}{first}")
            else:
                words.append(f"{letter}{first}:{letter}{last}" if cell else f"{first}–{last}")
        return ", ".join(words) + (", …" if len(shown) < len(runs) else "")

    def repeats(self, lang: str | None = None, limit: int | None = PLACES_SHOWN) -> str:
        """Where a repeated problem occurs, in words: "ở 126 dòng: 3, 7, 12, …"; "" for a single one."""
        if not self.repeated:
            return ""
        lang = resolve_lang(lang)
        cell = self.pos is not None and self.pos.sheet and self.pos.col is not None
        template = _REPEATS[lang]["cells" if cell else "rows"]
        return template.format(n=count_text(len(self.lines), lang), places=self.places(limit))

    def where(self, lang: str | None = None) -> str:
        """The place as shown: the file (and sheet) only when the problem is repeated (its rows follow);
        "" for a problem of no place (a count of problems not listed)."""
        pos = self.pos
        if pos is None:
            return ""
        if self.repeated:
            pos = Pos(pos.file, sheet=pos.sheet)
        return terminal_text(pos.text(lang))

    def row(self, lang: str | None = None) -> dict[str, str | int | None]:
        pos = self.pos
        return {
            "severity": self.severity,
            "code": self.code,
            "file": pos.file if pos else "",
            "sheet": pos.sheet if pos and pos.sheet else "",
            "line": pos.line if pos else None,
            "col": pos.col if pos else None,
            "cell": f"{column_letter(pos.col)}{pos.line}" if pos and pos.sheet and pos.line and pos.col else "",
            "column": self.column or "",
            "path": self.path,
            "what": self.what(lang),
            "fix": self.fix(lang),
            "count": self.count,
            "places": self.places(),
        }

    def format(self, lang: str | None = None) -> str:
        lang = resolve_lang(lang)
        where = self.where(lang)
        if self.column:
            where += f" [{self.column}]"
        label = _SEVERITY[lang][self.severity]
        text = f"{where}: {label} {self.code}" if where else f"{label} {self.code}"
        if self.path:
            text += f" ({self.path})"
        text += f": {self.what(lang)}"
        if self.repeated:
            text += f" — {self.repeats(lang)}"
        fix = self.fix(lang)
        if fix:
            text += f"\n    → {fix}"
        return text


_REPEATS = {
    "vi": {"rows": "ở {n} dòng: {places}", "cells": "ở {n} ô: {places}"},
    "en": {"rows": "in {n} rows: {places}", "cells": "in {n} cells: {places}"},
}

_SEVERITY = {
    "vi": {"error": "lỗi", "warning": "cảnh báo", "note": "ghi chú"},
    "en": {"error": "error", "warning": "warning", "note": "note"},
}


def _runs(lines: tuple[int, ...]) -> list[tuple[int, int]]:
    """Consecutive lines as (first, last) runs: 3, 4, 5, 9 → (3, 5), (9, 9)."""
    runs: list[tuple[int, int]] = []
    for line in lines:
        if runs and line == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], line)
        elif not runs or line != runs[-1][1]:
            runs.append((line, line))
    return runs


def sort_key(p: Problem) -> tuple:
    """Diagnoses (`lead`) first, then by place; problems without a place (counts of the rest) last."""
    pos = p.pos or Pos("")
    lead = p.code in CATALOGUE and CATALOGUE[p.code].lead
    return (not lead, p.pos is None, pos.file, pos.sheet or "", pos.line or 0, pos.col or 0, p.path, p.code)


def _frozen(value: Any) -> Any:
    """A parameter as a hashable value (lists and sets as tuples)."""
    if type(value) is str:
        return value
    if isinstance(value, (list, tuple)):
        return tuple(v if type(v) is str else _frozen(v) for v in value)
    if isinstance(value, (set, frozenset)):
        return tuple(sorted(str(v) for v in value))
    if isinstance(value, dict):
        return tuple(sorted((str(k), _frozen(v)) for k, v in value.items()))
    try:
        hash(value)
    except TypeError:
        return repr(value)
    return value


def grouped(problems: Iterable[Problem]) -> list[Problem]:
    """The problems in order (`sort_key`), each problem repeated on several lines as one.

    Problems are the same when they share the code, severity, parameters, file, sheet, column
    and path; only problems located on a line are merged. The result keeps the first place
    and every line, and `count` is the sum of what was merged.
    """
    groups: dict[tuple, list[Problem]] = {}
    for k, p in enumerate(problems):
        pos = p.pos
        if pos is None or pos.line is None:
            key: tuple = (k,)
        else:
            key = (p.code, p.severity, pos.file, pos.sheet, pos.col, p.column, p.path,
                   tuple([(name, _frozen(v)) for name, v in p.params.items()]))  # one code: one order
        groups.setdefault(key, []).append(p)
    out = []
    for members in groups.values():
        if len(members) == 1:
            out.append(members[0])
            continue
        first = min(members, key=_first_line)  # the same file, sheet and column: the line decides
        lines = sorted(line for m in members for line in (m.lines or (_first_line(m),)))
        out.append(Problem(first.code, first.params, first.pos, first.path, first.severity, first.column,
                           sum(m.count for m in members), tuple(lines)))
    return sorted(out, key=sort_key)


def _first_line(p: Problem) -> int:
    return p.lines[0] if p.lines else p.pos.line  # type: ignore[union-attr,return-value]


class CchcError(Exception):
    """Every problem found in one piece of input, as one error.

    `problems` holds errors and the warnings found with them, repeated problems grouped
    (`grouped`); `total` counts the errors they stand for; `table(lang)` gives the rows.
    Messages are formatted when shown (`str`, `format`), never when raised.
    """

    def __init__(self, problems: Iterable[Problem]):
        self.problems = grouped(problems)
        super().__init__(self.problems)

    def __str__(self) -> str:
        return self.format("en")

    def __reduce__(self) -> tuple:
        return (type(self), (self.problems,))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def total(self) -> int:
        """How many errors there are (a repeated problem counts for each of its rows)."""
        return sum(p.count for p in self.errors)

    def format(self, lang: str | None = None) -> str:
        lang = resolve_lang(lang)
        n = self.total
        head = _HEAD[lang][n == 1].format(n=count_text(n, lang))
        return head + ":\n" + "\n".join(p.format(lang) for p in self.problems)

    def table(self, lang: str | None = None):
        import pandas as pd

        return pd.DataFrame([p.row(lang) for p in self.problems])


_HEAD = {"vi": {True: "{n} lỗi", False: "{n} lỗi"}, "en": {True: "{n} error", False: "{n} errors"}}


class Problems:
    """A collector: add problems while checking, then `raise_if_errors()` once."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(
        self,
        code: str,
        pos: Pos | None = None,
        path: str = "",
        severity: Severity = "error",
        column: str | None = None,
        **params: Any,
    ) -> None:
        if code not in CATALOGUE:
            raise KeyError(f"undefined problem code {code}")
        self.items.append(Problem(code, params, pos, path, severity, column))

    def extend(self, problems: Iterable[Problem]) -> None:
        self.items.extend(problems)

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.severity != "error"]

    def raise_if_errors(self) -> None:
        if self.errors:
            raise CchcError(self.items)


def nearest(name: str, candidates: Iterable[str], n: int = 3) -> list[str]:
    """The candidates closest to a misspelt name (for 'did you mean')."""
    import difflib

    pool = [str(c) for c in candidates]
    close = difflib.get_close_matches(str(name), pool, n=n, cutoff=0.5)
    return close or sorted(pool, key=lambda c: _distance(str(name), c))[:n]


def _distance(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]

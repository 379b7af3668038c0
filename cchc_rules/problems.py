"""Problems found in user input, collected and reported together.

Every problem has a stable code whose texts (what is wrong, what would be right) exist in
Vietnamese and English, and a location (file, line, column, path). Layers register their own
codes with `define`; a `Problems` collector gathers them and raises one `CchcError` carrying
the whole table (the habit of pandera's lazy validation).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from cchc_rules.i18n import resolve_lang
from cchc_rules.safe_text import terminal_text

Severity = Literal["error", "warning", "note"]


@dataclass(frozen=True)
class Message:
    """The texts of one problem code; templates use `str.format` fields."""

    what: dict[str, str]
    fix: dict[str, str]


CATALOGUE: dict[str, Message] = {}


def define(code: str, what_vi: str, what_en: str, fix_vi: str = "", fix_en: str = "") -> str:
    """Register a problem code with its texts in both languages; returns the code."""
    if code in CATALOGUE:
        raise ValueError(f"problem code {code} defined twice")
    CATALOGUE[code] = Message({"vi": what_vi, "en": what_en}, {"vi": fix_vi, "en": fix_en})
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


def _render(template: str, params: dict[str, Any]) -> str:
    return template.format_map(_Blank({k: _show(v) for k, v in params.items()}))


def _show(value: Any) -> str:
    """A parameter as text; control characters it may hold (it came from the input) shown as `\\x..`."""
    if isinstance(value, (list, tuple, set, frozenset)):
        return ", ".join(terminal_text(str(v)) for v in value) if value else "—"
    return terminal_text(str(value))


@dataclass(frozen=True)
class Problem:
    """One located problem. `path` is where in the document (e.g. criteria/3.1/rule)."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)
    pos: Pos | None = None
    path: str = ""
    severity: Severity = "error"
    column: str | None = None

    def what(self, lang: str | None = None) -> str:
        return _render(CATALOGUE[self.code].what[resolve_lang(lang)], self.params)

    def fix(self, lang: str | None = None) -> str:
        return _render(CATALOGUE[self.code].fix[resolve_lang(lang)], self.params)

    def row(self, lang: str | None = None) -> dict[str, Any]:
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
        }

    def format(self, lang: str | None = None) -> str:
        lang = resolve_lang(lang)
        where = terminal_text(self.pos.text(lang)) if self.pos else "?"
        if self.column:
            where += f" [{self.column}]"
        label = _SEVERITY[lang][self.severity]
        text = f"{where}: {label} {self.code}"
        if self.path:
            text += f" ({self.path})"
        text += f": {self.what(lang)}"
        fix = self.fix(lang)
        if fix:
            text += f"\n    → {fix}"
        return text


_SEVERITY = {
    "vi": {"error": "lỗi", "warning": "cảnh báo", "note": "ghi chú"},
    "en": {"error": "error", "warning": "warning", "note": "note"},
}


def sort_key(p: Problem) -> tuple:
    pos = p.pos or Pos("")
    return (pos.file, pos.sheet or "", pos.line or 0, pos.col or 0, p.path, p.code)


class CchcError(Exception):
    """Every problem found in one piece of input, as one error.

    `problems` holds errors and the warnings found with them; `table(lang)` gives the rows.
    """

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(problems, key=sort_key)
        super().__init__(self.format("en"))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    def format(self, lang: str | None = None) -> str:
        lang = resolve_lang(lang)
        head = {"vi": "{n} lỗi", "en": "{n} error(s)"}[lang].format(n=len(self.errors))
        return head + ":\n" + "\n".join(p.format(lang) for p in self.problems)

    def table(self, lang: str | None = None):
        import pandas as pd

        return pd.DataFrame([p.row(lang) for p in self.problems])


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

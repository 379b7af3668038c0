"""`cchc validate PATH... [--lang] [--format text|table]`: check rulebook files, every problem at once.

Problems go to stderr (grouped per file, warnings marked), one summary line per file to stdout.
The exit code is 0 only when every file is valid; warnings never fail.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path

from cchc_rules.display import counted
from cchc_rules.dsl.load import check_rulebook
from cchc_rules.problems import Problem

_TEXT = {
    "vi": {
        "valid": "✓ {file}: hợp lệ ({warnings})",
        "invalid": "✗ {file}: {errors}, {warnings}",
        "error": ("lỗi", "lỗi"),
        "warning": ("cảnh báo", "cảnh báo"),
        "none": "✗ {path}: không có tệp .yaml nào",
        "columns": ("mức", "mã", "dòng", "đường dẫn", "sai ở đâu", "cách sửa"),
    },
    "en": {
        "valid": "✓ {file}: valid ({warnings})",
        "invalid": "✗ {file}: {errors}, {warnings}",
        "error": ("error", "errors"),
        "warning": ("warning", "warnings"),
        "none": "✗ {path}: no .yaml file found",
        "columns": ("severity", "code", "line", "path", "what is wrong", "what would be right"),
    },
}


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser(
        "validate",
        parents=[common],
        help="check rulebook files / kiểm tra các tệp bộ tiêu chí",
        description="Check rulebooks (a folder: every *.yaml under it except tests/ folders). / "
                    "Kiểm tra bộ tiêu chí (một thư mục: mọi *.yaml trong đó trừ thư mục tests/).",
    )
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    parser.add_argument("--format", choices=("text", "table"), default="text", help="how problems are shown / "
                                                                                    "cách hiển thị các lỗi")
    parser.set_defaults(func=run)


def rulebook_files(path: Path) -> Iterator[Path]:
    """The rulebook files a PATH names: itself, or every *.yaml/*.yml under a folder except tests/."""
    if not path.is_dir():
        yield path
        return
    for file in sorted([*path.rglob("*.yaml"), *path.rglob("*.yml")]):
        if "tests" not in file.relative_to(path).parts[:-1]:
            yield file


def run(args: argparse.Namespace) -> int:
    text = _TEXT[args.lang]
    ok = True
    for path in args.paths:
        files = list(rulebook_files(path))
        if not files:
            print(text["none"].format(path=path), file=sys.stderr)
            ok = False
        for file in files:
            ok = _check(file, args.lang, args.format) and ok
    return 0 if ok else 1


def _check(file: Path, lang: str, form: str) -> bool:
    _, problems = check_rulebook(file)
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity != "error"]
    if problems:
        shown = sorted(problems, key=lambda p: (p.severity != "error", p.pos.line if p.pos and p.pos.line else 0))
        print(_table(shown, lang) if form == "table" else "\n".join(p.format(lang) for p in shown), file=sys.stderr)
    key = "invalid" if errors else "valid"
    text = _TEXT[lang]
    print(text[key].format(file=file, errors=counted(len(errors), *text["error"], lang),
                           warnings=counted(len(warnings), *text["warning"], lang)))
    return not errors


def _table(problems: list[Problem], lang: str) -> str:
    """Problems as an aligned text table (the same columns as `CchcError.table`)."""
    head = _TEXT[lang]["columns"]
    rows = [head] + [
        (r["severity"], r["code"], str(r["line"] or ""), r["path"], r["what"], r["fix"])
        for r in (p.row(lang) for p in problems)
    ]
    file = problems[0].pos.file if problems and problems[0].pos else ""
    widths = [max(len(row[i]) for row in rows) for i in range(len(head) - 1)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)) + "  " + row[-1] for row in rows]
    return "\n".join([file, *lines])

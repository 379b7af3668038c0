"""`cchc handbook RULEBOOK [--out FILE.html|.md|.xlsx] [--lang]`: the criteria handbook.

Without `--out` the Markdown handbook is printed. Warnings of the rulebook are not repeated
here (`cchc validate` shows them).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cchc_rules.documents.handbook import build_handbook, to_markdown, write_handbook
from cchc_rules.dsl.load import load_rulebook
from cchc_rules.outputs import add_force_argument, output_file, shown

_DONE = {"vi": "Đã ghi sổ tay: {path}", "en": "Handbook written: {path}"}


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser(
        "handbook",
        parents=[common],
        help="the criteria handbook / sổ tay bộ tiêu chí (HTML, Markdown, XLSX)",
        description="Write the handbook of a rulebook: criteria, scoring rules in words, evidence, bands. / "
                    "Ghi sổ tay của bộ tiêu chí: tiêu chí, cách chấm bằng lời, tài liệu kiểm chứng, xếp loại.",
    )
    parser.add_argument("rulebook", type=Path, metavar="RULEBOOK")
    parser.add_argument(
        "--out", type=Path, default=None, metavar="FILE",
        help=".html, .md or .xlsx (default: Markdown on stdout) / .html, .md hoặc .xlsx (mặc định: in Markdown)"
    )
    add_force_argument(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    rulebook = load_rulebook(args.rulebook)
    if args.out is None:
        sys.stdout.write(to_markdown(build_handbook(rulebook, args.lang)))
        return 0
    with output_file(args.out, [args.rulebook], args.force) as tmp:
        write_handbook(rulebook, tmp, args.lang)
    print(_DONE[args.lang].format(path=shown(args.out)))
    return 0

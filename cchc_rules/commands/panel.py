"""`cchc panel PANEL.yaml [--json] [--out DIR]`: many years at once, across mergers.

Scores every year of the panel file with its rulebook (`data.panel_file`, `analysis.panel`) and prints
the years, the year-on-year summary and the biggest risers and fallers by percentile rank; `--json`
gives every table with unrounded numbers; `--out DIR` writes report.html (offline, with a chart of
percentile ranks over the years), report.xlsx and panel.json, all or nothing through the output guard.
Warnings (rulebooks that differ between years, units without a predecessor) go to stderr with --json.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from cchc_rules.labels import by_key
from cchc_rules.labels.council import PAGES
from cchc_rules.outputs import add_force_argument, check_folder, output_folder, shown

WROTE = by_key(PAGES)["wrote"]


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser("panel", parents=[common],
                              help="score many years and follow units across them (crosswalks) / "
                                   "chấm nhiều năm và theo dõi đơn vị qua các năm (bảng chuyển đổi)")
    p.add_argument("panel", type=Path, help="the panel YAML file / tệp YAML bảng nhiều năm")
    p.add_argument("--json", action="store_true", help="print as JSON (unrounded numbers) / "
                                                       "in dạng JSON (số chưa làm tròn)")
    p.add_argument("--out", type=Path, default=None,
                   help="write report.html, report.xlsx and panel.json here / "
                        "ghi report.html, report.xlsx và panel.json vào thư mục này")
    add_force_argument(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from cchc_rules.analysis.panel import panel
    from cchc_rules.data.panel_file import read_panel
    from cchc_rules.report.panel_report import panel_text, write_panel

    if args.out is not None:
        check_folder(args.out, [args.panel], args.force)
    file = read_panel(args.panel)
    result = panel(file)
    files: list[str] = []
    if args.out is not None:
        with output_folder(args.out, file.inputs, args.force) as tmp:
            files = write_panel(result, tmp, args.lang)
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=1))
        if result.warnings:
            print("\n".join(w.format(args.lang) for w in result.warnings), file=sys.stderr)
    else:
        print(panel_text(result, args.lang))
    if args.out is not None:
        print(WROTE[args.lang].format(path=shown(args.out), files=", ".join(files)),
              file=sys.stderr if args.json else sys.stdout)
    return 0

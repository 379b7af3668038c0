"""`cchc appraisal RULEBOOK DATASET [--json] [--out DIR]`: self-assessed against appraised, for the council.

Prints the agreement (mean gap, Kendall and Spearman of the two rankings), the gap by group, the units
that over-claimed most and the criteria appraisal cut most; `--json` gives per unit `unit_id`,
`self_index`, `appraised_index` (final stage) and `gap` (self − appraised), unrounded, with every table
(`analysis.appraisal`). `--out DIR` writes report.html (offline), report.xlsx and appraisal.json, all or
nothing, through the output guard. Warnings (values never appraised) go to stderr as well.
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
    p = subparsers.add_parser("appraisal", parents=[common],
                              help="self-assessed against appraised scores, for the appraisal council / "
                                   "so sánh điểm tự chấm với điểm thẩm định, cho hội đồng thẩm định")
    p.add_argument("rulebook", type=Path, help="the rulebook YAML / tệp YAML bộ tiêu chí")
    p.add_argument("dataset", type=Path, help="a dataset folder or XLSX workbook / thư mục dữ liệu hoặc sổ XLSX")
    p.add_argument("--self-stage", default=None, help="the self-assessment stage (default: the first) / "
                                                      "giai đoạn tự chấm (mặc định: giai đoạn đầu)")
    p.add_argument("--final-stage", default=None, help="the final appraisal stage (default: the last) / "
                                                       "giai đoạn thẩm định cuối (mặc định: giai đoạn cuối)")
    p.add_argument("--json", action="store_true", help="print as JSON (unrounded numbers) / "
                                                       "in dạng JSON (số chưa làm tròn)")
    p.add_argument("--out", type=Path, default=None,
                   help="write report.html, report.xlsx and appraisal.json here / "
                        "ghi report.html, report.xlsx và appraisal.json vào thư mục này")
    add_force_argument(p)
    p.set_defaults(func=run)


def load_pair(rulebook: Path, dataset: Path) -> tuple[Any, Any]:
    """The rulebook and the dataset checked against it (every problem raised at once)."""
    from cchc_rules.data.load import load_dataset
    from cchc_rules.dsl.load import load_rulebook

    rb = load_rulebook(rulebook)
    return rb, load_dataset(dataset, rb)


def run(args: argparse.Namespace) -> int:
    from cchc_rules.analysis.appraisal import appraisal
    from cchc_rules.report.appraisal_report import appraisal_text, write_appraisal

    inputs = [args.rulebook, args.dataset]
    if args.out is not None:
        check_folder(args.out, inputs, args.force)
    rb, data = load_pair(args.rulebook, args.dataset)
    result = appraisal(rb, data, args.self_stage, args.final_stage)
    files: list[str] = []
    if args.out is not None:
        with output_folder(args.out, inputs, args.force) as tmp:
            files = write_appraisal(result, tmp, args.lang)
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=1))
    else:
        print(appraisal_text(result, args.lang))
    if args.out is not None:
        print(WROTE[args.lang].format(path=shown(args.out), files=", ".join(files)),
              file=sys.stderr if args.json else sys.stdout)
    if args.json and result.warnings:
        print("\n".join(p.format(args.lang) for p in result.warnings), file=sys.stderr)
    return 0

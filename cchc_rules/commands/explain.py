"""`cchc explain RULEBOOK DATASET UNIT_ID [--stage S]`: how one unit's index, band and rank came
about (the ledger), in the chosen language. An unknown unit id is an error naming the nearest ids."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from cchc_rules.commands.score import add_issued, compute


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser("explain", parents=[common],
                              help="explain one unit's score / giải trình điểm của một đơn vị")
    p.add_argument("rulebook", type=Path, help="the rulebook YAML / tệp YAML bộ tiêu chí")
    p.add_argument("dataset", type=Path, help="a dataset folder or XLSX workbook / thư mục dữ liệu hoặc sổ XLSX")
    p.add_argument("unit_id", help="the unit to explain / mã đơn vị cần giải trình")
    p.add_argument("--stage", default=None, help="score at this stage (default: the last value of each leaf) / "
                                                 "chấm ở giai đoạn này (mặc định: giá trị cuối của mỗi tiêu chí)")
    add_issued(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    result = compute(args.rulebook, args.dataset, args.stage, args.issued)
    print(result.explain(args.unit_id, args.lang).format())
    return 0

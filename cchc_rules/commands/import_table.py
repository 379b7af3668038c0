"""`cchc import TABLE --rulebook RB --out FOLDER [--map MAP.yaml] [--stage S] [--sheet NAME]`: a wide table in.

TABLE is a CSV file or an XLSX sheet with one row per unit and one column per criterion (and stage);
see `data.wide` for how headers are matched. Every header it cannot match and every cell it cannot
read are reported together, at their sheet and Excel cell; nothing is written then. On success the
dataset folder (units.csv, assessments.csv, dataset.yaml) is written all or nothing through the
output guard, and a line says how many units and values it holds.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from cchc_rules.outputs import add_force_argument, check_folder, output_folder, shown

WROTE = {"vi": "Đã ghi bộ dữ liệu vào {path}/: {units} đơn vị, {values} giá trị, {criteria} tiêu chí × giai đoạn",
         "en": "Dataset written to {path}/: {units} units, {values} values, {criteria} criterion × stage columns"}


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser("import", parents=[common],
                              help="turn a wide table (a row per unit, a column per criterion) into a dataset "
                                   "folder / chuyển bảng rộng (mỗi dòng một đơn vị, mỗi cột một tiêu chí) thành "
                                   "thư mục dữ liệu")
    p.add_argument("table", type=Path, help="the wide table, CSV or XLSX / bảng rộng, CSV hoặc XLSX")
    p.add_argument("--rulebook", type=Path, required=True, help="the rulebook YAML / tệp YAML bộ tiêu chí")
    p.add_argument("--out", type=Path, required=True, help="the dataset folder to write / thư mục dữ liệu sẽ ghi")
    p.add_argument("--map", type=Path, default=None, dest="mapping",
                   help="a YAML mapping of headers to unit columns or criteria / "
                        "tệp YAML ánh xạ tiêu đề cột sang cột đơn vị hoặc tiêu chí")
    p.add_argument("--stage", default=None, help="the stage of columns that name no stage (default: the last) / "
                                                 "giai đoạn của các cột không ghi giai đoạn (mặc định: cuối)")
    p.add_argument("--sheet", default=None, help="the sheet of an XLSX table (default: the first) / "
                                                 "trang của bảng XLSX (mặc định: trang đầu)")
    p.add_argument("--year", type=int, default=None, help="the data year, kept in dataset.yaml / "
                                                          "năm số liệu, ghi vào dataset.yaml")
    p.add_argument("--survey", type=Path, default=None,
                   help="survey answers in the long form (survey.csv), checked and copied into the dataset / "
                        "phiếu khảo sát dạng dọc (survey.csv), được kiểm tra và chép vào bộ dữ liệu")
    add_force_argument(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from cchc_rules.data.load import write_dataset
    from cchc_rules.data.model import DatasetMeta
    from cchc_rules.data.wide import add_survey, read_wide
    from cchc_rules.dsl.load import load_rulebook

    inputs = [args.table, args.rulebook, *(p for p in (args.mapping, args.survey) if p is not None)]
    check_folder(args.out, inputs, args.force)
    rulebook = load_rulebook(args.rulebook)
    meta = DatasetMeta(year=args.year, source=f"cchc import {args.table.name}")
    dataset = read_wide(args.table, rulebook, args.mapping, args.stage, args.sheet, meta)
    if args.survey is not None:
        add_survey(dataset, args.survey, rulebook)
    with output_folder(args.out, inputs, args.force) as tmp:
        write_dataset(dataset, tmp)
    stages = [s for s in rulebook.stages if s in dataset.assessments.columns]
    values = int(dataset.assessments[stages].notna().to_numpy().sum())
    per_criterion = dataset.assessments.groupby("criterion_id")[stages].count()
    columns = int((per_criterion > 0).to_numpy().sum())
    print(WROTE[args.lang].format(path=shown(args.out), units=len(dataset.units), values=values, criteria=columns))
    return 0

"""`cchc workbook RULEBOOK DATASET_OR_UNITS --out FILE.xlsx [--per-unit] [--lang]`: the self-assessment workbook.

DATASET_OR_UNITS is a dataset (folder or workbook: the workbook is prefilled with its values)
or a `units.csv` list (unit_id, name, group[, flags]: an empty workbook). Either is checked
against the rulebook first, every problem at once. With `--per-unit`, `--out` is a folder that
receives one workbook per unit (UNIT_ID.xlsx), to send to each unit.

The issued copy (`FILE.issued.json` beside the workbook, or `FOLDER.issued.json` beside the
folder) is what the province keeps: the units' groups and flags, the survey answers and a
digest of every cell the unit must not change. `cchc score RULEBOOK RETURNED` finds it beside
the returned file (or takes `--issued`).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from cchc_rules.data.issued import manifest_path
from cchc_rules.documents.workbook import write_unit_workbooks, write_workbook
from cchc_rules.dsl.load import load_rulebook
from cchc_rules.problems import CchcError, Problems

_DONE = {
    "vi": "Đã ghi sổ tự đánh giá ({n} đơn vị): {path}\n"
          "Bản lưu khi phát hành (giữ lại, không gửi cho đơn vị; cần khi chấm điểm sổ nhận về): {issued}",
    "en": "Self-assessment workbook written ({n} units): {path}\n"
          "Issued copy (keep it, do not send it to the units; scoring the returned workbooks needs it): {issued}",
}


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser(
        "workbook",
        parents=[common],
        help="the self-assessment workbook / sổ tự đánh giá (XLSX)",
        description="Make the workbook units fill in: from a dataset (prefilled) or a units.csv list (empty).",
    )
    parser.add_argument("rulebook", type=Path, metavar="RULEBOOK")
    parser.add_argument("source", type=Path, metavar="DATASET_OR_UNITS")
    parser.add_argument(
        "--out", type=Path, required=True, metavar="FILE.xlsx", help="the workbook (a folder with --per-unit)"
    )
    parser.add_argument("--per-unit", action="store_true", help="one workbook per unit in the folder --out")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from cchc_rules.data.load import dataset_from_frames, load_dataset
    from cchc_rules.data.parse import inputs_for
    from cchc_rules.data.read import read_csv

    rulebook = load_rulebook(args.rulebook)
    if args.source.is_file() and args.source.suffix.lower() == ".csv":
        problems = Problems()
        table = read_csv(args.source, problems)
        if table is None:
            raise CchcError(problems.items)
        empty = pd.DataFrame(columns=["unit_id", "criterion_id", *rulebook.stages])
        listed = dataset_from_frames(table, empty, source=str(args.source))
        inputs_for(listed, rulebook)  # checks the units against the rulebook's groups and flags
        source = {"units": listed.units}
        n = len(listed.units)
    else:
        dataset = load_dataset(args.source, rulebook)
        source = {"dataset": dataset}
        n = len(dataset.units)
    if args.per_unit:
        write_unit_workbooks(rulebook, args.out, lang=args.lang, **source)
    else:
        write_workbook(rulebook, args.out, lang=args.lang, **source)
    print(_DONE[args.lang].format(n=n, path=args.out, issued=manifest_path(args.out)))
    return 0

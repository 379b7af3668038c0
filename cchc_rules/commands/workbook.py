"""`cchc workbook RULEBOOK DATASET_OR_UNITS --out FILE.xlsx [--per-unit] [--lang]`: the self-assessment workbook.

DATASET_OR_UNITS is a dataset (folder or workbook: the workbook is prefilled with its values)
or a `units.csv` list (unit_id, name, group[, flags]: an empty workbook). Either is checked
against the rulebook first, every problem at once. With `--per-unit`, `--out` is a folder that
receives one workbook per unit (UNIT_ID.xlsx), to send to each unit.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from cchc_rules.display import counted
from cchc_rules.documents.workbook import write_unit_workbooks, write_workbook
from cchc_rules.dsl.load import load_rulebook
from cchc_rules.outputs import add_force_argument, check_file, check_folder, output_file, output_folder, shown
from cchc_rules.problems import CchcError, Problems

_UNIT = {"vi": ("đơn vị", "đơn vị"), "en": ("unit", "units")}
_DONE = {
    "vi": "Đã ghi sổ tự đánh giá ({n}): {path}",
    "en": "Self-assessment workbook written ({n}): {path}",
}


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser(
        "workbook",
        parents=[common],
        help="the self-assessment workbook / sổ tự đánh giá (XLSX)",
        description="Make the workbook units fill in: from a dataset (prefilled) or a units.csv list (empty). / "
                    "Lập sổ để đơn vị tự chấm: từ bộ dữ liệu (điền sẵn) hoặc danh sách units.csv (để trống).",
    )
    parser.add_argument("rulebook", type=Path, metavar="RULEBOOK")
    parser.add_argument("source", type=Path, metavar="DATASET_OR_UNITS")
    parser.add_argument(
        "--out", type=Path, required=True, metavar="FILE.xlsx", help="the workbook (a folder with --per-unit) / "
                                                                     "tệp sổ (một thư mục khi có --per-unit)"
    )
    parser.add_argument("--per-unit", action="store_true", help="one workbook per unit in the folder --out / "
                                                                "mỗi đơn vị một sổ trong thư mục --out")
    add_force_argument(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from cchc_rules.data.load import dataset_from_frames, load_dataset
    from cchc_rules.data.parse import inputs_for
    from cchc_rules.data.read import read_csv

    inputs = [args.rulebook, args.source]
    (check_folder if args.per_unit else check_file)(args.out, inputs, args.force)  # before the work
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
        with output_folder(args.out, inputs, args.force) as tmp:
            write_unit_workbooks(rulebook, tmp, lang=args.lang, **source)
    else:
        with output_file(args.out, inputs, args.force) as tmp:
            write_workbook(rulebook, tmp, lang=args.lang, **source)
    print(_DONE[args.lang].format(n=counted(n, *_UNIT[args.lang], args.lang), path=shown(args.out)))
    return 0

"""`cchc workbook RULEBOOK DATASET_OR_UNITS --out FILE.xlsx [--per-unit] [--lang]`: the self-assessment workbook.

DATASET_OR_UNITS is a dataset (folder or workbook: the workbook is prefilled with its values)
or a `units.csv` list (unit_id, name, group[, flags]: an empty workbook). Either is checked
against the rulebook first, every problem at once. With `--per-unit`, `--out` is a folder that
receives one workbook per unit (UNIT_ID.xlsx), to send to each unit.

The issued copy (`FILE.issued.json` beside the workbook, or `FOLDER.issued.json` beside the
folder) is what the province keeps: the units' groups and flags, the survey answers and a
digest of every cell the unit must not change. `cchc score RULEBOOK RETURNED` finds it beside
the returned file (or takes `--issued`). Both outputs go through the output guard
(`cchc_rules.outputs`): an existing file of either name not written by cchc-rules is kept
unless `--force`, and neither is replaced unless both were written.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from cchc_rules.data.issued import manifest_path
from cchc_rules.display import counted
from cchc_rules.documents.workbook import write_unit_workbooks, write_workbook
from cchc_rules.dsl.load import load_rulebook
from cchc_rules.outputs import add_force_argument, check_file, check_folder, output_file, output_folder, shown
from cchc_rules.problems import CchcError, Problems

_UNIT = {"vi": ("đơn vị", "đơn vị"), "en": ("unit", "units")}
_DONE = {
    "vi": "Đã ghi sổ tự đánh giá ({n}): {path}\n"
          "Bản lưu khi phát hành (giữ lại, không gửi cho đơn vị; cần khi chấm điểm sổ nhận về): {issued}",
    "en": "Self-assessment workbook written ({n}): {path}\n"
          "Issued copy (keep it, do not send it to the units; scoring the returned workbooks needs it): {issued}",
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
    issued = manifest_path(args.out)
    (check_folder if args.per_unit else check_file)(args.out, inputs, args.force)  # before the work
    check_file(issued, inputs, args.force)
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
    # the issued copy is replaced last, and only once the workbook (or folder) has been written
    with output_file(issued, inputs, args.force) as issued_tmp:
        if args.per_unit:
            with output_folder(args.out, inputs, args.force) as tmp:
                write_unit_workbooks(rulebook, tmp, lang=args.lang, issued=issued_tmp, **source)
        else:
            with output_file(args.out, inputs, args.force) as tmp:
                write_workbook(rulebook, tmp, lang=args.lang, issued=issued_tmp, name=args.out.name, **source)
    print(_DONE[args.lang].format(n=counted(n, *_UNIT[args.lang], args.lang), path=shown(args.out),
                                  issued=shown(issued)))
    return 0

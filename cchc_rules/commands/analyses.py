"""Three analyses of the API on the command line: `cchc uncertainty`, `cchc remove-one`, `cchc dead-criteria`.

Each takes RULEBOOK DATASET, prints a table with headings in the chosen language (numbers rounded for
reading), or with `--json` the table's rows with unrounded numbers; `--out DIR` writes the table as
CSV, XLSX and JSON (unrounded), all or nothing, through the output guard. They are thin callers of
`analysis.uncertainty.uncertainty`, `analysis.sensitivity.remove_one` and `dead_criteria`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import pandas as pd

from cchc_rules.labels import by_key, by_language
from cchc_rules.labels.commands import ANALYSES, ANALYSES_COLUMNS, ANALYSES_TITLES
from cchc_rules.outputs import add_force_argument, check_folder, output_folder, shown

COLUMNS = by_language(ANALYSES_COLUMNS)
TITLES = by_key(ANALYSES_TITLES)
TEXT = by_key(ANALYSES)
NONE, WROTE = TEXT["none"], TEXT["wrote"]
FILE = {"uncertainty": "uncertainty", "remove-one": "remove-one", "dead-criteria": "dead-criteria"}


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    helps = {
        "uncertainty": "Monte Carlo: median rank, 5–95%% interval, band probabilities / "
                       "Monte Carlo: hạng trung vị, khoảng 5–95%%, xác suất xếp loại",
        "remove-one": "score again without each criterion: rank shifts and band changes / "
                      "chấm lại khi bỏ từng tiêu chí: thay đổi hạng và xếp loại",
        "dead-criteria": "criteria on which every unit of a group has the same points / "
                         "tiêu chí mà mọi đơn vị của nhóm có cùng điểm",
    }
    for name, text in helps.items():
        p = subparsers.add_parser(name, parents=[common], help=text)
        p.add_argument("rulebook", type=Path, help="the rulebook YAML / tệp YAML bộ tiêu chí")
        p.add_argument("dataset", type=Path, help="a dataset folder or XLSX workbook / thư mục dữ liệu hoặc sổ XLSX")
        p.add_argument("--stage", default=None, help="score at this stage (default: the last value) / "
                                                     "chấm ở giai đoạn này (mặc định: giá trị cuối)")
        p.add_argument("--json", action="store_true", help="print the rows as JSON (unrounded numbers) / "
                                                           "in các dòng dạng JSON (số chưa làm tròn)")
        p.add_argument("--out", type=Path, default=None, help="write the table as CSV, XLSX and JSON here / "
                                                              "ghi bảng dạng CSV, XLSX và JSON vào thư mục này")
        add_force_argument(p)
        if name == "uncertainty":
            p.add_argument("--draws", type=int, default=1000, help="random draws / số lần rút ngẫu nhiên")
            p.add_argument("--seed", type=int, default=0, help="the seed (same seed, same result) / "
                                                              "hạt giống ngẫu nhiên (cùng seed, cùng kết quả)")
            p.add_argument("--weight-spread", type=float, default=0.1,
                           help="field weights vary by ± this share / trọng số lĩnh vực thay đổi ± tỉ lệ này")
            p.add_argument("--threshold-shift", type=float, default=0.0,
                           help="band minima move by ± these points / ngưỡng xếp loại dịch ± chừng này điểm")
            p.add_argument("--appraisal-noise", default="0",
                           help="standard deviation in points, or 'calibrated' / "
                                "độ lệch chuẩn (điểm) hoặc 'calibrated'")
            p.add_argument("--survey-bootstrap", action="store_true",
                           help="resample survey respondents / lấy mẫu lại người trả lời khảo sát")
        if name == "remove-one":
            p.add_argument("--node", action="append", default=None,
                           help="only these nodes (repeatable; default: fields and one level below) / "
                                "chỉ các nút này (lặp lại được; mặc định: lĩnh vực và một cấp dưới)")
        p.set_defaults(func=run, analysis=name)


def compute(args: argparse.Namespace) -> tuple[Any, pd.DataFrame]:
    from cchc_rules.analysis.sensitivity import dead_criteria, remove_one
    from cchc_rules.analysis.uncertainty import uncertainty
    from cchc_rules.commands.appraisal import load_pair
    from cchc_rules.engine.score import score

    rb, data = load_pair(args.rulebook, args.dataset)
    if args.analysis == "uncertainty":
        noise: float | str = args.appraisal_noise
        try:
            noise = float(noise)
        except ValueError:
            pass  # "calibrated", or a wrong word the analysis reports (A880)
        return rb, uncertainty(rb, data, draws=args.draws, seed=args.seed, weight_spread=args.weight_spread,
                           threshold_shift=args.threshold_shift, appraisal_noise=noise,
                           survey_bootstrap=args.survey_bootstrap, stage=args.stage)
    if args.analysis == "remove-one":
        return rb, remove_one(rb, data, args.stage, args.node, args.lang)
    return rb, dead_criteria(score(rb, data, args.stage), lang=args.lang)


def records(table: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows with unrounded numbers; NaN and NA → null."""
    from cchc_rules.analysis.jsonable import json_value

    return [{str(k): json_value(v) for k, v in row.items()} for row in table.to_dict("records")]


def readable(table: pd.DataFrame, lang: str, rulebook: Any) -> pd.DataFrame:
    """Numbers rounded for reading (3 decimals for indices and means, whole ranks), groups and bands by their
    names, headings in `lang`."""
    from cchc_rules.display import number, percent
    from cchc_rules.i18n import pick

    bands = {b.id: pick(b.label, lang) for b in rulebook.all_bands()}
    out = pd.DataFrame(index=table.index)
    for column in table.columns:
        values = table[column]
        if column == "group":
            out[column] = [pick(rulebook.groups.get(g, g), lang) for g in values.astype(str)]
        elif column == "band":
            out[column] = ["—" if pd.isna(b) else bands.get(str(b), str(b)) for b in values]
        elif column.startswith("p_"):
            out[column] = [percent(float(v), lang) for v in values]
        elif pd.api.types.is_bool_dtype(values):
            out[column] = ["✓" if v else "" for v in values]
        elif pd.api.types.is_integer_dtype(values):
            out[column] = ["—" if pd.isna(v) else str(int(v)) for v in values]
        elif pd.api.types.is_float_dtype(values):
            out[column] = ["—" if pd.isna(v) else number(float(v), lang, 3) for v in values]
        else:
            out[column] = ["—" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v) for v in values]
    none = TEXT["no_band"][lang]
    return out.rename(columns=lambda c: f"P({bands.get(c[2:], none)})" if c.startswith("p_")
                      else COLUMNS[lang].get(c, c))


def title(args: argparse.Namespace) -> str:
    text = TITLES[args.analysis][args.lang]
    return text.format(draws=getattr(args, "draws", ""), seed=getattr(args, "seed", ""))


def run(args: argparse.Namespace) -> int:
    inputs = [args.rulebook, args.dataset]
    if args.out is not None:
        check_folder(args.out, inputs, args.force)
    rulebook, table = compute(args)
    name = FILE[args.analysis]
    files = [f"{name}.csv", f"{name}.xlsx", f"{name}.json"]
    if args.out is not None:
        from cchc_rules.atomic import write_text
        from cchc_rules.documents.tables import write_csv
        from cchc_rules.report.pages import write_xlsx

        with output_folder(args.out, inputs, args.force) as tmp:
            write_csv(table, tmp / files[0])
            labelled = table.rename(columns=lambda c: COLUMNS[args.lang].get(c, c))
            write_xlsx({name: labelled}, tmp / files[1], title(args), "cchc-rules", args.lang, 3)
            write_text(tmp / files[2], json.dumps(records(table), ensure_ascii=False, indent=1))
    if args.json:
        print(json.dumps(records(table), ensure_ascii=False, indent=1))
    else:
        head = title(args)
        body = readable(table, args.lang, rulebook).to_string(index=False) if len(table) else NONE[args.lang]
        print(f"{head}\n{'=' * len(head)}\n{body}")
    if args.out is not None:
        print(WROTE[args.lang].format(path=shown(args.out), files=", ".join(files)),
              file=sys.stderr if args.json else sys.stdout)
    return 0

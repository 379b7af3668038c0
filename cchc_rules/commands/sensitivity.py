"""`cchc sensitivity RULEBOOK DATASET [--samples N] [--weights S] [--thresholds H] [--noise X] [--dask SPEC]
[--json] [--out DIR]`: Sobol indices of ranks and band shares (`analysis.sobol`).

Prints, for each band's share and for each unit whose rank moves, the uncertain input with the
largest total index and its interval (a note says these are estimates); `--json` prints every
index with its interval; `--out DIR` writes sobol.csv (every index), drivers.csv and sobol.html
(the chart, offline) through the output guard.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import pandas as pd

from cchc_rules.display import number
from cchc_rules.labels import by_language
from cchc_rules.labels.sensitivity import SENSITIVITY, SENSITIVITY_COLUMNS
from cchc_rules.outputs import add_force_argument, check_folder, output_folder, shown

COLUMNS: dict[str, list[str]] = {lang: list(row.values()) for lang, row in by_language(SENSITIVITY_COLUMNS).items()}
TEXT: dict[str, dict[str, str]] = by_language(SENSITIVITY)


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("sensitivity", parents=[common],
                       help="Sobol indices: which weight, threshold or noise drives ranks / "
                            "chỉ số Sobol: trọng số, ngưỡng hay nhiễu nào quyết định thứ hạng")
    p.add_argument("rulebook", type=Path, help="the rulebook YAML / tệp YAML bộ tiêu chí")
    p.add_argument("dataset", type=Path, help="a dataset folder or XLSX workbook / thư mục dữ liệu hoặc sổ XLSX")
    p.add_argument("--samples", type=int, default=256, help="base samples, a power of 2 (default 256) / "
                                                            "số mẫu gốc, luỹ thừa của 2 (mặc định 256)")
    p.add_argument("--seed", type=int, default=0, help="seed (default 0) / hạt giống ngẫu nhiên")
    p.add_argument("--weights", type=float, default=0.1, help="weight spread of each top-level field, e.g. 0.1 for "
                                                              "±10%% (default 0.1) / độ dao động trọng số")
    p.add_argument("--thresholds", type=float, default=1.0, help="band thresholds shifted by up to ± this many "
                                                                 "points (default 1) / dịch ngưỡng xếp loại")
    p.add_argument("--noise", default="0", help="appraisal noise: sd in points or 'calibrated' (default 0) / "
                                                "nhiễu thẩm định: độ lệch chuẩn hoặc 'calibrated'")
    p.add_argument("--stage", default=None, help="score at this stage / chấm ở giai đoạn này")
    p.add_argument("--confidence", type=float, default=0.9, help="confidence level (default 0.9) / độ tin cậy")
    p.add_argument("--dask", default=None, metavar="SPEC", help="evaluate on Dask: local, local:N or tcp://host:port "
                                                                "/ tính trên Dask")
    p.add_argument("--json", action="store_true", help="print every index as JSON / in mọi chỉ số dạng JSON")
    p.add_argument("--out", type=Path, default=None, help="write sobol.csv, drivers.csv and sobol.html here / "
                                                          "ghi sobol.csv, drivers.csv và sobol.html vào đây")
    add_force_argument(p)
    p.set_defaults(func=run)


def _noise(text: str) -> float | str:
    try:
        return float(text)
    except ValueError:
        return text  # "calibrated", or a mistake the analysis reports (A880)


def compute(args: argparse.Namespace) -> pd.DataFrame:
    from cchc_rules.analysis.sobol import sobol
    from cchc_rules.data.load import load_dataset
    from cchc_rules.dsl.load import load_rulebook

    rulebook = load_rulebook(args.rulebook)
    dataset = load_dataset(args.dataset, rulebook)
    kw: dict[str, Any] = {"samples": args.samples, "seed": args.seed, "weight_spread": args.weights,
                          "threshold_shift": args.thresholds, "appraisal_noise": _noise(args.noise),
                          "stage": args.stage, "confidence": args.confidence}
    if args.dask is None:
        return sobol(rulebook, dataset, **kw)
    from cchc_rules.cluster import dask_client, parse_spec

    with dask_client(parse_spec(args.dask)) as client:
        return sobol(rulebook, dataset, client=client, progress=True, **kw)


def run(args: argparse.Namespace) -> int:
    if args.dask is not None:
        from cchc_rules.cluster import parse_spec

        parse_spec(args.dask)  # a bad spec is reported before anything is computed
    if args.out is not None:
        check_folder(args.out, [args.rulebook, args.dataset], args.force)
    table = compute(args)
    from cchc_rules.analysis.sobol import drivers

    best = drivers(table)
    if args.out is not None:
        write(table, best, args.out, [args.rulebook, args.dataset], args.force, args.lang)
    if args.json:
        from cchc_rules.analysis.jsonable import json_value

        doc = {"parameters": json_value(dict(table.attrs)),
               "indices": json_value(table.to_dict(orient="records")),
               "drivers": json_value(best.to_dict(orient="records"))}
        print(json.dumps(doc, ensure_ascii=False, indent=1))
    else:
        print(text(table, best, args.lang))
    if args.out is not None:
        print(TEXT[args.lang]["wrote"].format(path=shown(args.out)), file=sys.stderr if args.json else sys.stdout)
    return 0


def text(table: pd.DataFrame, best: pd.DataFrame, lang: str) -> str:
    """The shares' drivers, then each moving unit's driver, as aligned text."""
    from cchc_rules.report.sobol_chart import factor_label

    t = TEXT[lang]
    a = table.attrs
    lines = [t["title"].format(samples=a.get("samples"), evaluations=a.get("evaluations"),
                               conf=round(100 * float(a.get("confidence", 0.9)))), t["note"], ""]

    def row(r: pd.Series, label: str) -> list[str]:
        interval = f"[{number(r['total_low'], lang, 2)}; {number(r['total_high'], lang, 2)}]"
        factor = factor_label(str(r["driver"]), lang, a.get("factor_names"))
        return [label, factor, number(r["total"], lang, 2), interval, number(r["first"], lang, 2),
                t["yes"] if r["reliable"] else t["no"]]

    shares = best[best["output"] == "share"]
    ranks = best[best["output"] == "rank"]
    share_rows = [row(r, _band(a, str(r["band"]), lang)) for _, r in shares.iterrows()]
    lines += [t["shares"], _render(COLUMNS[lang], share_rows), ""]
    rank_rows = [row(r, f"{r['name']} ({r['unit_id']})") for _, r in ranks.iterrows()]
    lines += [t["ranks"], _render(COLUMNS[lang], rank_rows)]
    n_units = table.loc[table["output"] == "rank", "unit_id"].nunique()
    still = n_units - len(ranks)
    if still:
        lines += ["", t["still"].format(n=still)]
    return "\n".join(lines)


def _band(attrs: dict[str, Any], band: str, lang: str) -> str:
    names = attrs.get("band_names") or {}
    return names[band][lang] if band in names else band


def _render(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(x) for x in col) for col in zip(header, *rows)]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()
                     for cells in [header, ["-" * w for w in widths], *rows])


def write(table: pd.DataFrame, best: pd.DataFrame, out: Path, inputs: list[Path], force: bool, lang: str) -> None:
    """sobol.csv, drivers.csv and sobol.html, all or nothing, through the output guard."""
    from cchc_rules.documents.tables import write_csv
    from cchc_rules.report.sobol_chart import sobol_chart

    with output_folder(out, inputs, force) as tmp:
        write_csv(table, tmp / "sobol.csv")
        write_csv(best, tmp / "drivers.csv")
        sobol_chart(table, lang).save(str(tmp / "sobol.html"), inline=True)

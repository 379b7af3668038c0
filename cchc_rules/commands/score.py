"""`cchc score RULEBOOK DATASET [--stage S] [--json] [--out DIR]`: score every unit.

Prints a table per unit group sorted by rank (the published figure, the band's label and the
rank, in the chosen language), or with `--json` the spec's JSON with unrounded numbers.
A note on stderr says how many values a `missing` policy filled (per criterion and per unit) and
warns of unscored units and of criteria that no unit of a group has data for.
`--out DIR` writes units.csv, nodes.csv, ledger.csv (every unit's ledger) and results.xlsx into a
temporary folder beside DIR and renames it only when everything was written, so a failure
leaves nothing behind. Bad input raises `CchcError` (every problem; nothing written).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import pandas as pd

from cchc_rules.display import decimal_text
from cchc_rules.i18n import pick, stage_label
from cchc_rules.labels import by_language
from cchc_rules.labels.commands import SCORE
from cchc_rules.outputs import add_force_argument, check_folder, output_folder, shown

HEADERS = by_language(SCORE)


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser("score", parents=[common],
                              help="score a dataset with a rulebook / chấm điểm bộ dữ liệu theo bộ tiêu chí")
    p.add_argument("rulebook", type=Path, help="the rulebook YAML / tệp YAML bộ tiêu chí")
    p.add_argument("dataset", type=Path, help="a dataset folder or XLSX workbook / thư mục dữ liệu hoặc sổ XLSX")
    p.add_argument("--stage", default=None, help="score at this stage (default: the last value of each leaf) / "
                                                 "chấm ở giai đoạn này (mặc định: giá trị cuối của mỗi tiêu chí)")
    p.add_argument("--json", action="store_true", help="print the result as JSON (unrounded numbers) / "
                                                       "in kết quả dạng JSON (số chưa làm tròn)")
    p.add_argument("--out", type=Path, default=None,
                   help="write units, nodes, ledger (CSV) and results.xlsx here / "
                        "ghi units, nodes, ledger (CSV) và results.xlsx vào thư mục này")
    add_issued(p)
    add_force_argument(p)
    p.set_defaults(func=run)


def add_issued(p: argparse.ArgumentParser) -> None:
    p.add_argument("--issued", type=Path, default=None, metavar="FILE.issued.json",
                   help="for returned self-assessment workbooks: the issued copy 'cchc workbook' wrote "
                        "(default: found beside the workbook or its folder) / bản lưu khi phát hành sổ")


def compute(rulebook_path: Path, dataset_path: Path, stage: str | None, issued: Path | None = None):
    """Load, check and score (raises `CchcError` listing every problem)."""
    from cchc_rules.data.load import load_dataset
    from cchc_rules.dsl.load import load_rulebook
    from cchc_rules.engine.score import score

    rulebook = load_rulebook(rulebook_path)
    dataset = load_dataset(dataset_path, rulebook, issued)
    return score(rulebook, dataset, stage)


def run(args: argparse.Namespace) -> int:
    inputs = [args.rulebook, args.dataset]
    if args.out is not None:
        inputs += issued_copies(args.dataset, args.issued)
        check_folder(args.out, inputs, args.force)  # before scoring: a refused --out costs nothing
    result = compute(args.rulebook, args.dataset, args.stage, args.issued)
    if args.out is not None:
        write_outputs(result, args.out, args.lang, [*inputs, *bases(result.rulebook)], args.force)
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=1))
    else:
        print(table(result, args.lang))
    if args.out is not None:
        print(WROTE[args.lang].format(path=shown(args.out)), file=sys.stderr if args.json else sys.stdout)
    print_gaps(result, args.lang)
    return 0


def bases(rulebook: Any) -> list[Path]:
    """The files a derived rulebook was made from (inputs too: an output may not replace them)."""
    derivation = getattr(rulebook, "derivation", None)
    return [Path(p) for p in getattr(derivation, "chain", None) or []]


def issued_copies(dataset: Path, issued: Path | None) -> list[Path]:
    """The issued copy returned workbooks are read with (an input too: an output may not replace it)."""
    if issued is not None:
        return [issued]
    if not (dataset.is_dir() or dataset.suffix.lower() == ".xlsx"):
        return []
    from cchc_rules.data.issued import candidates

    return [c for c in candidates(dataset) if c.is_file()]


def print_gaps(result: Any, lang: str) -> None:
    """The note on values filled by a missing policy and the warnings (unscored units, criteria without data), on
    stderr so that `--json` stays clean."""
    from cchc_rules.report.gaps import gap_lines

    lines = gap_lines(result, lang)
    if lines:
        print("\n".join(lines), file=sys.stderr)


def table(result: Any, lang: str) -> str:
    """The ranking as text: one block per group, by rank (unranked units last, by index)."""
    h = HEADERS[lang]
    rb = result.rulebook
    units = result.units.copy()
    units["_ranked"] = units["rank"].isna()
    stage = stage_label(result.stage, lang)
    blocks = [f"{h['title']}: {pick(rb.title, lang)} ({h['stage']}: {stage}, {len(units)} {h['units']})"]
    columns = ["unit_id", "name", "group", "published", "band", "rank"]
    for group, members in units.groupby(units["group"].astype(str), sort=False, observed=True):
        members = members.sort_values(["_ranked", "rank", "index"], ascending=[True, True, False], kind="stable")
        rows = [
            [
                str(r.unit_id), str(r.name), pick(rb.groups[group], lang), decimal_text(str(r.published), lang),
                result.band_label(str(r.band), lang) if pd.notna(r.band) else "—",
                "—" if pd.isna(r.rank) else str(int(r.rank)),
            ]
            for r in members.itertuples(index=False)
        ]
        blocks.append(f"\n{pick(rb.groups[group], lang)}\n" + _render([h[c] for c in columns], rows, numeric={3, 5}))
    return "\n".join(blocks)


def _render(header: list[str], rows: list[list[str]], numeric: set[int]) -> str:
    widths = [max(len(x) for x in col) for col in zip(header, *rows)]

    def line(cells: list[str]) -> str:
        return "  ".join(c.rjust(w) if i in numeric else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths)))

    return "\n".join([line(header), "  ".join("-" * w for w in widths), *(line(r) for r in rows)]).rstrip()


def ledgers(result: Any, lang: str) -> pd.DataFrame:
    """Every unit's ledger in one table (built only here: it is the slow part)."""
    frames = []
    for unit_id in result.units["unit_id"].astype(str):
        rows = result.explain(unit_id, lang).rows.copy()
        rows.insert(0, "unit_id", unit_id)
        frames.append(rows)
    return pd.concat(frames, ignore_index=True)


EXCEL_ROWS = 1_048_576  # rows in one Excel sheet, header included


WROTE = {"vi": "Đã ghi kết quả vào {path}/ (units.csv, nodes.csv, ledger.csv, tables.xlsx, results.xlsx)",
         "en": "Results written to {path}/ (units.csv, nodes.csv, ledger.csv, tables.xlsx, results.xlsx)"}


def _printable(ws: Any, result: Any, name: str, lang: str) -> None:
    from cchc_rules.display import excel_format
    from cchc_rules.documents.xlsx import footer_text, print_table

    rb = result.rulebook
    title = f"{pick(rb.title, lang)} · {name}"
    print_table(ws, title, footer_text(rb.id, rb.year, lang), lang, excel_format(rb.display.decimals))


def write_outputs(result: Any, out: Path, lang: str, inputs: list[Path] | None = None, force: bool = False) -> None:
    """All or nothing: units, nodes and ledger as CSV and as sheets of tables.xlsx (a table too long for one
    Excel sheet stays in its CSV only), and results.xlsx, the formatted ranking a department publishes.
    `out` goes through the output guard (`cchc_rules.outputs.output_folder`) with `inputs` and `force`."""
    from cchc_rules.documents.results import write_results_workbook
    from cchc_rules.documents.tables import write_csv, write_tables
    from cchc_rules.report.order import ranked

    units = ranked(result.units, list(result.rulebook.groups))
    tables = {"units": units, "nodes": result.nodes, "ledger": ledgers(result, lang)}
    with output_folder(out, inputs or [], force) as tmp:
        for name, table in tables.items():
            write_csv(table, tmp / f"{name}.csv")
        sheets = {name: _numeric_published(table) for name, table in tables.items() if len(table) < EXCEL_ROWS}
        write_tables(sheets, tmp / "tables.xlsx", dress=lambda ws, name: _printable(ws, result, name, lang))
        write_results_workbook(result, tmp / "results.xlsx", lang=lang)


def _numeric_published(table: pd.DataFrame) -> pd.DataFrame:
    """The published index as a number in Excel (shown with the rulebook's decimals); "—" for an unscored unit."""
    if "published" not in table.columns:
        return table
    from cchc_rules.documents.xlsx import published_cell

    return table.assign(published=table["published"].map(published_cell))

"""`cchc card RULEBOOK DATASET [UNIT ...] --out DIR [--previous DATASET [--previous-rulebook RB] | --panel P]`.

Writes, for each unit asked for (default: every unit), a one-page bilingual HTML card printable on
A4 (`report.card`), plus cards.xlsx (a sheet per unit), cards.json (unrounded) and index.html
linking them, all or nothing through the output guard. With `--previous` the card shows the change
since that dataset (scored with `--previous-rulebook`, default the same rulebook; this dataset's
crosswalk follows merged units); with `--panel` last year is the year before DATASET in that panel file
(its rulebook, and the crosswalk the panel gives this year). A rulebook with two stages or more adds
the self-assessed against appraised gap. Unknown unit ids are reported together, with the nearest ids.
"""

from __future__ import annotations

import argparse
import html
import json
from pathlib import Path
from typing import Any

from cchc_rules.labels import by_key
from cchc_rules.labels.council import CARD_COMMAND
from cchc_rules.outputs import add_force_argument, check_folder, output_folder, shown
from cchc_rules.problems import CchcError, Pos, Problems, define

WROTE = by_key(CARD_COMMAND)["wrote"]
_INDEX = CARD_COMMAND["index"]
INDEX = {"vi": f"{_INDEX.vi} / {_INDEX.en}", "en": f"{_INDEX.en} / {_INDEX.vi}"}


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser("card", parents=[common],
                              help="a one-page report card per unit, with an improvement plan / "
                                   "phiếu kết quả một trang cho từng đơn vị, kèm kế hoạch cải thiện")
    p.add_argument("rulebook", type=Path, help="the rulebook YAML / tệp YAML bộ tiêu chí")
    p.add_argument("dataset", type=Path, help="a dataset folder or XLSX workbook / thư mục dữ liệu hoặc sổ XLSX")
    p.add_argument("units", nargs="*", metavar="UNIT", help="unit ids (default: every unit) / "
                                                            "mã đơn vị (mặc định: mọi đơn vị)")
    p.add_argument("--out", type=Path, required=True, help="the folder to write / thư mục sẽ ghi")
    p.add_argument("--previous", type=Path, default=None,
                   help="last year's dataset, for the change since then / bộ dữ liệu năm trước, để thấy thay đổi")
    p.add_argument("--previous-rulebook", type=Path, default=None,
                   help="the rulebook of last year's dataset (default: the same) / bộ tiêu chí của năm trước")
    p.add_argument("--panel", type=Path, default=None,
                   help="a panel file holding DATASET: last year is the year before it there, with its rulebook "
                        "and crosswalk / tệp bảng nhiều năm chứa DATASET: năm trước lấy từ đó")
    add_force_argument(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from cchc_rules.analysis.appraisal import appraisal
    from cchc_rules.analysis.cards import unit_card
    from cchc_rules.analysis.compare import compare
    from cchc_rules.commands.appraisal import load_pair
    from cchc_rules.documents.workbook import file_name
    from cchc_rules.dsl.load import load_rulebook
    from cchc_rules.engine.score import score
    from cchc_rules.report.card import card_html, cards_workbook

    inputs = [p for p in (args.rulebook, args.dataset, args.previous, args.previous_rulebook, args.panel)
              if p is not None]
    check_folder(args.out, inputs, args.force)
    rb, data = load_pair(args.rulebook, args.dataset)
    result = score(rb, data)
    wanted = list(dict.fromkeys(args.units)) or list(result.units["unit_id"].astype(str))
    problems = Problems()
    for unit in wanted:
        try:
            result.row_of(unit)
        except CchcError as exc:
            problems.extend(exc.problems)
    problems.raise_if_errors()
    comparison = None
    if args.panel is not None:
        comparison = from_panel(args.panel, args.dataset, result)
    elif args.previous is not None:
        from cchc_rules.data.load import load_dataset

        prev_rb = load_rulebook(args.previous_rulebook) if args.previous_rulebook else rb
        before = score(prev_rb, load_dataset(args.previous, prev_rb))
        comparison = compare(before, result, data.meta.crosswalk)
    council = appraisal(rb, data) if len(rb.stages) > 1 else None
    cards = [unit_card(result, u, council, comparison) for u in wanted]
    with output_folder(args.out, inputs, args.force) as tmp:
        taken: set[str] = set()
        links = []
        for card in cards:
            name = file_name(card.unit_id, taken).removesuffix(".xlsx") + ".html"
            (tmp / name).write_text(card_html(card, result, args.lang), encoding="utf-8")
            links.append(f'<li><a href="{html.escape(name)}">{html.escape(card.name)}</a> '
                         f"({html.escape(card.unit_id)})</li>")
        cards_workbook(cards, result, tmp / "cards.xlsx", args.lang)
        (tmp / "cards.json").write_text(json.dumps([c.to_json() for c in cards], ensure_ascii=False, indent=1),
                                        encoding="utf-8")
        title = html.escape(INDEX[args.lang])
        (tmp / "index.html").write_text(f'<!DOCTYPE html>\n<html lang="{args.lang}"><head><meta charset="utf-8">'
                                        f"<title>{title}</title></head><body><h1>{title}</h1><ul>"
                                        + "".join(links) + "</ul></body></html>\n", encoding="utf-8")
    print(WROTE[args.lang].format(n=len(cards), path=shown(args.out)))
    return 0


NOT_IN_PANEL = define(
    "S642",
    "Bộ dữ liệu '{dataset}' không có trong tệp bảng nhiều năm (các năm: {years}), hoặc là năm đầu tiên",
    "The dataset '{dataset}' is not in the panel file (its years: {years}), or is its first year",
    "Cho bộ dữ liệu của một năm có năm trước trong tệp, hoặc dùng --previous BỘ_DỮ_LIỆU.",
    "Give the dataset of a year that has a year before it in the panel, or use --previous DATASET.",
)


def from_panel(panel: Path, dataset: Path, result: Any) -> Any:
    """The comparison with the year before `dataset` in a panel file (its rulebook, this year's crosswalk)."""
    from cchc_rules.analysis.compare import compare
    from cchc_rules.data.panel_file import read_panel
    from cchc_rules.engine.score import score

    file = read_panel(panel)
    target = dataset.resolve()
    for before, year in zip(file.years[:-1], file.years[1:]):
        if year.dataset.path is not None and Path(year.dataset.path).resolve() == target:
            return compare(score(before.rulebook, before.dataset, file.stage), result, year.crosswalk)
    problems = Problems()
    problems.add(NOT_IN_PANEL, Pos(str(panel)), dataset=str(dataset), years=[y.year for y in file.years])
    raise CchcError(problems.items)

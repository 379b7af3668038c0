"""`cchc compare BASE VARIANT DATASET [VARIANT_DATASET] [--json] [--stage S]`: compare two results.

BASE and VARIANT are rulebook files scored on DATASET; with VARIANT_DATASET the variant is
scored on that one instead (year on year), and its crosswalk, when it has one, matches merged
units (see `analysis.compare`). Prints, in the chosen language, the rulebook differences (one
sentence each, the base value beside the new one), the summary, units per movement bin, the
band transition matrix and the per-unit table; with
`--json` the comparison's JSON (unrounded numbers, null for what is missing); with `--by
criterion` each unit's change split by field, criterion and sub-criterion (`analysis.decomposition`).
Warnings go to stderr: a criterion no unit has data for, different scales or group sizes (then
the unit table shows percentile ranks), unscored units, values filled by a missing policy. Both rulebooks
and both datasets are checked before anything is printed, and all their problems are
reported together.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from cchc_rules.problems import CchcError

TITLES = {
    "vi": {"title": "So sánh: {base} → {variant}", "units": "Từng đơn vị", "bins": "Lên hạng, xuống hạng"},
    "en": {"title": "Comparison: {base} → {variant}", "units": "Unit by unit", "bins": "Winners and losers"},
}


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser("compare", parents=[common],
                              help="compare two rulebooks or two years / so sánh hai bộ tiêu chí hoặc hai năm")
    p.add_argument("base", type=Path, help="the base rulebook YAML / tệp YAML bộ tiêu chí gốc")
    p.add_argument("variant", type=Path, help="the variant rulebook YAML (the same file for year on year) / "
                                              "tệp YAML bộ tiêu chí phương án (cùng tệp khi so hai năm)")
    p.add_argument("dataset", type=Path, help="the dataset scored with the base (and with the variant) / "
                                              "bộ dữ liệu chấm theo bộ gốc (và theo phương án)")
    p.add_argument("variant_dataset", type=Path, nargs="?", default=None,
                   help="another dataset for the variant (year on year; its crosswalk matches merged units) / "
                        "bộ dữ liệu khác cho phương án (so hai năm; bảng chuyển đổi ghép các đơn vị sáp nhập)")
    p.add_argument("--stage", default=None, help="score both sides at this stage (default: the last value) / "
                                                 "chấm cả hai bên ở giai đoạn này (mặc định: giá trị cuối)")
    p.add_argument("--json", action="store_true", help="print the comparison as JSON / in kết quả so sánh dạng JSON")
    p.add_argument("--by", choices=["criterion"], default=None,
                   help="split each unit's change by field, criterion and sub-criterion (adding up exactly) / "
                        "tách thay đổi của từng đơn vị theo lĩnh vực, tiêu chí và tiêu chí thành phần (cộng đúng)")
    p.add_argument("--unit", default=None, help="with --by criterion: only this unit / "
                                                "với --by criterion: chỉ đơn vị này")
    p.set_defaults(func=run)


def compute(base: Path, variant: Path, dataset: Path, variant_dataset: Path | None, stage: str | None):
    """Load, check, score both sides and compare; raises one `CchcError` with every problem."""
    from cchc_rules.analysis.compare import compare
    from cchc_rules.data.load import load_dataset
    from cchc_rules.dsl.load import load_rulebook
    from cchc_rules.engine.score import score

    errors: list[Any] = []

    def attempt(fn: Any, *args: Any) -> Any:
        try:
            return fn(*args)
        except CchcError as exc:
            errors.extend(exc.problems)
            return None

    base_rb = attempt(load_rulebook, base)
    variant_rb = base_rb if variant.resolve() == base.resolve() else attempt(load_rulebook, variant)
    base_ds = attempt(load_dataset, dataset, base_rb) if base_rb is not None else None
    variant_ds = base_ds
    if variant_dataset is not None and variant_rb is not None:
        variant_ds = attempt(load_dataset, variant_dataset, variant_rb)
    if errors or base_ds is None or variant_ds is None:
        raise CchcError(errors)
    left = attempt(score, base_rb, base_ds, stage)
    right = attempt(score, variant_rb, variant_ds, stage)
    if errors:
        raise CchcError(errors)
    crosswalk = variant_ds.meta.crosswalk if variant_dataset is not None else None
    return compare(left, right, crosswalk)


def run(args: argparse.Namespace) -> int:
    comparison = compute(args.base, args.variant, args.dataset, args.variant_dataset, args.stage)
    if args.json:
        print(json.dumps(comparison.to_json(), ensure_ascii=False, indent=1))
    else:
        print(text(comparison, args.lang))
        if args.by == "criterion":
            from cchc_rules.report.labels import decomposition_lines

            print("\n" + "\n".join(decomposition_lines(comparison, args.lang, args.unit)))
    print_warnings(comparison, args.lang, args.json)
    return 0


def print_warnings(comparison: Any, lang: str, as_json: bool) -> None:
    """On stderr (so that `--json` stays clean): each side's values filled by a missing policy and unscored
    units; with `--json` also what makes the comparison misleading if read naively (criteria without data,
    scales or group sizes that differ), which the text shows at its top."""
    from cchc_rules.report.gaps import gap_lines
    from cchc_rules.report.labels import label

    lines = [p.format(lang) for p in comparison.warnings] if as_json else []  # the text shows them at its top
    sides = [("side_base", comparison.base), ("side_variant", comparison.variant)]
    for name, side in sides if comparison.base is not comparison.variant else sides[:1]:
        notes = gap_lines(side, lang, [w for w in side.warnings if w.code == "E402"])
        lines += [f"[{label(name, lang)}] {notes[0]}", *notes[1:]] if notes else []
    if lines:
        print("\n".join(lines), file=sys.stderr)


def text(comparison: Any, lang: str) -> str:
    """The comparison as readable tables in `lang`."""
    from cchc_rules.i18n import pick
    from cchc_rules.report import labels

    t = TITLES[lang]
    head = t["title"].format(base=pick(comparison.base.rulebook.title, lang),
                             variant=pick(comparison.variant.rulebook.title, lang))
    diff = comparison.rulebook_diff
    blocks = [head, "=" * len(head)]
    if comparison.warnings:  # first, so that no figure below is read without them
        blocks += [f"\n{labels.label('warnings', lang)}"]
        blocks += [f"⚠ {p.what(lang)}.\n  → {p.fix(lang)}" for p in comparison.warnings]
    blocks += [f"\n{labels.label('rulebook_diff', lang)}"]
    blocks += [f"- {d.describe(lang)}" for d in diff] or [labels.label("no_diff", lang)]
    blocks += [f"\n{labels.label('summary', lang)}", labels.summary_table(comparison, lang).to_string(index=False)]
    blocks += [f"\n{t['bins']}", labels.bins_table(comparison, lang).to_string(index=False)]
    transitions = labels.transitions_table(comparison, lang).to_string(index=False)
    blocks += [f"\n{labels.label('transitions', lang)}", transitions]
    blocks += [f"\n{t['units']}", labels.units_table(comparison, lang).to_string(index=False)]
    return "\n".join(blocks)

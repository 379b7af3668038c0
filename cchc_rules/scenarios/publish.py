"""Publish a computed scenario: turn a `ScenarioRun` into the files its `outputs` ask for.

`publish(run, folder, lang)` writes tables as CSV (`tables/`), XLSX (`results-<side>.xlsx`, the
publishable results of each side, and `tables.xlsx`, every table one sheet), the self-contained
`report.html` (charts rendered once, shared with the notebook through `report.html.sections`),
and always `summary.json` (the headline figures the batch index shows, with each side's `gaps`,
`analysis.gaps.gap_summary`, and the comparison's `warnings` in both languages). Every number written is
unrounded; the HTML rounds for display only. Paths written are relative to `folder`.

Computing lives in `scenarios.execute`, which never imports this module nor the report.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pandas as pd

from cchc_rules.analysis.gaps import gap_summary
from cchc_rules.analysis.jsonable import json_value
from cchc_rules.engine.result import Result
from cchc_rules.i18n import LANGS, both, resolve_lang
from cchc_rules.places import project_root
from cchc_rules.problems import Problem
from cchc_rules.report.html import HEADLINE, scenario_html
from cchc_rules.report.order import ranked
from cchc_rules.scenarios.execute import ScenarioRun

SUMMARY = "summary.json"


def relative(path: Path | str | None, folder: Path | str) -> str | None:
    """`path` as written in a published file: relative to `folder` when both lie in one project (or `path`
    lies inside `folder`), else relative to the project of `path` (never the machine's absolute path)."""
    if path is None or str(path) == "":
        return None
    target, out = Path(os.path.abspath(path)), Path(os.path.abspath(folder))
    root = project_root(target.parent)
    if target.is_relative_to(out) or (root is not None and out.is_relative_to(root)):
        return Path(os.path.relpath(target, out)).as_posix()
    return Path(os.path.relpath(target, root)).as_posix() if root is not None else target.name


def summary(run: ScenarioRun, folder: Path | str) -> dict[str, Any]:
    """The headline figures of each variant (JSON-ready; NaN → null); files relative to `folder`."""
    s, base = run.scenario, run.baseline
    return {
        "scenario": s.id,
        "title": both(s.title),
        "file": relative(run.file, folder),
        "status": "ok",
        "error": None,
        "baseline": {
            "rulebook": base.rulebook.id,
            "title": both(base.rulebook.title),
            "stage": base.stage,
            "units": len(base.units),
            "bands": _band_counts(base),
            "illustrative": bool(base.rulebook.illustrative),
            "gaps": gap_summary(base),
            "warnings": _warnings(base.warnings),
        },
        "variants": [
            {"id": v.id, "title": v.title, "kind": "sweep" if v.values else "variant",
             "values": {k: json_value(x) for k, x in v.values.items()},
             **{k: json_value(v.figures.get(k)) for k in HEADLINE},
             **({"gaps": gap_summary(v.result)} if v.result is not None else {}),
             "warnings": _warnings(v.comparison.warnings if v.comparison is not None else [])}
            for v in run.variants.values()
        ],
        "seconds": round(run.seconds, 3),
    }


def publish(run: ScenarioRun, folder: Path | str, lang: str | None = None) -> dict[str, str]:
    """Write the outputs into `folder` (the runner's temporary folder); returns name → relative path."""
    from cchc_rules.documents.tables import write_csv

    lang = resolve_lang(lang)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written: dict[str, str] = {}
    groups = list(run.baseline.rulebook.groups)
    tables = {name: ranked(t, groups) if name.endswith("-units") else t for name, t in run.tables().items()}
    if "csv" in run.scenario.outputs:
        (folder / "tables").mkdir(exist_ok=True)
        for name, table in tables.items():
            write_csv(table, folder / "tables" / f"{name}.csv")
            written[f"{name}.csv"] = f"tables/{name}.csv"
    if "xlsx" in run.scenario.outputs:
        written.update(_workbooks(run, folder, tables, lang))
    figures = summary(run, folder)
    if "html" in run.scenario.outputs:
        (folder / "report.html").write_text(scenario_html(run, lang, written), encoding="utf-8")
        written["report.html"] = "report.html"
    figures["outputs"] = written
    write_json(folder / SUMMARY, figures)
    return written


def write_json(file: Path, data: dict[str, Any]) -> None:
    file.write_text(json.dumps(data, ensure_ascii=False, indent=1, default=str), encoding="utf-8")


def _workbooks(run: ScenarioRun, folder: Path, tables: dict[str, pd.DataFrame], lang: str) -> dict[str, str]:
    from cchc_rules.documents.results import write_results_workbook
    from cchc_rules.documents.tables import write_tables

    written = {}
    sides: dict[str, tuple[Result, Result | None]] = {"baseline": (run.baseline, None)}
    for v in run.variants.values():
        if v.result is not None:
            same_units = set(v.result.units["unit_id"]) == set(run.baseline.units["unit_id"])
            sides[v.id] = (v.result, run.baseline if same_units else None)
    for name, (result, previous) in sides.items():
        write_results_workbook(result, folder / f"results-{name}.xlsx", lang=lang, previous=previous)
        written[f"results-{name}.xlsx"] = f"results-{name}.xlsx"
    write_tables(tables, folder / "tables.xlsx")
    written["tables.xlsx"] = "tables.xlsx"
    return written


def _warnings(problems: list[Problem]) -> list[dict[str, str]]:
    """Warnings as summary.json keeps them: code, path and the text in each language (the batch index shows them)."""
    return [{"code": p.code, "path": p.path, **{lang: f"{p.what(lang)}. {p.fix(lang)}" for lang in LANGS}}
            for p in problems]


def _band_counts(result: Result) -> dict[str, int]:
    counts = result.units["band"].astype(str).value_counts()
    return {band: int(counts.get(band, 0)) for band in result.compiled.band_ids}

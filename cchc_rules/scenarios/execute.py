"""Execute a scenario in-process: baseline and variant results, comparisons, sweep, uncertainty.

`execute(scenario)` does the computing and nothing else: it writes no file and renders nothing
(`scenarios.publish` turns a `ScenarioRun` into files; the batch runner and the report notebook
call both).

A variant whose dataset has a crosswalk (`dataset.yaml` → `crosswalk`) is compared with the
baseline through it (units merged in 2025 are matched to their predecessors).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from cchc_rules.i18n import LANGS, both, pick
from cchc_rules.problems import Problems, define
from cchc_rules.scenarios.load import Side, load_scenario
from cchc_rules.scenarios.models import Scenario

if TYPE_CHECKING:
    from cchc_rules.analysis.compare import Comparison
    from cchc_rules.engine.result import Result

BAD_PARAMETER = define(
    "S610",
    "Tham số '{name}' của sổ tay báo cáo không hợp lệ: {value}",
    "The report notebook's parameter '{name}' is not valid: {value}",
    "{fix_vi}",
    "{fix_en}",
)


@dataclass
class VariantRun:
    """One variant scored and compared with the baseline; sweep variants carry their swept `values`."""

    id: str
    title: dict[str, str]
    result: Result | None = None
    comparison: Comparison | None = None
    values: dict[str, Any] = field(default_factory=dict)
    figures: dict[str, Any] = field(default_factory=dict)


@dataclass
class ScenarioRun:
    """Everything a scenario computed; `scenarios.publish` turns it into files."""

    scenario: Scenario
    baseline: Result
    variants: dict[str, VariantRun]
    sweep: pd.DataFrame | None = None
    sweep_summary: pd.DataFrame | None = None
    uncertainty: dict[str, pd.DataFrame] = field(default_factory=dict)
    seconds: float = 0.0
    report_cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)  # for report.html.sections

    @property
    def file(self) -> Path:
        return self.scenario.prepared.file

    def title(self, lang: str | None = None) -> str:
        return pick(self.scenario.title, lang)

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table of the run by file name (without extension), unrounded, machine-readable columns."""
        out: dict[str, pd.DataFrame] = {"baseline-units": self.baseline.units}
        for v in self.variants.values():
            if v.result is not None:
                out[f"{v.id}-units"] = v.result.units
            if v.comparison is not None:
                out[f"{v.id}-comparison"] = v.comparison.units
                out[f"{v.id}-transitions"] = v.comparison.transitions.reset_index()
                out[f"{v.id}-contributions"] = v.comparison.contributions_table()
                out[f"{v.id}-by-criterion"] = v.comparison.decomposition
        if self.sweep is not None:
            out["sweep"] = self.sweep
        if self.sweep_summary is not None:
            out["sweep-summary"] = self.sweep_summary
        for side, table in self.uncertainty.items():
            out[f"{side}-uncertainty"] = table
        return out


@dataclass(frozen=True)
class Parameters:
    """The report notebook's parameters, checked: `out_dir` None means display only, write nothing."""

    scenario: Path
    out_dir: Path | None
    lang: str


def check_parameters(scenario: Any, out_dir: Any, lang: Any) -> Parameters:
    """Check the values papermill injected (it only warns about unknown names); raises `CchcError`."""
    problems = Problems()
    if not isinstance(scenario, (str, Path)) or not Path(scenario).is_file():
        problems.add(BAD_PARAMETER, name="scenario", value=repr(scenario),
                     fix_vi="Truyền đường dẫn tới một tệp kịch bản .yaml có thật.",
                     fix_en="Pass the path of an existing scenario .yaml file.")
    if not isinstance(out_dir, (str, Path)) or (out_dir and Path(out_dir).exists() and not Path(out_dir).is_dir()):
        problems.add(BAD_PARAMETER, name="out_dir", value=repr(out_dir),
                     fix_vi="Truyền một thư mục (hoặc \"\" để chỉ hiển thị, không ghi tệp).",
                     fix_en="Pass a folder (or \"\" to display only and write nothing).")
    if lang not in LANGS:
        problems.add(BAD_PARAMETER, name="lang", value=repr(lang), fix_vi=f"Dùng một trong: {', '.join(LANGS)}.",
                     fix_en=f"Use one of: {', '.join(LANGS)}.")
    problems.raise_if_errors()
    return Parameters(Path(scenario), Path(out_dir) if out_dir else None, str(lang))


def execute(scenario: Scenario | Path | str) -> ScenarioRun:
    """Score the baseline and every variant, compare, sweep and run the uncertainty analysis."""
    from cchc_rules.analysis.compare import compare
    from cchc_rules.engine.score import score

    start = time.perf_counter()
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    prepared = scenario.prepared
    stage = scenario.stage
    base_side = prepared.baseline
    baseline = score(base_side.rulebook, base_side.dataset, stage)
    variants: dict[str, VariantRun] = {}
    for vid, side in prepared.variants.items():
        result = baseline if side.rulebook is base_side.rulebook and side.dataset is base_side.dataset else score(
            side.rulebook, side.dataset, stage)
        crosswalk = side.dataset.meta.crosswalk if side.dataset is not base_side.dataset else None
        comparison = compare(baseline, result, crosswalk=crosswalk)
        variants[vid] = VariantRun(vid, _title(side, vid), result, comparison, figures=_figures(comparison))
    run = ScenarioRun(scenario, baseline, variants)
    if scenario.sweep:
        _sweep(run, prepared.baseline_path, base_side, stage)
    if scenario.uncertainty is not None:
        _uncertainty(run, {"baseline": base_side, **prepared.variants}, stage)
    run.seconds = time.perf_counter() - start
    return run


def _title(side: Side, vid: str) -> dict[str, str]:
    return both(side.title) if side.title is not None else {lang: vid for lang in LANGS}


def _figures(comparison: Comparison) -> dict[str, Any]:
    s, shift = comparison.summary, comparison.units["rank_shift"]
    return {
        "band_changes": s.get("band_changes"),
        "kendall_tau": s.get("kendall_tau"),
        "spearman": s.get("spearman"),
        "mean_abs_rank_shift": s.get("mean_abs_rank_shift"),
        "units_up": int((shift > 0).sum()),
        "units_down": int((shift < 0).sum()),
    }


def _sweep(run: ScenarioRun, base_path: Path, base: Side, stage: str | None) -> None:
    """The sweep table, its summary, and one headline entry per swept variant."""
    from cchc_rules.analysis.sweep import sweep, sweep_summary

    s = run.scenario
    axes = {axis.path: axis.values for axis in s.sweep}
    table = sweep(base_path, base.dataset, axes, combine=s.sweep_combine, stage=stage)
    summary = sweep_summary(table, run.baseline)
    run.sweep, run.sweep_summary = table, summary
    base_units = run.baseline.units.assign(unit_id=run.baseline.units["unit_id"].astype(str)).set_index("unit_id")
    for vid, rows in table.groupby("variant", sort=False):
        rows = rows.assign(unit_id=rows["unit_id"].astype(str)).set_index("unit_id")
        values = {path: rows[path].iloc[0] for path in axes}
        line = summary[summary["variant"] == vid].iloc[0]
        joined = rows.join(base_units[["rank"]].rename(columns={"rank": "rank_base"}))
        shift = (joined["rank_base"].astype("Float64") - joined["rank"].astype("Float64")).dropna()
        figures = {
            "band_changes": line.get("band_changes"),
            "kendall_tau": line.get("kendall_tau"),
            "spearman": line.get("spearman"),
            "mean_abs_rank_shift": float(shift.abs().mean()) if len(shift) else None,
            "units_up": int((shift > 0).sum()),
            "units_down": int((shift < 0).sum()),
        }
        run.variants[str(vid)] = VariantRun(str(vid), {lang: str(vid) for lang in LANGS}, values=values,
                                            figures=figures)


def _uncertainty(run: ScenarioRun, sides: dict[str, Side], stage: str | None) -> None:
    from cchc_rules.analysis.uncertainty import uncertainty

    assert run.scenario.uncertainty is not None
    arguments = run.scenario.uncertainty.arguments()
    for name, side in sides.items():
        run.uncertainty[name] = uncertainty(side.rulebook, side.dataset, stage=stage, **arguments)

"""The scenario report as sections (for the notebook and for HTML), the self-contained HTML page and the index.

`sections(run, lang)` lists what a scenario report shows: headings, labelled tables and altair
charts. The report notebook displays them (charts through the `png` renderer); `scenario_html`
writes the same sections into one HTML page that needs no network: tables as HTML, charts as
PNG data URIs made by vl-convert, styles inline, links only to files beside it. `index_html`
is the page across scenarios, one line per scenario with its headline figures and links.
Figures are rounded half up for display only (the CSV and XLSX files keep them unrounded).
"""

from __future__ import annotations

import base64
import html
import os
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pandas as pd

from cchc_rules.engine.result import Result
from cchc_rules.i18n import pick, resolve_lang, stage_label
from cchc_rules.labels import by_language
from cchc_rules.labels.report import SCENARIO_REPORT
from cchc_rules.places import project_root
from cchc_rules.report.change_text import parameter_words


class ReportedRun(Protocol):
    """What the report reads of a computed scenario (`scenarios.execute.ScenarioRun` has it).

    Named here so that the report never imports the scenario layer, which imports the report.
    """

    scenario: Any
    baseline: Any
    variants: dict[str, Any]
    sweep_summary: pd.DataFrame | None
    uncertainty: dict[str, pd.DataFrame]
    report_cache: dict[str, Any]

TEXT: dict[str, dict[str, str]] = by_language(SCENARIO_REPORT)
WARNING = "⚠ "  # a paragraph that starts with it is a warning (shown as a note)
HEADLINE = ("band_changes", "kendall_tau", "spearman", "mean_abs_rank_shift", "units_up", "units_down")
STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;margin:2rem auto;max-width:1100px;
padding:0 1rem;color:#222;line-height:1.45}
h1{font-size:1.6rem}h2{font-size:1.3rem;border-bottom:1px solid #ddd;padding-bottom:.2rem;margin-top:2rem}
h3{font-size:1.1rem}table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.9rem}
th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}th{background:#f3f3f3}
.note{background:#fff4d6;border-left:4px solid #e0a800;padding:.5rem .8rem}.failed{color:#b00020;font-weight:600}
.ok{color:#1a7f37;font-weight:600}pre{white-space:pre-wrap;background:#f8f8f8;padding:.5rem;font-size:.85rem}
img{max-width:100%;height:auto;display:block;margin:.5rem 0 1rem}.muted{color:#666;font-size:.85rem}
"""


@dataclass
class Figure:
    """An altair chart and its caption; `png` is rendered once (vl-convert) for the notebook and the page."""

    caption: str
    chart: Any

    @cached_property
    def png(self) -> bytes:
        import vl_convert

        # validate=False: the charts are the project's own (tested); validating each spec again costs ~0.2 s a chart
        return vl_convert.vegalite_to_png(self.chart.to_dict(validate=False), scale=1.5)

    def data_uri(self) -> str:
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")


@dataclass
class Section:
    """A heading, optional paragraphs, then labelled tables and figures, in that order."""

    heading: str
    level: int = 2
    paragraphs: list[str] = field(default_factory=list)
    tables: list[tuple[str, pd.DataFrame]] = field(default_factory=list)
    charts: list[Figure] = field(default_factory=list)


def sections(run: ReportedRun, lang: str | None = None) -> list[Section]:
    """Everything a scenario report shows, in order (shared by the notebook and the HTML page).

    Built once per language and kept on the run, so that the page reuses the notebook's images.
    """
    lang = resolve_lang(lang)
    if lang not in run.report_cache:
        run.report_cache[lang] = [*_overview(run, lang), *_variants(run, lang), *_sweep(run, lang),
                                  *_uncertainty(run, lang)]
    return run.report_cache[lang]


def _t(lang: str, key: str, **fields: Any) -> str:
    return TEXT[lang][key].format(**fields) if fields else TEXT[lang][key]


def _overview(run: ReportedRun, lang: str) -> Iterator[Section]:
    s, base = run.scenario, run.baseline
    prepared = s.prepared
    paragraphs = [pick(s.description, lang)] if s.description else []
    if base.rulebook.illustrative:
        paragraphs.append(_t(lang, "illustrative"))
    facts = pd.DataFrame(
        [(_t(lang, "baseline"), pick(base.rulebook.title, lang)),
         (_t(lang, "data"), project_path(prepared.baseline.dataset.path)),
         (_t(lang, "stage"), stage_label(base.stage, lang)), (_t(lang, "units"), str(len(base.units)))],
        columns=[_t(lang, "fact"), _t(lang, "fact_value")],
    )
    counts = base.units["band"].astype(str).value_counts()
    bands = pd.DataFrame(
        [(base.band_label(b, lang), int(counts.get(b, 0))) for b in base.compiled.band_ids],
        columns=[_t(lang, "band"), _t(lang, "count")],
    )
    tables = [("", facts), (_t(lang, "bands"), bands)]
    if run.variants:
        tables.append((_t(lang, "headline"), headline_table(run, lang)))
    paragraphs += warning_texts(base.warnings, lang)
    yield Section(_t(lang, "overview"), paragraphs=[*paragraphs, *_gap_note(base, lang)],
                  tables=[*tables, *gap_tables(base, lang)])


def headline_table(run: ReportedRun, lang: str | None = None) -> pd.DataFrame:
    """One row per variant with its headline figures, rounded for display."""
    lang = resolve_lang(lang)
    rows = []
    for v in run.variants.values():
        row = {_t(lang, "variant"): v.title.get(lang) or v.id}
        for key in HEADLINE:
            row[_t(lang, key)] = _figure(v.figures.get(key), lang)
        rows.append(row)
    return pd.DataFrame(rows)


def _figure(value: Any, lang: str | None = None) -> str:
    from cchc_rules.display import count, number

    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "—"
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return count(int(value), lang)
    return number(float(value), lang, 3)


def _variants(run: ReportedRun, lang: str) -> Iterator[Section]:
    from cchc_rules.dsl.diff import differences_frame
    from cchc_rules.report import charts, labels

    for v in run.variants.values():
        c = v.comparison
        if c is None:
            continue
        charts_ = [Figure("", charts.rank_slope(c, lang)), Figure("", charts.transition_heatmap(c, lang)),
                   Figure("", charts.winners_losers(c, lang))]
        mover = _largest_mover(c)
        deep = []
        if mover is not None:
            charts_.append(Figure(_t(lang, "waterfall_of", name=mover[1]), charts.waterfall(c, mover[0], lang)))
            deep = [(_t(lang, "by_criterion_of", name=mover[1]), labels.decomposition_table(c, mover[0], lang))]
        tables = [(_t(lang, "figures"), labels.summary_table(c, lang)), (_t(lang, "bins"), labels.bins_table(c, lang)),
                  (_t(lang, "transitions"), labels.transitions_table(c, lang))]
        diff = c.rulebook_diff
        if diff:
            frame = differences_frame(diff, lang)  # without the rulebook paths: the description says it in words
            tables.append((_t(lang, "diff"), frame.drop(columns=frame.columns[1])))
        tables += deep
        tables.append((_t(lang, "units_table"), labels.units_table(c, lang)))
        own = [] if v.result is run.baseline else [w for w in v.result.warnings if w.code == "E402"]
        notes = warning_texts([*c.warnings, *own], lang)
        if v.result is not run.baseline:
            tables += gap_tables(v.result, lang)
        yield Section(f"{_t(lang, 'variant')}: {v.title.get(lang) or v.id}", paragraphs=notes, tables=tables[:3],
                      charts=charts_)
        yield Section("", level=0, tables=tables[3:])


def _largest_mover(comparison: Any) -> tuple[str, str] | None:
    """The unit present and ranked on both sides whose index changed most (None when nothing changed)."""
    u = comparison.units
    u = u[(u["present"] == "both") & u["index_delta"].notna() & u["rank_base"].notna() & u["rank_variant"].notna()]
    if u.empty or float(u["index_delta"].abs().max()) == 0:
        return None
    row = u.loc[u["index_delta"].abs().idxmax()]
    return str(row["unit_id"]), str(row["name"])


def _sweep(run: ReportedRun, lang: str) -> Iterator[Section]:
    if run.sweep_summary is None:
        return
    from cchc_rules.report.charts import sweep_lines

    summary = run.sweep_summary
    chart = sweep_lines(summary, rulebook=run.baseline.rulebook, lang=lang)
    table = summary.copy()
    for col in ("kendall_tau", "spearman"):
        if col in table:
            table[col] = [_figure(x, lang) for x in table[col]]
    rb = run.baseline.rulebook
    swept = [c for c in table.columns if "/" in str(c)]  # the parameters a sweep varies, as rulebook paths
    words = {c: parameter_words(c, rb, lang) for c in swept}
    if swept and "variant" in table:  # "bands/excellent/min = 86" → "Ngưỡng Xuất sắc = 86"
        table["variant"] = ["; ".join(f"{words[c]} = {_value(row[c], lang)}" for c in swept)
                            for _, row in summary.iterrows()]
    for c in swept:
        table[c] = [_value(x, lang) for x in summary[c]]
    names = {f"n_{b}": run.baseline.band_label(b, lang) for b in run.baseline.compiled.band_ids}
    table = table.rename(columns={**names, **words, "variant": _t(lang, "variant"),
                                  "band_changes": _t(lang, "band_changes"), "kendall_tau": _t(lang, "kendall_tau"),
                                  "spearman": _t(lang, "spearman")})
    yield Section(_t(lang, "sweep"), tables=[(_t(lang, "sweep_table"), table)], charts=[Figure("", chart)])


def _value(value: Any, lang: str) -> str:
    """A swept value as a person reads it (decimal comma in Vietnamese); a text as it is."""
    from cchc_rules.display import number

    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        return number(float(value), lang, 6, trim=True)
    return str(value)


def _uncertainty(run: ReportedRun, lang: str) -> Iterator[Section]:
    if not run.uncertainty or run.scenario.uncertainty is None:
        return
    from cchc_rules.report.uncertainty_chart import rank_interval_chart

    u = run.scenario.uncertainty
    notes = [_t(lang, "uncertainty_note", draws=u.draws, seed=u.seed)]
    first = next(iter(run.uncertainty.values()))
    sd = first.attrs.get("appraisal_sd") or 0.0
    if sd > 0:
        from cchc_rules.display import number

        calibrated = _t(lang, "calibrated") if first.attrs.get("appraisal_noise") == "calibrated" else ""
        notes.append(_t(lang, "noise_note", sd=number(sd, lang, 3, trim=True), calibrated=calibrated))
    yield Section(_t(lang, "uncertainty"), paragraphs=notes)
    for side, table in run.uncertainty.items():
        result = run.baseline if side == "baseline" else run.variants[side].result
        name = _t(lang, "baseline") if side == "baseline" else run.variants[side].title.get(lang) or side
        shown = _ranks_shown(table[["unit_id", "name", "rank", "rank_median", "rank_p05", "rank_p95"]], lang).rename(
            columns={k: _t(lang, k) for k in ("unit_id", "name", "rank", "rank_median", "rank_p05", "rank_p95")})
        yield Section(_t(lang, "uncertainty_of", side=name), level=3, tables=[("", shown)],
                      charts=[Figure("", rank_interval_chart(table, result.rulebook, lang))])


def _ranks_shown(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Ranks as people read them: whole ranks grouped, medians with a decimal comma in Vietnamese, an unranked
    unit in words (never <NA>)."""
    from cchc_rules.display import number, rank

    out = table.copy()
    out["rank"] = [rank(v, lang) for v in table["rank"]]
    for column in ("rank_median", "rank_p05", "rank_p95"):
        out[column] = [number(None if pd.isna(v) else float(v), lang, 1, trim=True) for v in table[column]]
    return out


def project_path(path: Any) -> str:
    """A file as a report shows it: relative to its project (never the machine's absolute path)."""
    if path is None or str(path) == "":
        return ""
    target = Path(os.path.abspath(path))
    root = project_root(target if target.is_dir() else target.parent)
    return Path(os.path.relpath(target, root)).as_posix() if root is not None else target.name


def warning_texts(problems: list[Any], lang: str) -> list[str]:
    """Warnings as report paragraphs (what is wrong, then what to do), marked with `WARNING`."""
    return [f"{WARNING}{p.what(lang)}. {p.fix(lang)}" for p in problems]


def _gap_note(result: Result, lang: str) -> list[str]:
    from cchc_rules.report.gaps import gap_lines

    lines = gap_lines(result, lang, [])
    return [" ".join(x.strip() for x in lines)] if lines else [_t(lang, "no_gaps")]


def gap_tables(result: Result, lang: str) -> list[tuple[str, pd.DataFrame]]:
    """The values a missing policy filled, by criterion and by unit (nothing when none was)."""
    from cchc_rules.report.gaps import criterion_table, unit_table

    if not result.filled.any():
        return []
    return [(_t(lang, "gaps_criteria"), criterion_table(result, lang)),
            (_t(lang, "gaps_units"), unit_table(result, lang))]


# ---------------------------------------------------------------- HTML
def table_html(table: pd.DataFrame) -> str:
    return table.to_html(index=False, escape=True, na_rep="—", border=0)


def section_html(section: Section, notes: Collection[str] = ()) -> str:
    """A section as HTML, every text escaped; warnings and the paragraphs in `notes` set off as notes."""
    parts = []
    if section.heading:
        level = min(max(section.level, 1), 6)
        parts.append(f"<h{level}>{html.escape(section.heading)}</h{level}>")
    for text in section.paragraphs:
        cls = ' class="note"' if text in notes or text.startswith(WARNING) else ""
        parts.append(f"<p{cls}>{html.escape(text)}</p>")
    for caption, table in section.tables:
        if caption:
            parts.append(f"<h4>{html.escape(caption)}</h4>")
        parts.append(table_html(table))
    for figure in section.charts:
        if figure.caption:
            parts.append(f"<h4>{html.escape(figure.caption)}</h4>")
        parts.append(f'<img alt="{html.escape(figure.caption or section.heading)}" src="{figure.data_uri()}">')
    return "\n".join(parts)


def _page(title: str, body: str, lang: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{html.escape(title)}</title>\n"
            f"<style>{STYLE}</style>\n</head>\n<body>\n{body}\n"
            f'<p class="muted">{html.escape(_t(lang, "generated"))}</p>\n</body>\n</html>\n')


def scenario_html(run: ReportedRun, lang: str | None = None, files: dict[str, str] | None = None) -> str:
    """The report of one scenario as one self-contained HTML page; `files`: name → relative path to link."""
    lang = resolve_lang(lang)
    title = pick(run.scenario.title, lang)
    parts = [f"<h1>{html.escape(title)}</h1>", f'<p class="muted">{html.escape(_t(lang, "report"))}: '
             f"{html.escape(run.scenario.id)}</p>"]
    illustrative = {_t(lang, "illustrative")}
    parts += [section_html(section, illustrative) for section in sections(run, lang)]
    if files:
        links = "".join(f'<li><a href="{html.escape(path)}">{html.escape(name)}</a></li>'
                        for name, path in sorted(files.items()))
        parts.append(f"<h2>{html.escape(_t(lang, 'files'))}</h2><ul>{links}</ul>")
    return _page(title, "\n".join(parts), lang)


def index_html(entries: list[tuple[str, dict[str, Any]]], lang: str | None = None) -> str:
    """The page across scenarios: per scenario its title, status, headline figures per variant, links.

    `entries`: (folder name, summary.json content) per scenario, in the order run.
    """
    lang = resolve_lang(lang)
    head = [_t(lang, "scenario"), _t(lang, "status"), _t(lang, "variant"), *(_t(lang, k) for k in HEADLINE),
            _t(lang, "links")]
    rows = []
    for folder, summary in entries:
        title = html.escape(pick(summary.get("title"), lang) or folder)
        status = summary.get("status", "failed")
        status_cell = f'<span class="{"ok" if status == "ok" else "failed"}">{html.escape(_t(lang, status))}</span>'
        links = _links(folder, summary, lang)
        if status != "ok":
            error = html.escape(summary.get("error") or "")
            rows.append(f"<tr><td>{title}</td><td>{status_cell}</td><td colspan=\"{len(HEADLINE) + 1}\">"
                        f"<pre>{error}</pre></td><td>{links}</td></tr>")
            continue
        variants = summary.get("variants") or [{}]
        for i, v in enumerate(variants):
            name = html.escape(pick(v.get("title"), lang) or v.get("id", "")) if v else ""
            own = summary.get("baseline", {}).get("warnings") or [] if i == 0 else []
            warned = [*own, *(v.get("warnings") or [])]
            name += "".join(f'<div class="note">{html.escape(WARNING + str(w.get(lang, "")))}</div>' for w in warned)
            cells = "".join(f"<td>{html.escape(_figure(v.get(k), lang))}</td>" if v else "<td></td>" for k in HEADLINE)
            lead = f'<td rowspan="{len(variants)}">{title}</td><td rowspan="{len(variants)}">{status_cell}</td>' \
                if i == 0 else ""
            tail = f'<td rowspan="{len(variants)}">{links}</td>' if i == 0 else ""
            rows.append(f"<tr>{lead}<td>{name}</td>{cells}{tail}</tr>")
    table = "<table><thead><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in head) + "</tr></thead><tbody>" + \
        "\n".join(rows) + "</tbody></table>"
    ok = sum(1 for _, s in entries if s.get("status") == "ok")
    title = _t(lang, "index")
    body = f"<h1>{html.escape(title)}</h1>\n<p>{ok} / {len(entries)} {html.escape(_t(lang, 'ok'))}</p>\n{table}"
    return _page(title, body, lang)


def _links(folder: str, summary: dict[str, Any], lang: str) -> str:
    items = []
    outputs = summary.get("outputs") or {}
    if "report.html" in outputs:
        items.append((_t(lang, "html"), f"{folder}/report.html"))
    if summary.get("notebook"):
        items.append((_t(lang, "notebook"), f"{folder}/{summary['notebook']}"))
    items.append((_t(lang, "summary"), f"{folder}/summary.json"))
    return " · ".join(f'<a href="{html.escape(href)}">{html.escape(text)}</a>' for text, href in items)

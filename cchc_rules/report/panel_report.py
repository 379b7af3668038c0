"""The panel report: years, biggest risers and fallers, trends through crosswalks; HTML (offline), XLSX, text.

`panel_sections(p, lang)` are the report's sections (a chart of percentile ranks over the years,
the movers highlighted); `panel_tables(p, lang)` the XLSX sheets (unrounded, headings in `lang`);
`panel_text(p, lang)` the console summary; `write_panel(p, folder, lang)` writes report.html,
report.xlsx and panel.json. Percentile rank = rank ÷ ranked units of the pool (smaller is better),
shown as a percentage.
"""

from __future__ import annotations

import json
from pathlib import Path

import altair as alt
import pandas as pd

from cchc_rules.analysis.panel import Panel
from cchc_rules.atomic import write_text
from cchc_rules.display import count, percent
from cchc_rules.i18n import pick
from cchc_rules.labels import by_language
from cchc_rules.labels.council import PANEL_REPORT
from cchc_rules.report.html import WARNING, Figure, Section
from cchc_rules.report.pages import page, sections_text, shown, write_xlsx

TEXT = by_language(PANEL_REPORT)
SHOWN = 10


def _movers_table(p: Panel, rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    t = TEXT[lang]
    last = p.results[p.years[-1]].rulebook
    return pd.DataFrame({
        t["unit_id"]: rows["unit_id"], t["name"]: rows["name"],
        t["group"]: [pick(last.groups.get(g, g), lang) for g in rows["group"]],
        t["ancestors"]: [f"{a} ({y})" for a, y in zip(rows["ancestors"], rows["from_year"])],
        t["pct_from"]: [percent(v, lang, 0) for v in rows["pct_from"]],
        t["pct_to"]: [percent(v, lang, 0) for v in rows["pct_to"]],
        t["index_from"]: shown(rows["index_from"], lang, 2), t["index_to"]: shown(rows["index_to"], lang, 2),
    })


def _trend_wide(p: Panel, lang: str) -> pd.DataFrame:
    t = TEXT[lang]
    lin = p.lineage
    names = p.units[p.units["year"] == p.years[-1]].set_index("unit_id")["name"]
    out = pd.DataFrame({t["unit_id"]: list(dict.fromkeys(lin["unit_id"]))})
    out[t["name"]] = out[t["unit_id"]].map(names)
    for y in p.years:
        part = lin[lin["year"] == y].set_index("unit_id")
        ids = out[t["unit_id"]]
        out[f"{t['index']} {y}"] = shown(ids.map(part["index"]), lang, 2)
        out[f"{t['pct_rank']} {y}"] = [percent(v, lang, 0) if pd.notna(v) else "—" for v in ids.map(part["pct_rank"])]
    return out


def chart(p: Panel, lang: str) -> alt.LayerChart:
    t = TEXT[lang]
    data = p.lineage.dropna(subset=["pct_rank"]).copy()
    movers = set(p.movers["unit_id"].head(5)) | set(p.movers["unit_id"].tail(5))
    data["mover"] = data["unit_id"].isin(movers)
    x = alt.X("year:O", title=t["year"], axis=alt.Axis(labelAngle=0))
    y = alt.Y("pct_rank:Q", title=t["pct_rank"], scale=alt.Scale(reverse=True, domain=[0, 1]),
              axis=alt.Axis(format="%"))
    base = alt.Chart(data[~data["mover"]]).mark_line(color="#cccccc", strokeWidth=1).encode(
        x=x, y=y, detail="unit_id:N")
    top = alt.Chart(data[data["mover"]]).mark_line(point=True, strokeWidth=2.5).encode(
        x=x, y=y, color=alt.Color("unit_id:N", title=t["unit_id"]))
    return (base + top).properties(width=520, height=380)


def panel_sections(p: Panel, lang: str, with_chart: bool = True) -> list[Section]:
    t = TEXT[lang]
    notes = [t["note"]]
    if any(r.rulebook.illustrative for r in p.results.values()):
        notes.append(WARNING + t["illustrative"])
    notes += [f"{WARNING}{w.what(lang)}. {w.fix(lang)}" for w in p.warnings]
    years = pd.DataFrame({
        t["year"]: [str(y) for y in p.years],
        t["rulebook"]: [pick(r.rulebook.title, lang) for r in p.results.values()],
        t["units"]: [count(len(r.units), lang) for r in p.results.values()],
        t["mean_index"]: shown([float(r.units["index"].mean()) for r in p.results.values()], lang, 2),
    })
    steps = []
    for (y0, y1), g in p.changes.groupby(["year_prev", "year"], sort=False):
        both = g.dropna(subset=["index_prev"])
        steps.append({t["step"]: f"{y0} → {y1}", t["compared"]: count(len(both), lang),
                      t["mean_delta"]: shown([both["index_delta"].mean()], lang, 2, signed=True)[0],
                      t["band_changes"]: count(int(both["band_changed"].fillna(False).sum()), lang)})
    risers = p.movers[p.movers["pct_shift"] > 0].head(SHOWN)
    fallers = p.movers[p.movers["pct_shift"] < 0].iloc[::-1].head(SHOWN)
    sections = [
        Section("", paragraphs=notes),
        Section(t["years"], tables=[("", years)]),
        Section(t["steps"], tables=[("", pd.DataFrame(steps))]),
        Section(t["risers"], tables=[("", _movers_table(p, risers, lang))]),
        Section(t["fallers"], tables=[("", _movers_table(p, fallers, lang))]),
    ]
    if with_chart:
        sections.append(Section(t["chart"], charts=[Figure("", chart(p, lang))]))
    sections.append(Section(t["trend"], tables=[("", _trend_wide(p, lang))]))
    return sections


def panel_tables(p: Panel, lang: str) -> dict[str, pd.DataFrame]:
    t = TEXT[lang]

    def named(table: pd.DataFrame) -> pd.DataFrame:
        return table.rename(columns=lambda c: t.get(c, c))

    return {t["movers"]: named(p.movers), t["lineage"]: named(p.lineage), t["changes"]: named(p.changes),
            t["units_sheet"]: named(p.units)}


def panel_text(p: Panel, lang: str) -> str:
    title = TEXT[lang]["title"].format(title=p.title(lang))
    return sections_text(title, panel_sections(p, lang, with_chart=False)[:-1])  # the wide trend table: report only


def write_panel(p: Panel, folder: Path, lang: str) -> list[str]:
    title = TEXT[lang]["title"].format(title=p.title(lang))
    write_text(folder / "report.html", page(title, panel_sections(p, lang), lang))
    last = p.results[p.years[-1]].rulebook
    write_xlsx(panel_tables(p, lang), folder / "report.xlsx", title, f"{p.file.id} · {p.years[0]}–{p.years[-1]}",
               lang, last.display.decimals)
    write_text(folder / "panel.json", json.dumps(p.to_json(), ensure_ascii=False, indent=1))
    return ["report.html", "report.xlsx", "panel.json"]

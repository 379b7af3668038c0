"""The council's report: self-assessed against appraised scores, as HTML sections, text and XLSX tables.

`appraisal_tables(a, lang)` are the tables with headings in `lang` and unrounded numbers (for XLSX);
`appraisal_sections(a, lang)` the same for a person (rounded half up, in `lang`'s notation) and a chart
of self-assessed against appraised index; `appraisal_text(a, lang)` the console summary;
`write_appraisal(a, folder, lang)` writes report.html, report.xlsx and appraisal.json into `folder`.
"""

from __future__ import annotations

import json
from pathlib import Path

import altair as alt
import pandas as pd

from cchc_rules.analysis.appraisal import Appraisal
from cchc_rules.atomic import write_text
from cchc_rules.display import count, number
from cchc_rules.documents.xlsx import footer_text
from cchc_rules.i18n import pick, stage_label
from cchc_rules.labels import by_language
from cchc_rules.labels.council import APPRAISAL_REPORT
from cchc_rules.report.html import WARNING, Figure, Section
from cchc_rules.report.pages import page, sections_text, shown, write_xlsx

TEXT = by_language(APPRAISAL_REPORT)
COUNTS = ("units", "units_compared", "over_claimed", "under_claimed", "equal", "band_changed",
          "values_not_appraised")
RATIOS = ("kendall_tau", "spearman")
SHOWN_UNITS = 10


def _band(a: Appraisal, band: object, lang: str) -> str:
    if band is None or band is pd.NA:
        return "—"
    return a.results[a.final_stage].band_label(str(band), lang)


def _field_name(a: Appraisal, node_id: str, lang: str) -> str:
    node = a.rulebook.nodes()[node_id]
    return f"{node.label} {pick(node.name, lang)}".strip() if hasattr(node, "label") else pick(node.name, lang)


def agreement_table(a: Appraisal, lang: str, for_person: bool = True) -> pd.DataFrame:
    t = TEXT[lang]
    d = a.rulebook.display.decimals
    rows = []
    for key, value in a.agreement.items():
        if for_person:
            if value is None:
                value = "—"
            elif key in COUNTS:
                value = count(int(value), lang)
            else:
                signed = key in ("mean_gap", "median_gap", "max_gap")
                value = number(float(value), lang, 3 if key in RATIOS else d, signed=signed)
        rows.append({t["measure"]: t[key], t["value"]: value})
    return pd.DataFrame(rows)


def appraisal_tables(a: Appraisal, lang: str) -> dict[str, pd.DataFrame]:
    """Sheets for the XLSX (unrounded numbers, headings in `lang`)."""
    t = TEXT[lang]
    units = a.units.sort_values(["gap", "unit_id"], ascending=[False, True], na_position="last", kind="stable")
    units = units.assign(self_band=[_band(a, b, lang) for b in units["self_band"]],
                         appraised_band=[_band(a, b, lang) for b in units["appraised_band"]])
    units = units.rename(columns={k: t.get(k, k) for k in units.columns})
    groups = a.groups.assign(name=a.groups[f"name_{lang}"])[["name", "units", "mean_self", "mean_appraised",
                                                                "mean_gap", "over_claimed"]]
    groups.columns = [t["group"], t["units"], t["mean_self_g"], t["mean_appraised_g"], t["mean_gap_g"],
                      t["over_claimed"]]
    cuts = a.cuts.assign(criterion_name=a.cuts[f"name_{lang}"])[
        ["code", "criterion_name", "units_cut", "units_raised", "mean_cut", "total_cut", "largest_cut"]]
    cuts = cuts.rename(columns={k: t[k] for k in cuts.columns})
    rounds = a.rounds.assign(stage=[stage_label(s, lang) for s in a.rounds["stage"]],
                             band=[_band(a, b, lang) for b in a.rounds["band"]])
    rounds = rounds.rename(columns={k: t[k] for k in rounds.columns})
    fields = a.fields.assign(field=[_field_name(a, f, lang) for f in a.fields["field"]])
    fields = fields.rename(columns={k: t[k] for k in fields.columns})
    criteria = a.criteria.drop(columns="criterion").rename(columns={"code": "criterion"})
    criteria = criteria.rename(columns={k: t[k] for k in criteria.columns})
    return {t["agreement"]: agreement_table(a, lang, for_person=False).assign(
                **{t["value"]: list(a.agreement.values())}),
            t["groups"]: groups, t["unit_table"]: units, t["cuts"]: cuts, t["rounds"]: rounds,
            t["fields"]: fields, t["criteria"]: criteria}


def _person_units(a: Appraisal, units: pd.DataFrame, lang: str) -> pd.DataFrame:
    t, d = TEXT[lang], a.rulebook.display.decimals
    return pd.DataFrame({
        t["unit_id"]: units["unit_id"], t["name"]: units["name"],
        t["self_index"]: shown(units["self_index"], lang, d),
        t["appraised_index"]: shown(units["appraised_index"], lang, d),
        t["gap"]: shown(units["gap"], lang, d, signed=True),
        t["self_rank"]: [("—" if pd.isna(r) else str(int(r))) for r in units["self_rank"]],
        t["appraised_rank"]: [("—" if pd.isna(r) else str(int(r))) for r in units["appraised_rank"]],
        t["self_band"]: [_band(a, b, lang) for b in units["self_band"]],
        t["appraised_band"]: [_band(a, b, lang) for b in units["appraised_band"]],
        t["not_appraised"]: [count(int(n), lang) for n in units["not_appraised"]],
    })


def scatter(a: Appraisal, lang: str) -> alt.Chart:
    t = TEXT[lang]
    data = a.units.dropna(subset=["gap"])[["unit_id", "name", "group", "self_index", "appraised_index"]].copy()
    data["group"] = [pick(a.rulebook.groups.get(g, g), lang) for g in data["group"]]
    lo = float(min(data["self_index"].min(), data["appraised_index"].min())) if len(data) else 0.0
    hi = float(max(data["self_index"].max(), data["appraised_index"].max())) if len(data) else 1.0
    scale = alt.Scale(domain=[lo - 1, hi + 1], zero=False, nice=False)
    points = alt.Chart(data).mark_circle(size=60).encode(
        x=alt.X("self_index:Q", title=t["self_index"], scale=scale),
        y=alt.Y("appraised_index:Q", title=t["appraised_index"], scale=scale),
        color=alt.Color("group:N", title=t["group"]), tooltip=["unit_id", "name"])
    diagonal = alt.Chart(pd.DataFrame({"x": [lo - 1, hi + 1], "y": [lo - 1, hi + 1]})).mark_line(
        color="#999", strokeDash=[4, 4]).encode(x="x:Q", y="y:Q")
    return (diagonal + points).properties(width=420, height=420)


def appraisal_sections(a: Appraisal, lang: str, chart: bool = True) -> list[Section]:
    t, d = TEXT[lang], a.rulebook.display.decimals
    head = [t["stages"].format(self=stage_label(a.self_stage, lang), final=stage_label(a.final_stage, lang))]
    if a.rulebook.illustrative:
        head.append(WARNING + t["illustrative"])
    head += [f"{WARNING}{p.what(lang)}. {p.fix(lang)}" for p in a.warnings]
    groups = a.groups
    group_table = pd.DataFrame({
        t["group"]: groups[f"name_{lang}"], t["units"]: [count(int(n), lang) for n in groups["units"]],
        t["mean_self_g"]: shown(groups["mean_self"], lang, d),
        t["mean_appraised_g"]: shown(groups["mean_appraised"], lang, d),
        t["mean_gap_g"]: shown(groups["mean_gap"], lang, d, signed=True),
        t["over_claimed"]: [count(int(n), lang) for n in groups["over_claimed"]]})
    cuts = a.cuts.head(15)
    cut_table = pd.DataFrame({
        t["code"]: cuts["code"], t["criterion_name"]: cuts[f"name_{lang}"],
        t["units_cut"]: [count(int(n), lang) for n in cuts["units_cut"]],
        t["units_raised"]: [count(int(n), lang) for n in cuts["units_raised"]],
        t["mean_cut"]: shown(cuts["mean_cut"], lang, d), t["total_cut"]: shown(cuts["total_cut"], lang, d),
        t["largest_cut"]: shown(cuts["largest_cut"], lang, d)})
    groups_of = dict(zip(a.units["unit_id"], a.units["group"]))
    rounds = a.rounds.assign(group=a.rounds["unit_id"].map(groups_of))
    round_rows = []
    for (group, stage), g in rounds.groupby(["group", "stage"], sort=False):
        round_rows.append({t["group"]: pick(a.rulebook.groups.get(group, group), lang),
                           t["stage"]: stage_label(stage, lang),
                           t["mean_index"]: shown([g["index"].mean()], lang, d)[0],
                           t["mean_change"]: shown([g["change"].mean()], lang, d, signed=True)[0]})
    ordered = a.units.sort_values(["gap", "unit_id"], ascending=[False, True], na_position="last", kind="stable")
    sections = [
        Section("", paragraphs=head),
        Section(t["agreement"], tables=[("", agreement_table(a, lang))]),
        Section(t["groups"], tables=[("", group_table)]),
        Section(t["rounds"], tables=[("", pd.DataFrame(round_rows))]),
        Section(t["over_claimers"], tables=[("", _person_units(a, a.over_claimers(SHOWN_UNITS), lang))]
                if len(a.over_claimers(1)) else [], paragraphs=[] if len(a.over_claimers(1)) else [t["none"]]),
        Section(t["cuts"], tables=[("", cut_table)] if len(cuts) else [],
                paragraphs=[] if len(cuts) else [t["none"]]),
        Section(t["unit_table"], tables=[("", _person_units(a, ordered, lang))]),
    ]
    if chart:
        sections.append(Section(t["chart"], charts=[Figure("", scatter(a, lang))]))
    return sections


def appraisal_text(a: Appraisal, lang: str) -> str:
    """The console summary: agreement, groups, the largest over-claimers and the most cut criteria."""
    t = TEXT[lang]
    title = t["title"].format(rulebook=pick(a.rulebook.title, lang))
    return sections_text(title, appraisal_sections(a, lang, chart=False))


def write_appraisal(a: Appraisal, folder: Path, lang: str) -> list[str]:
    """report.html, report.xlsx and appraisal.json into `folder` (being built); returns the names written."""
    title = TEXT[lang]["title"].format(rulebook=pick(a.rulebook.title, lang))
    write_text(folder / "report.html", page(title, appraisal_sections(a, lang), lang))
    write_xlsx(appraisal_tables(a, lang), folder / "report.xlsx", title,
               footer_text(a.rulebook.id, a.rulebook.year, lang), lang, a.rulebook.display.decimals)
    write_text(folder / "appraisal.json", json.dumps(a.to_json(), ensure_ascii=False, indent=1))
    return ["report.html", "report.xlsx", "appraisal.json"]

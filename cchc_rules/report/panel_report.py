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
from cchc_rules.report.html import WARNING, Figure, Section
from cchc_rules.report.pages import page, shown, write_xlsx

TEXT = {
    "vi": {
        "years": "Các năm", "year": "Năm", "rulebook": "Bộ tiêu chí", "units": "Số đơn vị",
        "mean_index": "Chỉ số trung bình", "risers": "Tăng hạng nhiều nhất (theo phần trăm)",
        "fallers": "Giảm hạng nhiều nhất (theo phần trăm)", "unit_id": "Mã", "name": "Đơn vị", "group": "Nhóm",
        "from_year": "Từ năm", "ancestors": "Đơn vị tiền thân", "pct_from": "Vị trí % đầu kỳ",
        "pct_to": "Vị trí % cuối kỳ", "pct_shift": "Thay đổi vị trí % (+ = lên)",
        "index_from": "Chỉ số đầu kỳ",
        "index_to": "Chỉ số cuối kỳ", "index_delta": "Thay đổi chỉ số",
        "chart": "Vị trí theo phần trăm qua các năm (thấp hơn là tốt hơn; các đơn vị tăng, giảm nhiều nhất được "
                 "tô màu)",
        "trend": "Xu hướng của từng đơn vị năm cuối (qua bảng chuyển đổi)", "index": "Chỉ số", "pct_rank": "Vị trí %",
        "steps": "Từng năm so với năm trước", "compared": "Đơn vị so sánh được", "band_changes": "Đổi xếp loại",
        "mean_delta": "Thay đổi chỉ số TB", "step": "Hai năm", "note": "Vị trí theo phần trăm = hạng ÷ số đơn vị "
        "được xếp hạng trong nhóm; so sánh được giữa các năm có số đơn vị hoặc bộ tiêu chí khác nhau. Đơn vị sáp nhập: "
        "chỉ số và vị trí của năm cũ là trung bình của các đơn vị tiền thân.",
        "title": "Bảng nhiều năm: {title}", "illustrative": "Bộ tiêu chí minh họa: không phải kết quả chính thức.",
        "changes": "Thay đổi từng năm", "lineage": "Xu hướng qua bảng chuyển đổi", "units_sheet": "Kết quả từng năm",
        "movers": "Tăng giảm", "rank": "Hạng", "pool": "Số đơn vị xếp hạng", "band": "Xếp loại",
        "published": "Chỉ số công bố",
    },
    "en": {
        "years": "Years", "year": "Year", "rulebook": "Rulebook", "units": "Units", "mean_index": "Mean index",
        "risers": "Biggest risers (percentile rank)", "fallers": "Biggest fallers (percentile rank)",
        "unit_id": "ID", "name": "Unit", "group": "Group", "from_year": "From year", "ancestors": "Predecessors",
        "pct_from": "Percentile rank, first", "pct_to": "Percentile rank, last",
        "pct_shift": "Percentile rank change (+ = up)", "index_from": "Index, first", "index_to": "Index, last",
        "index_delta": "Index change",
        "chart": "Percentile rank over the years (lower is better; the biggest risers and fallers in colour)",
        "trend": "Each last-year unit's trend (through the crosswalks)", "index": "Index",
        "pct_rank": "Percentile rank",
        "steps": "Each year against the one before", "compared": "Units compared", "band_changes": "Band changes",
        "mean_delta": "Mean index change", "step": "Years", "note": "Percentile rank = rank ÷ ranked units of the "
        "group; comparable across years whose groups or rulebooks differ. Merged units: an earlier year's index and "
        "rank are the means over the predecessors.",
        "title": "Panel: {title}", "illustrative": "Illustrative rulebooks: not official results.",
        "changes": "Year-on-year changes", "lineage": "Trends through crosswalks", "units_sheet": "Results by year",
        "movers": "Risers and fallers", "rank": "Rank", "pool": "Ranked units", "band": "Band",
        "published": "Published index",
    },
}
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
    blocks = [title, "=" * len(title)]
    for s in panel_sections(p, lang, with_chart=False)[:-1]:  # the wide trend table is for the report
        if s.heading:
            blocks.append(f"\n{s.heading}")
        blocks += s.paragraphs
        blocks += [table.to_string(index=False) for _, table in s.tables]
    return "\n".join(blocks)


def write_panel(p: Panel, folder: Path, lang: str) -> list[str]:
    title = TEXT[lang]["title"].format(title=p.title(lang))
    write_text(folder / "report.html", page(title, panel_sections(p, lang), lang))
    last = p.results[p.years[-1]].rulebook
    write_xlsx(panel_tables(p, lang), folder / "report.xlsx", title, f"{p.file.id} · {p.years[0]}–{p.years[-1]}",
               lang, last.display.decimals)
    write_text(folder / "panel.json", json.dumps(p.to_json(), ensure_ascii=False, indent=1))
    return ["report.html", "report.xlsx", "panel.json"]

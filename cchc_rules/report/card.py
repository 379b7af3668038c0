"""A report card per unit: one bilingual A4 page of HTML and the same content as a sheet of an XLSX.

`card_html(card, result, lang)` writes every heading in both languages (the chosen one first) and the
numbers in the chosen language's notation, rounded half up to the rulebook's decimals; `cards_workbook`
puts one sheet per unit (numbers unrounded, shown with the rulebook's decimals). Text from the data is
escaped (HTML) or kept as text (XLSX, no live formula).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font

from cchc_rules.analysis.cards import Card
from cchc_rules.display import NO_VALUE, excel_format, number, percent
from cchc_rules.documents.xlsx import HEADER_FILL, HEADER_FONT, TITLE_FONT, print_setup, save_workbook, sheet_title
from cchc_rules.engine.result import Result
from cchc_rules.i18n import pick
from cchc_rules.labels.council import CARD
from cchc_rules.safe_text import clean

L = CARD  # key: Label(vi, en)
STYLE = """
@page{size:A4;margin:10mm}
body{font-family:system-ui,"Segoe UI",Roboto,Arial,sans-serif;font-size:9.5pt;color:#222;max-width:190mm;
margin:0 auto;line-height:1.3}
h1{font-size:14pt;margin:0 0 2mm}h2{font-size:10.5pt;margin:3mm 0 1mm;border-bottom:1px solid #ccc}
.en{color:#666;font-weight:normal}table{border-collapse:collapse;width:100%;margin:1mm 0}
th,td{border:1px solid #ccc;padding:.6mm 1.2mm;text-align:left;vertical-align:top}th{background:#f0f0f0}
td.n{text-align:right;white-space:nowrap}.head td{border:none;font-size:11pt}.big{font-size:16pt;font-weight:700}
.note{background:#fff4d6;padding:1mm 2mm;border-left:3px solid #e0a800}.muted{color:#666;font-size:8pt}
.two{display:grid;grid-template-columns:1fr 1fr;gap:3mm}.two>div{min-width:0}
@media print{.two{break-inside:avoid}}
"""


def both(key: str, lang: str, **fields: Any) -> str:
    """A label in both languages, the chosen one first (plain text)."""
    vi, en = (t.format(**fields) for t in L[key])
    return f"{vi} / {en}" if lang == "vi" else f"{en} / {vi}"


def _h(key: str, lang: str, **fields: Any) -> str:
    vi, en = (html.escape(t.format(**fields)) for t in L[key])
    first, second = (vi, en) if lang == "vi" else (en, vi)
    return f'{first} <span class="en">/ {second}</span>'


def _num(v: Any, lang: str, d: int, signed: bool = False) -> str:
    if v is None or (isinstance(v, float) and v != v) or v is pd.NA:
        return NO_VALUE
    return number(float(v), lang, d, signed=signed)


def _band(result: Result, band: Any, lang: str) -> str:
    if band is None or band is pd.NA or (isinstance(band, float) and band != band):
        return NO_VALUE
    return result.band_label(str(band), lang)


def _table(heads: Sequence[str], rows: Sequence[Sequence[str]], numeric: set[int]) -> str:
    head = "<thead><tr>" + "".join(f"<th>{h}</th>" for h in heads) + "</tr></thead>" if any(heads) else ""
    body = "".join("<tr>" + "".join(f'<td class="n">{html.escape(c)}</td>' if i in numeric else
                                    f"<td>{html.escape(c)}</td>" for i, c in enumerate(r)) + "</tr>" for r in rows)
    return f"<table>{head}<tbody>{body}</tbody></table>"


def _criterion(row: Any, lang: str) -> str:
    return f"{row['code']} {row[f'name_{lang}']}"


def card_html(card: Card, result: Result, lang: str) -> str:
    """One unit's card as a whole HTML page (A4, bilingual headings)."""
    rb = result.rulebook
    d = rb.display.decimals
    group = pick(rb.groups.get(card.group, card.group), lang)
    parts = [f"<h1>{_h('card', lang)}: {html.escape(card.name)}</h1>",
             f'<p class="muted">{html.escape(pick(rb.title, lang))} · {html.escape(group)} · '
             f"{html.escape(card.unit_id)}</p>"]
    if rb.illustrative:
        parts.append(f'<p class="note">{_h("illustrative", lang)}</p>')
    rank = NO_VALUE if card.rank is None else f"{card.rank} {L['of'][0 if lang == 'vi' else 1]} {card.ranked_in_group}"
    band = html.escape(_band(result, card.band, lang))
    parts.append('<table class="head"><tr>'
                 f'<td>{_h("index", lang)}<br><span class="big">{html.escape(_num(card.index, lang, d))}</span></td>'
                 f'<td>{_h("band", lang)}<br><span class="big">{band}</span></td>'
                 f'<td>{_h("rank", lang)}<br><span class="big">{html.escape(rank)}</span></td>'
                 f'<td>{_h("percentile", lang)}<br><span class="big">'
                 f'{html.escape(percent(card.percentile, lang, 0) if card.percentile is not None else NO_VALUE)}'
                 "</span></td></tr></table>")
    f = card.fields
    parts.append(f"<h2>{_h('fields', lang)}</h2>")
    parts.append(_table([_h(k, lang) for k in ("field", "points", "max", "sub_index", "group_mean", "difference")],
                        [[f"{r['code']} {r[f'name_{lang}']}", _num(r["points"], lang, d), _num(r["max"], lang, d),
                          _num(r["sub_index"], lang, 1), _num(r["group_mean"], lang, 1),
                          _num(r["difference"], lang, 1, signed=True)] for r in f.to_dict("records")], {1, 2, 3, 4, 5}))
    crit = [_h(k, lang) for k in ("criterion", "points", "max")]
    strong = _table(crit, [[_criterion(r, lang), _num(r["points"], lang, d), _num(r["max"], lang, d)]
                           for r in card.strongest.to_dict("records")], {1, 2})
    weak = _table([*crit, _h("short", lang)], [[_criterion(r, lang), _num(r["points"], lang, d),
                                                _num(r["max"], lang, d), _num(r["short"], lang, d)]
                                               for r in card.weakest.to_dict("records")], {1, 2, 3})
    parts.append(f'<div class="two"><div><h2>{_h("strongest", lang)}</h2>{strong}</div>'
                 f'<div><h2>{_h("weakest", lang)}</h2>{weak}</div></div>')
    side = []
    if card.change is None and card.compared:
        side.append(f'<div><h2>{_h("change", lang)}</h2><p class="muted">{_h("no_change", lang)}</p></div>')
    if card.change is not None or card.gap is not None:
        if card.change is not None:
            ch = card.change
            rows = [[both("last_index", lang), _num(ch["index_base"], lang, d)],
                    [both("delta", lang), _num(ch["index_delta"], lang, d, signed=True)],
                    [both("last_rank", lang), _num(ch["rank_base"], lang, 0)],
                    [both("shift", lang), _num(ch["rank_shift"], lang, 0, signed=True)],
                    [both("last_band", lang), _band(result, ch["band_base"], lang)]]
            if ch.get("predecessors") and ch["predecessors"] != card.unit_id:
                rows.append([both("predecessors", lang), ch["predecessors"]])
            note = "" if ch.get("like_for_like", True) else f'<p class="note">{_h("not_like", lang)}</p>'
            side.append(f"<div><h2>{_h('change', lang)}</h2>{_table([], rows, {1})}{note}</div>")
        if card.gap is not None:
            g = card.gap
            rows = [[both("self_index", lang), _num(g["self_index"], lang, d)],
                    [both("appraised_index", lang), _num(g["appraised_index"], lang, d)],
                    [both("gap_value", lang), _num(g["gap"], lang, d, signed=True)]]
            names = {r["field"]: f"{r['code']} {r[f'name_{lang}']}" for r in card.fields.to_dict("records")}
            fields = "; ".join(f"{names.get(x['field'], x['field'])} ({_num(x['gap'], lang, d, signed=True)})"
                               for x in g["fields"][:3])  # a sentence under the table: figures stay unwrapped
            cut = f"<p>{html.escape(both('gap_fields', lang))}: {html.escape(fields)}</p>" if fields else ""
            note = f'<p class="note">{g["not_appraised"]} {_h("not_appraised", lang)}</p>' if g["not_appraised"] else ""
            side.append(f"<div><h2>{_h('gap', lang)}</h2>{_table([], rows, {1})}{cut}{note}</div>")
    parts.append(f'<div class="two">{"".join(side)}</div>')
    parts.append(_plan_html(card, result, lang))
    parts.append(f'<p class="muted">{_h("unrounded", lang)}</p>')
    title = f"{both('card', lang)}: {card.name}"
    return (f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n<title>{html.escape(title)}'
            f"</title>\n<style>{STYLE}</style>\n</head>\n<body>\n" + "\n".join(parts) + "\n</body>\n</html>\n")


def _plan_html(card: Card, result: Result, lang: str) -> str:
    plan = card.plan
    d = result.rulebook.display.decimals
    target = _band(result, plan.target, lang)
    key = "plan_rise" if plan.goal == "rise" else "plan_keep"
    out = [f"<h2>{_h('plan', lang)}</h2>"]
    if plan.note.get(lang):
        out.append(f'<p class="note">{html.escape(plan.note[lang])}</p>')
    if len(plan.steps):
        out.append(f"<p>{_h(key, lang, target=target)}</p>")
        adds = "adds" if plan.goal == "rise" else "loses"
        out.append(_table([_h(k, lang) for k in ("criterion", adds, "adds_index", "after", "rank_after",
                                                 "band_after")],
                          [[_criterion(r, lang), _num(r["leaf_points"], lang, d, signed=True),
                            _num(r["index_points"], lang, d, signed=True), _num(r["index_after"], lang, d),
                            _num(r["rank_after"], lang, 0), _band(result, r["band_after"], lang)]
                           for r in plan.steps.to_dict("records")], {1, 2, 3, 4}))
    return "\n".join(out)


def cards_workbook(cards: Sequence[Card], result: Result, path: Path, lang: str) -> Path:
    """One sheet per unit with the card's tables (numbers unrounded), printable on A4."""
    wb = Workbook()
    wb.remove(wb.active)
    taken: set[str] = set()
    fmt = excel_format(result.rulebook.display.decimals)
    for card in cards:
        ws = wb.create_sheet(sheet_title(card.unit_id, taken))
        row = 1
        ws.cell(row, 1, clean(f"{both('card', lang)}: {card.name}")).font = TITLE_FONT

        def block(title: str, heads: list[str], rows: list[list[Any]], start: int, ws: Any = ws,
                  fmt: str = fmt) -> int:
            ws.cell(start, 1, title).font = Font(bold=True)
            for j, h in enumerate(heads, start=1):
                cell = ws.cell(start + 1, j, h)
                cell.font, cell.fill = HEADER_FONT, HEADER_FILL
            for i, values in enumerate(rows, start=start + 2):
                for j, v in enumerate(values, start=1):
                    cell = ws.cell(i, j, clean(v) if isinstance(v, str) else v)
                    if isinstance(v, float):
                        cell.number_format = fmt
            return start + len(rows) + 3

        row = block(both("index", lang), [both(k, lang) for k in ("index", "band", "rank", "percentile")],
                    [[card.index, _band(result, card.band, lang), card.rank, card.percentile]], 3)
        row = block(both("fields", lang), [both(k, lang) for k in ("field", "points", "max", "sub_index", "group_mean",
                                                                   "difference")],
                    [[f"{r['code']} {r[f'name_{lang}']}", r["points"], r["max"], r["sub_index"], r["group_mean"],
                      r["difference"]] for r in card.fields.to_dict("records")], row)
        for key, table in (("strongest", card.strongest), ("weakest", card.weakest)):
            row = block(both(key, lang), [both(k, lang) for k in ("criterion", "points", "max", "short")],
                        [[_criterion(r, lang), r["points"], r["max"], r["short"]] for r in table.to_dict("records")],
                        row)
        if card.change is not None:
            ch = card.change
            row = block(both("change", lang), [both(k, lang) for k in ("last_index", "delta", "last_rank", "shift",
                                                                       "last_band")],
                        [[ch["index_base"], ch["index_delta"], _int(ch["rank_base"]), _int(ch["rank_shift"]),
                          _band(result, ch["band_base"], lang)]], row)
        if card.gap is not None:
            g = card.gap
            row = block(both("gap", lang), [both(k, lang) for k in ("self_index", "appraised_index", "gap_value")],
                        [[g["self_index"], g["appraised_index"], g["gap"]]], row)
        plan = card.plan
        adds = "adds" if plan.goal == "rise" else "loses"
        title = both("plan", lang) + ": " + (plan.note.get(lang) or both(
            "plan_rise" if plan.goal == "rise" else "plan_keep", lang, target=_band(result, plan.target, lang)))
        block(title, [both(k, lang) for k in ("criterion", adds, "adds_index", "after", "rank_after", "band_after")],
              [[_criterion(r, lang), r["leaf_points"], r["index_points"], r["index_after"], _int(r["rank_after"]),
                _band(result, r["band_after"], lang)] for r in plan.steps.to_dict("records")], row)
        for col, width in zip("ABCDEF", (48, 16, 14, 16, 14, 16)):
            ws.column_dimensions[col].width = width
        print_setup(ws, title=card.name, footer=card.unit_id, lang=lang, one_page=True)
    return save_workbook(wb, path)


def _int(v: Any) -> int | None:
    return None if v is None or v is pd.NA or (isinstance(v, float) and v != v) else int(v)

"""HTML pieces of the workbench: score cards, the field chart, the ledger, problems.

Plain HTML and CSS (no JavaScript, no CDN; the style sheet is `report.tree.STYLE`), so that they
show at once in JupyterLab, in a saved notebook and offline, and so that a browser test can read
them by class name (`cchc-index`, `cchc-band`, `cchc-rank`). The field chart is drawn with CSS
bars rather than altair: an update must stay well under 150 ms, and a vega render costs more.
"""

from __future__ import annotations

from html import escape

import numpy as np
import pandas as pd

from cchc_rules.engine.explain import Ledger
from cchc_rules.i18n import stage_label
from cchc_rules.problems import Problem
from cchc_rules.widgets.sandbox import Outcome
from cchc_rules.widgets.texts import figure, label, signed

COLOURS = {"self": "#8fb3d9", "appraised": "#1f5f99"}


def cards(outcomes: dict[str, Outcome], baselines: dict[str, Outcome], current: str, decimals: int,
          lang: str, by_group: bool = True) -> str:
    """Self-assessed and appraised side by side: index, band, rank among peers, change against the data."""
    parts = []
    for side, out in outcomes.items():
        cls = "cchc-card current" if side == current else "cchc-card"
        title, stage = label(side, lang), stage_label(out.stage, lang)
        head = f'<div class="side">{escape(title if side == "self" else f"{title} · {stage}")}</div>'
        if out.index is None:
            body = f'<div class="problem">{escape(label("cannot_score", lang))}</div>' + problems_html(out.problems,
                                                                                                    lang)
            parts.append(f'<div class="{cls}" data-side="{side}">{head}{body}</div>')
            continue
        base = baselines[side]
        delta = out.index - base.index if base.index is not None else 0.0
        shift = signed(delta, decimals, lang)
        moved = not shift.startswith("±")  # the change shows at the published decimals
        trend = ("up" if delta > 0 else "down") if moved else ""
        change = label("from_data", lang, delta=shift) if moved else label("unchanged", lang)
        band = escape(out.band_label) if out.band else escape(label("no_band", lang))
        key = "rank_of" if by_group else "rank_of_all"
        rank = label(key, lang, rank=out.rank, peers=out.peers) if out.rank is not None else label("unranked", lang)
        parts.append(
            f'<div class="{cls}" data-side="{side}">{head}'
            f'<div>{escape(label("index", lang))}: <span class="cchc-index">{figure(out.index, decimals, lang)}</span>'
            f'</div><div>{escape(label("band", lang))}: <span class="cchc-band">{band}</span></div>'
            f'<div>{escape(label("rank", lang))}: <span class="cchc-rank">{escape(rank)}</span></div>'
            f'<div class="delta {trend}">{escape(change)}</div></div>'
        )
    return f'<div class="cchc-cards">{"".join(parts)}</div>'


def field_chart(outcomes: dict[str, Outcome], lang: str) -> str:
    """Per top-level field, the share of its maximum won, one bar per side."""
    scored = {side: o for side, o in outcomes.items() if o.index is not None}
    if not scored:
        return ""
    first = next(iter(scored.values())).fields
    legend = "".join(f'<span style="background:{COLOURS[s]}"></span>{escape(label(s, lang))}' for s in scored)
    rows = []
    for i, field in first.iterrows():
        bars = []
        for side, out in scored.items():
            pts, mx = out.fields["points"].iat[i], out.fields["max"].iat[i]
            if not mx or np.isnan(pts):
                bars.append(f'<div class="muted">{escape(label("not_applicable", lang))}</div>')
                continue
            share = pts / mx * 100
            bars.append(
                f'<div class="track"><div class="bar" style="width:{share:.2f}%;background:{COLOURS[side]}" '
                f'title="{escape(label(side, lang))}"></div></div>'
            )
        last = next(reversed(scored.values())).fields
        pts, mx = last["points"].iat[i], last["max"].iat[i]
        amount = "—" if not mx or np.isnan(pts) else f"{figure(pts, 2, lang)} / {figure(mx, 2, lang)}"
        rows.append(
            f'<tr><td style="width:38%">{escape(str(field["code"]))}. {escape(str(field["name"]))}</td>'
            f'<td style="width:46%">{"".join(bars)}</td><td class="num">{amount}</td></tr>'
        )
    return (f'<h3>{escape(label("chart", lang))}</h3><div class="legend muted">{legend}</div>'
            f'<table>{"".join(rows)}</table>')


def ledger_html(ledger: Ledger | None, lang: str) -> str:
    """The explanation ledger as a table: leaves, adjustments, then the index, band, gates and rank lines."""
    if ledger is None:
        return ""
    head = "".join(f"<th>{escape(label(k, lang))}</th>" for k in ("code", "criterion", "used_stage", "value",
                                                                    "matched", "points", "note"))
    rows = []
    for r in ledger.rows.itertuples(index=False):
        if r.section == "leaf":
            pts = "—" if pd.isna(r.points) else f"{figure(r.points, 3, lang)} / {figure(r.max, 3, lang)}"
            note = "; ".join(x for x in (r.out, r.detail) if isinstance(x, str) and x)
            stage = stage_label(r.stage, lang) if r.stage else ""
            cells = [r.code, r.name, stage, r.value, r.matched or ""]
            rows.append("<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in cells)
                        + f'<td class="num">{pts}</td><td>{escape(note)}</td></tr>')
        else:
            rows.append(f'<tr><td colspan="7"><b>{escape(str(r.detail or ""))}</b></td></tr>')
    return f'<div class="muted">{escape(ledger.head)}</div><table><tr>{head}</tr>{"".join(rows)}</table>'


def problems_html(problems: list[Problem], lang: str) -> str:
    items = []
    for p in problems:
        fix = p.fix(lang)
        cls = "problem" if p.severity == "error" else "warning"
        where = p.repeats(lang)  # a repeated problem: where it occurs ("ở 126 dòng: 3, 7, …")
        items.append(f'<li><span class="{cls}">{escape(p.code)}: {escape(p.what(lang))}</span>'
                     + (f' <span class="muted">({escape(where)})</span>' if where else "")
                     + (f'<br><span class="muted">→ {escape(fix)}</span>' if fix else "") + "</li>")
    return f'<ul>{"".join(items)}</ul>' if items else ""

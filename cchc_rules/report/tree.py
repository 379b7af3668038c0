"""The criteria tree as an HTML table: max points, the rule in words, evidence and guidance per node.

The rows come from the handbook's neutral document (`documents.handbook.build_handbook`), so the
trainer's table and the printed handbook say exactly the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from cchc_rules.documents.handbook import build_handbook
from cchc_rules.documents.rule_text import num
from cchc_rules.dsl.models import Rulebook
from cchc_rules.i18n import resolve_lang

# The workbench's style sheet (the tree and every widget panel share it): readable on a projector.
FONT = "'Noto Sans', 'DejaVu Sans', 'Segoe UI', Arial, sans-serif"

STYLE = f"""<style>
.cchc {{font-family: {FONT}; font-size: 15px; color: #1b1b1b; line-height: 1.4;}}
.cchc h3 {{font-size: 18px; margin: 8px 0 4px 0;}}
.cchc-cards {{display: flex; gap: 16px; flex-wrap: wrap;}}
.cchc-card {{border: 1px solid #c9d3de; border-radius: 8px; padding: 10px 16px; min-width: 260px; background: #f7f9fb;}}
.cchc-card.current {{border: 2px solid #1f5f99; background: #eef4fa;}}
.cchc-card .side {{font-weight: 600; color: #44546a;}}
.cchc-card .cchc-index {{font-size: 34px; font-weight: 700;}}
.cchc-card .cchc-band {{font-size: 20px; font-weight: 600; color: #1f5f99;}}
.cchc-card .delta {{color: #555; font-size: 14px;}}
.cchc-card .up {{color: #1a7f37;}} .cchc-card .down {{color: #b42318;}}
.cchc table {{border-collapse: collapse; width: 100%;}}
.cchc th {{background: #e8edf3; text-align: left; padding: 4px 6px; font-weight: 600;}}
.cchc td {{border-top: 1px solid #e1e6ec; padding: 3px 6px; vertical-align: top;}}
.cchc td.num {{text-align: right; white-space: nowrap;}}
.cchc .bar {{height: 12px; border-radius: 3px; margin: 2px 0;}}
.cchc .track {{background: #edf0f3; border-radius: 3px; width: 100%;}}
.cchc .muted {{color: #667085; font-size: 13px;}}
.cchc .problem {{color: #b42318;}}
.cchc .warning {{color: #9a6700;}}
.cchc-sticky {{position: sticky; top: 0; z-index: 20; background: #fff; padding: 4px 0 6px 0;
  box-shadow: 0 3px 6px rgba(0, 0, 0, 0.08);}}
.jp-OutputArea-output:has(.cchc-sticky), .jp-OutputArea-child:has(.cchc-sticky), .jp-OutputArea:has(.cchc-sticky),
.jp-Cell-outputWrapper:has(.cchc-sticky), .jp-Cell:has(.cchc-sticky), .widget-box:has(> .cchc-sticky),
.jupyter-widgets:has(.cchc-sticky) {{overflow: visible !important;}}
.cchc .legend span {{display: inline-block; width: 12px; height: 12px; border-radius: 2px; margin: 0 4px 0 12px;}}
</style>"""


def page(body: str) -> str:
    return f'{STYLE}<div class="cchc">{body}</div>'


@dataclass(frozen=True)
class CriteriaTree:
    """An HTML table that notebooks display as is (`_repr_html_`)."""

    html: str

    def _repr_html_(self) -> str:
        return self.html


def criteria_tree(rulebook: Rulebook, lang: str | None = None, group: str | None = None) -> CriteriaTree:
    """Every node (only those that apply to `group` when given), in the rulebook's order."""
    lang = resolve_lang(lang)
    book = build_handbook(rulebook, lang)
    lab = book.labels
    heads = "".join(f"<th>{escape(lab[k])}</th>" for k in ("code", "name", "max", "how", "evidence", "guidance"))
    rows = []
    for (node, _, depth), entry in zip(rulebook.walk(), book.entries, strict=True):
        if group is not None and not rulebook.applies(node.id, group):
            continue
        weight = "" if entry.leaf else "font-weight:600;"
        shade = ' style="background:#f3f6f9"' if depth == 0 else ""
        evidence = "".join(f"<li>{escape(e)}</li>" for e in entry.evidence)
        rows.append(
            f"<tr{shade}><td>{escape(entry.code)}</td>"
            f'<td style="padding-left:{6 + 18 * depth}px;{weight}">{escape(entry.name)}</td>'
            f'<td class="num">{"" if entry.max is None else num(entry.max, lang)}</td>'
            f"<td>{escape(entry.how)}</td>"
            f'<td>{f"<ul style=margin:0;padding-left:18px>{evidence}</ul>" if evidence else ""}</td>'
            f'<td class="muted">{escape(entry.guidance)}</td></tr>'
        )
    title = f"<h3>{escape(book.title)}</h3>"
    note = f'<div class="muted">{escape(lab["illustrative"])}</div>' if book.illustrative else ""
    widths = "".join(f'<col style="width:{w}%">' for w in (6, 22, 6, 28, 20, 18))
    return CriteriaTree(page(f"{title}{note}<table><colgroup>{widths}</colgroup><tr>{heads}</tr>{''.join(rows)}"
                             "</table>"))

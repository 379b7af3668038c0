"""The criteria handbook: the rulebook as people read it, in HTML (printable, offline), Markdown or XLSX.

`build_handbook` makes a neutral document once (`Handbook`); `to_html`, `to_markdown` and
`to_xlsx` render it. `write_handbook` picks the renderer from the file's suffix.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

from cchc_rules.atomic import write_text
from cchc_rules.documents import rule_text as rt
from cchc_rules.documents.xlsx import (
    GROUP_FILL,
    WRAP,
    fit_rows,
    footer_text,
    header_row,
    print_setup,
    save_workbook,
    title_rows,
)
from cchc_rules.dsl.models import Node, Rulebook
from cchc_rules.i18n import pick, resolve_lang, stage_label
from cchc_rules.labels import by_language
from cchc_rules.labels.documents import HANDBOOK
from cchc_rules.problems import CchcError, Pos, Problem, define
from cchc_rules.safe_text import markdown_text

UNKNOWN_FORMAT = define(
    "W701",
    "Không biết định dạng sổ tay '{suffix}'",
    "Unknown handbook format '{suffix}'",
    "Đặt tên tệp kết thúc bằng .html, .md hoặc .xlsx.",
    "Name the file with .html, .md or .xlsx at the end.",
)

LABELS = by_language(HANDBOOK)


@dataclass
class Entry:
    """One criterion (any depth) or adjustment as the handbook shows it."""

    code: str
    name: str
    depth: int
    max: float | None
    leaf: bool
    how: str = ""
    evidence: list[str] = field(default_factory=list)
    guidance: str = ""
    references: list[str] = field(default_factory=list)
    applies: str = ""
    missing: str = ""


@dataclass
class BandRow:
    label: str
    range: str
    gates: list[str]
    quota: str


@dataclass
class Handbook:
    """The neutral document every renderer draws."""

    lang: str
    title: str
    illustrative: bool
    about: list[tuple[str, str]]
    entries: list[Entry]
    total: float
    index_note: str
    adjustments: list[Entry]
    bands: list[tuple[str, list[BandRow]]]
    ranking: list[str]
    changes: tuple[str, list[str]] | None

    @property
    def labels(self) -> dict[str, str]:
        return LABELS[self.lang]


def build_handbook(rulebook: Rulebook, lang: str | None = None) -> Handbook:
    lang = resolve_lang(lang)
    lab = LABELS[lang]
    return Handbook(
        lang=lang,
        title=pick(rulebook.title, lang),
        illustrative=rulebook.illustrative,
        about=_about(rulebook, lang),
        entries=[_entry(rulebook, node, depth, lang) for node, _, depth in rulebook.walk()],
        total=sum(node.max or 0 for node in rulebook.criteria),
        index_note=lab["index_note"].format(scale=rt.num(rulebook.scale, lang)),
        adjustments=[
            Entry(
                code=adj.id,
                name=pick(adj.name, lang),
                depth=0,
                max=adj.cap,
                leaf=True,
                how=rt.adjustment_text(adj, lang),
                evidence=[pick(e, lang) for e in adj.evidence],
                guidance=pick(adj.guidance, lang),
            )
            for adj in rulebook.adjustments
        ],
        bands=_bands(rulebook, lang),
        ranking=_ranking(rulebook, lang),
        changes=_changes(rulebook, lang),
    )


def _about(rulebook: Rulebook, lang: str) -> list[tuple[str, str]]:
    lab = LABELS[lang]
    rows = [(lab["id"], rulebook.id)]
    if rulebook.year is not None:
        rows.append((lab["year"], str(rulebook.year)))
    if rulebook.jurisdiction:
        rows.append((lab["jurisdiction"], pick(rulebook.jurisdiction, lang)))
    if rulebook.decision:
        d = rulebook.decision
        text = d.number
        for key in ("signed", "effective"):
            if getattr(d, key):
                text += f", {lab[key]} {getattr(d, key).strftime('%d/%m/%Y')}"
        if d.supersedes:
            text += f", {lab['supersedes']} {d.supersedes}"
        rows.append((lab["decision"], text))
    rows.append((lab["groups"], "; ".join(pick(t, lang) for t in rulebook.groups.values())))
    rows.append((lab["stages"], " → ".join(stage_label(s, lang) for s in rulebook.stages)))
    rows.append((lab["scale"], rt.num(rulebook.scale, lang)))
    rows.append((lab["not_applicable"], lab["na_" + rulebook.not_applicable]))
    rows.append((lab["missing"], rt.missing_text(rulebook.missing, lang)))
    return rows


def _reference(rulebook: Rulebook, ref, lang: str) -> str:
    source = rulebook.references.get(ref.ref)
    text = pick(source.title, lang) if source else ref.ref
    if source and source.date:
        text += f" ({source.date.strftime('%d/%m/%Y')})"
    return f"{text}, {ref.article}" if ref.article else text


def _entry(rulebook: Rulebook, node: Node, depth: int, lang: str) -> Entry:
    applies = ""
    if node.applies_to is not None:
        applies = "; ".join(pick(rulebook.groups.get(g), lang) or g for g in node.applies_to)
    missing = ""
    if node.is_leaf and node.missing and node.missing != rulebook.missing:
        missing = rt.missing_text(node.missing, lang)
    return Entry(
        code=node.label,
        name=pick(node.name, lang),
        depth=depth,
        max=node.max,
        leaf=node.is_leaf,
        how=rt.rule_text(node, lang) if node.is_leaf else rt.parent_text(node, lang),
        evidence=[pick(e, lang) for e in node.evidence],
        guidance=pick(node.guidance, lang),
        references=[_reference(rulebook, r, lang) for r in node.references],
        applies=applies,
        missing=missing,
    )


def _bands(rulebook: Rulebook, lang: str) -> list[tuple[str, list[BandRow]]]:
    lab = LABELS[lang]
    sets = [(lab["bands"], rulebook.bands)]
    for group, bands in rulebook.bands_by_group.items():
        sets.append((lab["bands_for"].format(group=pick(rulebook.groups.get(group), lang) or group), bands))
    return [
        (
            title,
            [
                BandRow(
                    label=pick(band.label, lang),
                    range=rt.band_range(bands, i, lang),
                    gates=[rt.gate_text(g, rulebook, lang) for g in band.when],
                    quota=rt.quota_text(band.quota, bands, lang) if band.quota else "",
                )
                for i, band in enumerate(bands)
            ],
        )
        for title, bands in sets
    ]


def _ranking(rulebook: Rulebook, lang: str) -> list[str]:
    lab, r, d = LABELS[lang], rulebook.ranking, rulebook.display
    lines = [lab["rank_group"] if r.within == "group" else lab["rank_all"]]
    if r.tie_break:
        lines.append(lab["tie_break"].format(nodes="; ".join(rt.node_label(rulebook, n, lang) for n in r.tie_break)))
    lines.append(lab["ties"])
    if r.exclude_flag:
        lines.append(lab["exclude"].format(flag=pick(rulebook.flags.get(r.exclude_flag), lang) or r.exclude_flag))
    lines.append(lab["rank_" + d.rank_on].format(d=d.decimals))
    return lines


def _changes(rulebook: Rulebook, lang: str) -> tuple[str, list[str]] | None:
    derivation = rulebook.derivation
    if derivation is None:
        return None
    from cchc_rules.dsl.diff import differences

    title = LABELS[lang]["changes"].format(base=derivation.base_id or "base")
    return title, [d.describe(lang) for d in differences(rulebook)]


# ---------------------------------------------------------------- HTML
_CSS = """
@page { size: A4; margin: 16mm 14mm 18mm 14mm; }
body { font-family: "Times New Roman", Times, serif; font-size: 11pt; color: #111; margin: 0 auto; max-width: 190mm; }
h1 { font-size: 17pt; margin: 0 0 4mm; }
h2 { font-size: 13pt; margin: 7mm 0 2mm; border-bottom: 1px solid #1f4e79; break-after: avoid; }
.sample { border: 2px solid #c00000; color: #c00000; font-weight: bold; padding: 2mm 3mm; margin: 3mm 0; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #999; padding: 1.2mm 1.8mm; vertical-align: top; text-align: left; }
th { background: #1f4e79; color: #fff; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
td.num { text-align: right; white-space: nowrap; }
tr.d0 td { background: #ddebf7; font-weight: bold; }
tr.d1 td.name { padding-left: 4mm; }
tr.d2 td.name { padding-left: 8mm; }
tr.d3 td.name, tr.d4 td.name { padding-left: 12mm; }
tr.total td { font-weight: bold; }
.small { font-size: 9.5pt; }
.small p { margin: 0.6mm 0; }
.small ul { margin: 0.3mm 0 0.6mm; padding-left: 5mm; }
dl.about { display: grid; grid-template-columns: 45mm auto; gap: 1mm 4mm; margin: 0; }
dl.about dt { font-weight: bold; }
dl.about dd { margin: 0; }
@media print { body { max-width: none; } a { color: inherit; text-decoration: none; } }
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _max(value: float | None, lang: str) -> str:
    return rt.num(value, lang) if value is not None else ""


def _details_html(entry: Entry, lab: dict[str, str]) -> str:
    parts = []
    if entry.how:
        parts.append(f"<p><b>{_e(lab['how'])}:</b> {_e(entry.how)}</p>")
    if entry.evidence:
        items = "".join(f"<li>{_e(x)}</li>" for x in entry.evidence)
        parts.append(f"<p><b>{_e(lab['evidence'])}:</b></p><ul>{items}</ul>")
    for key in ("guidance", "applies", "missing"):
        value = getattr(entry, key)
        if value:
            parts.append(f"<p><b>{_e(lab[key])}:</b> {_e(value)}</p>")
    if entry.references:
        parts.append(f"<p><b>{_e(lab['references'])}:</b> {_e('; '.join(entry.references))}</p>")
    return "".join(parts)


def to_html(book: Handbook) -> str:
    """A self-contained page: inline CSS, no script, no link, no external font; prints on A4."""
    lab, lang = book.labels, book.lang
    out = [
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">',
        f"<title>{_e(book.title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{_e(book.title)}</h1>",
    ]
    if book.illustrative:
        out.append(f'<p class="sample">{_e(lab["illustrative"])}</p>')
    out.append(f'<h2>{_e(lab["about"])}</h2><dl class="about">')
    out += [f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in book.about]
    out.append("</dl>")
    out.append(f"<h2>{_e(lab['criteria'])}</h2><p>{_e(book.index_note)}</p>")
    out.append(
        f"<table><thead><tr><th>{_e(lab['code'])}</th><th>{_e(lab['name'])}</th>"
        f"<th>{_e(lab['max'])}</th></tr></thead><tbody>"
    )
    for entry in book.entries:
        details = _details_html(entry, lab)
        detail = f'<div class="small">{details}</div>' if details else ""
        out.append(
            f'<tr class="d{min(entry.depth, 4)}"><td>{_e(entry.code)}</td>'
            f'<td class="name">{_e(entry.name)}{detail}</td><td class="num">{_max(entry.max, lang)}</td></tr>'
        )
    out.append(
        f'<tr class="total"><td></td><td>{_e(lab["total"])}</td><td class="num">{_max(book.total, lang)}</td></tr>'
    )
    out.append("</tbody></table>")
    if book.adjustments:
        out.append(f"<h2>{_e(lab['adjustments'])}</h2><table><thead><tr><th>{_e(lab['adjustment'])}</th>")
        out.append(f"<th>{_e(lab['how'])}</th></tr></thead><tbody>")
        for adj in book.adjustments:
            out.append(f'<tr><td>{_e(adj.name)}</td><td class="small">{_details_html(adj, lab)}</td></tr>')
        out.append("</tbody></table>")
    for title, rows in book.bands:
        out.append(f"<h2>{_e(title)}</h2><table><thead><tr><th>{_e(lab['band'])}</th><th>{_e(lab['range'])}</th>")
        out.append(f"<th>{_e(lab['gates'])}</th><th>{_e(lab['quota'])}</th></tr></thead><tbody>")
        for row in rows:
            gates = "<br>".join(_e(g) for g in row.gates)
            out.append(
                f"<tr><td>{_e(row.label)}</td><td>{_e(row.range)}</td><td>{gates}</td><td>{_e(row.quota)}</td></tr>"
            )
        out.append("</tbody></table>")
    out.append(f"<h2>{_e(lab['ranking'])}</h2><ul>" + "".join(f"<li>{_e(x)}</li>" for x in book.ranking) + "</ul>")
    if book.changes is not None:
        title, lines = book.changes
        items = "".join(f"<li>{_e(x)}</li>" for x in lines) or f"<li>{_e(lab['no_changes'])}</li>"
        out.append(f"<h2>{_e(title)}</h2><ul>{items}</ul>")
    out.append("</body></html>\n")
    return "\n".join(out)


# ---------------------------------------------------------------- Markdown
def _md(text: str) -> str:
    """Text from the rulebook for Markdown: no raw HTML, no link, no emphasis, one line (`safe_text`)."""
    return markdown_text(str(text))


def to_markdown(book: Handbook) -> str:
    """The handbook as Markdown; every text taken from the rulebook is escaped, only our labels are not."""
    lab, lang = book.labels, book.lang
    out = [f"# {_md(book.title)}", ""]
    if book.illustrative:
        out += [f"> **{lab['illustrative']}**", ""]
    out += [f"## {lab['about']}", ""] + [f"- **{_md(k)}**: {_md(v)}" for k, v in book.about] + [""]
    out += [f"## {lab['criteria']}", "", _md(book.index_note), ""]
    for entry in book.entries:
        head = f"**{_md(entry.code)}** {_md(entry.name)} ({_max(entry.max, lang)} {rt.words(lang)['pt']})"
        if entry.depth == 0:
            if out[-1]:
                out.append("")
            out += [f"### {head}", ""]
            details = _md_details(entry, lab, "")
            out += details + ([""] if details else [])
        else:
            indent = "  " * (entry.depth - 1)
            out.append(f"{indent}- {head}")
            out += _md_details(entry, lab, indent + "  ")
    out += ["", f"**{lab['total']}: {_max(book.total, lang)}**", ""]
    if book.adjustments:
        out += [f"## {lab['adjustments']}", ""]
        for adj in book.adjustments:
            out.append(f"- **{_md(adj.name)}**")
            out += _md_details(adj, lab, "  ")
        out.append("")
    for title, rows in book.bands:
        out += [f"## {_md(title)}", "", f"| {lab['band']} | {lab['range']} | {lab['gates']} | {lab['quota']} |"]
        out.append("|---|---|---|---|")
        for row in rows:
            out.append(f"| {_md(row.label)} | {_md(row.range)} | {_md('; '.join(row.gates))} | {_md(row.quota)} |")
        out.append("")
    out += [f"## {lab['ranking']}", ""] + [f"- {_md(x)}" for x in book.ranking] + [""]
    if book.changes is not None:
        title, lines = book.changes
        out += [f"## {_md(title)}", ""] + ([f"- {_md(x)}" for x in lines] or [lab["no_changes"]]) + [""]
    return "\n".join(out)


def _md_details(entry: Entry, lab: dict[str, str], indent: str) -> list[str]:
    out = []
    if entry.how:
        out.append(f"{indent}- *{lab['how']}*: {_md(entry.how)}")
    if entry.evidence:
        out.append(f"{indent}- *{lab['evidence']}*:")
        out += [f"{indent}  - {_md(x)}" for x in entry.evidence]
    for key in ("guidance", "applies", "missing"):
        if getattr(entry, key):
            out.append(f"{indent}- *{lab[key]}*: {_md(getattr(entry, key))}")
    if entry.references:
        out.append(f"{indent}- *{lab['references']}*: {_md('; '.join(entry.references))}")
    return out


# ---------------------------------------------------------------- XLSX
def to_xlsx(book: Handbook) -> Workbook:
    lab = book.labels
    wb = Workbook()
    ws = wb.active
    ws.title = lab["sheet_criteria"]
    lines = [book.title] + ([lab["illustrative"]] if book.illustrative else []) + [book.index_note]
    title_rows(ws, lines)
    top = len(lines) + 2
    cols = ["code", "name", "max", "how", "evidence", "guidance", "references", "applies", "missing"]
    header_row(ws, top, [lab[c] for c in cols], [9, 48, 10, 48, 40, 40, 30, 18, 18])
    ws.freeze_panes = ws.cell(row=top + 1, column=3)
    row = top
    for entry in book.entries:
        row += 1
        values = [
            entry.code,
            "   " * entry.depth + entry.name,
            entry.max,
            entry.how,
            "\n".join(f"• {x}" for x in entry.evidence),
            entry.guidance,
            "\n".join(entry.references),
            entry.applies,
            entry.missing,
        ]
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row=row, column=col, value=value)
            cell.alignment = WRAP
            if entry.depth == 0:
                cell.fill = GROUP_FILL
        ws.cell(row=row, column=3).number_format = "General"
    row += 1
    ws.cell(row=row, column=2, value=lab["total"]).font = Font(bold=True)
    ws.cell(row=row, column=3, value=book.total).number_format = "General"
    row += 1
    for adj in book.adjustments:
        row += 1
        ws.cell(row=row, column=1, value=adj.code)
        ws.cell(row=row, column=2, value=f"{lab['adjustments']}: {adj.name}").alignment = WRAP
        ws.cell(row=row, column=4, value=adj.how).alignment = WRAP
    bs = wb.create_sheet(lab["sheet_bands"])
    header_row(bs, 1, [lab["group"], lab["band"], lab["range"], lab["gates"], lab["quota"]], [28, 18, 22, 50, 50])
    bs.freeze_panes = "A2"
    for title, rows in book.bands:
        for band in rows:
            bs.append([title, band.label, band.range, "\n".join(band.gates), band.quota])
    for line in book.ranking:
        bs.append([lab["ranking"], line])
    if book.changes is not None:
        title, changes = book.changes
        cs = wb.create_sheet(lab["sheet_changes"])
        header_row(cs, 1, [title], [120])
        for line in changes or [lab["no_changes"]]:
            cs.append([line])
    _printable(wb, book, top)
    return wb


def _printable(wb: Workbook, book: Handbook, top: int) -> None:
    """A4: the criteria landscape with their header repeated, the other sheets upright; wrapped texts."""
    about = dict(book.about)
    rulebook_id, year = about.get(book.labels["id"], ""), about.get(book.labels["year"])
    footer = footer_text(rulebook_id, int(year) if year else None, book.lang)
    for k, ws in enumerate(wb.worksheets):
        for row in ws.iter_rows(min_row=2 if k else top + 1):
            for cell in row:
                if isinstance(cell.value, str):
                    cell.alignment = WRAP
        fit_rows(ws, 2 if k else top + 1)
        print_setup(ws, title=f"{book.title} · {ws.title}", footer=footer, lang=book.lang,
                    landscape=k == 0, repeat_rows=(top, top) if k == 0 else (1, 1))


FORMATS = (".html", ".htm", ".md", ".xlsx")


def write_handbook(rulebook: Rulebook, path: Path | str, lang: str | None = None) -> Path:
    """Write the handbook in the format its suffix names (.html, .md or .xlsx), atomically."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise CchcError([Problem(UNKNOWN_FORMAT, {"suffix": suffix or path.name}, Pos(str(path)))])
    book = build_handbook(rulebook, lang)
    if suffix == ".xlsx":
        return save_workbook(to_xlsx(book), path)
    text = to_markdown(book) if suffix == ".md" else to_html(book)
    return write_text(path, text)

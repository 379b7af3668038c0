"""The drafter's app: edit maxima, ladder thresholds, band minima and gates; see the comparison; save.

All logic is in `edits.Editor`; this module builds the widgets. Charts (rank slope, band
transitions, winners and losers, from `report.charts`) are drawn to PNG by vl-convert and shown
as images: offline, and the same in JupyterLab, Voilà and a headless run.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any

import ipywidgets as w

from cchc_rules.analysis.compare import Summary
from cchc_rules.documents.rule_text import gate_text, num
from cchc_rules.i18n import pick
from cchc_rules.labels.workbench import CHANGES
from cchc_rules.problems import CchcError
from cchc_rules.report import charts
from cchc_rules.report.change_text import decided_elsewhere, sentence
from cchc_rules.report.tree import page
from cchc_rules.widgets import params
from cchc_rules.widgets.debounce import Debouncer
from cchc_rules.widgets.edits import Editor, Evaluation
from cchc_rules.widgets.pictures import png, show_png
from cchc_rules.widgets.render import problems_html
from cchc_rules.widgets.texts import label, signed

_GATE_KINDS = ("gate_flag_false", "gate_flag_true", "gate_min_share", "gate_min", "gate_zero")


class EditorApp:
    """The widget tree around an `Editor`; `widget` is what a notebook displays."""

    def __init__(self, editor: Editor, lang: str = "vi", delay: float = 0.3):
        self.editor = editor
        self.lang = lang
        self.debouncer = Debouncer(self.refresh, delay)
        self.widget = w.VBox(layout=w.Layout(width="100%"))
        self.build()

    def _ipython_display_(self) -> None:
        from IPython.display import display

        bundle = self.widget._repr_mimebundle_()
        bundle["text/plain"] = f"{label('edits', self.lang)}: {len(self.editor.changes)}"
        display(bundle, raw=True)

    # ------------------------------------------------------------ building
    def build(self) -> None:
        ed, lang = self.editor, self.lang
        self.lang_toggle = w.ToggleButtons(options=[(label("lang_vi", lang), "vi"), (label("lang_en", lang), "en")],
                                           value=lang, description=label("language", lang))
        self.lang_toggle.observe(self._on_lang, "value")
        title = (f"<h3>{escape(label('baseline', lang))}: {escape(pick(ed.baseline.title, lang))}</h3>"
                 f'<div class="muted">{escape(params.shown_path(ed.start_path))}</div>')
        self.edits_html, self.messages, self.summary = w.HTML(), w.HTML(), w.HTML()
        for widget, name in ((self.edits_html, "edits"), (self.messages, "messages"), (self.summary, "summary")):
            widget.add_class(f"cchc-{name}")
        self.images = [w.Image(format="png") for _ in range(3)]
        undo = w.Button(description=label("undo", lang), icon="undo")
        clear = w.Button(description=label("clear", lang), icon="times")
        undo.on_click(lambda _b: self._after(self.editor.undo))
        clear.on_click(lambda _b: self._after(self.editor.clear))
        self.tabs = tabs = w.Tab(
            children=[self._maxima(), self._transfer(), self._thresholds(), self._band_minima(), self._gates(),
                      self._add(), self._structure()],
            titles=tuple(label(k, lang) for k in ("maxima", "tab_transfer", "thresholds", "band_minima", "gates",
                                                  "tab_add", "tab_structure")))
        self.widget.children = [
            w.HTML(page(title)), self.lang_toggle, tabs,
            w.HTML(page(f"<h3>{escape(label('edits', lang))}</h3>")), self.edits_html, w.HBox([undo, clear]),
            w.HTML(page(f"<h3>{escape(label('messages', lang))}</h3>")), self.messages,
            w.HTML(page(f"<h3>{escape(label('comparison', lang))}</h3>")), self.summary,
            *self.images,
            self._save_box(),
        ]
        self.refresh()

    def _number(self, value: float) -> w.FloatText:
        # a maximum held to 9 decimals (three thirds: 9.999999999) is offered as a person writes it
        return w.FloatText(value=round(float(value), 6), description=label("new_min", self.lang),
                           layout=w.Layout(width="260px"), style={"description_width": "110px"})

    def _maxima(self) -> w.VBox:
        lang = self.lang
        nodes = self._nodes()
        pick_node = self._node_picker("node")
        amount = self._number(self.editor.current.node(nodes[0][1]).max or 0)
        amount.description = label("new_max", lang)
        pick_node.observe(lambda c: setattr(amount, "value", round(self.editor.current.node(c["new"]).max or 0, 6)),
                          "value")
        apply = w.Button(description=label("apply", lang), button_style="primary")
        apply.on_click(lambda _b: self._after(lambda: self.editor.set_max(pick_node.value, amount.value)))
        return w.VBox([pick_node, w.HBox([amount, apply])])

    def _nodes(self, leaves: bool = True) -> list[tuple[str, str]]:
        """Criteria and fields as people name them: code, name and maximum."""
        return [(f"{n.label} {pick(n.name, self.lang)} ({num(n.max or 0, self.lang)})", n.id)
                for n, _, _ in self.editor.current.walk() if leaves or not n.is_leaf]

    def _node_picker(self, key: str, leaves: bool = True, top: bool = False) -> w.Dropdown:
        options = [*([(label("top_level", self.lang), None)] if top else []), *self._nodes(leaves)]
        return w.Dropdown(options=options, description=label(key, self.lang), layout=w.Layout(width="640px"),
                          style={"description_width": "130px"})

    def _transfer(self) -> w.VBox:
        source, target = self._node_picker("from_node"), self._node_picker("to_node")
        amount = self._number(0.5)
        amount.description = label("points_amount", self.lang)
        apply = w.Button(description=label("transfer_button", self.lang), button_style="primary")
        apply.on_click(lambda _b: self._after(lambda: self.editor.transfer(amount.value, source.value, target.value)))
        return w.VBox([source, target, w.HBox([amount, apply])])

    def _add(self) -> w.VBox:
        lang, style = self.lang, {"description_width": "130px"}
        under = self._node_picker("add_under", leaves=False, top=True)
        ident = w.Text(description=label("new_id", lang), placeholder="7.9", style=style)
        name_vi = w.Text(description=label("new_name_vi", lang), layout=w.Layout(width="640px"), style=style)
        name_en = w.Text(description=label("new_name_en", lang), layout=w.Layout(width="640px"), style=style)
        amount = self._number(1)
        amount.description = label("new_points", lang)
        apply = w.Button(description=label("add_node", lang), button_style="primary", layout=w.Layout(width="auto"))
        apply.on_click(lambda _b: self._after(lambda: self.editor.add_node(
            under.value, ident.value.strip(), name_vi.value, name_en.value, amount.value)))
        return w.VBox([under, ident, name_vi, name_en, w.HBox([amount, apply])])

    def _structure(self) -> w.VBox:
        lang = self.lang
        node = self._node_picker("node")
        remove = w.Button(description=label("remove_node", lang), icon="trash", layout=w.Layout(width="auto"))
        under = self._node_picker("move_under", leaves=False, top=True)
        move = w.Button(description=label("move", lang), layout=w.Layout(width="auto"))
        new_id = w.Text(description=label("rename_to", lang), style={"description_width": "130px"})
        rename = w.Button(description=label("rename", lang), layout=w.Layout(width="auto"))
        remove.on_click(lambda _b: self._after(lambda: self.editor.remove_node(node.value)))
        move.on_click(lambda _b: self._after(lambda: self.editor.move_node(node.value, under.value)))
        rename.on_click(lambda _b: self._after(lambda: self.editor.rename_node(node.value, new_id.value)))
        for widget, name in ((remove, "remove"), (move, "move"), (rename, "rename")):
            widget.add_class(f"cchc-structure-{name}")
        return w.VBox([node, remove, w.HBox([under, move]), w.HBox([new_id, rename])])

    def _thresholds(self) -> w.VBox:
        lang = self.lang
        ladders = [leaf for leaf in self.editor.current.leaves() if leaf.rule.ladder is not None]
        leaf_pick = w.Dropdown(options=[(f"{x.label} {pick(x.name, lang)}", x.id) for x in ladders],
                               description=label("leaf", lang), layout=w.Layout(width="640px"))
        step_pick = w.Dropdown(description=label("step", lang))
        amount = self._number(0)

        def steps(_change: Any = None) -> None:
            leaf = self.editor.current.node(leaf_pick.value)
            _fill(step_pick, [(f"≥ {num(s.min, lang)}", i) for i, s in enumerate(leaf.rule.ladder)
                              if s.min is not None])

        def show(_change: Any = None) -> None:
            if step_pick.value is not None:
                amount.value = self.editor.current.node(leaf_pick.value).rule.ladder[step_pick.value].min

        leaf_pick.observe(steps, "value")
        step_pick.observe(show, "value")
        if ladders:
            steps()
            show()
        apply = w.Button(description=label("apply", lang), button_style="primary")
        apply.on_click(lambda _b: self._after(lambda: self.editor.set_threshold(leaf_pick.value, step_pick.value,
                                                                                amount.value)))
        return w.VBox([leaf_pick, step_pick, w.HBox([amount, apply])])

    def _band_lists(self) -> list[tuple[str, str | None]]:
        rb = self.editor.current
        return [(label("all_groups", self.lang), None),
                *((pick(rb.groups.get(g), self.lang) or g, g) for g in rb.bands_by_group)]

    def _band_pickers(self) -> tuple[w.Dropdown, w.Dropdown]:
        lang = self.lang
        style = {"description_width": "130px"}
        lists = w.Dropdown(options=self._band_lists(), description=label("band_list", lang), style=style)
        bands = w.Dropdown(description=label("band", lang), style=style)

        def fill(_change: Any = None) -> None:
            _fill(bands, [(pick(b.label, lang), b.id) for b in self.editor.bands(lists.value)])

        lists.observe(fill, "value")
        fill()
        return lists, bands

    def _band_minima(self) -> w.VBox:
        lists, bands = self._band_pickers()
        amount = self._number(0)

        def show(_change: Any = None) -> None:
            band = next((b for b in self.editor.bands(lists.value) if b.id == bands.value), None)
            amount.value = band.min if band and band.min is not None else 0

        bands.observe(show, "value")
        show()
        apply = w.Button(description=label("apply", self.lang), button_style="primary")
        apply.on_click(lambda _b: self._after(lambda: self.editor.set_band_min(bands.value, amount.value,
                                                                               lists.value)))
        amount.add_class("cchc-band-min")
        apply.add_class("cchc-band-min-apply")
        return w.VBox([lists, bands, w.HBox([amount, apply])])

    def _gates(self) -> w.VBox:
        lang, rb = self.lang, self.editor.current
        lists, bands = self._band_pickers()
        current = w.Dropdown(description=label("gates", lang), layout=w.Layout(width="640px"))
        remove = w.Button(description=label("remove", lang), icon="trash")
        kind = w.Dropdown(options=[(label(k, lang), k) for k in _GATE_KINDS], description=label("gate_kind", lang),
                          layout=w.Layout(width="420px"), style={"description_width": "110px"})
        subject = w.Dropdown(description=label("subject", lang), layout=w.Layout(width="640px"))
        amount = w.FloatText(value=0.8, description=label("amount", lang))
        add = w.Button(description=label("add_gate", lang), button_style="primary")

        def show(_change: Any = None) -> None:
            if bands.value is None:
                _fill(current, [])
                return
            band = next(b for b in self.editor.bands(lists.value) if b.id == bands.value)
            _fill(current, [(gate_text(g, self.editor.current, lang), i) for i, g in enumerate(band.when)])

        def subjects(_change: Any = None) -> None:
            if kind.value.startswith("gate_flag"):
                _fill(subject, [(pick(t, lang), f) for f, t in rb.flags.items()])
            else:
                _fill(subject, [(f"{n.label} {pick(n.name, lang)}", n.id) for n, _, _ in rb.walk() if not n.is_leaf])
            amount.disabled = kind.value.startswith("gate_flag")

        def removed() -> Evaluation:
            gates = self.editor.gates(bands.value, lists.value)
            gates.pop(current.value)
            return self.editor.set_gates(bands.value, gates, lists.value)

        def added() -> Evaluation:
            gates = self.editor.gates(bands.value, lists.value)
            gates.append(_gate(kind.value, subject.value, amount.value))
            return self.editor.set_gates(bands.value, gates, lists.value)

        bands.observe(show, "value")
        kind.observe(subjects, "value")
        show()
        subjects()
        remove.on_click(lambda _b: current.value is not None and self._after(removed, show))
        add.on_click(lambda _b: self._after(added, show))
        return w.VBox([lists, bands, w.HBox([current, remove]), kind, subject, w.HBox([amount, add])])

    def _save_box(self) -> w.VBox:
        lang = self.lang
        style = {"description_width": "130px"}
        self.name = w.Text(description=label("file_name", lang), placeholder="survey-45", style=style)
        self.title_vi = w.Text(description=label("title_vi", lang), layout=w.Layout(width="640px"), style=style)
        self.title_en = w.Text(description=label("title_en", lang), layout=w.Layout(width="640px"), style=style)
        self.overwrite = w.Checkbox(description=label("overwrite", lang), indent=False)
        self.saved = w.HTML()
        button = w.Button(description=label("save", lang), icon="save", button_style="success",
                          layout=w.Layout(width="auto"))
        button.on_click(self._on_save)
        for widget, name in ((self.name, "name"), (button, "button"), (self.saved, "result")):
            widget.add_class(f"cchc-save-{name}")
        head = w.HTML(page(f"<h3>{escape(label('save', lang))}</h3>"))
        return w.VBox([head, self.name, self.title_vi, self.title_en, w.HBox([self.overwrite, button]), self.saved])

    # ------------------------------------------------------------ events
    def _after(self, action: Any, then: Any = None) -> None:
        """Run an edit; a refused edit (unknown id) shows its problem instead of raising into the front end."""
        try:
            action()
        except CchcError as exc:
            self.messages.value = page(problems_html(exc.problems, self.lang))
            return
        if then is not None:
            then()
        self.debouncer.trigger()

    def _on_lang(self, change: dict) -> None:
        self.lang = change["new"]
        self.build()

    def _on_save(self, _button: Any) -> None:
        try:
            path = self.editor.save(self.name.value.strip(), self.title_vi.value, self.title_en.value,
                                    overwrite=self.overwrite.value)
        except CchcError as exc:
            self.saved.value = page(problems_html(exc.problems, self.lang))
            return
        self.saved.value = page(f"<b>{escape(label('saved', self.lang, path=params.shown_path(path)))}</b>")

    # ------------------------------------------------------------ showing
    def _edits_text(self) -> str:
        """The pending changes as numbered sentences, each with what decides instead of it, when something does."""
        lang, start = self.lang, self.editor.start
        if not self.editor.changes:
            return f'<div class="muted">{escape(label("no_edits", lang))}</div>'
        items = []
        for change in self.editor.changes:
            notes = "".join(f'<div class="warning cchc-decided">⚠ {escape(n)}</div>'
                            for n in decided_elsewhere(change, start, lang))
            items.append(f"<li>{escape(sentence(change, start, lang))}{notes}</li>")
        comp = self.editor.evaluation.comparison
        if comp is not None and not comp.summary.get("band_changes"):
            items.append(f'<div class="warning cchc-nobody">{escape(CHANGES["nobody_moved"].text(lang))}</div>')
        return "<ol>" + "".join(items) + "</ol>"

    def refresh(self) -> None:
        lang, ev = self.lang, self.editor.evaluation
        self.edits_html.value = page(self._edits_text())
        shown = problems_html(ev.problems, lang)
        ok = "" if ev.errors else f"<b>{escape(label('valid', lang))}</b>"
        self.messages.value = page(ok + shown)
        comp = ev.comparison
        for image in self.images:  # no stale charts beside the messages of an invalid variant
            image.layout.display = "none" if comp is None else None
        if comp is None:
            self.summary.value = ""
            return
        self.summary.value = page(summary_html(comp.summary, lang))
        for image, chart in zip(self.images, (charts.rank_slope(comp, lang), charts.transition_heatmap(comp, lang),
                                              charts.winners_losers(comp, lang))):
            show_png(image, png(chart))


def summary_html(summary: Summary, lang: str) -> str:
    """The comparison's figures a drafter reads first."""
    delta = summary.get("mean_index_delta")
    up, down = summary.get("movers_up") or [], summary.get("movers_down") or []
    rows = [
        (label("units_changed_band", lang), str(summary.get("band_changes", 0))),
        (label("mean_delta", lang), signed(delta, 3, lang) if delta is not None else "—"),
        (label("max_gain", lang), _mover(up[0], lang) if up else "—"),
        (label("max_loss", lang), _mover(down[0], lang) if down else "—"),
    ]
    body = "".join(f"<tr><td>{escape(k)}</td><td><b>{escape(v)}</b></td></tr>" for k, v in rows)
    return f'<table style="width:auto">{body}</table>'


def _mover(entry: dict[str, Any], lang: str) -> str:
    name = entry.get("name") or entry.get("unit_id")
    shift = entry.get("rank_shift")
    delta = entry.get("index_delta")
    parts = [str(name)]
    if shift is not None:
        parts.append(f"{int(shift):+d} {label('rank', lang).lower()}")
    if delta is not None:
        parts.append(f"{signed(delta, 2, lang)} {label('index', lang).lower()}")
    return ", ".join(parts)


def _fill(dropdown: w.Dropdown, options: list[tuple[str, Any]]) -> None:
    """New options with the first one chosen (ipywidgets 8 leaves a dropdown empty when its options change)."""
    dropdown.options = options
    dropdown.value = options[0][1] if options else None


def _gate(kind: str, subject: str, amount: float) -> dict[str, Any]:
    if kind in ("gate_flag_false", "gate_flag_true"):
        return {"flag": subject, "is": kind == "gate_flag_true"}
    key = {"gate_min_share": "min_share", "gate_min": "min", "gate_zero": "max_zero_leaves"}[kind]
    return {"node": subject, key: int(amount) if key == "max_zero_leaves" else float(amount)}


@dataclass
class Workbench:
    editor: Editor
    app: EditorApp

    def _ipython_display_(self) -> None:
        self.app._ipython_display_()


def framework_editor(rulebook: Any, dataset: Any, proposal: Any, lang: Any, delay: float = 0.3) -> Workbench:
    """The drafter's notebook in one call: parameters checked (every problem at once), data loaded, app built."""
    loaded = params.load(rulebook, dataset, lang, proposal)
    loaded.problems.raise_if_errors()
    start = params.resolve_path(proposal)
    editor = Editor(params.resolve_path(rulebook), loaded.dataset, start)
    return Workbench(editor, EditorApp(editor, loaded.lang, delay))

"""The trainer's app: the scoring sandbox as ipywidgets (one control per leaf, cards, chart, ledger).

All logic is in `Sandbox`; this module only builds widgets, passes their changes to it and shows
its outcome. Updates are debounced: a burst of changes gives one rescoring.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any

import ipywidgets as w

from cchc_rules.display import number
from cchc_rules.documents.rule_text import missing_text, rule_text
from cchc_rules.i18n import level_label, pick
from cchc_rules.problems import CchcError
from cchc_rules.report.tree import criteria_tree, page
from cchc_rules.widgets import params, render
from cchc_rules.widgets.controls import Control
from cchc_rules.widgets.debounce import Debouncer
from cchc_rules.widgets.sandbox import SIDES, Sandbox, open_sandbox
from cchc_rules.widgets.texts import figure, label

_ROW = w.Layout(align_items="center", width="100%", border_bottom="1px solid #e1e6ec", padding="2px 0")


def _css_id(leaf_id: str) -> str:
    return "cchc-leaf-" + "".join(ch if ch.isalnum() else "-" for ch in leaf_id)


class WalkthroughApp:
    """The widget tree around a `Sandbox`; `widget` is what a notebook displays."""

    def __init__(self, sandbox: Sandbox, delay: float = 0.15, sources: tuple[str, str] | None = None):
        """`sources`: the rulebook and dataset paths the sandbox was opened on, to offer the project's others."""
        self.sandbox = sandbox
        self.sources = sources
        self.debouncer = Debouncer(self.refresh, delay)
        self._syncing = False
        self.widget = w.VBox(layout=w.Layout(width="100%"))
        self.build()

    def _ipython_display_(self) -> None:
        """The live widget; a saved notebook (no kernel) shows the score cards instead of a widget repr."""
        from IPython.display import display

        bundle = self.widget._repr_mimebundle_()
        bundle["text/plain"] = self._summary()
        bundle["text/html"] = self.cards.value
        display(bundle, raw=True)

    def _summary(self) -> str:
        out, lang = self.sandbox.outcome(ledger=False), self.sandbox.lang
        if out.index is None:
            return label("cannot_score", lang)
        band = out.band_label or label("no_band", lang)
        return (f"{label('sandbox', lang)}: {self.sandbox.unit} · {label(self.sandbox.side, lang)} · "
                f"{label('index', lang)} {figure(out.index, self.sandbox.rulebook.display.decimals, lang)} · {band}")

    # ------------------------------------------------------------ building
    def build(self) -> None:
        """(Re)build every widget in the sandbox's language, then show the current outcome."""
        sb, lang = self.sandbox, self.sandbox.lang
        units = sb.original.units
        self.lang_toggle = w.ToggleButtons(options=[(label("lang_vi", lang), "vi"), (label("lang_en", lang), "en")],
                                           value=lang, description=label("language", lang))
        names = units["name"] if "name" in units else units["unit_id"]
        self.unit_picker = w.Dropdown(
            options=[(f"{name} ({uid})", uid) for uid, name in zip(units["unit_id"], names)],
            value=sb.unit, description=label("unit", lang), layout=w.Layout(width="460px"),
        )
        sides = [(label(s, lang), s) for s in SIDES] if len(sb.rulebook.stages) > 1 else [(label("appraised", lang),
                                                                                          "appraised")]
        self.side_toggle = w.ToggleButtons(options=sides, value=sb.side, description=label("side", lang))
        self.reset_button = w.Button(description=label("reset", lang), icon="undo", layout=w.Layout(width="auto"))
        self.cards = w.HTML()
        self.cards.add_class("cchc-cards-widget")
        self.cards.add_class("cchc-sticky")  # the score card stays in view while the leaves below are changed
        self.chart = w.HTML()
        self.ledger = w.HTML()
        self.inputs: dict[str, w.Widget] = {}
        self.missing: dict[str, w.Checkbox] = {}
        self.points: dict[str, w.HTML] = {}
        self.states: dict[str, w.HTML] = {}
        self.fields = w.Accordion(children=[self._field_box(top) for top in sb.rulebook.criteria])
        self.fields.titles = tuple(f"{top.label}. {pick(top.name, lang)}" for top in sb.rulebook.criteria)
        self.fields.selected_index = 0
        ledger_box = w.Accordion(children=[self.ledger], titles=(label("ledger", lang),))
        tree = w.HTML(criteria_tree(sb.rulebook, lang, sb.group).html)
        tree_box = w.Accordion(children=[tree], titles=(label("criteria_tree", lang),))

        self.lang_toggle.observe(self._on_lang, "value")
        self.unit_picker.observe(self._on_unit, "value")
        self.side_toggle.observe(self._on_side, "value")
        self.reset_button.on_click(self._on_reset)
        title = pick(sb.rulebook.title, lang)
        note = f'<div class="muted">{escape(label("illustrative", lang))}</div>' if sb.rulebook.illustrative else ""
        header = w.HTML(page(f"<h3>{escape(label('sandbox', lang))}: {escape(title)}</h3>{note}"))
        self.widget.children = [
            header,
            *self._source_row(),
            tree_box,
            w.HBox([self.unit_picker, self.reset_button]),
            w.HBox([self.side_toggle, self.lang_toggle], layout=w.Layout(flex_flow="row wrap")),
            self.cards,
            self.chart,
            self.fields,
            ledger_box,
        ]
        self.refresh()

    def _source_row(self) -> list[w.Widget]:
        """Pick another rulebook and dataset of the project (a trainer never edits the parameters cell)."""
        if self.sources is None:
            return []
        lang = self.sandbox.lang
        books, data = params.catalogue()
        book_options = list(dict.fromkeys([self.sources[0], *map(params.shown_path, books)]))
        data_options = list(dict.fromkeys([self.sources[1], *map(params.shown_path, data)]))
        style = {"description_width": "110px"}
        self.rulebook_picker = w.Dropdown(options=book_options, value=self.sources[0], style=style,
                                          description=label("rulebook", lang), layout=w.Layout(width="520px"))
        self.dataset_picker = w.Dropdown(options=data_options, value=self.sources[1], style=style,
                                         description=label("dataset", lang), layout=w.Layout(width="520px"))
        load = w.Button(description=label("load", lang), icon="folder-open")
        load.on_click(self._on_load)
        self.load_messages = w.HTML()
        return [w.HBox([self.rulebook_picker, self.dataset_picker, load],
                       layout=w.Layout(flex_flow="row wrap")), self.load_messages]

    def _on_load(self, _button: Any = None) -> None:
        """Open the chosen rulebook and dataset; every problem shown at once, the current sandbox kept on error."""
        lang = self.sandbox.lang
        loaded = params.load(self.rulebook_picker.value, self.dataset_picker.value, lang)
        if loaded.problems.errors:
            self.load_messages.value = page(render.problems_html(loaded.problems.errors, lang))
            return
        units = loaded.dataset.units["unit_id"].astype(str).tolist()
        unit = self.sandbox.unit if self.sandbox.unit in units else units[0]
        self.sandbox = open_sandbox(loaded.rulebook, loaded.dataset, unit, lang)
        self.sources = (self.rulebook_picker.value, self.dataset_picker.value)
        self.build()

    def _field_box(self, top: Any) -> w.VBox:
        rows = [self._leaf_row(node) for node, _, _ in top.walk() if node.is_leaf]
        return w.VBox(rows, layout=w.Layout(width="100%"))

    def _leaf_row(self, leaf: Any) -> w.HBox:
        sb, lang = self.sandbox, self.sandbox.lang
        state = sb.leaf_state(leaf.id)
        text = (f"<b>{escape(leaf.label)}</b> {escape(pick(leaf.name, lang))}"
                f'<br><span class="muted">{escape(rule_text(leaf, lang))}</span>')
        name = w.HTML(page(text), layout=w.Layout(width="46%"))
        control = self._control(state.control, state.value)
        control.add_class(_css_id(leaf.id))
        policy = missing_text(sb.rulebook.missing_for(leaf), lang)
        missing = w.Checkbox(value=state.missing, description=label("missing_toggle", lang), indent=False,
                             tooltip=label("missing_hint", lang, policy=policy), layout=w.Layout(width="190px"))
        missing.add_class(_css_id(leaf.id) + "-missing")
        applies = state.status != "structural"
        control.disabled = not applies or state.missing
        missing.disabled = not applies
        self.inputs[leaf.id], self.missing[leaf.id] = control, missing
        self.points[leaf.id] = w.HTML(layout=w.Layout(width="110px"))
        self.states[leaf.id] = w.HTML(layout=w.Layout(width="150px"))
        control.observe(lambda change, leaf_id=leaf.id: self._on_value(leaf_id, change["new"]), "value")
        missing.observe(lambda change, leaf_id=leaf.id: self._on_missing(leaf_id, change["new"]), "value")
        return w.HBox([name, control, self.states[leaf.id], missing, self.points[leaf.id]], layout=_ROW)

    def _control(self, control: Control, value: Any) -> w.Widget:
        lang = self.sandbox.lang
        layout = w.Layout(width="260px")
        if control.widget == "checkbox":
            return w.Checkbox(value=bool(value), indent=False, layout=layout)
        if control.widget == "dropdown":
            leaf = control.leaf
            options = [(f"{level_label(name, lang)} ({figure(pts, 2, lang)} {label('points', lang)})", name)
                       for name, pts in leaf.rule.levels.items()]
            return w.Dropdown(options=options, value=value, layout=layout)
        if control.widget == "int_slider":
            return w.IntSlider(value=int(value or 0), min=int(control.low), max=int(control.high), step=1,
                               continuous_update=False, layout=layout, readout=False, description=label("count", lang),
                               style={"description_width": "60px"})
        start = control.low if value is None else min(max(value, control.low), control.high)
        return w.FloatSlider(value=start, min=control.low, max=control.high, step=control.step,
                             continuous_update=False, readout=False, layout=layout,
                             description="%" if control.unit == "percent" else "",
                             style={"description_width": "20px" if control.unit == "percent" else "0px"})

    # ------------------------------------------------------------ events
    def _on_value(self, leaf_id: str, value: Any) -> None:
        if self._syncing:
            return
        try:
            self.sandbox.set_value(leaf_id, value)
        except CchcError as exc:  # shown where the trainer looks, not as a traceback in the kernel's log
            self.states[leaf_id].value = page(render.problems_html(exc.problems, self.sandbox.lang))
            return
        self.debouncer.trigger()

    def _on_missing(self, leaf_id: str, missing: bool) -> None:
        if self._syncing:
            return
        self.sandbox.set_missing(leaf_id, missing)
        self.inputs[leaf_id].disabled = missing
        self.debouncer.trigger()

    def _on_side(self, change: dict) -> None:
        self.sandbox.set_side(change["new"])
        self.sync()
        self.refresh()

    def _on_unit(self, change: dict) -> None:
        self.sandbox.unit = change["new"]
        self.build()

    def _on_lang(self, change: dict) -> None:
        self.sandbox.lang = change["new"]
        self.build()

    def _on_reset(self, _button: Any) -> None:
        self.sandbox.reset()
        self.sync()
        self.refresh()

    def sync(self) -> None:
        """Controls show the sandbox's values on the current side (without rescoring for each)."""
        self._syncing = True
        try:
            for leaf_id, control in self.inputs.items():
                state = self.sandbox.leaf_state(leaf_id)
                if state.value is not None:
                    control.value = state.value
                self.missing[leaf_id].value = state.missing
                control.disabled = state.status == "structural" or state.missing
        finally:
            self._syncing = False

    # ------------------------------------------------------------ showing
    def refresh(self) -> None:
        """Rescore and show: cards for both sides, the field chart, the ledger, each leaf's points."""
        sb, lang = self.sandbox, self.sandbox.lang
        sides = [side for _, side in self.side_toggle.options]
        outcomes = {side: sb.outcome(side, ledger=side == sb.side) for side in sides}
        baselines = {side: sb.baseline(side) for side in sides}
        decimals = sb.rulebook.display.decimals
        by_group = sb.rulebook.ranking.within == "group"
        self.cards.value = page(render.cards(outcomes, baselines, sb.side, decimals, lang, by_group))
        self.chart.value = page(render.field_chart(outcomes, lang))
        current = outcomes[sb.side]
        explained = render.ledger_html(current.ledger, lang)
        self.ledger.value = page(explained or render.problems_html(current.problems, lang))
        for leaf_id, html in self.points.items():
            pts, mx = current.leaf_points.get(leaf_id, (float("nan"), 0.0))
            html.value = (page(f"<b>{figure(pts, 2, lang)}</b> / {figure(mx, 2, lang)}")
                          if current.index is not None and pts == pts else page("—"))
            self.states[leaf_id].value = page(f'<span class="muted">{escape(self._state_text(leaf_id))}</span>')

    def _state_text(self, leaf_id: str) -> str:
        lang = self.sandbox.lang
        state = self.sandbox.leaf_state(leaf_id)
        if state.status == "structural":
            return label("not_applicable", lang)
        if state.missing:
            return missing_text(self.sandbox.rulebook.missing_for(self.sandbox.controls[leaf_id].leaf), lang)
        if state.status == "na":
            return label("na_value", lang)
        if state.status == "empty":
            return label("no_value", lang)
        control = state.control
        if control.widget in ("slider", "int_slider") and isinstance(state.value, (int, float)):
            # the slider's own readout cannot write a decimal comma: its value is shown here instead
            decimals = max(0, len(f"{control.step:g}".partition(".")[2]))
            return number(state.value, lang, decimals) + ("%" if control.unit == "percent" else "")
        return ""


@dataclass
class Walkthrough:
    """What the trainer's notebook holds: the app (its `sandbox` is the one on screen)."""

    app: WalkthroughApp

    @property
    def sandbox(self) -> Sandbox:
        return self.app.sandbox

    def _ipython_display_(self) -> None:
        self.app._ipython_display_()


def walkthrough(rulebook: Any, dataset: Any, unit: Any, lang: Any, delay: float = 0.15) -> Walkthrough:
    """The trainer's notebook in one call: parameters checked (every problem at once), data loaded, app built."""
    loaded = params.load(rulebook, dataset, lang)
    unit = params.check_unit(unit, loaded.dataset, loaded.problems)
    loaded.problems.raise_if_errors()
    sandbox = open_sandbox(loaded.rulebook, loaded.dataset, unit, loaded.lang)
    sources = (params.shown_path(params.resolve_path(rulebook)), params.shown_path(params.resolve_path(dataset)))
    app = WalkthroughApp(sandbox, delay, sources)
    return Walkthrough(app)

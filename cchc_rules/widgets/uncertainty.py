"""The uncertainty notebook's view: rank intervals, band probabilities, remove-one, dead criteria.

The numbers come from `analysis.uncertainty` and `analysis.sensitivity`; this module only checks
the notebook's parameters, runs them and lays the results out with vi/en headings.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

import pandas as pd

from cchc_rules.analysis.sensitivity import dead_criteria, remove_one
from cchc_rules.analysis.sobol import sobol
from cchc_rules.analysis.uncertainty import uncertainty
from cchc_rules.cluster import dask_client, parse_spec
from cchc_rules.data.load import load_dataset
from cchc_rules.dsl.load import load_rulebook
from cchc_rules.dsl.models import Rulebook
from cchc_rules.engine.score import score
from cchc_rules.i18n import pick
from cchc_rules.labels import by_language
from cchc_rules.labels.workbench import UNCERTAINTY_COLUMNS
from cchc_rules.report.charts import band_labels
from cchc_rules.report.tree import page
from cchc_rules.report.uncertainty_chart import rank_interval_chart
from cchc_rules.widgets import params
from cchc_rules.widgets.pictures import png, show_png, shown_width
from cchc_rules.widgets.texts import figure, label

_COLUMNS = by_language(UNCERTAINTY_COLUMNS)


@dataclass(repr=False)
class UncertaintyReport:
    rulebook: Rulebook
    lang: str
    ranks: pd.DataFrame  # analysis.uncertainty table
    removal: pd.DataFrame  # analysis.sensitivity.remove_one
    dead: pd.DataFrame  # analysis.sensitivity.dead_criteria
    _charts: dict[str, bytes] = field(default_factory=dict)

    def chart_png(self) -> bytes:
        """The rank-interval chart in the report's language (drawn once per language)."""
        if self.lang not in self._charts:
            self._charts[self.lang] = png(rank_interval_chart(self.ranks, self.rulebook, self.lang))
        return self._charts[self.lang]

    def html(self) -> str:
        lang, rb = self.lang, self.rulebook
        names = band_labels(rb, lang)
        groups = {g: pick(t, lang) or g for g, t in rb.groups.items()}
        ranks = self.ranks.copy()
        probs = [c for c in ranks.columns if c.startswith("p_")]
        ranks[probs] = ranks[probs].map(lambda p: f"{p * 100:.0f}%")
        ranks = ranks.rename(columns={c: names.get(c[2:], label("no_band", lang)) for c in probs})
        ranks["band"] = ranks["band"].astype(object).map(lambda b: names.get(b, label("no_band", lang)))
        keep = ["unit_id", "name", "group", "index", "band", "rank", "rank_median", "rank_p05", "rank_p95",
                *(names.get(c[2:], label("no_band", lang)) for c in probs)]
        removal = self.removal[["code", "name", "max", "units", "mean_abs_rank_shift", "max_abs_rank_shift",
                                "band_changes", "mean_index_delta"]]
        topmost = ~self.dead["parent_dead"].astype(bool)
        dead = self.dead.loc[topmost, ["group", "code", "name", "leaf", "units", "points", "max"]]
        draws = self.ranks.attrs.get("draws", "")
        criterion = {"name": label("criterion", lang)}
        parts = [
            f"<h3>{escape(label('uncertainty', lang))} ({escape(label('draws', lang))}: {draws})</h3>",
            _table(ranks[keep], lang, groups),
            f"<h3>{escape(label('remove_one', lang))}</h3>", _table(removal, lang, groups, criterion),
            f"<h3>{escape(label('dead', lang))}</h3>",
            _table(dead, lang, groups, criterion) if len(dead) else f"<p>{escape(label('no_dead', lang))}</p>",
        ]
        return page("".join(parts))

    def widget(self) -> Any:
        """The chart and the tables with a vi/en switch (the chart drawn to PNG by vl-convert: offline)."""
        import ipywidgets as w

        toggle = w.ToggleButtons(options=[(label("lang_vi", "vi"), "vi"), (label("lang_en", "en"), "en")],
                                 value=self.lang)
        chart = w.Image(format="png")
        show_png(chart, self.chart_png())
        tables = w.HTML(self.html())

        def switch(change: dict) -> None:
            self.lang = change["new"]
            show_png(chart, self.chart_png())
            tables.value = self.html()

        toggle.observe(switch, "value")
        return w.VBox([toggle, chart, tables])

    def _ipython_display_(self) -> None:
        """The live widget; a saved notebook shows the chart and the tables as HTML."""
        from IPython.display import display

        bundle = self.widget()._repr_mimebundle_()
        picture = base64.b64encode(self.chart_png()).decode()
        width = shown_width(self.chart_png())
        bundle["text/html"] = f'<img src="data:image/png;base64,{picture}" width="{width}">' + self.html()
        bundle["text/plain"] = repr(self)
        display(bundle, raw=True)

    def __repr__(self) -> str:
        return f"{label('uncertainty', self.lang)}: {self.rulebook.id} ({len(self.ranks)})"


def _table(frame: pd.DataFrame, lang: str, groups: dict[str, str], columns: dict[str, str] | None = None) -> str:
    """A table for people: group labels, "—" for no value, decimal comma in Vietnamese, headings in `lang`."""
    shown = frame.astype(object).where(frame.notna(), "—")
    for column in shown.columns:
        if column == "group":
            shown[column] = shown[column].map(lambda g: groups.get(g, g))
        elif column == "leaf":
            shown[column] = shown[column].map(lambda x: label("yes" if x is True else "no", lang))
        elif pd.api.types.is_float_dtype(frame[column]):
            shown[column] = shown[column].map(lambda x: x if x == "—" else figure(x, 2, lang))
    shown = shown.rename(columns={**_COLUMNS[lang], **(columns or {})})
    return shown.to_html(index=False, border=0, escape=True)


def uncertainty_report(rulebook: Any, dataset: Any, draws: Any, seed: Any, lang: Any) -> UncertaintyReport:
    """The uncertainty notebook in one call: parameters checked (every problem at once), analyses run."""
    loaded = params.load(rulebook, dataset, lang)
    draws = params.check_count("draws", draws, 1, 1000, loaded.problems)
    seed = params.check_count("seed", seed, 0, 7, loaded.problems)
    loaded.problems.raise_if_errors()
    rb, data, lang = loaded.rulebook, loaded.dataset, loaded.lang
    ranks = uncertainty(rb, data, draws=draws, seed=seed)
    return UncertaintyReport(rb, lang, ranks, remove_one(rb, data, lang=lang), dead_criteria(score(rb, data),
                                                                                            lang=lang))


def sobol_files(rulebook: str | Path, dataset: str | Path, dask: str | None = None, **options: float | int | str
                ) -> pd.DataFrame:
    """`sobol` on a rulebook file and a dataset folder (or workbook), paths relative to the project as in the
    other notebook helpers; with `dask` (`local`, `local:N`, `tcp://host:port`) on a Dask cluster. `options` are
    `sobol`'s (samples, seed, weight_spread, ...)."""
    rb = load_rulebook(params.resolve_path(rulebook) or Path(rulebook))
    data = load_dataset(params.resolve_path(dataset) or Path(dataset), rb)
    if not dask:
        return sobol(rb, data, **options)  # type: ignore[arg-type]
    with dask_client(parse_spec(dask)) as client:
        return sobol(rb, data, client=client, **options)  # type: ignore[arg-type]

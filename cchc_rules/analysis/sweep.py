"""Sweeps (spec §10 `sweep`): one variant per value of one or more rulebook paths, scored on one dataset.

`sweep(rulebook, dataset, {path: values})` builds one variant per value (per combination with
several paths: every combination by default, `combine="zip"` takes the lists side by side),
each a `set` of the path to the value on the rulebook's file (see `analysis.variants`). Every
variant is built before any is scored, and the problems of all of them are reported together
(a bad path is reported once, naming the path and the change). The result is tidy: one row per
variant × unit. `sweep_summary(table, baseline)` condenses it to one row per variant.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from cchc_rules.analysis.matching import unit_columns
from cchc_rules.analysis.on_dask import map_shared
from cchc_rules.analysis.ranks import rank_correlation
from cchc_rules.analysis.variants import Variant, combinations, describe_values, variant_of
from cchc_rules.problems import CchcError, Problem, Problems

if TYPE_CHECKING:
    from distributed import Client

    from cchc_rules.data.model import Dataset
    from cchc_rules.dsl.models import Rulebook
    from cchc_rules.engine.result import Result


def sweep(
    rulebook: Rulebook | Variant | Path | str,
    dataset: Dataset | Path | str,
    values: Mapping[str, Iterable[Any]],
    combine: str = "product",
    stage: str | None = None,
    changes: Sequence[Any] = (),
    client: Client | None = None,
    progress: bool = False,
) -> pd.DataFrame:
    """Score one variant per swept value (or combination) and return one row per variant × unit.

    `rulebook`: a rulebook file, a rulebook loaded from a file, or a `Variant`; `changes` are
    applied before the swept `set`s. `dataset`: a loaded `Dataset` or a dataset path (loaded
    against the rulebook). Columns: variant (e.g. "bands/excellent/min = 92"), one column per
    swept path holding its value, unit_id, name, group, index, rank, band. Raises `CchcError`
    with every problem (X2xx from the changes, R1xx from validating a variant, A80x here).

    With a `distributed.Client`, every variant is built and checked here, then scored as a Dask task
    (the dataset is sent to each worker once, each variant's rulebook with its task): the table is the
    one computed here. `progress` shows a progress bar.
    """
    base = variant_of(rulebook, changes)
    combos = combinations(values, combine)
    rulebooks = _build_all(base, combos)
    data = _dataset(dataset, rulebooks[0]) if isinstance(dataset, str | Path) else dataset
    scored: list[pd.DataFrame] = [pd.DataFrame()] * len(rulebooks)
    if client is None:
        for i, rb in enumerate(rulebooks):
            scored[i] = _units((data, stage), rb)
    else:
        for i, u in map_shared(client, _units, (data, stage), rulebooks, progress, "variants"):
            scored[i] = u
    frames = []
    for combo, u in zip(combos, scored):
        frames.append(pd.DataFrame(
            {
                "variant": describe_values(combo),
                **{path: [value] * len(u) for path, value in combo.items()},
                **unit_columns(u),
            }
        ))
    return pd.concat(frames, ignore_index=True)


def _units(shared: tuple[Dataset, str | None], rulebook: Rulebook) -> pd.DataFrame:
    """The units table of one variant (run here, or as a Dask task)."""
    from cchc_rules.engine.score import score

    data, stage = shared
    return score(rulebook, data, stage).units


def _build_all(base: Variant, combos: list[dict[str, Any]]) -> list[Rulebook]:
    """Every variant's rulebook; the problems of all of them at once, each reported once."""
    problems = Problems()
    built = [base.with_values(combo).build_into(problems) for combo in combos]
    if problems.errors:
        raise CchcError(_unique(problems.items))
    return built  # type: ignore[return-value]


def _unique(items: list[Problem]) -> list[Problem]:
    """The same problem found in several variants (same code, path and texts) kept once."""
    seen: set[tuple[str, str, str]] = set()
    out = []
    for p in items:
        key = (p.code, p.path, p.what("en"))
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


def _dataset(path: Path | str, rulebook: Rulebook) -> Dataset:
    from cchc_rules.data.load import load_dataset

    return load_dataset(path, rulebook)


def swept_paths(table: pd.DataFrame) -> list[str]:
    """The swept paths of a sweep table (the columns between `variant` and `unit_id`)."""
    cols = list(table.columns)
    return cols[cols.index("variant") + 1: cols.index("unit_id")]


def sweep_summary(table: pd.DataFrame, baseline: Result) -> pd.DataFrame:
    """One row per variant: the swept values, units per band (`n_<band id>`, every band of the baseline
    and the variants), band_changes, kendall_tau and spearman of its ranks with the baseline's.

    Correlations are pooled within groups unless the baseline ranks `within: all` (see
    `compare.rank_correlation`); units are matched by id.
    """
    paths = swept_paths(table)
    bands = list(baseline.compiled.band_ids)
    bands += [b for b in pd.unique(table["band"].dropna()) if b not in bands]
    base = baseline.units[["unit_id", "rank", "band"]].astype({"unit_id": str})
    base = base.assign(band=base["band"].astype(object).where(base["band"].notna(), None))
    rows = []
    for variant, part in table.groupby("variant", sort=False):
        merged = part.merge(base, on="unit_id", how="left", suffixes=("", "_baseline"))
        counts = part["band"].value_counts()
        pools = (pd.Categorical(merged["group"]).codes if baseline.compiled.rank_within_group
                 else np.zeros(len(merged), dtype=np.int64))
        tau, rho = rank_correlation(merged, "rank_baseline", "rank", pools)
        matched = merged["band_baseline"].notna() | merged["rank_baseline"].notna()
        rows.append(
            {
                "variant": variant,
                **{p: part[p].iat[0] for p in paths},
                **{f"n_{b}": int(counts.get(b, 0)) for b in bands},
                "band_changes": int((matched & (merged["band"] != merged["band_baseline"])).sum()),
                "kendall_tau": tau,
                "spearman": rho,
            }
        )
    return pd.DataFrame(rows)

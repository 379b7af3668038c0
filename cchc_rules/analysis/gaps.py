"""Values a `missing` policy filled, as data: per criterion, per unit, and criteria with no data at all.

`gap_summary(result)` is the JSON line a scenario's `summary.json` carries for each side;
`comparison_gaps(comparison)` lists, for both sides, the criteria no unit of a group has data for
(then the comparison cannot show what that criterion changes) as located A810 warnings.
The texts a person reads are the report's (`report.gaps`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from cchc_rules.problems import Problem, Problems, define

if TYPE_CHECKING:
    from cchc_rules.analysis.paired import Paired
    from cchc_rules.engine.result import Result

NO_DATA_IN_COMPARISON = define(
    "A810",
    "{leaf}: không có dữ liệu cho {n} trên {total} đơn vị: phép so sánh này không cho thấy tác động của "
    "tiêu chí này",
    "{leaf}: no data for {n} of {total} units: this comparison does not show its effect",
    "Mọi đơn vị của nhóm {groups_vi} nhận điểm theo quy định khi thiếu dữ liệu (missing: {policy}); hãy thu thập "
    "dữ liệu cho tiêu chí này trước khi kết luận về nó.",
    "Every unit of the groups {groups_en} got the missing policy's points (missing: {policy}); collect data for the "
    "criterion before drawing conclusions about it.",
)


def gap_summary(result: Result) -> dict[str, Any]:
    """`filled` (values a missing policy gave), `units_filled` (units with one at least), `by_criterion` and
    `by_unit` (leaf or unit id → count, nonzero only), `no_data` (criterion, group, units), `unscored` (ids)."""
    filled = result.filled
    leaf_ids = result.compiled.leaf_ids
    unit_ids = result.units["unit_id"].astype(str).to_numpy()
    per_leaf, per_unit = filled.sum(axis=0), filled.sum(axis=1)
    return {
        "filled": int(filled.sum()),
        "units_filled": int((per_unit > 0).sum()),
        "by_criterion": {leaf_ids[j]: int(per_leaf[j]) for j in np.flatnonzero(per_leaf)},
        "by_unit": {unit_ids[u]: int(per_unit[u]) for u in np.flatnonzero(per_unit)},
        "no_data": [{"criterion": r.leaf_id, "code": r.code, "group": r.group, "units": int(r.units)}
                    for r in result.no_data.itertuples(index=False)],
        "unscored": [unit_ids[u] for u in np.flatnonzero(result.unscored)],
    }


def comparison_gaps(comparison: Paired) -> list[Problem]:
    """A810 for every criterion, on either side, that no unit of a group has data for (variant side first).

    One warning per criterion: how many units lack data (in the groups without any) of the units it applies
    to. The path says the side (`variant/criteria/7.7`); a criterion that lacks data on both sides is named once.
    """
    problems = Problems()
    seen: set[str] = set()
    for side, result in (("variant", comparison.variant), ("base", comparison.base)):
        nodes = result.rulebook.nodes()
        for leaf_id, rows in result.no_data.groupby("leaf_id", sort=False):
            if leaf_id in seen:
                continue
            seen.add(leaf_id)
            problems.add(NO_DATA_IN_COMPARISON, nodes[leaf_id].pos, f"{side}/criteria/{leaf_id}", "warning",
                         leaf=rows["code"].iat[0], n=int(rows["filled"].sum()), total=result.applies_to_count(leaf_id),
                         **result.group_names(list(rows["group"])), policy=rows["policy"].iat[0])
    return list(problems)

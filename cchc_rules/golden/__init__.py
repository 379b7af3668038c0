"""Golden tests of rulebooks (spec §8): load the files, build a dataset per case, score, compare.

A golden file::

    rulebook: ../par-departments-2024.yaml      # relative to this file
    cases:
      - name: every leaf at its best
        unit: {group: department, flags: [discipline]}      # one unit, id "U"
        values: best
        stage: appraisal_1                                   # optional: score at this stage
        expect: {index: 100, band: excellent, rank: 1, points: 100, published: "100.00",
                 nodes: {"3": 20, "3.1": {approx: 1.5, abs: 0.01}}}
      - name: three units
        units:
          - {id: A, group: department, values: best}
          - {id: B, group: department, values: {base: best, "8.1": 60}, flags: [discipline]}
        expect: {A: {rank: 1}, B: {band: good}}

`values` (spec §8, with our extensions):
- `best` or `worst`: every leaf that applies to the unit's group gets the value that earns the
  most (fewest) points, at the FIRST stage, so that scoring at any stage sees it. By rule kind:
  binary 1 / 0; ladder the `min` of the step with the most points / a value that earns the
  fewest (the lowest `min` − 1, which falls to the catch-all step when there is one); linear
  `to` / `from`; ratio 1 / 0; levels the name with the most / fewest points; deduct 0 /
  ceil(max ÷ per); points max / 0; survey the mean weight 1 / 0; relative 1 / 0. A relative
  leaf's points depend on the other units: when every unit of a group has the same value
  (one unit, or all at best, or all at worst) each gets the max, so `worst` gives relative
  leaves their max.
- a map: `{base: best|worst, "1.4": 2, ...}`; without `base` only the leaves named have a value
  (the others follow their `missing` policy). Keys are leaf ids or adjustment ids: adjustments
  get a value only when a case gives one. A value is a number, a text as a dataset cell holds it
  ("3/4", "NA", a level name, "có"), true/false, null (no value at all: extension), or
  (extension) a map stage → value to put values at several stages.
- In `units:` a unit without `values` takes the case's `values`.

`expect`: `index`, `band` (band id), `rank` (null: not ranked), `points` (earned),
`nodes` (id → points, null when out of the unit's maximum), `published` (a quoted string such as
"99.50"). Numbers match to 1e-9 unless given as `{approx: x, abs: tolerance}`. In a case with
`units:` expect maps each unit id to its expectations.

A failing case shows each expectation, what the engine gave, and the ledger of the units
concerned; data or scoring errors of a case make it fail with the problems listed.

The package: `cases` (what a checked file holds), `messages` (G5xx codes), `load` (finding and
checking files), `run` (scoring cases and comparing).
"""

from cchc_rules.golden.cases import TOLERANCE, Approx, Case, GoldenFile, UnitCase
from cchc_rules.golden.load import collect, load_golden
from cchc_rules.golden.run import Check, Outcome, case_dataset, extreme, run_case, run_file, unit_cells

__all__ = [
    "TOLERANCE", "Approx", "Case", "Check", "GoldenFile", "Outcome", "UnitCase", "case_dataset", "collect",
    "extreme", "load_golden", "run_case", "run_file", "unit_cells",
]

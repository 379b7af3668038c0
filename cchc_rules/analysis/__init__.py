"""Analysis of results: comparison (`compare`), rulebook variants (`variants`), sweeps (`sweep`),
Monte Carlo uncertainty (`uncertainty`) and sensitivity (`sensitivity`).

The public functions are exported, imported on first use, by the top-level `cchc_rules` package.
"""

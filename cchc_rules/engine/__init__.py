"""The vectorised scoring engine: compile a rulebook to arrays, score, explain.

Read it in this order (each module imports only those before it): `vocabulary` (reasons, the
arrays each stage hands on, flags: a leaf module), `rounding`, `compile` (the rulebook as arrays,
cached per rulebook), `grading` (bands, quotas, ranks), `select` (stage selection), `cells` (one
cell of the compiled pass), `fused` (the optional compiled pass: stage selection, leaf points and
the tree in one pass per cell),
`explain` (the ledger), `result` (tables and JSON), `score` (the pipeline).
"""

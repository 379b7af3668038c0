"""The interactive workbench for trainers and drafters (notebooks/01–03 call these; nothing else).

- `walkthrough.walkthrough(rulebook, dataset, unit, lang)`: the trainer's scoring sandbox
  (logic in `sandbox.Sandbox`, testable without a kernel);
- `editor.framework_editor(rulebook, dataset, proposal, lang)`: the drafter's editor (logic in
  `edits.Editor`: edits as changes, comparison with the baseline, save as proposal);
- `uncertainty.uncertainty_report(rulebook, dataset, draws, seed, lang)`: rank intervals, band
  probabilities, remove-one and dead criteria.

Submodules are imported on demand, so that the sandbox does not pay for altair.
"""

"""`cchc demo [--out DIR] [--jobs N] [--lang]`: everything the project ships, end to end.

1. validates every shipped rulebook (one line each);
2. scores every sample dataset with its rulebook and writes the results (as `cchc score --out`)
   under DIR/results/<dataset>/;
3. runs every scenario of scenarios/ into DIR/scenarios/ (reports, tables, index.html);
4. prints where the index and the results are.
The exit code is non-zero when anything failed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cchc_rules.commands.run import add_batch_arguments, report, run_all
from cchc_rules.display import counted
from cchc_rules.outputs import check_inputs, shown
from cchc_rules.shipped import shipped_root

REPO = shipped_root()  # the shipped examples: the repository in a checkout, package data when installed
DEFAULT_OUT = Path("out/demo")
INPUTS = ("rulebooks", "datasets", "scenarios", "notebooks")  # what the demo reads: --out may not hold them
# Which shipped rulebook scores each sample dataset (datasets/README.md).
SAMPLES = {
    "sample-province-2023": "par-province-2024",
    "sample-province-2024": "par-province-2024",
    "sample-communes-2024": "par-communes-2024",
    "sample-province-2025": "par-province-2025",
}

_TEXT = {
    "vi": {
        "validate": "1. Kiểm tra các bộ tiêu chí", "score": "2. Chấm điểm các bộ dữ liệu mẫu",
        "run": "3. Chạy các kịch bản", "valid": "✓ {file}: hợp lệ", "invalid": "✗ {file}: {errors}",
        "error": ("lỗi", "lỗi"),
        "scored": "✓ {dataset} ({rulebook}): {units} → {out}", "unit": ("đơn vị", "đơn vị"),
        "failed": "✗ {dataset} ({rulebook}): lỗi",
        "unknown": "✗ {dataset}: không biết chấm bằng bộ tiêu chí nào (thêm vào SAMPLES trong {file})",
        "results": "Kết quả chấm điểm: {path}", "done": "Demo xong.", "problems": "Demo có lỗi (xem ở trên).",
    },
    "en": {
        "validate": "1. Validating the rulebooks", "score": "2. Scoring the sample datasets",
        "run": "3. Running the scenarios", "valid": "✓ {file}: valid", "invalid": "✗ {file}: {errors}",
        "error": ("error", "errors"),
        "scored": "✓ {dataset} ({rulebook}): {units} → {out}", "unit": ("unit", "units"),
        "failed": "✗ {dataset} ({rulebook}): failed",
        "unknown": "✗ {dataset}: no rulebook known to score it (add it to SAMPLES in {file})",
        "results": "Scores: {path}", "done": "Demo done.", "problems": "The demo had failures (see above).",
    },
}


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("demo", parents=[common], help="validate, score and run every shipped example / chạy thử",
                       description="Validate every shipped rulebook, score every sample dataset, run every scenario. / "
                                   "Kiểm tra mọi bộ tiêu chí kèm theo, chấm mọi bộ dữ liệu mẫu, chạy mọi kịch bản.")
    add_batch_arguments(p, jobs=2, out=DEFAULT_OUT)
    p.add_argument("--no-scenarios", action="store_true",
                   help="validate and score only, without running the scenarios / "
                        "chỉ kiểm tra và chấm, không chạy kịch bản")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    text, lang, out = _TEXT[args.lang], args.lang, Path(args.out)
    check_inputs(out, [REPO / name for name in INPUTS])
    print(text["validate"])
    ok = validate_rulebooks(REPO / "rulebooks", lang)
    print(text["score"])
    ok = score_samples(REPO / "datasets", REPO / "rulebooks", out / "results", lang, args.force) and ok
    if not args.no_scenarios:
        print(text["run"])
        scenarios = sorted((REPO / "scenarios").glob("*.yaml"))
        ok = report(run_all(scenarios, args, out / "scenarios"), out / "scenarios", lang) and ok
    print(text["results"].format(path=shown(out / "results")))
    print(text["done"] if ok else text["problems"], file=sys.stdout if ok else sys.stderr)
    return 0 if ok else 1


def validate_rulebooks(folder: Path, lang: str) -> bool:
    """One line per rulebook (problems on stderr); True when all are valid."""
    from cchc_rules.commands.validate import rulebook_files
    from cchc_rules.dsl.load import check_rulebook

    ok = True
    for file in rulebook_files(folder):
        _, problems = check_rulebook(file)
        errors = [p for p in problems if p.severity == "error"]
        name = file.relative_to(REPO) if file.is_relative_to(REPO) else file
        if errors:
            print("\n".join(p.format(lang) for p in errors), file=sys.stderr)
            print(_TEXT[lang]["invalid"].format(file=name, errors=counted(len(errors), *_TEXT[lang]["error"], lang)))
            ok = False
        else:
            print(_TEXT[lang]["valid"].format(file=name))
    return ok


def score_samples(datasets: Path, rulebooks: Path, out: Path, lang: str, force: bool = False) -> bool:
    """Score every dataset folder with its rulebook and write its results; True when all succeeded."""
    from cchc_rules.commands.score import compute, write_outputs
    from cchc_rules.problems import CchcError

    text, ok = _TEXT[lang], True
    for folder in sorted(p for p in datasets.iterdir() if p.is_dir()):
        rulebook = SAMPLES.get(folder.name)
        if rulebook is None:
            print(text["unknown"].format(dataset=folder.name, file=__name__), file=sys.stderr)
            ok = False
            continue
        try:
            result = compute(rulebooks / f"{rulebook}.yaml", folder, None)
            write_outputs(result, out / folder.name, lang, [rulebooks, datasets], force)
        except CchcError as exc:
            print(exc.format(lang), file=sys.stderr)
            print(text["failed"].format(dataset=folder.name, rulebook=rulebook))
            ok = False
            continue
        units = counted(len(result.units), *text["unit"], lang)
        print(text["scored"].format(dataset=folder.name, rulebook=rulebook, units=units, out=shown(out / folder.name)))
    return ok

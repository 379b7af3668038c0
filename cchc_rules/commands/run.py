"""`cchc run SCENARIO... [--out DIR] [--jobs N] [--lang]`: run scenarios through their report notebook.

Each scenario gets a folder under DIR (default out/scenarios) with the executed notebook, the
report, the tables and summary.json; DIR/index.html lists them all. A failing scenario is
reported and does not stop the others; the exit code is 0 only when every scenario succeeded.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

DEFAULT_OUT = Path("out/scenarios")

_TEXT = {
    "vi": {"ok": "✓ {name}: xong ({seconds:.1f} s)", "failed": "✗ {name}: lỗi\n{error}",
           "index": "Trang tổng hợp: {path}", "none": "✗ {path}: không có tệp kịch bản .yaml nào"},
    "en": {"ok": "✓ {name}: done ({seconds:.1f} s)", "failed": "✗ {name}: failed\n{error}",
           "index": "Index page: {path}", "none": "✗ {path}: no .yaml scenario file found"},
}


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("run", parents=[common], help="run scenario files / chạy các kịch bản",
                       description="Run scenarios (files, or folders of *.yaml) through their report notebook.")
    p.add_argument("scenarios", nargs="+", type=Path, metavar="SCENARIO")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"output folder (default {DEFAULT_OUT})")
    p.add_argument("--jobs", type=int, default=1, help="scenarios run at the same time (default 1)")
    p.set_defaults(func=run)


def scenario_files(paths: list[Path]) -> tuple[list[Path], list[Path]]:
    """The scenario files named (a folder: its *.yaml files, sorted) and the paths that named none."""
    files, empty = [], []
    for path in paths:
        found = sorted([*path.glob("*.yaml"), *path.glob("*.yml")]) if path.is_dir() else [path]
        files += found
        if not found:
            empty.append(path)
    return files, empty


def run(args: argparse.Namespace) -> int:
    text = _TEXT[args.lang]
    files, empty = scenario_files(args.scenarios)
    for path in empty:
        print(text["none"].format(path=path), file=sys.stderr)
    ok = report(run_all(files, args.out, args.jobs, args.lang), args.out, args.lang)
    return 0 if ok and not empty else 1


def run_all(files: list[Path], out: Path, jobs: int, lang: str) -> list[Any]:
    from cchc_rules.scenarios.runner import run_scenarios

    return run_scenarios(files, out, jobs=max(1, jobs), progress=True, lang=lang)


def report(outcomes: list[Any], out: Path, lang: str) -> bool:
    """One line per scenario (errors on stderr) and the index's path; True when all succeeded."""
    text = _TEXT[lang]
    for o in outcomes:
        if o.ok:
            print(text["ok"].format(name=o.name, seconds=o.seconds))
        else:
            print(text["failed"].format(name=o.name, error=_indent(o.error or "")), file=sys.stderr)
    print(text["index"].format(path=(out / "index.html").resolve()))
    return all(o.ok for o in outcomes)


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())

"""`cchc run SCENARIO... [--out DIR] [--jobs N | --dask SPEC] [--notebooks] [--allow-notebook] [--force] [--lang]`.

Each scenario gets a folder under DIR (default out/scenarios) with the HTML report, the tables
and summary.json (with `--notebooks` also the executed report notebook, report.ipynb);
DIR/index.html lists every scenario present in DIR. A failing scenario is reported and does not
stop the others; the exit code is 0 only when every scenario succeeded. `--dask local[:N]` or
`--dask tcp://host:port` runs each scenario as a Dask task (`cchc_rules.cluster`). A scenario naming its
own `notebook:` outside the project's notebooks/ folder runs only with `--allow-notebook`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from cchc_rules.display import counted, number
from cchc_rules.outputs import add_force_argument, shown

DEFAULT_OUT = Path("out/scenarios")

_TEXT = {
    "vi": {"ok": "✓ {name}: xong ({seconds} giây)", "failed": "✗ {name}: lỗi\n{error}",
           "index": "Đã ghi {scenarios} vào {folder}/; trang tổng hợp: {path}",
           "scenario": ("kịch bản", "kịch bản"),
           "none": "✗ {path}: không có tệp kịch bản .yaml nào"},
    "en": {"ok": "✓ {name}: done ({seconds} s)", "failed": "✗ {name}: failed\n{error}",
           "index": "Wrote {scenarios} into {folder}/; index page: {path}",
           "scenario": ("scenario", "scenarios"),
           "none": "✗ {path}: no .yaml scenario file found"},
}


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("run", parents=[common], help="run scenario files / chạy các kịch bản",
                       description="Run scenarios (files, or folders of *.yaml): an HTML report and tables each. / "
                                   "Chạy kịch bản (tệp, hoặc thư mục *.yaml): báo cáo HTML và bảng cho từng kịch bản.")
    p.add_argument("scenarios", nargs="+", type=Path, metavar="SCENARIO")
    add_batch_arguments(p, jobs=1)
    p.set_defaults(func=run)


def add_batch_arguments(p: argparse.ArgumentParser, jobs: int, out: Path = DEFAULT_OUT) -> None:
    """The options of a scenario batch (`cchc run`, `cchc demo`)."""
    p.add_argument("--out", type=Path, default=out, help=f"output folder (default {out}) / "
                                                         f"thư mục kết quả (mặc định {out})")
    p.add_argument("--jobs", type=int, default=jobs, help=f"scenarios run at the same time (default {jobs}) / "
                                                          f"số kịch bản chạy cùng lúc (mặc định {jobs})")
    p.add_argument("--notebooks", action="store_true",
                   help="also write each scenario's executed report notebook (report.ipynb; slower) / "
                        "ghi thêm sổ tay báo cáo đã chạy")
    p.add_argument("--allow-notebook", action="store_true",
                   help="run a scenario's own notebook from outside the project's notebooks/ (it is code) / "
                        "cho chạy sổ tay riêng của kịch bản")
    p.add_argument("--dask", default=None, metavar="SPEC",
                   help="run the scenarios as Dask tasks: local, local:N (N worker processes) or tcp://host:port "
                        "(a running scheduler; see docs/DISTRIBUTED.md) / chạy các kịch bản trên Dask: local, "
                        "local:N (N tiến trình) hoặc tcp://máy:cổng (một bộ lập lịch đang chạy)")
    add_force_argument(p)


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
    ok = report(run_all(files, args), args.out, args.lang)
    return 0 if ok and not empty else 1


def run_all(files: list[Path], args: argparse.Namespace, out: Path | None = None) -> list[Any]:
    from cchc_rules.scenarios.runner import run_scenarios

    options = {"jobs": max(1, args.jobs), "progress": True, "lang": args.lang, "notebooks": args.notebooks,
               "allow_notebook": args.allow_notebook, "force": args.force}
    spec = getattr(args, "dask", None)
    if spec is None:
        return run_scenarios(files, out or args.out, **options)
    from cchc_rules.cluster import dask_client, parse_spec

    with dask_client(parse_spec(spec)) as client:
        return run_scenarios(files, out or args.out, client=client, **options)


def report(outcomes: list[Any], out: Path, lang: str) -> bool:
    """One line per scenario (errors on stderr) and what was written; True when all succeeded."""
    text = _TEXT[lang]
    for o in outcomes:
        if o.ok:
            print(text["ok"].format(name=o.name, seconds=number(o.seconds, lang, 1)))
        else:
            print(text["failed"].format(name=o.name, error=_indent(o.error or "")), file=sys.stderr)
    written = sum(1 for o in outcomes if o.written)
    print(text["index"].format(scenarios=counted(written, *text["scenario"], lang), folder=shown(out),
                               path=shown(out / "index.html")))
    return all(o.ok for o in outcomes)


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())

"""The batch runner: many scenarios, each through its report notebook (papermill), N at a time.

Each scenario gets a folder `out_dir/<scenario id>/` holding the executed notebook
(`report.ipynb`), what the scenario's `outputs` ask for (see `scenarios.execute`) and
`summary.json`. A scenario is first checked in the worker (`check_scenario`): a bad scenario,
rulebook or dataset is reported with every problem, located, without starting a kernel. An
exception in the notebook is reported with its error; the executed notebook is kept beside it to
show where. Nothing stops the other scenarios. Each folder is built under a temporary name and
renamed when complete, so an interrupted run leaves no half report (an older complete report
stays until the new one replaces it). Then `out_dir/index.html` lists every scenario.

Workers are processes (`spawn`): papermill and the kernels it starts are not shared between
threads safely, and a fresh process keeps one scenario's memory from another's.
"""

from __future__ import annotations

import json
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from cchc_rules.atomic import atomic_folder, write_text
from cchc_rules.i18n import resolve_lang

NOTEBOOK_NAME = "report.ipynb"
KERNEL = "python3"
# The kernel warns on stderr that it runs over TCP on localhost: noise for a person running a batch.
QUIET_KERNEL = ["--IPKernelApp.log_level=ERROR"]


@dataclass
class Outcome:
    """What happened to one scenario: `status` ok or failed, `error` the text shown when it failed."""

    scenario: Path
    name: str
    status: str
    folder: Path
    summary: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def run_scenarios(
    paths: list[Path | str], out_dir: Path | str, jobs: int = 1, progress: bool = True, lang: str | None = None
) -> list[Outcome]:
    """Run every scenario into `out_dir` (N at a time with `jobs`), then write `out_dir/index.html`.

    Returns the outcomes in the order of `paths`; never raises for a failing scenario.
    """
    from tqdm.auto import tqdm

    lang = resolve_lang(lang)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [Path(p).resolve() for p in paths]
    names = folder_names(paths)
    tasks = [(path, out_dir.resolve(), name, lang) for path, name in zip(paths, names)]
    outcomes: list[Outcome | None] = [None] * len(tasks)
    bar = tqdm(total=len(tasks), desc="scenarios", unit="scenario", file=sys.stderr, disable=not progress)
    try:
        if jobs <= 1 or len(tasks) <= 1:
            for i, task in enumerate(tasks):
                outcomes[i] = run_one(*task)
                _tick(bar, outcomes[i])
        else:
            with ProcessPoolExecutor(max_workers=min(jobs, len(tasks)), mp_context=get_context("spawn")) as pool:
                futures = {pool.submit(run_one, *task): i for i, task in enumerate(tasks)}
                for future in as_completed(futures):
                    i = futures[future]
                    outcomes[i] = future.result()
                    _tick(bar, outcomes[i])
    finally:
        bar.close()
    done = [o for o in outcomes if o is not None]
    write_index(done, out_dir, lang)
    return done


def _tick(bar: Any, outcome: Outcome | None) -> None:
    if outcome is not None:
        bar.set_postfix_str(f"{outcome.name}: {outcome.status}")
    bar.update(1)


def folder_names(paths: list[Path]) -> list[str]:
    """Each scenario's folder name: its id (read cheaply), else the file's stem; repeated names get -2, -3."""
    from cchc_rules.dsl.source import read_yaml
    from cchc_rules.problems import Problems

    names: list[str] = []
    for path in paths:
        raw = read_yaml(path, Problems())
        ident = raw.get("id") if raw is not None else None
        name = ident if isinstance(ident, str) and ident and ident == _safe(ident) else _safe(path.stem) or "scenario"
        base, n = name, 1
        while name in names:
            n += 1
            name = f"{base}-{n}"
        names.append(name)
    return names


def _safe(text: str) -> str:
    return "".join(c for c in text if c.isalnum() or c in "._-").lstrip(".")


def run_one(path: Path, out_dir: Path, name: str, lang: str) -> Outcome:
    """Check, execute and publish one scenario (in a worker); every failure becomes an outcome."""
    from cchc_rules.scenarios.load import check_scenario

    start = time.perf_counter()
    error: str | None = None
    problems: list[dict[str, Any]] = []
    summary: dict[str, Any] = {}
    folder = out_dir / name
    with atomic_folder(folder) as tmp:
        scenario, found = check_scenario(path)
        if scenario is None:
            from cchc_rules.problems import CchcError

            failure = CchcError(found)
            error = failure.format(lang)
            problems = [p.row(lang) for p in failure.problems]
        else:
            error = _execute(scenario.prepared.notebook, path, tmp, lang)
            summary = _read_summary(tmp) if error is None else {}
            if error is None and not summary:
                error = "summary.json was not written by the notebook"
        seconds = time.perf_counter() - start
        if error is not None:
            summary = _failed_summary(path, name, scenario, error, problems)
        summary["seconds"] = round(seconds, 3)
        summary["notebook"] = NOTEBOOK_NAME if (tmp / NOTEBOOK_NAME).exists() else None
        _write_json(tmp / "summary.json", summary)
    return Outcome(path, name, "ok" if error is None else "failed", folder, summary, error, seconds)


def _execute(notebook: Path, scenario: Path, folder: Path, lang: str) -> str | None:
    """Run the report notebook into `folder`; the error text when a cell failed, else None."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    try:
        papermill.execute_notebook(
            str(notebook), str(folder / NOTEBOOK_NAME),
            parameters={"scenario": str(scenario), "out_dir": str(folder), "lang": lang},
            kernel_name=KERNEL, progress_bar=False, log_output=False, cwd=str(notebook.parent),
            extra_arguments=QUIET_KERNEL,
        )
    except PapermillExecutionError as exc:
        return f"{exc.ename}: {exc.evalue}"
    except Exception as exc:  # the kernel died, the notebook is unreadable, ...: reported, never raised
        return f"{type(exc).__name__}: {exc}"
    return None


def _read_summary(folder: Path) -> dict[str, Any]:
    file = folder / "summary.json"
    return json.loads(file.read_text(encoding="utf-8")) if file.is_file() else {}


def _failed_summary(path: Path, name: str, scenario: Any, error: str, problems: list[dict[str, Any]]) -> dict[str, Any]:
    from cchc_rules.i18n import both

    title = both(scenario.title if scenario is not None else _written_title(path))
    return {"scenario": name, "title": title, "file": str(path), "status": "failed", "error": error,
            "problems": problems, "variants": []}


def _written_title(path: Path) -> Any:
    """The title as written in a scenario that did not pass its check (else the file's name)."""
    from cchc_rules.dsl.source import read_yaml
    from cchc_rules.problems import Problems

    raw = read_yaml(path, Problems())
    title = raw.get("title") if raw is not None else None
    valid = isinstance(title, str) or (isinstance(title, dict) and all(isinstance(v, str) for v in title.values()))
    return title if valid and title else path.name


def _write_json(file: Path, data: dict[str, Any]) -> None:
    file.write_text(json.dumps(data, ensure_ascii=False, indent=1, default=str), encoding="utf-8")


def write_index(outcomes: list[Outcome], out_dir: Path, lang: str) -> Path:
    """`out_dir/index.html`, one line per scenario, written under a temporary name and renamed."""
    from cchc_rules.report.html import index_html

    return write_text(out_dir / "index.html", index_html([(o.name, o.summary) for o in outcomes], lang))

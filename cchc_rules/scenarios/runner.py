"""The batch runner: many scenarios, N at a time, each computed and published in-process.

Each scenario gets a folder `out_dir/<scenario id>/` holding what the scenario's `outputs` ask
for (see `scenarios.publish`: the HTML report and the tables always) and `summary.json`. A
scenario is first checked (`check_scenario`): a bad scenario, rulebook or dataset is reported
with every problem, located. The default report is computed in the worker itself, with no
kernel; the report notebook (`report.ipynb`, through papermill) is produced only on request
(`notebooks=True`) or when the scenario names its own `notebook:`, which runs code: outside the
project's `notebooks/` folder it needs `allow_notebook=True` (`--allow-notebook`).

Nothing stops the other scenarios: any failure of one scenario, a write failure included (full
disk, a folder that cannot be replaced), is that scenario's failure. Each folder is built under
a temporary name and renamed when complete (an older complete report stays until the new one
replaces it). `out_dir` goes through the output guard (`outputs.batch_folder`): locked against
a concurrent run, temporary folders a killed run left are removed. `out_dir/index.html` is
always written, even when the batch is interrupted, and lists every scenario present in the
folder (earlier runs' too), failures with their error.

Workers are processes (`spawn`): a fresh process keeps one scenario's memory from another's.
They die with their parent (`kill -9` of the batch leaves no worker running).
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time
import traceback
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cchc_rules.atomic import write_text
from cchc_rules.i18n import resolve_lang
from cchc_rules.outputs import BatchFolder, batch_folder, write_problem
from cchc_rules.problems import CchcError, Pos, Problem, define
from cchc_rules.safe_text import progress_stream, terminal_text

if TYPE_CHECKING:
    from distributed import Client

NOTEBOOK_NAME = "report.ipynb"
KERNEL = "python3"
# The kernel warns on stderr that it runs over TCP on localhost: noise for a person running a batch.
QUIET_KERNEL = ["--IPKernelApp.log_level=ERROR"]

NOTEBOOK_NOT_ALLOWED = define(
    "S611",
    "Kịch bản chạy sổ tay '{notebook}', nằm ngoài thư mục notebooks/ của dự án: một sổ tay là mã chạy trên máy này",
    "The scenario runs the notebook '{notebook}', outside the project's notebooks/ folder: a notebook is code "
    "that runs on this machine",
    "Chỉ chạy kịch bản của người bạn tin. Nếu tin, thêm --allow-notebook; nếu không, bỏ khoá notebook.",
    "Run only scenarios from someone you trust. If you do, add --allow-notebook; else remove the notebook key.",
)
NOT_RUN = define(
    "S612",
    "Kịch bản không chạy xong: {reason_vi}",
    "The scenario did not finish: {reason_en}",
    "Chạy lại lô kịch bản.",
    "Run the batch again.",
)


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
    written: bool = True  # False: refused or not writable, its folder (if any) is an earlier run's

    @property
    def ok(self) -> bool:
        return self.status == "ok"


@dataclass(frozen=True)
class Task:
    """One scenario to run, as sent to a worker."""

    path: Path
    out_dir: Path
    name: str
    lang: str
    notebooks: bool = False
    allow_notebook: bool = False
    force: bool = False


def run_scenarios(
    paths: list[Path | str], out_dir: Path | str, jobs: int = 1, progress: bool = True, lang: str | None = None,
    *, notebooks: bool = False, allow_notebook: bool = False, force: bool = False, client: Client | None = None,
) -> list[Outcome]:
    """Run every scenario into `out_dir` (N at a time with `jobs`, or as Dask tasks on `client`), then write
    `out_dir/index.html`.

    On a Dask cluster each scenario is one task that reads its files and writes its folder itself, as a
    process of the pool would: the workers must see the scenario files and `out_dir` at the same paths
    (one machine, or a shared file system; docs/DISTRIBUTED.md). A task that fails or whose worker dies is
    that scenario's failure.

    Returns the outcomes in the order of `paths`; never raises for a failing scenario (a refused
    `out_dir` raises `CchcError` before anything runs).
    """
    lang = resolve_lang(lang)
    paths = [Path(os.path.abspath(p)) for p in paths]  # abspath: a symlink loop is the scenario check's to report
    with batch_folder(out_dir, paths, force) as batch:
        names = folder_names(paths)
        tasks = [Task(path, batch.path.resolve(), name, lang, notebooks, allow_notebook, force)
                 for path, name in zip(paths, names)]
        outcomes: list[Outcome | None] = [None] * len(tasks)
        try:
            if client is not None:
                _run_on_dask(client, tasks, outcomes, progress)
            else:
                _run_tasks(tasks, outcomes, jobs, progress)
        finally:  # the index lists every scenario, those not run too, even when interrupted
            done = [o if o is not None else _not_run(t, "lô kịch bản bị dừng giữa chừng", "the batch was interrupted")
                    for o, t in zip(outcomes, tasks)]
            write_index(done, batch, lang)
    return done


def _run_tasks(tasks: list[Task], outcomes: list[Outcome | None], jobs: int, progress: bool) -> None:
    from tqdm.auto import tqdm

    bar = tqdm(total=len(tasks), desc="scenarios", unit="scenario", file=progress_stream(), disable=not progress)
    try:
        if jobs <= 1 or len(tasks) <= 1:
            for i, task in enumerate(tasks):
                outcomes[i] = run_one(task)
                _tick(bar, outcomes[i])
            return
        context = get_context("spawn")
        with ProcessPoolExecutor(max_workers=min(jobs, len(tasks)), mp_context=context,
                                 initializer=start_worker, initargs=(os.getpid(),)) as pool:
            futures: dict[Future[Outcome], int] = {pool.submit(run_one, task): i for i, task in enumerate(tasks)}
            for future in as_completed(futures):
                i = futures[future]
                try:
                    outcomes[i] = future.result()
                except Exception as exc:  # the worker died (killed, out of memory): that scenario's failure
                    reason = f"{type(exc).__name__}: {exc}"
                    outcomes[i] = _not_run(tasks[i], f"tiến trình chạy kịch bản đã chết ({reason})",
                                           f"the worker running it died ({reason})")
                _tick(bar, outcomes[i])
    finally:
        bar.close()


def _run_on_dask(client: Client, tasks: list[Task], outcomes: list[Outcome | None], progress: bool) -> None:
    """Each scenario a Dask task; the folders allowed by `--allow-path` go with it (a remote worker has not
    inherited this process's environment)."""
    from distributed import as_completed
    from tqdm.auto import tqdm

    from cchc_rules.places import ENV

    allowed = os.environ.get(ENV, "")
    futures = {client.submit(_run_one_allowed, task, allowed, pure=False): i for i, task in enumerate(tasks)}
    with tqdm(total=len(tasks), desc="scenarios", unit="scenario", file=progress_stream(), disable=not progress) as bar:
        for future in as_completed(list(futures)):
            i = futures[future]
            try:
                outcomes[i] = future.result()
            except Exception as exc:  # the task or its worker died: that scenario's failure, the others go on
                reason = f"{type(exc).__name__}: {exc}"
                outcomes[i] = _not_run(tasks[i], f"tác vụ Dask chạy kịch bản bị lỗi ({reason})",
                                       f"the Dask task running it failed ({reason})")
            _tick(bar, outcomes[i])


def _run_one_allowed(task: Task, allowed: str) -> Outcome:
    """`run_one` on a Dask worker, with the batch's allowed folders."""
    from cchc_rules.places import allow_paths

    with allow_paths([p for p in allowed.split(os.pathsep) if p]):
        return run_one(task)


def start_worker(parent: int) -> None:
    """A worker's start: die with the batch, and skip an import that costs seconds and serves nothing here.

    jsonschema (imported by altair) loads `rfc3987_syntax` when installed, which compiles ~40
    grammars at import (1–4 s per process measured); it only checks the "iri" string formats,
    which no chart uses. Marking it absent makes jsonschema skip those formats in this worker.
    """
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[assignment]
    die_with_parent(parent)


def die_with_parent(parent: int) -> None:
    """In a worker: end when the batch's process ends, however it ends (`kill -9` included)."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL("libc.so.6", use_errno=True)
            libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG: the kernel kills this worker with its parent
        except OSError:
            pass

    def watch() -> None:  # elsewhere (and as a second guard): poll the parent
        while True:
            if os.getppid() != parent:
                os._exit(1)
            time.sleep(0.5)

    threading.Thread(target=watch, daemon=True, name="die-with-parent").start()


def _tick(bar: Any, outcome: Outcome | None) -> None:
    if outcome is not None:
        bar.set_postfix_str(terminal_text(f"{outcome.name}: {outcome.status}"))
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


# ---------------------------------------------------------------- one scenario (in a worker)
def run_one(task: Task) -> Outcome:
    """Check, compute and publish one scenario; every failure becomes an outcome, never an exception."""
    from cchc_rules.scenarios.load import check_scenario

    start = time.perf_counter()
    batch = BatchFolder(task.out_dir, task.force)
    scenario: Any = None
    try:
        scenario, found = check_scenario(task.path)
        inputs = _inputs(task.path, scenario)
        with batch.entry(task.name, inputs) as tmp:
            error, problems = _produce(task, scenario, found, tmp)
            summary = _read_summary(tmp) if error is None else {}
            if error is None and not summary:
                error = "summary.json was not written by the notebook"
            if error is not None:
                summary = _failed_summary(task, scenario, error, problems)
            seconds = time.perf_counter() - start
            summary["seconds"] = round(seconds, 3)
            summary["notebook"] = NOTEBOOK_NAME if (tmp / NOTEBOOK_NAME).exists() else None
            _write_json(tmp / "summary.json", summary)
        return Outcome(task.path, task.name, "ok" if error is None else "failed", task.out_dir / task.name, summary,
                       error, seconds)
    except (CchcError, OSError) as exc:  # refused or not writable: nothing is written for this scenario
        failure = exc if isinstance(exc, CchcError) else CchcError([write_problem(exc)])
        return _failed(task, scenario, failure, start)
    except Exception as exc:  # a fault of the tool itself: reported with the scenario, the others go on
        detail = f"\n{traceback.format_exc()}" if os.environ.get("CCHC_DEBUG") == "1" else ""
        return _failed(task, scenario, None, start, f"{type(exc).__name__}: {exc}{detail}")


def _failed(task: Task, scenario: Any, failure: CchcError | None, start: float, text: str = "") -> Outcome:
    error = failure.format(task.lang) if failure is not None else text
    problems = [p.row(task.lang) for p in failure.problems] if failure is not None else []
    summary = _failed_summary(task, scenario, error, problems)
    seconds = time.perf_counter() - start
    summary["seconds"], summary["notebook"] = round(seconds, 3), None
    return Outcome(task.path, task.name, "failed", task.out_dir / task.name, summary, error, seconds, written=False)


def _not_run(task: Task, reason_vi: str, reason_en: str) -> Outcome:
    problem = Problem(NOT_RUN, {"reason_vi": reason_vi, "reason_en": reason_en}, Pos(str(task.path)))
    error = CchcError([problem]).format(task.lang)
    summary = _failed_summary(task, None, error, [problem.row(task.lang)])
    return Outcome(task.path, task.name, "failed", task.out_dir / task.name, summary, error, written=False)


def _inputs(path: Path, scenario: Any) -> list[Path]:
    """The files a scenario reads: its sub-folder may neither be one of them nor hold one."""
    if scenario is None:
        return [path]
    prepared = scenario.prepared
    sides = [prepared.baseline, *prepared.variants.values()]
    files = [path, prepared.baseline_path, prepared.notebook]
    files += [side.dataset.path for side in sides if side.dataset.path is not None]
    return files


def _custom_notebook(scenario: Any) -> Path | None:
    """The scenario's own notebook (None for the default report)."""
    from cchc_rules.scenarios.load import DEFAULT_NOTEBOOK

    notebook = scenario.prepared.notebook
    return None if Path(notebook).resolve() == DEFAULT_NOTEBOOK.resolve() else Path(notebook)


def notebook_allowed(notebook: Path, scenario_file: Path) -> bool:
    """Whether a scenario's notebook lies in the project's notebooks/ folder (or the package's own)."""
    import cchc_rules.places as places
    from cchc_rules.scenarios.load import DEFAULT_NOTEBOOK

    real = notebook.resolve()
    folders = [DEFAULT_NOTEBOOK.resolve().parent]
    project = places.project_root(scenario_file.resolve().parent)
    if project is not None:
        folders.append((project / "notebooks").resolve())
    return any(real.is_relative_to(folder) for folder in folders)


def _produce(task: Task, scenario: Any, found: list[Problem], folder: Path) -> tuple[str | None, list[dict[str, Any]]]:
    """Write the scenario's outputs into `folder`; the error text (and problems) when it failed."""
    if scenario is None:
        failure = CchcError(found)
        return failure.format(task.lang), [p.row(task.lang) for p in failure.problems]
    custom = _custom_notebook(scenario)
    if custom is not None and not task.allow_notebook and not notebook_allowed(custom, task.path):
        failure = CchcError([Problem(NOTEBOOK_NOT_ALLOWED, {"notebook": custom.name}, Pos(str(task.path)),
                                     "notebook")])
        return failure.format(task.lang), [p.row(task.lang) for p in failure.problems]
    if custom is not None or task.notebooks:
        return _execute(scenario.prepared.notebook, task.path, folder, task.lang), []
    from cchc_rules.scenarios.execute import execute
    from cchc_rules.scenarios.publish import publish

    try:
        publish(execute(scenario), folder, task.lang)
    except CchcError as exc:
        return exc.format(task.lang), [p.row(task.lang) for p in exc.problems]
    except (ArithmeticError, LookupError, TypeError, ValueError, RuntimeError) as exc:  # a fault, like a cell's
        return f"{type(exc).__name__}: {exc}", []
    return None, []


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
    try:
        data = json.loads(file.read_text(encoding="utf-8")) if file.is_file() else {}
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _failed_summary(task: Task, scenario: Any, error: str, problems: list[dict[str, Any]]) -> dict[str, Any]:
    from cchc_rules.i18n import both
    from cchc_rules.scenarios.publish import relative

    title = both(scenario.title if scenario is not None else _written_title(task.path))
    return {"scenario": task.name, "title": title, "file": relative(task.path, task.out_dir / task.name),
            "status": "failed", "error": error, "problems": problems, "variants": []}


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


# ---------------------------------------------------------------- the index
def present(folder: Path) -> list[tuple[str, dict[str, Any]]]:
    """Every scenario folder present in `folder` (a summary.json inside), by name."""
    entries = []
    for sub in sorted(folder.iterdir()) if folder.is_dir() else []:
        if sub.is_dir() and not sub.name.startswith(".") and (sub / "summary.json").is_file():
            summary = _read_summary(sub)
            if summary:
                entries.append((sub.name, summary))
    return entries


def write_index(outcomes: list[Outcome], batch: BatchFolder | Path, lang: str) -> Path:
    """`index.html`: this run's scenarios in their order, then every other scenario present in the folder."""
    from cchc_rules.report.html import index_html

    folder = batch.path if isinstance(batch, BatchFolder) else Path(batch)
    entries = [(o.name, o.summary) for o in outcomes]
    names = {o.name for o in outcomes}
    entries += [(name, summary) for name, summary in present(folder) if name not in names]
    return write_text(folder / "index.html", index_html(entries, lang))

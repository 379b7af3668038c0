"""Dask as the engine for many runs: `--dask local[:N]` (a LocalCluster on this machine) or `--dask tcp://host:port`.

`parse_spec(text)` reads the option (every mistake an A920 error naming what would be right);
`dask_client(spec)` is a context manager giving a `distributed.Client`: on a LocalCluster of N
worker processes with one thread each (N defaults to the machine's cores), or connected to an
existing scheduler within `CCHC_DASK_TIMEOUT` seconds (default 10; an unreachable scheduler is an
A921 error, never a hang). The cluster it started is closed on leaving; a scheduler it only
connected to is left running.

`ranges(total, parts, grain)` splits work (Monte Carlo draws) into contiguous ranges; `as_done`
yields finished tasks with a progress bar. The analyses themselves (`analysis.uncertainty`,
`analysis.sweep`, `analysis.sobol`, `scenarios.runner`) take the client and decide what is sent.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cchc_rules.problems import Problems, define
from cchc_rules.safe_text import progress_stream

if TYPE_CHECKING:
    from distributed import Client, Future

BAD_SPEC = define(
    "A920",
    "Giá trị '--dask {spec}' không hợp lệ: {reason_vi}",
    "The value '--dask {spec}' is not valid: {reason_en}",
    "Dùng local (mọi lõi của máy này), local:N (N tiến trình, từ 1 đến {most}) hoặc tcp://máy:cổng "
    "(một bộ lập lịch Dask đang chạy).",
    "Use local (every core of this machine), local:N (N worker processes, 1 to {most}) or tcp://host:port "
    "(a running Dask scheduler).",
)
UNREACHABLE = define(
    "A921",
    "Không kết nối được bộ lập lịch Dask tại {address} trong {seconds} giây ({reason})",
    "Could not reach the Dask scheduler at {address} within {seconds} seconds ({reason})",
    "Kiểm tra rằng bộ lập lịch đang chạy (`dask scheduler`), địa chỉ và cổng đúng, tường lửa cho phép; "
    "chờ lâu hơn bằng biến môi trường CCHC_DASK_TIMEOUT (giây).",
    "Check that the scheduler is running (`dask scheduler`), the address and port are right and a firewall "
    "lets them through; wait longer with the environment variable CCHC_DASK_TIMEOUT (seconds).",
)
NO_DASK = define(
    "A922",
    "Chưa cài Dask (dask.distributed), cần cho --dask ({error})",
    "Dask (dask.distributed), needed for --dask, is not installed ({error})",
    "Cài bằng: pip install 'cchc-rules[dask]'.",
    "Install it with: pip install 'cchc-rules[dask]'.",
)

MOST_LOCAL = 256  # worker processes of a LocalCluster
TIMEOUT_ENV = "CCHC_DASK_TIMEOUT"
DEFAULT_TIMEOUT = 10.0
# glibc returns every block above its mmap threshold to the system when freed; in a fresh worker process that
# threshold is low, and the kernel's arrays of a few MB to tens of MB are then mapped and zero-filled anew at
# every chunk: measured 2–5× slower than in the process that loaded the data. A fixed threshold of 256 MB keeps
# them in the heap (docs/DISTRIBUTED.md: set it on remote workers too).
WORKER_ENVIRON = {"MALLOC_MMAP_THRESHOLD_": 268_435_456}
_ADDRESS = re.compile(r"^tcp://(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(?P<port>\d{1,5})/?$")


@dataclass(frozen=True)
class DaskSpec:
    """What `--dask` asked for: a local cluster of `workers` processes (None: one per core), or a scheduler."""

    kind: str  # "local" or "tcp"
    workers: int | None = None
    address: str | None = None

    def __str__(self) -> str:
        if self.kind == "tcp":
            return str(self.address)
        return "local" if self.workers is None else f"local:{self.workers}"


def parse_spec(text: str) -> DaskSpec:
    """`local`, `local:N` or `tcp://host:port` → a `DaskSpec`; anything else raises `CchcError` (A920)."""
    raw = str(text).strip()
    reason: tuple[str, str] | None = None
    spec: DaskSpec | None = None
    if raw == "local":
        spec = DaskSpec("local")
    elif raw.startswith("local:"):
        n = raw.split(":", 1)[1]
        if n.isdigit() and 1 <= int(n) <= MOST_LOCAL:
            spec = DaskSpec("local", int(n))
        else:
            reason = (f"số tiến trình '{n}' không phải số nguyên từ 1 đến {MOST_LOCAL}",
                      f"the number of workers '{n}' is not a whole number from 1 to {MOST_LOCAL}")
    elif raw.startswith("tcp://"):
        m = _ADDRESS.match(raw)
        if m and 1 <= int(m["port"]) <= 65535:
            spec = DaskSpec("tcp", address=raw.rstrip("/"))
        else:
            reason = ("địa chỉ cần có dạng tcp://máy:cổng, cổng từ 1 đến 65535",
                      "the address must read tcp://host:port, with a port from 1 to 65535")
    else:
        reason = ("không phải local, local:N hay tcp://máy:cổng", "it is neither local, local:N nor tcp://host:port")
    if spec is None:
        problems = Problems()
        problems.add(BAD_SPEC, path="--dask", spec=raw, reason_vi=reason[0] if reason else "",
                     reason_en=reason[1] if reason else "", most=MOST_LOCAL)
        problems.raise_if_errors()
    return spec  # type: ignore[return-value]


def timeout() -> float:
    """Seconds to wait for a scheduler: `CCHC_DASK_TIMEOUT` when a positive number, else 10."""
    try:
        value = float(os.environ.get(TIMEOUT_ENV, ""))
    except ValueError:
        return DEFAULT_TIMEOUT
    return value if 0 < value < 3600 else DEFAULT_TIMEOUT


@contextmanager
def dask_client(spec: str | DaskSpec, seconds: float | None = None) -> Iterator[Client]:
    """A `distributed.Client` for `spec` while the block runs (a LocalCluster it started is closed after)."""
    spec = spec if isinstance(spec, DaskSpec) else parse_spec(spec)
    distributed = _distributed()
    wait = timeout() if seconds is None else seconds
    if spec.kind == "local":
        workers = spec.workers or os.cpu_count() or 1
        import dask

        environ = {**dask.config.get("distributed.nanny.pre-spawn-environ", {}), **WORKER_ENVIRON}
        with dask.config.set({"distributed.nanny.pre-spawn-environ": environ}):
            cluster = distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                               dashboard_address=None, silence_logs=logging.ERROR)
        try:
            with distributed.Client(cluster) as client:
                yield client
        finally:
            cluster.close()
        return
    try:
        client = distributed.Client(spec.address, timeout=wait)
    except (OSError, TimeoutError, ValueError) as exc:
        problems = Problems()
        problems.add(UNREACHABLE, path="--dask", address=spec.address, seconds=f"{wait:g}",
                     reason=f"{type(exc).__name__}: {exc}"[:300])
        problems.raise_if_errors()
    try:
        yield client
    finally:
        client.close()


def _distributed():  # noqa: ANN202 - the module
    try:
        import distributed
    except ImportError as exc:
        problems = Problems()
        problems.add(NO_DASK, path="--dask", error=str(exc))
        problems.raise_if_errors()
    return distributed


def ranges(total: int, parts: int, grain: int = 1) -> list[range]:
    """`range(total)` cut into at most `parts` contiguous ranges whose lengths are multiples of `grain`
    (the last excepted), in order: together they hold every number once."""
    if total <= 0:
        return []
    blocks = -(-total // grain)
    parts = max(1, min(parts, blocks))
    cuts = [grain * (blocks * i // parts) for i in range(parts + 1)]
    cuts[-1] = total
    return [range(a, b) for a, b in zip(cuts, cuts[1:]) if b > a]


def workers(client: Client) -> int:
    """How many worker threads the client's cluster has now (at least 1)."""
    info = client.scheduler_info()
    return max(1, sum(w.get("nthreads", 1) for w in info.get("workers", {}).values()))


def as_done(futures: Sequence[Future], show: bool, desc: str) -> Iterator[tuple[int, Future]]:
    """(position, future) of each future as it finishes, with a progress bar on stderr (tqdm: a text bar on a
    terminal, a widget in a notebook) when `show`."""
    from distributed import as_completed
    from tqdm.auto import tqdm

    where = {f.key: i for i, f in enumerate(futures)}
    with tqdm(total=len(futures), desc=desc, file=progress_stream(), disable=not show) as bar:
        for future in as_completed(list(futures)):
            yield where[future.key], future
            bar.update(1)

"""What both browser tests share: a temporary copy of the workbench and a local server started, awaited
and stopped (its log in the failure message)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ("01_scoring_walkthrough.ipynb", "02_framework_editor.ipynb")


@dataclass(frozen=True)
class Workbench:
    """`work`: copies of the notebooks (what the server shows); `project`: the kernel's CCHC_ROOT, a copy of
    rulebooks/ with datasets/ linked, so that a proposal saved from the browser lands there, not in the
    checkout; `env`: the server's environment, every Jupyter folder inside the test's; `port`: a free one."""

    work: Path
    project: Path
    env: dict[str, str]
    port: int


@pytest.fixture()
def workbench(tmp_path: Path) -> Workbench:
    work, project = tmp_path / "work", tmp_path / "project"
    work.mkdir()
    for name in NOTEBOOKS:
        shutil.copy(ROOT / "notebooks" / name, work)
    project.mkdir()
    shutil.copytree(ROOT / "rulebooks", project / "rulebooks")
    (project / "datasets").symlink_to(ROOT / "datasets")
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
           "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "workspaces"), "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
           "IPYTHONDIR": str(tmp_path / "ipython"), "CCHC_ROOT": str(project), "CCHC_LANG": "vi"}
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return Workbench(work, project, env, port)


Serve = Callable[[str, Sequence[str], dict[str, str], str], AbstractContextManager[None]]


@pytest.fixture()
def serve(tmp_path: Path) -> Serve:
    """`serve(name, module_and_args, env, ready_url)`: `python -m ...` running until `ready_url` answers (a
    minute at most), then stopped when the block ends; a server that exits or never answers fails the test."""

    @contextmanager
    def running(name: str, args: Sequence[str], env: dict[str, str], ready_url: str) -> Iterator[None]:
        log_path = tmp_path / f"{name}.log"
        with log_path.open("w") as log:
            proc = subprocess.Popen([sys.executable, "-m", *args], env=env, stdout=log, stderr=subprocess.STDOUT)
            try:
                for _ in range(120):
                    try:
                        urllib.request.urlopen(ready_url, timeout=2)
                        break
                    except OSError:
                        if proc.poll() is not None:
                            pytest.fail(f"{name} exited:\n" + log_path.read_text())
                        time.sleep(0.5)
                else:
                    pytest.fail(f"{name} did not start:\n" + log_path.read_text())
                yield
            finally:
                proc.terminate()
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()

    return running

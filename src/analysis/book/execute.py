"""Execute notebooks with papermill in a pool of worker processes.

Workers are forked from a forkserver that has already imported papermill, so the ~1.5 s import
is paid once per build, not once per notebook. Each notebook runs in its own kernel, shut down
at once (`shutdown_kernel="immediate"` avoids the 3 s stalls of a graceful shutdown).
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

KERNEL = "python3"  # STACK-NOTES: stored notebooks keep the python3 kernelspec
# Environment of the kernels: fixed hash seed (set and dict-of-set order), fixed dates in
# matplotlib's SVG/PDF metadata — a build's output must not depend on when it ran.
KERNEL_ENV = {"PYTHONHASHSEED": "0", "SOURCE_DATE_EPOCH": "0"}


@dataclass(frozen=True)
class Job:
    """One notebook to execute for one year."""

    key: str  # "2023/03_monitoring"
    notebook: str
    parameters: dict
    cwd: str


@dataclass
class Outcome:
    """What came back: the executed notebook (as a dict) or where and why it failed."""

    key: str
    seconds: float
    notebook: dict | None = None
    cell: int | None = None  # 1-based position in the source notebook
    cell_source: str = ""
    error: str = ""


def run_job(job: Job) -> Outcome:
    """Execute one notebook (in a worker); never raises for a notebook's own failure."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    start = time.perf_counter()
    try:
        nb = papermill.execute_notebook(
            job.notebook,
            None,  # nothing written by papermill: the parent normalises and writes
            parameters=job.parameters,
            kernel_name=KERNEL,
            progress_bar=False,
            shutdown_kernel="immediate",
            cwd=job.cwd,
        )
    except PapermillExecutionError as exc:
        return Outcome(
            job.key,
            time.perf_counter() - start,
            cell=source_cell_number(job.notebook, exc.cell_index),
            cell_source=_first_line(exc.source),
            error=f"{exc.ename}: {_first_line(exc.evalue)}",
        )
    except Exception as exc:  # noqa: BLE001 — a kernel that will not start, a bad notebook…
        return Outcome(job.key, time.perf_counter() - start, error=f"{type(exc).__name__}: {exc}")
    return Outcome(job.key, time.perf_counter() - start, notebook=json.loads(json.dumps(nb)))


def source_cell_number(notebook: str, executed_index: int) -> int:
    """1-based number of the failing cell in the source notebook.

    papermill counts cells of the executed notebook, where it inserted the injected-parameters
    cell right after the cell tagged `parameters` (or first, without one).
    """
    cells = json.loads(Path(notebook).read_text(encoding="utf-8")).get("cells", [])
    tagged = [i for i, c in enumerate(cells) if "parameters" in c.get("metadata", {}).get("tags", [])]
    injected = tagged[0] + 1 if tagged else 0
    index = executed_index - 1 if executed_index > injected else executed_index
    return index + 1


def _first_line(text: str) -> str:
    lines = [line for line in str(text or "").splitlines() if line.strip()]
    return lines[0].strip() if lines else ""


def _init_worker() -> None:
    """Quiet papermill and the kernels; give kernels a deterministic environment.

    Kernels inherit the worker's stderr and greet it with a warning each; a notebook's own
    errors come back in the Outcome, so the worker's stderr is not needed.
    """
    os.environ.update(KERNEL_ENV)
    logging.getLogger("papermill").setLevel(logging.WARNING)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)


def execute(jobs: list[Job], workers: int) -> Iterator[Outcome]:
    """Run `jobs` on `workers` processes; yield outcomes as they finish."""
    if not jobs:
        return
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["papermill", "analysis.book.execute"])
    with ProcessPoolExecutor(
        max_workers=max(1, min(workers, len(jobs))),
        mp_context=context,
        initializer=_init_worker,
    ) as pool:
        futures = {pool.submit(run_job, job): job for job in jobs}
        for future in as_completed(futures):
            try:
                yield future.result()
            except Exception as exc:  # noqa: BLE001 — a worker killed (memory, signal)
                yield Outcome(futures[future].key, 0.0, error=f"{type(exc).__name__}: {exc}")

"""Execute notebooks with papermill in a pool of worker processes, each with a warm kernel.

Workers are forked from a forkserver that has already imported papermill, so its ~1.5 s import
is paid once per build. Each worker keeps one kernel for all its pages (`kernels.WarmKernel`):
started and warmed up with the notebooks' imports once, brought back to a clean state before
every page, replaced after a failed page and shut down at once (no graceful wait) when the pool
closes. Work is handed to a worker only as it becomes free (one job queued ahead): a waiting
year task goes first — it unblocks pages and this process's own work — then the pages, longest
first (durations of the last build, `record`), so the workers finish together.

Beside the pages the workers run `Task`s: a year's shared work (its indicator table and
public decision, its problems and recommendations, its workbooks), handed to the pool by the
build as soon as what they depend on is done, so that every core works on the book from the
start and no two workers compute the same thing.

Workers end with their build however it ends: an exception leaving the pool (a signal turned
into one by `analysis.interruption`, a full disk) stops them and their kernels at once
(`PagePool.stop`), and a build that vanishes (SIGKILL) is noticed by each worker
(`guard_worker`).
"""

from __future__ import annotations

import contextlib
import json
import logging
import multiprocessing
import multiprocessing.util
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, BrokenExecutor, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Self

from analysis.book import kernels
from analysis.files import write_text_atomic
from analysis.machine_errors import MachineError, machine_error

# Environment of the kernels: fixed hash seed (set and dict-of-set order), fixed dates in
# matplotlib's SVG/PDF metadata — a build's output must not depend on when it ran.
KERNEL_ENV = {"PYTHONHASHSEED": "0", "SOURCE_DATE_EPOCH": "0"}
# nbformat imports jsonschema, which compiles ~40 grammars of the optional rfc3987_syntax package
# when it is installed: ~1 s per process (STACK-NOTES). The notebook schema checks no IRI
# format, so the build process and the forkserver (which preloads this module first) skip it.
sys.modules.setdefault("rfc3987_syntax", None)
GUESS_PER_CELL = 0.3  # s per code cell: the estimate of a page never timed before
GUESS_TASK = 2.0  # s: the estimate of a year's task never timed before
STOP_SECONDS = 3.0  # how long a stopped worker may take to kill its kernel and exit
# jobs handed to the executor beyond one per worker: a worker that finishes while this process
# is busy with an outcome (rendering a page) finds its next job already queued
QUEUED_AHEAD = 1
_KERNEL = None  # the worker's WarmKernel (one per worker process)


@dataclass(frozen=True)
class Job:
    """One notebook to execute for one year."""

    key: str  # "2023/03_monitoring"
    notebook: str
    parameters: dict
    cwd: str


@dataclass(frozen=True)
class Task:
    """A year's shared work run by a worker beside the pages (tables, decisions, workbooks).

    `function` is a module-level function (sent to the worker by name); `folder` is where it
    writes, so that a refused write there is reported as the machine's error.
    """

    key: str  # "2023/~exports": a stem that no notebook (NN_*) has
    function: Callable[..., object]
    args: tuple = ()
    folder: str = ""


@dataclass
class Outcome:
    """What came back: the executed notebook (as a dict) or where and why it failed; for a
    `Task`, `task` is set and an empty `error` means done."""

    key: str
    seconds: float
    notebook: dict | None = None
    cell: int | None = None  # 1-based position in the source notebook
    cell_source: str = ""
    error: str = ""
    task: bool = False
    machine_errno: int = 0  # a task's write the machine refused: `error` is its one line

    @property
    def ok(self) -> bool:
        return (not self.error) if self.task else self.notebook is not None

    def machine_error(self) -> MachineError | None:
        """The machine's error a task met (a full disk…), to stop the build with."""
        return MachineError(self.error, self.machine_errno) if self.machine_errno else None


def run_task(task: Task) -> Outcome:
    """Run a task in this worker; never raises: a failure comes back in the outcome."""
    start = time.perf_counter()
    try:
        task.function(*task.args)
    except Exception as exc:  # noqa: BLE001 — reported by the build with the year
        mapped = _machine_error(exc, task.folder)
        if mapped is not None:
            return Outcome(
                task.key,
                time.perf_counter() - start,
                error=str(mapped),
                task=True,
                machine_errno=mapped.errno,
            )
        text = str(exc).strip().splitlines()
        return Outcome(
            task.key,
            time.perf_counter() - start,
            task=True,
            error=f"{type(exc).__name__}: {text[0] if text else ''}",
        )
    return Outcome(task.key, time.perf_counter() - start, task=True)


def _machine_error(exc: Exception, folder: str) -> MachineError | None:
    """A full disk or a denied folder (not a missing input file): the machine's error."""
    if isinstance(exc, MachineError):
        return exc
    if isinstance(exc, OSError) and not isinstance(exc, FileNotFoundError):
        return machine_error(exc, folder or None)
    return None


def run_job(job: Job) -> Outcome:
    """Execute one notebook in the worker's warm kernel; never raises for a page's own failure.

    After any failure the kernel is shut down: the next page gets a fresh one.
    """
    # in the worker only: the build process itself never imports papermill or nbclient
    from nbclient.exceptions import CellTimeoutError
    from papermill.exceptions import PapermillExecutionError

    kernel = worker_kernel()
    start = time.perf_counter()
    try:
        kernel.ready(job.cwd)
        nb = kernel.run(job.notebook, job.parameters, job.cwd)
    except PapermillExecutionError as exc:
        kernel.kill()
        return Outcome(
            job.key,
            time.perf_counter() - start,
            cell=source_cell_number(job.notebook, exc.cell_index),
            cell_source=_first_line(exc.source),
            error=f"{exc.ename}: {_first_line(exc.evalue)}",
        )
    except CellTimeoutError as exc:
        kernel.kill()
        index = getattr(exc, "cell_index", None)
        return Outcome(
            job.key,
            time.perf_counter() - start,
            cell=None if index is None else source_cell_number(job.notebook, index),
            cell_source=_first_line(getattr(exc, "cell_source", "")),
            error=f"ячейка не завершилась за {kernels.CELL_TIMEOUT} с и прервана",
        )
    except Exception as exc:  # noqa: BLE001 — a kernel that will not start, or died…
        kernel.kill()
        return Outcome(job.key, time.perf_counter() - start, error=f"{type(exc).__name__}: {exc}")
    return Outcome(job.key, time.perf_counter() - start, notebook=json.loads(json.dumps(nb)))


def worker_kernel():
    """This process's warm kernel (created, not yet started, on first use)."""
    global _KERNEL
    if _KERNEL is None:
        _KERNEL = kernels.WarmKernel()
    return _KERNEL


def shutdown_worker_kernel() -> None:
    """Shut the worker's kernel down at once (at the worker's exit)."""
    if _KERNEL is not None:
        _KERNEL.kill()


def source_cell_number(notebook: str, executed_index: int) -> int:
    """1-based number of the failing cell in the source notebook.

    papermill counts cells of the executed notebook, where it inserted the injected-parameters
    cell right after the cell tagged `parameters` (or first, without one).
    """
    cells = json.loads(Path(notebook).read_text(encoding="utf-8")).get("cells", [])
    tagged = [
        i for i, c in enumerate(cells) if "parameters" in c.get("metadata", {}).get("tags", [])
    ]
    injected = tagged[0] + 1 if tagged else 0
    index = executed_index - 1 if executed_index > injected else executed_index
    return index + 1


def _first_line(text: str) -> str:
    lines = [line for line in str(text or "").splitlines() if line.strip()]
    return lines[0].strip() if lines else ""


def _init_worker(warm_up: list[str], cwd: str, lifeline: Connection) -> None:
    """Guard the worker's ending; quiet papermill and the kernels; start the kernel (its
    warm-up goes on while the worker takes its first tasks).

    Kernels inherit the worker's stderr and greet it with a warning each; a notebook's own
    errors come back in the Outcome, so the worker's stderr is not needed. Kernels get a
    deterministic environment. The kernel is shut down at once when the worker exits
    (multiprocessing runs its finalizers, not atexit).
    """
    guard_worker(lifeline)
    os.environ.update(KERNEL_ENV)
    logging.getLogger("papermill").setLevel(logging.WARNING)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)
    multiprocessing.util.Finalize(None, shutdown_worker_kernel, exitpriority=100)
    kernel = worker_kernel()
    kernel.warm_up = list(warm_up)
    try:
        kernel.begin(cwd)  # warms up beside the worker's first year tasks
    except Exception:  # noqa: BLE001 — the first page tries again and reports the failure
        kernel.kill()


def guard_worker(lifeline: Connection) -> None:
    """Make this worker end with its build, taking its kernel with it.

    The build stops its workers with SIGTERM (`PagePool.stop`); a closed terminal sends SIGHUP:
    either kills the kernel and ends the worker at once. Ctrl-C reaches the whole foreground
    process group, workers included: they leave the decision to the build, which stops them.
    A build that disappears without stopping them (SIGKILL, a crash) is noticed by a watcher
    thread: `lifeline` is the read end of a pipe whose only writer is the build, so it reads
    end-of-file the moment the build is gone (even while it is an unreaped zombie, and
    whatever became of the forkserver, which lives as long as any worker). The kernel also
    watches its worker: ipykernel exits within a second when its parent changes.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for sig in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
        if sig is not None:
            signal.signal(sig, _end_worker)
    watcher = threading.Thread(
        target=_watch_build, args=(lifeline,), name="book-build-watcher", daemon=True
    )
    watcher.start()


def _end_worker(signum: int, frame: object) -> None:
    kill_kernel_now()
    os._exit(128 + signum)


def _watch_build(lifeline: Connection) -> None:
    with contextlib.suppress(EOFError, OSError):
        lifeline.recv_bytes()  # nothing is ever sent: this returns when the build is gone
    kill_kernel_now()
    os._exit(1)


def kill_kernel_now() -> None:
    """SIGKILL this worker's kernel and anything it started (its own process group), from a
    signal handler or the watcher thread: no event loop, no waiting; the connection file goes."""
    km = _KERNEL.km if _KERNEL is not None else None
    if km is None:
        return
    provisioner = getattr(km, "provisioner", None)
    if getattr(provisioner, "process", None) is not None:  # started and not yet reaped
        if provisioner.pgid:  # the kernel leads its own session (jupyter_client)
            with contextlib.suppress(OSError):
                os.killpg(provisioner.pgid, signal.SIGKILL)
        with contextlib.suppress(OSError):
            os.kill(provisioner.pid, signal.SIGKILL)
            os.waitpid(provisioner.pid, 0)  # reaped here: no zombie outlives the worker
    with contextlib.suppress(OSError, TypeError):
        os.unlink(km.connection_file)


def _started() -> None:
    """A no-op task: submitting one per worker makes the pool start every worker now."""


def start_helpers() -> None:
    """Start multiprocessing's resource tracker and the forkserver (when not running), quiet
    and deaf to SIGHUP.

    Quiet: their stderr goes to /dev/null, as the workers' does (`_init_worker`). A build
    interrupted while the forkserver still imports would otherwise have a traceback printed
    under its one line, by a worker forked for a pool that is gone. Deaf to SIGHUP, as the
    tracker is to SIGINT and SIGTERM: it must outlive the pool to free its semaphores (it ends
    by itself when the last process using it is gone); killed by a closed terminal's SIGHUP,
    the build's cleanup would start it again and it would complain about semaphores it never
    saw. A signal blocked at the spawn stays blocked in the tracker (it unblocks only the two
    it ignores); the forkserver restores its own signals.
    """
    from multiprocessing import forkserver, resource_tracker

    hup = getattr(signal, "SIGHUP", None)
    blocked = {hup} if hup is not None and hasattr(signal, "pthread_sigmask") else set()
    with _stderr_to_devnull():
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, blocked) if blocked else None
        try:
            resource_tracker.ensure_running()
        finally:
            if previous is not None:
                signal.pthread_sigmask(signal.SIG_SETMASK, previous)
        forkserver.ensure_running()


@contextlib.contextmanager
def _stderr_to_devnull() -> Iterator[None]:
    """File descriptor 2 on /dev/null for the block: what is spawned meanwhile inherits it."""
    sys.stderr.flush()
    saved = os.dup(2)  # not inheritable (PEP 446): the spawned process does not get it
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


class PagePool:
    """Worker processes with warm kernels, started before the pages are known to be ready.

    Used as a context manager: entering starts the workers (each starts and warms up its
    kernel at once, while the caller does other work); `run` executes pages; leaving shuts
    the workers down, and with them their kernels.
    """

    def __init__(
        self, workers: int, notebooks: list[str], cwd: str, preload: tuple[str, ...] = ()
    ) -> None:
        self.workers = max(1, workers)
        self.preload = list(preload)  # modules the tasks need: imported once, before the fork
        self.warm_up = kernels.warm_up_statements(notebooks)
        self.cwd = cwd
        self.pool: ProcessPoolExecutor | None = None
        self.futures: dict = {}  # handed to the executor (running or queued there)
        self.waiting: list[Job | Task] = []  # not handed out yet (`_next` picks among them)
        self.seconds: dict[str, float] = {}
        self.record: Path | None = None

    def __enter__(self) -> Self:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(
            ["analysis.book.execute", "papermill", "analysis.book.engine", *self.preload]
        )
        start_helpers()
        # the workers' lifeline: this process holds the only write end (see `guard_worker`)
        self._lifeline = context.Pipe(duplex=False)
        self.pool = ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=context,
            initializer=_init_worker,
            initargs=(self.warm_up, self.cwd, self._lifeline[0]),
        )
        try:
            for _ in range(self.workers):  # the executor starts one worker per submitted task
                self.pool.submit(_started)
        except BaseException:
            self.__exit__(BaseException)
            raise
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *exc: object) -> None:
        try:
            if exc_type is None:
                self.pool.shutdown(wait=True, cancel_futures=True)
            else:  # interrupted, or the build failed: pages still running are abandoned
                self.stop()
        finally:
            for end in self._lifeline:
                end.close()

    def stop(self) -> None:
        """End the workers now, running pages and all: SIGTERM (each kills its kernel and
        exits), then SIGKILL for any that has not gone within STOP_SECONDS."""
        processes = list((getattr(self.pool, "_processes", None) or {}).values())
        self.waiting.clear()
        self.pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            with contextlib.suppress(OSError, ValueError):
                process.terminate()
        deadline = time.monotonic() + STOP_SECONDS
        for process in processes:
            with contextlib.suppress(OSError, ValueError, AssertionError):
                process.join(max(0.0, deadline - time.monotonic()))
                if process.is_alive():
                    process.kill()  # its kernel then ends on its own: ipykernel polls its parent
                    process.join(1.0)

    def submit(self, jobs: list[Job | Task], record: Path | None = None) -> None:
        """Add `jobs` (pages and tasks) to the work; free workers start on them at once.

        May be called again while `outcomes` is iterated (work that became ready). `record`
        (a JSON file) keeps each page's and task's last duration: read on the first call to
        order the pages, updated by `outcomes` with this run's successful ones.
        """
        if record is not None and self.record is None:
            self.record = record
            self.seconds = load_seconds(record)
        self.waiting.extend(jobs)
        self._hand_out()

    def queue_ahead(self) -> None:
        """Hand the executor a job more per worker than usual, before this process starts a
        long piece of its own work (a year's unit pages): a worker that finishes meanwhile
        finds its next job queued rather than waiting for this process to come back to
        `outcomes`."""
        self._hand_out(QUEUED_AHEAD + self.workers)

    def _hand_out(self, ahead: int = QUEUED_AHEAD) -> None:
        """Hand the next jobs to the executor while a worker is free (or `ahead` jobs short of
        a queue ahead of each): the executor runs what it is given first come, first served."""
        while self.waiting and len(self.futures) < self.workers + ahead:
            job = self._next()
            function = run_task if isinstance(job, Task) else run_job
            try:
                future = self.pool.submit(function, job)
            except BrokenExecutor as exc:  # a worker died (memory, signal): this job fails
                future = Future()
                future.set_exception(exc)
            self.futures[future] = job

    def _next(self) -> Job | Task:
        """The job to start next (removed from the waiting ones): the first task that became
        ready, else the longest page."""
        tasks = [job for job in self.waiting if isinstance(job, Task)]
        job = tasks[0] if tasks else longest_first(self.waiting, self.seconds)[0]
        self.waiting.remove(job)
        return job

    def outcomes(self) -> Iterator[Outcome]:
        """The outcomes of the submitted jobs as they finish, including jobs submitted while
        this is iterated; ends when none is left, then records the durations."""
        while self.futures:
            done, _ = wait(list(self.futures), return_when=FIRST_COMPLETED)
            finished = [
                (f, self.futures.pop(f)) for f in sorted(done, key=lambda f: self.futures[f].key)
            ]
            self._hand_out()  # before the caller works on the outcomes: no worker waits for it
            for future, job in finished:
                yield self._outcome(future, job)
        # only a run that ended normally is recorded: an interrupted build leaves the record
        # (and every other file) as it was
        save_seconds(self.record, self.seconds)

    def _outcome(self, future: Future, job: Job | Task) -> Outcome:
        try:
            outcome = future.result()
        except Exception as exc:  # noqa: BLE001 — a worker killed (memory, signal)
            outcome = Outcome(
                job.key, 0.0, error=f"{type(exc).__name__}: {exc}", task=isinstance(job, Task)
            )
        if outcome.ok:
            self.seconds[outcome.key] = round(outcome.seconds, 2)
        return outcome

    def run(self, jobs: list[Job], record: Path | None = None) -> Iterator[Outcome]:
        """`submit` then `outcomes`."""
        self.submit(jobs, record)
        yield from self.outcomes()


def execute(jobs: list[Job], workers: int, record: Path | None = None) -> Iterator[Outcome]:
    """Run `jobs` on up to `workers` processes with warm kernels; yield outcomes as they finish."""
    if not jobs:
        return
    with PagePool(min(workers, len(jobs)), [j.notebook for j in jobs], jobs[0].cwd) as pool:
        yield from pool.run(jobs, record)


def longest_first(jobs: list[Job | Task], seconds: dict[str, float]) -> list[Job | Task]:
    """The jobs by expected duration, longest first (ties: in the given order).

    Expected: the page's (task's) last duration; else the mean of the same notebook (task) in
    other years; else GUESS_PER_CELL per code cell (GUESS_TASK).
    """
    by_stem: dict[str, list[float]] = {}
    for key, value in seconds.items():
        by_stem.setdefault(key.split("/", 1)[-1], []).append(value)

    def expected(job: Job | Task) -> float:
        if job.key in seconds:
            return seconds[job.key]
        same = by_stem.get(job.key.split("/", 1)[-1])
        if same:
            return sum(same) / len(same)
        return GUESS_TASK if isinstance(job, Task) else GUESS_PER_CELL * _code_cells(job.notebook)

    return sorted(jobs, key=expected, reverse=True)  # sorted() is stable


def load_seconds(record: Path | None) -> dict[str, float]:
    """The recorded page durations ({} when there is no readable record)."""
    if record is None:
        return {}
    try:
        data = json.loads(Path(record).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: float(v) for k, v in data.items() if isinstance(v, (int, float))}


def save_seconds(record: Path | None, seconds: dict[str, float]) -> None:
    if record is None or not seconds:
        return
    Path(record).parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(Path(record), json.dumps(seconds, sort_keys=True, indent=0) + "\n")


def _code_cells(notebook: str) -> int:
    try:
        cells = json.loads(Path(notebook).read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError):
        return 0
    return sum(1 for c in cells if c.get("cell_type") == "code")

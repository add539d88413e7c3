"""How builds and ingests end: a signal, a full disk, a denied folder, a second build.

Real builds run through the CLI: in a subprocess when it is signalled (its own session, so a
signal to its process group reaches exactly what a terminal's Ctrl-C would), in this process
otherwise. No assertion depends on the machine's speed: waits poll for a state with a
generous bound that only guards against a hang.
"""

from __future__ import annotations

import argparse
import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
import pytest
from book_helpers import BETA, PARAMETERS, make_city, notebook, tidy_table, write_notebooks
from ingest_helpers import good_city, snapshot, write_city

from analysis import cli, files, paths, processed
from analysis.book import lock, plan, yearly
from analysis.book.lock import FolderBusy, book_lock
from analysis.interruption import Interrupted, interruptible
from analysis.machine_errors import MachineError, machine_error

TESTS = Path(__file__).resolve().parent
HANG_GUARD = 120  # s: only a hang takes this long (a loaded 2-core machine needs a fraction)
GONE_WITHIN = 30  # s: the issue asks for 10 s; the bound here only guards against a hang

# The CLI with the test's notebooks and the indicator engine replaced by the fixed table
# (as the module fixture of test_book does in-process).
CLI_SCRIPT = """
import sys
from pathlib import Path
sys.path.insert(0, {tests!r})
from book_helpers import tidy_table
from analysis import cli, paths
from analysis.book import yearly
paths.NOTEBOOKS = Path({notebooks!r})
yearly.compute = lambda p, y, o: tidy_table(p, y)
if __name__ == "__main__":  # run as a file, it is also imported by the forkserver
    sys.exit(cli.main(sys.argv[1:]))
"""


def slow_notebook(markers: Path) -> dict:
    """A page that says it is running (a file per year) and then never ends by itself."""
    code = (
        f"import pathlib, time\npathlib.Path({str(markers)!r}, f'running-{{year}}').touch()\n"
        "time.sleep(3600)"
    )
    return notebook(
        [
            ("markdown", "# Долгий этап", []),
            ("code", PARAMETERS, ["parameters"]),
            ("code", code, []),
        ]
    )


def wait_for(condition, what: str, bound: float = HANG_GUARD) -> None:
    deadline = time.monotonic() + bound
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {bound} s: {what}")
        time.sleep(0.1)


def alive(processes: list[psutil.Process]) -> list[psutil.Process]:
    """The processes still running (a zombie has ended: it only waits to be reaped)."""
    out = []
    for p in processes:
        try:
            if p.is_running() and p.status() != psutil.STATUS_ZOMBIE:
                out.append(p)
        except psutil.NoSuchProcess:
            pass
    return out


def in_group(pgid: int) -> list[psutil.Process]:
    found = []
    for p in psutil.process_iter():
        try:
            if os.getpgid(p.pid) == pgid:
                found.append(p)
        except (ProcessLookupError, psutil.Error):
            pass
    return alive(found)


def kernels_of(process: psutil.Process) -> list[psutil.Process]:
    found = []
    for child in process.children(recursive=True):
        try:
            if "ipykernel_launcher" in " ".join(child.cmdline()):
                found.append(child)
        except psutil.Error:
            pass
    return alive(found)


@pytest.fixture
def city(tmp_path, monkeypatch):
    """A processed city, the tiny notebooks and the fixed indicator table, for in-process CLI
    builds."""
    make_city(tmp_path / "processed")
    write_notebooks(tmp_path / "notebooks", {"01_beta": BETA})
    monkeypatch.setattr(paths, "NOTEBOOKS", tmp_path / "notebooks")
    monkeypatch.setattr(yearly, "compute", lambda p, y, o: tidy_table(p, y))
    monkeypatch.setattr(plan, "library_digest", lambda: "library")
    monkeypatch.setattr(plan, "params_digest", lambda: "params")
    return tmp_path


def build_args(root: Path, *extra: str) -> list[str]:
    return [
        "build",
        "--processed-dir",
        str(root / "processed"),
        "--output-dir",
        str(root / "out"),
        "--jobs",
        "2",
        "--all",
        *extra,
    ]


# --- 1. a signalled build leaves nothing running ---------------------------------------------


def processes_of(run: str) -> list[psutil.Process]:
    """Every process that inherited the build's environment marker: the build, its pool's
    helpers and workers, their kernels — whatever group or session they moved to."""
    found = []
    for p in psutil.process_iter():
        try:
            if p.environ().get(RUN_MARKER) == run:
                found.append(p)
        except psutil.Error:
            pass
    return alive(found)


RUN_MARKER = "BOOK_ENDINGS_RUN"


def pool_starting(build: subprocess.Popen) -> bool:
    try:
        children = psutil.Process(build.pid).children(recursive=True)
        return any("forkserver" in " ".join(c.cmdline()) for c in children)
    except psutil.Error:
        return False


@pytest.mark.slow
@pytest.mark.parametrize(
    "signum, to_group, moment",
    [
        (signal.SIGTERM, False, "pages"),  # timeout, CI cancellation, a service manager
        (signal.SIGINT, True, "pages"),  # Ctrl-C (also under `make book`): the foreground group
        (signal.SIGHUP, True, "pages"),  # a closed terminal
        (signal.SIGKILL, False, "pages"),  # the build alone disappears: its workers notice
        (signal.SIGKILL, True, "pages"),  # all but the kernels (own sessions) disappear
        (signal.SIGTERM, False, "start"),  # while the pool is still starting
    ],
    ids=["SIGTERM", "SIGINT-group", "SIGHUP-group", "SIGKILL", "SIGKILL-group", "SIGTERM-start"],
)
def test_a_signalled_build_leaves_no_process_behind(tmp_path, signum, to_group, moment):
    command = [sys.executable, "-c", cli_script(tmp_path), *build_args(tmp_path)]
    status, err = signal_build(tmp_path, command, signum, to_group, moment)
    if signum == signal.SIGKILL:
        assert status == -signal.SIGKILL
    else:
        assert status == 128 + signum, err
        assert "Traceback" not in err
        assert err.strip().splitlines()[-1] == interrupted_line(signum)
    assert not list((tmp_path / "out").rglob("*.tmp"))
    with book_lock(tmp_path / "out" / "public"):  # the lock died with its holder
        pass


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_book_interrupted_with_ctrl_c_ends_the_same(tmp_path):
    """`make book` runs the build as make's child; Ctrl-C reaches make and the build alike."""
    (tmp_path / "run.py").write_text(cli_script(tmp_path), encoding="utf-8")
    args = " ".join(build_args(tmp_path))
    (tmp_path / "Makefile").write_text(f"book:\n\t{sys.executable} run.py {args}\n")
    command = ["make", "--no-print-directory", "-C", str(tmp_path), "book"]
    status, err = signal_build(tmp_path, command, signal.SIGINT, True, "pages")
    assert status != 0 and "Traceback" not in err
    assert interrupted_line(signal.SIGINT) in err.splitlines()  # then make's own «Error 130»


def cli_script(tmp_path: Path) -> str:
    """The CLI with the test's notebooks (written here: a page that never ends by itself)."""
    make_city(tmp_path / "processed")
    write_notebooks(tmp_path / "notebooks", {"01_slow": slow_notebook(tmp_path)})
    return CLI_SCRIPT.format(tests=str(TESTS), notebooks=str(tmp_path / "notebooks"))


def interrupted_line(signum: int) -> str:
    reason = {
        signal.SIGTERM: "получен сигнал завершения (SIGTERM)",
        signal.SIGINT: "нажато Ctrl+C (SIGINT)",
        signal.SIGHUP: "закрыт терминал (SIGHUP)",
    }[signum]
    return f"сборка прервана: {reason}; страницы прежней сборки сохранены"


def signal_build(
    tmp_path: Path, command: list[str], signum: int, to_group: bool, moment: str
) -> tuple[int, str]:
    """Start `command` in a session of its own; at `moment` ("pages": both pages running,
    "start": the pool starting) send `signum` to it or to its process group; wait until every
    process it started is gone. Its exit status and stderr."""
    err_path = tmp_path / "stderr.txt"
    run = str(tmp_path)
    with err_path.open("w") as err:
        build = subprocess.Popen(
            command,
            stdout=subprocess.DEVNULL,
            stderr=err,
            start_new_session=True,
            env={**os.environ, RUN_MARKER: run},
        )
    try:
        if moment == "pages":  # both workers inside a page (two years): kernels busy
            wait_for(
                lambda: len(list(tmp_path.glob("running-*"))) == 2 or build.poll() is not None,
                "both pages running",
            )
            assert len(kernels_of(psutil.Process(build.pid))) == 2, err_path.read_text()
        else:
            wait_for(lambda: pool_starting(build) or build.poll() is not None, "pool starting")
        assert build.poll() is None, err_path.read_text()
        assert len(in_group(build.pid)) >= 3  # at least the build, its forkserver and tracker
        (os.killpg if to_group else os.kill)(build.pid, signum)
        status = build.wait(HANG_GUARD)
        wait_for(
            lambda: not processes_of(run) and not in_group(build.pid),
            "every process of the build gone",
            GONE_WITHIN,
        )
    finally:  # a failed test leaves nothing running either
        for process in processes_of(run):
            process.kill()
    return status, err_path.read_text(encoding="utf-8")


# --- 2. errors of the machine ----------------------------------------------------------------


class FullDisk:
    """`os.fdopen` whose files under `folder` take half the data, then raise ENOSPC."""

    def __init__(self, folder: Path, real=os.fdopen) -> None:
        self.folder, self.real, self.hits = str(folder), real, 0

    def __call__(self, fd, *args, **kwargs):
        handle = self.real(fd, *args, **kwargs)
        if not os.readlink(f"/proc/self/fd/{fd}").startswith(self.folder):
            return handle
        outer = self

        class Half:
            def __enter__(self):
                return self

            def __exit__(self, *exc):
                handle.close()

            def write(self, data):
                outer.hits += 1
                handle.write(data[: len(data) // 2])
                handle.flush()
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        return Half()


def one_line(err: str) -> str:
    """The one line a failed command says, besides the progress lines of its long steps (the
    build's end with «…», ingest's name each file it reads: «Чтение 2023/staff.xlsx»)."""
    lines = [
        line
        for line in err.splitlines()
        if line.strip() and not line.endswith("…") and not line.startswith("Чтение ")
    ]
    assert len(lines) == 1, err
    return lines[0]


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="FullDisk reads /proc (Linux)")
def test_a_full_disk_is_one_line_keeps_the_pages_and_stops_the_pool(city, monkeypatch, capsys):
    out = city / "out"
    assert cli.main(build_args(city)) == 0
    before = snapshot(out)
    capsys.readouterr()
    full = FullDisk(out)
    monkeypatch.setattr(os, "fdopen", full)
    assert cli.main(build_args(city, "--force")) == 1
    monkeypatch.undo()
    line = one_line(capsys.readouterr().err)
    # the year's indicators.csv is the first file the build writes (2022 first)
    assert line == (
        f"Ошибка: папка {out / 'public' / '2022'}: на диске нет места — освободите "
        "место на диске и повторите; прежние файлы сохранены"
    )
    assert full.hits >= 1
    assert snapshot(out) == before  # every page, table and the record as they were
    assert not list(out.rglob("*.tmp"))
    wait_for(lambda: not kernels_of(psutil.Process()), "the pool's kernels gone", GONE_WITHIN)


def test_an_output_folder_that_cannot_be_made_is_one_line(city, capsys):
    blocker = city / "out"
    blocker.write_text("a file where the output folder should be", encoding="utf-8")
    assert cli.main(build_args(city)) == 1
    line = one_line(capsys.readouterr().err)
    assert line == (
        f"Ошибка: папка {blocker / 'public'}: на месте папки (или в её пути) лежит "
        "файл — укажите другую папку или уберите этот файл; прежние файлы сохранены"
    )


@pytest.mark.parametrize(
    "code, says",
    [
        (errno.ENOSPC, "на диске нет места — освободите место на диске и повторите"),
        (errno.EACCES, "нет прав на запись — дайте права на запись или выберите другую папку"),
        (errno.EPERM, "нет прав на запись — дайте права на запись или выберите другую папку"),
        (errno.EROFS, "диск только для чтения — выберите папку на диске, доступном для записи"),
    ],
)
def test_a_refused_write_names_the_folder_and_keeps_the_file(tmp_path, monkeypatch, code, says):
    page = tmp_path / "book" / "page.html"
    files.write_text_atomic(page, "прежняя страница")

    def refuse(*args, **kwargs):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(os, "replace", refuse)  # the last step: the temporary file exists
    with pytest.raises(MachineError) as caught:
        files.write_text_atomic(page, "новая страница")
    assert str(caught.value) == f"папка {page.parent}: {says}; прежние файлы сохранены"
    assert page.read_text(encoding="utf-8") == "прежняя страница"
    assert [p.name for p in page.parent.iterdir()] == ["page.html"]  # no temporary file


def test_an_error_that_is_not_the_machines_is_not_mapped():
    assert machine_error(OSError(errno.EBADF, "bad file descriptor")) is None
    # pyarrow carries the errno only in its text
    found = machine_error(
        OSError("Error writing bytes to file. Detail: [errno 28] No space"), Path("data/processed")
    )
    assert str(found).startswith("папка data/processed: на диске нет места")


def test_ingest_into_a_full_disk_keeps_the_processed_data(tmp_path, monkeypatch, capsys):
    raw = write_city(tmp_path / "raw", good_city())
    args = [
        "ingest",
        "--raw-dir",
        str(raw),
        "--processed-dir",
        str(tmp_path / "processed"),
        "--report-dir",
        str(tmp_path / "report"),
    ]
    assert cli.main(args) == 0
    before = snapshot(tmp_path / "processed")
    capsys.readouterr()

    def full(*a, **k):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(processed.pq, "write_table", full)
    assert cli.main(args) == 1
    err = capsys.readouterr().err
    assert one_line(err) == (
        f"Ошибка: папка {tmp_path / 'processed'}: на диске нет места — "
        "освободите место на диске и повторите; прежние файлы сохранены"
    )
    assert snapshot(tmp_path / "processed") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["processed", "raw", "report"]


def test_ingest_report_folder_that_cannot_be_made_is_one_line(tmp_path, capsys):
    raw = write_city(tmp_path / "raw", good_city())
    blocker = tmp_path / "output"
    blocker.write_text("not a folder", encoding="utf-8")
    args = [
        "ingest",
        "--raw-dir",
        str(raw),
        "--processed-dir",
        str(tmp_path / "processed"),
        "--report-dir",
        str(blocker / "validation"),
    ]
    assert cli.main(args) == 1
    err = capsys.readouterr().err
    assert one_line(err) == (
        f"Ошибка: папка {blocker / 'validation'}: на месте папки (или в её пути) лежит файл — "
        "укажите другую папку или уберите этот файл; прежние файлы сохранены"
    )
    assert not (tmp_path / "processed").exists()  # the report comes first: nothing published


# --- 3. one build per book folder ------------------------------------------------------------


def test_a_second_build_into_the_folder_is_refused(city, capsys):
    with book_lock(city / "out" / "public"):  # a first build, holding the folder
        assert cli.main(build_args(city)) == 1
    line = one_line(capsys.readouterr().err)
    assert line.startswith(f"Ошибка: в эту папку уже идёт сборка (PID {os.getpid()}, запущена ")
    assert line.endswith(
        f": {city / 'out' / 'public'} — дождитесь её окончания или запустите "
        "с --wait, чтобы встать в очередь"
    )
    assert not list((city / "out" / "public").rglob("*.html"))  # nothing was built
    assert not (city / "out" / "public" / lock.LOCK_FILE).exists()  # released by its holder


@pytest.mark.slow
def test_with_wait_the_second_build_runs_when_the_first_ends(city, monkeypatch, capsys):
    folder = city / "out" / "public"
    waiting, held = threading.Event(), threading.Event()
    real_sleep = time.sleep

    def sleep(seconds):  # only the waiting loop sleeps in `lock`: the waiter is waiting
        waiting.set()
        real_sleep(seconds)

    monkeypatch.setattr(lock.time, "sleep", sleep)

    def first_build():
        with book_lock(folder):
            held.set()
            waiting.wait(HANG_GUARD)

    holder = threading.Thread(target=first_build)
    holder.start()
    held.wait(HANG_GUARD)
    try:
        assert cli.main(build_args(city, "--wait")) == 0
    finally:
        waiting.set()
        holder.join()
    err = capsys.readouterr().err
    assert f"Жду: в эту папку уже идёт сборка (PID {os.getpid()}" in err
    assert (folder / "2023" / "01_beta.html").exists()


def test_the_lock_of_a_dead_holder_is_taken_over_and_profiles_are_apart(tmp_path):
    folder = tmp_path / "out" / "public"
    folder.mkdir(parents=True)
    # what a SIGKILLed build leaves: the file, with a PID that no longer runs, and no lock
    (folder / lock.LOCK_FILE).write_text(json.dumps({"pid": 2**22 + 1}), encoding="utf-8")
    with book_lock(folder):
        record = json.loads((folder / lock.LOCK_FILE).read_text(encoding="utf-8"))
        assert record["pid"] == os.getpid()
        busy = pytest.raises(FolderBusy, match=rf"\(PID {os.getpid()}, запущена ")
        with busy, book_lock(folder):
            pass
        with book_lock(tmp_path / "out" / "internal"):  # the other profile's book: its own lock
            pass
    assert not (folder / lock.LOCK_FILE).exists()


# --- the signal handling itself ---------------------------------------------------------------


def test_a_signal_becomes_an_exception_and_the_handlers_come_back():
    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(Interrupted) as caught, interruptible():
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(HANG_GUARD)  # interrupted at once by the handler
    assert caught.value.exit_status == 143  # 128 + 15, the shell's convention
    assert str(caught.value) == "получен сигнал завершения (SIGTERM)"
    assert signal.getsignal(signal.SIGTERM) is before


def test_a_signal_ignored_on_entry_stays_ignored():
    previous = signal.signal(signal.SIGHUP, signal.SIG_IGN)  # as under nohup
    try:
        with interruptible():
            assert signal.getsignal(signal.SIGHUP) is signal.SIG_IGN
            assert signal.getsignal(signal.SIGTERM) is not signal.SIG_IGN
    finally:
        signal.signal(signal.SIGHUP, previous)


def test_an_ingest_signalled_between_its_renames_swaps_whole(tmp_path, monkeypatch):
    """A signal that arrives while the processed folder is being swapped takes effect after
    the swap: the folder is never missing, and no copy is left beside it."""
    make_city(tmp_path / "processed")  # the previous good data
    real_rename = os.rename

    def rename(src, dst):
        if Path(src) == tmp_path / "processed":  # the old folder moved aside: the risky moment
            os.kill(os.getpid(), signal.SIGTERM)
        real_rename(src, dst)

    monkeypatch.setattr(os, "rename", rename)
    idle = threading.Event()  # another thread, as in any real process: it may take the signal
    threading.Thread(target=idle.wait, daemon=True).start()
    try:
        with pytest.raises(Interrupted), interruptible():
            processed.publish(tmp_path / "processed", {2024: {}})
    finally:
        idle.set()
    assert processed.years(tmp_path / "processed") == [2024]  # the new data, whole
    assert sorted(p.name for p in tmp_path.iterdir()) == ["processed"]


def test_a_full_disk_does_not_stop_the_lock_from_being_taken(tmp_path, monkeypatch):
    """The holder's record is a courtesy: without room for it the lock is still held (the
    build then stops at its first real write, naming the folder it writes)."""

    def full(*args):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "pwrite", full)
    folder = tmp_path / "public"
    with book_lock(folder):
        monkeypatch.undo()
        with pytest.raises(FolderBusy, match=r"\(PID неизвестен\)"), book_lock(folder):
            pass
    assert not (folder / lock.LOCK_FILE).exists()


def test_an_interrupted_ingest_is_one_line_and_leaves_the_processed_data_whole(
    tmp_path, monkeypatch, capsys
):
    raw = write_city(tmp_path / "raw", good_city())
    make_city(tmp_path / "processed")  # the previous good data (2022, 2023)
    before = snapshot(tmp_path / "processed")
    real_write = processed.pq.write_table

    def write_then_sigterm(*args, **kwargs):  # SIGTERM while the new tables are being written
        real_write(*args, **kwargs)
        os.kill(os.getpid(), signal.SIGTERM)

    monkeypatch.setattr(processed.pq, "write_table", write_then_sigterm)
    args = [
        "ingest",
        "--raw-dir",
        str(raw),
        "--processed-dir",
        str(tmp_path / "processed"),
        "--report-dir",
        str(tmp_path / "report"),
    ]
    assert cli.main(args) == 143
    line = capsys.readouterr().err.strip().splitlines()[-1]
    assert line == (
        "проверка данных прервана: получен сигнал завершения (SIGTERM); обработанные данные целы"
    )
    assert snapshot(tmp_path / "processed") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["processed", "raw", "report"]


def test_a_folder_blocked_by_a_file_is_one_line_for_any_command(tmp_path, capsys):
    blocker = tmp_path / "data"
    blocker.write_text("a file where the data folder should be", encoding="utf-8")
    args = ["demo-data", "--raw-dir", str(blocker / "raw"), "--years", "2023", "--scale", "0.02"]
    assert cli.main(args) == 1
    assert one_line(capsys.readouterr().err) == (
        f"Ошибка: папка {blocker}: на месте папки (или в её пути) лежит файл — "
        "укажите другую папку или уберите этот файл; прежние файлы сохранены"
    )


def test_a_refusal_names_the_commands_folder_not_its_staging_folder(tmp_path):
    args = argparse.Namespace(command="demo-data", raw_dir=tmp_path / "raw")
    staging = OSError(errno.EROFS, "read-only", str(tmp_path / ".demo-new-x1y2"))
    assert cli._folder_of(args, staging) == tmp_path / "raw"
    inside = OSError(errno.ENOSPC, "full", str(tmp_path / "raw" / "2023" / "staff.xlsx"))
    assert cli._folder_of(args, inside) == tmp_path / "raw"
    ingest = argparse.Namespace(command="ingest", raw_dir=tmp_path / "raw", processed_dir=None)
    assert cli._folder_of(ingest, inside) is None  # ingest only reads the raw folder

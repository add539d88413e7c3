"""One build at a time per book folder (`<output>/<profile>`).

The lock is an exclusive `flock` on `<output>/<profile>/.build.lock`. The kernel drops it when
its holder ends in any way (exit, signal, SIGKILL, a crash), so a dead holder's lock is free at
once and a reused PID can never keep it. The file also records the holder's PID and start time,
only to tell a second build who holds the folder. The file is removed on release; an acquirer
that locked a file removed meanwhile tries again on the new one.

Per profile, not per output root: two profiles share only `<output>/.cache`, whose indicator
tables are named by a hash of everything they depend on and written by atomic replace (two
builds write the same bytes under the same name), and `page-seconds.json`, a hint for ordering
pages where the last writer wins. What must not interleave — pages, the front page, the build
record of one book — lives in the profile's folder.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from analysis.errors import UserError
from analysis.machine_errors import machine_error

LOCK_FILE = ".build.lock"
RETRY_SECONDS = 0.2  # pause between attempts while waiting (--wait), or for the holder's record
RECORD_WAIT = 2.0  # s: how long a refused build waits for the holder to write its PID


class FolderBusy(UserError):
    """Another build holds the book folder."""


@contextlib.contextmanager
def book_lock(folder: Path, wait: bool = False) -> Iterator[None]:
    """Hold the build lock of `folder` (created when missing) for the `with` block.

    Raises `FolderBusy` when another build holds it (or, with `wait`, waits for it), and a
    `MachineError` when the folder cannot be created or written.
    """
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd = _acquire(folder / LOCK_FILE, wait)
    except OSError as exc:
        mapped = machine_error(exc, folder)
        if mapped is None:
            raise
        raise mapped from exc
    try:
        yield
    finally:
        _release(folder / LOCK_FILE, fd)


def _acquire(path: Path, wait: bool) -> int:
    announced = False
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            holder = _holder(path)
            if not wait:
                raise FolderBusy(_busy_message(path.parent, holder)) from None
            if not announced:
                print(
                    f"Жду: {_busy_message(path.parent, holder, waiting=True)}",
                    file=sys.stderr,
                    flush=True,
                )
                announced = True
            time.sleep(RETRY_SECONDS)
            continue
        if _same_file(fd, path):
            _write_record(fd)
            return fd
        os.close(fd)  # locked a file its holder removed on release: lock the current one


def _release(path: Path, fd: int) -> None:
    """Remove the file while still holding it (nobody can lock it in between), then unlock."""
    with contextlib.suppress(OSError):
        if _same_file(fd, path):
            path.unlink()
    os.close(fd)


def _same_file(fd: int, path: Path) -> bool:
    try:
        return os.path.samestat(os.fstat(fd), os.stat(path))
    except FileNotFoundError:
        return False


def _write_record(fd: int) -> None:
    """Who holds the lock, for a refused build's message. Only a courtesy: on a full disk the
    lock is held all the same, and the build stops at its first real write with the folder."""
    record = {"pid": os.getpid(), "started": dt.datetime.now().isoformat(timespec="seconds")}
    with contextlib.suppress(OSError):
        os.ftruncate(fd, 0)
        os.pwrite(fd, (json.dumps(record) + "\n").encode(), 0)


def _holder(path: Path) -> dict:
    """The holder's record; it may be a moment late (written right after the lock is taken)."""
    deadline = time.monotonic() + RECORD_WAIT
    while True:
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(record, dict) and "pid" in record:
                return record
        except (OSError, ValueError):
            pass
        if time.monotonic() > deadline:
            return {}
        time.sleep(RETRY_SECONDS / 4)


def _busy_message(folder: Path, holder: dict, waiting: bool = False) -> str:
    pid = holder.get("pid", "неизвестен")
    started = str(holder.get("started", "")).replace("T", " ")
    since = f", запущена {started}" if started else ""
    head = f"в эту папку уже идёт сборка (PID {pid}{since}): {folder}"
    if waiting:
        return f"{head} — начну, когда она закончится"
    return f"{head} — дождитесь её окончания или запустите с --wait, чтобы встать в очередь"

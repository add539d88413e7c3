"""A command ended from outside — Ctrl-C (SIGINT), `timeout`, CI cancellation or a service
manager (SIGTERM), a closed terminal (SIGHUP) — ends like Ctrl-C ends Python code: an exception
unwinds the command, so every `finally` runs (the build's pool stops its workers and their
kernels, atomic writes drop their temporary files, the build lock is released) and the CLI
prints one line instead of dying silently with processes left behind.

SIGKILL cannot be caught: then the workers notice on their own (`analysis.book.execute`).
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator

# SIGHUP does not exist on Windows: only the signals this platform has
SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)
_REASONS = {
    "SIGINT": "нажато Ctrl+C (SIGINT)",
    "SIGTERM": "получен сигнал завершения (SIGTERM)",
    "SIGHUP": "закрыт терминал (SIGHUP)",
}


class Interrupted(BaseException):
    """A signal asked the command to stop. Not an `Exception`: nothing that catches a page's
    or a year's failure may swallow it."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def exit_status(self) -> int:
        return 128 + self.signum  # the shell's convention for "ended by signal N"

    @property
    def reason(self) -> str:
        name = signal.Signals(self.signum).name
        return _REASONS.get(name, name)

    def __str__(self) -> str:
        return self.reason


def _raise(signum: int, frame: object) -> None:
    # the ending is under way: a second Ctrl-C must not cut the cleanup short
    for sig in SIGNALS:
        signal.signal(sig, signal.SIG_IGN)
    raise Interrupted(signum)


@contextlib.contextmanager
def interruptible() -> Iterator[None]:
    """Within the block, SIGINT, SIGTERM and SIGHUP raise `Interrupted` in the main thread.

    The previous handlers come back on leaving. Outside the main thread (where Python cannot
    set handlers) the block runs unchanged.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    # a signal ignored on entry stays ignored: `nohup` (SIGHUP), `&` in a script (SIGINT)
    previous = {sig: signal.getsignal(sig) for sig in SIGNALS}
    previous = {sig: h for sig, h in previous.items() if h is not signal.SIG_IGN}
    for sig in previous:
        signal.signal(sig, _raise)
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler if handler is not None else signal.SIG_DFL)

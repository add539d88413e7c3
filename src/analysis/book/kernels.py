"""One warm notebook kernel per pool worker, reused across pages and cleaned between them.

Per page, a fresh kernel costs ~1.2 s to start and the notebooks' import cell ~1.7 s more. A
`WarmKernel` is started once per worker: it imports what the notebooks import (their top-level
import statements, collected by `warm_up_statements`), records the clean state
(`kernel_state.snapshot`) and, before every page, restores it (`kernel_state.restore`). Pages
run through papermill with a registered engine (`engine.WarmEngine`) that hands nbclient the
running kernel manager instead of starting a kernel, and the kernel client the worker keeps
with it (nbclient would otherwise connect a new client and wait for it to be ready, ~0.25 s of
every page).

A page that fails, times out or kills its kernel gets the kernel shut down at once; the next page
starts a new one. At the end of the build each worker shuts its kernel down immediately.
"""

from __future__ import annotations

import ast
import json
import queue
from pathlib import Path

KERNEL = "python3"  # STACK-NOTES: stored notebooks keep the python3 kernelspec
STATE_MODULE = "analysis.book.kernel_state"
START_TIMEOUT = 60  # s: a kernel that is not up by then is broken
WARM_TIMEOUT = 300  # s: importing the notebooks' modules the first time (cold disk, loaded CPU)
RESET_TIMEOUT = 60  # s: restoring the clean state between pages
CELL_TIMEOUT = 1800  # s per cell: a runaway page fails (and its kernel is replaced)
KERNEL_ARGS = ["--HistoryManager.hist_file=:memory:"]  # as nbclient does: no history on disk


class KernelStateError(RuntimeError):
    """The kernel could not be warmed up or brought back to a clean state."""


class WarmKernel:
    """A kernel kept by one worker process for all the pages it executes."""

    def __init__(self, warm_up: list[str] | None = None) -> None:
        self.warm_up = list(warm_up or [])
        self.km = None
        self.control = None  # our own client, for warm-up and reset requests
        self.client = None  # the pages' client (nbclient's), kept from page to page
        self.warming = None  # (kernel_info, warm-up) requests sent by `begin`, not yet answered
        self.pages = 0  # pages executed in the current kernel (tests use it)

    @property
    def alive(self) -> bool:
        return self.km is not None

    def ready(self, cwd: str) -> None:
        """A kernel in the clean state with `cwd` as working folder: reset, or a new one."""
        if self.warming is not None:  # started by `begin`: its warm-up must have finished
            try:
                self._finish_start()
            except Exception:  # noqa: BLE001 — a kernel that did not come up is replaced
                self.kill()
        if self.km is not None:
            try:
                self._execute_silently(_call("restore", cwd), RESET_TIMEOUT)
                return
            except Exception:  # noqa: BLE001 — a kernel that cannot be reset is replaced
                self.kill()
        self.begin(cwd)
        try:
            self._finish_start()
        except Exception:
            self.kill()
            raise

    def begin(self, cwd: str) -> None:
        """Start a kernel and send it the warm-up (the notebooks' imports, the clean state's
        snapshot) without waiting for it: the worker does year tasks meanwhile, and the first
        page's `ready` waits for what is left of the warm-up."""
        from jupyter_client import AsyncKernelManager  # nbclient's own manager class
        from jupyter_client.blocking import BlockingKernelClient
        from jupyter_core.utils import run_sync

        self.km = AsyncKernelManager(kernel_name=KERNEL)
        try:
            run_sync(self.km.start_kernel)(extra_arguments=list(KERNEL_ARGS), cwd=cwd)
            self.control = BlockingKernelClient(connection_file=self.km.connection_file)
            self.control.load_connection_file()
            self.control.start_channels(
                shell=True, iopub=False, stdin=False, hb=False, control=False
            )
            info = self.control.kernel_info()  # sent now, answered once the kernel is up
            code = "; ".join(
                [_call("warm", self.warm_up), _call("snapshot"), _call("restore", cwd)]
            )
            warm = self.control.execute(code, silent=True, store_history=False, allow_stdin=False)
            self.warming = (info, warm)
        except Exception:
            self.kill()
            raise

    def run(self, notebook: str, parameters: dict, cwd: str) -> dict:
        """Execute a notebook in this kernel (call `ready` first); the executed notebook."""
        import papermill

        from analysis.book.engine import ENGINE

        nb = papermill.execute_notebook(
            with_stable_ids(notebook),
            None,
            parameters=parameters,
            kernel_name=KERNEL,
            engine_name=ENGINE,
            km=self.km,
            kc=self._page_client(),
            progress_bar=False,
            cwd=cwd,
            execution_timeout=CELL_TIMEOUT,
        )
        self.pages += 1
        return nb

    def kill(self) -> None:
        """Shut the kernel down at once (no graceful wait); idempotent."""
        from jupyter_core.utils import run_sync

        km, self.km = self.km, None
        for client in (self.control, self.client):
            if client is not None:
                client.stop_channels()
        self.control = self.client = None
        self.warming = None
        self.pages = 0
        if km is None:
            return
        try:
            run_sync(km.shutdown_kernel)(now=True)
        except Exception:  # noqa: BLE001 — already dead: only the files remain
            run_sync(km.cleanup_resources)()

    def _finish_start(self) -> None:
        """Wait for the kernel started by `begin` to answer and to finish its warm-up."""
        info, warm = self.warming
        self.warming = None
        self._reply(info, START_TIMEOUT)
        content = self._reply(warm, WARM_TIMEOUT)
        if content.get("status") != "ok":
            raise KernelStateError(f"{content.get('ename')}: {content.get('evalue')}")

    def _page_client(self):
        """The client the pages are executed through: connected once per kernel and kept.
        Messages left from an earlier page or a reset are skipped by nbclient (it reads only
        the replies to its own requests)."""
        from jupyter_core.utils import run_sync

        if self.client is None:
            client = self.km.client()
            client.start_channels()
            try:
                run_sync(client.wait_for_ready)(timeout=START_TIMEOUT)
            except Exception:
                client.stop_channels()
                raise
            client.allow_stdin = False  # as nbclient sets it: a page cannot ask for input
            self.client = client
        return self.client

    def _execute_silently(self, code: str, timeout: float) -> None:
        """Run `code` with no outputs, no history, no execution count; raise on its error."""
        from jupyter_core.utils import run_sync

        if not run_sync(self.km.is_alive)():  # a dead kernel would never answer
            raise KernelStateError("ядро завершилось")
        msg_id = self.control.execute(code, silent=True, store_history=False, allow_stdin=False)
        content = self._reply(msg_id, timeout)
        if content.get("status") != "ok":
            raise KernelStateError(f"{content.get('ename')}: {content.get('evalue')}")

    def _reply(self, msg_id: str, timeout: float) -> dict:
        """The content of the shell reply to `msg_id` (earlier replies are skipped)."""
        while True:
            try:
                reply = self.control.get_shell_msg(timeout=timeout)
            except queue.Empty:
                raise KernelStateError(f"ядро не ответило за {timeout} с") from None
            if reply["parent_header"].get("msg_id") == msg_id:
                return reply["content"]


def _call(function: str, *args: object) -> str:
    """Code calling `kernel_state.<function>(*args)` without binding any name in the kernel."""
    listed = ", ".join(repr(a) for a in args)
    return f"__import__({STATE_MODULE!r}, fromlist=['_']).{function}({listed})"


def with_stable_ids(notebook: str):
    """The notebook to execute: the path itself, or — when its cells have no ids (nbformat
    4.4) — the notebook with ids by position, which nbformat would otherwise draw at random
    (they reach the HTML page and the executed .ipynb)."""
    import nbformat

    raw = json.loads(Path(notebook).read_text(encoding="utf-8"))
    cells = raw.get("cells", [])
    if all("id" in cell for cell in cells):
        return notebook
    for index, cell in enumerate(cells):
        cell.setdefault("id", f"cell-{index}")
    raw["nbformat_minor"] = max(int(raw.get("nbformat_minor", 0)), 5)
    return nbformat.from_dict(raw)


def warm_up_statements(notebooks: list[str]) -> list[str]:
    """The top-level import statements of the notebooks' code cells, in order, once each.

    The parameters cell and cells that do not parse as Python (magics) are skipped; relative
    imports are left to the page.
    """
    seen: dict[str, None] = {}
    for path in dict.fromkeys(notebooks):
        try:
            cells = json.loads(Path(path).read_text(encoding="utf-8")).get("cells", [])
        except (OSError, ValueError):
            continue
        for cell in cells:
            if cell.get("cell_type") != "code":
                continue
            if "parameters" in cell.get("metadata", {}).get("tags", []):
                continue
            source = cell.get("source", "")
            source = "".join(source) if isinstance(source, list) else source
            for statement in _imports(source):
                seen.setdefault(statement, None)
    return list(seen)


def _imports(source: str) -> list[str]:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    return [
        ast.unparse(node)
        for node in tree.body
        if isinstance(node, ast.Import) or (isinstance(node, ast.ImportFrom) and not node.level)
    ]

"""papermill's nbclient engine, made to execute in an already running kernel.

Registered under `ENGINE` on import; `papermill.execute_notebook(..., engine_name=ENGINE, km=…,
kc=…)` runs the notebook in the kernel of the given (started) kernel manager, through the given
connected client when there is one, and leaves both running.
"""

from __future__ import annotations

from nbclient.exceptions import CellTimeoutError
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines
from papermill.log import logger
from papermill.utils import merge_kwargs, remove_args

ENGINE = "book-warm"
START_TIMEOUT = 60  # s: the kernel client's wait for a running kernel
PENDING = "pending"  # papermill's status of a cell not started yet


class WarmEngine(NBClientEngine):
    """papermill's nbclient engine, executing in an already running kernel (`km=`)."""

    @classmethod
    def execute_managed_notebook(
        cls,
        nb_man,
        kernel_name,
        log_output=False,
        stdout_file=None,
        stderr_file=None,
        start_timeout=START_TIMEOUT,
        execution_timeout=None,
        **kwargs,
    ):
        km = kwargs.pop("km")
        kc = kwargs.pop("kc", None)  # a connected client kept by the caller, or None
        kwargs = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
        final = merge_kwargs(
            kwargs,
            timeout=execution_timeout,
            startup_timeout=start_timeout,
            kernel_name=kernel_name,
            log=logger,
            log_output=log_output,
            stdout_file=stdout_file,
            stderr_file=stderr_file,
        )
        client = PapermillNotebookClient(nb_man, km=km, **final)
        client.kc = kc  # nbclient connects a client of its own only when none is given
        try:
            return client.execute()
        except CellTimeoutError as exc:
            # the cell that timed out: the last one papermill started (later ones are pending)
            started = [
                i
                for i, c in enumerate(nb_man.nb.cells)
                if c.metadata.get("papermill", {}).get("status") != PENDING
            ]
            exc.cell_index = started[-1] if started else None
            exc.cell_source = nb_man.nb.cells[started[-1]].source if started else ""
            raise
        finally:
            # a client nbclient connected itself (none was given) is closed with the page
            if kc is None and client.kc is not None:
                client.kc.stop_channels()
            client.kc = None


papermill_engines.register(ENGINE, WarmEngine)

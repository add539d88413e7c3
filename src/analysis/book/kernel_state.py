"""Runs INSIDE a reused notebook kernel: warm it up, then bring it back to a clean state.

A pool worker keeps one kernel for many pages (`analysis.book.kernels`). Before the first page
the kernel imports the modules the book's notebooks import (`warm`) and records the global state
a page can change (`snapshot`); before every page `restore` puts that state back, so a page's
output never depends on which pages ran before it in the same kernel. Modules stay imported —
that is the point: pandas, matplotlib and the library cost nothing after the first page.

Restored: the IPython namespace, history session and execution counter; open figures,
rcParams and unit converters of matplotlib; pandas options; numpy print/error options and
global random state; `random`; warning filters and "already warned" registries; os.environ,
cwd, sys.path, locale, the root logger, sys.stdout/stderr; display formatters.
Not restored: state a notebook writes into a library module's own objects (the library keeps
no caches; notebooks must not mutate its constants).

Only the standard library is imported here; third-party modules are handled when present.
"""

from __future__ import annotations

import copy
import gc
import locale
import logging
import os
import random
import sys
import warnings
from typing import Any

_SNAPSHOT: dict[str, Any] | None = None


def warm(statements: list[str]) -> list[str]:
    """Execute the notebooks' import statements (outside the user namespace); return failures.

    A statement that fails here is skipped: the page that needs it will fail on it itself.
    """
    failed = []
    for statement in statements:
        try:
            code = compile(statement, "<book-warm-up>", "exec")
            exec(code, {"__name__": "__book_warm__"})  # noqa: S102 — the notebooks' own imports
        except Exception:  # noqa: BLE001 — reported by the page, not by the warm-up
            failed.append(statement)
    return failed


def snapshot() -> None:
    """Record the clean state (call once, after `warm`, before the first page)."""
    global _SNAPSHOT
    _SNAPSHOT = {
        "environ": dict(os.environ),
        "sys_path": list(sys.path),
        "warnings": list(warnings.filters),
        "showwarning": warnings.showwarning,
        "random": random.getstate(),
        "locale": locale.setlocale(locale.LC_ALL),
        "log_level": logging.root.level,
        "log_handlers": list(logging.root.handlers),
        "streams": (sys.stdout, sys.stderr),
        "formatters": _formatters_state(),
        "mpl": _mpl_state(),
        "numpy": _numpy_state(),
        "pandas": _pandas_state(),
    }
    # the warm-up's objects (modules, catalogues) live as long as the kernel: freezing them
    # keeps them out of every later collection, so `restore`'s full collection stays cheap
    gc.collect()
    gc.freeze()


def restore(cwd: str) -> None:
    """Bring the kernel back to the snapshot; the next page starts as in a fresh kernel."""
    if _SNAPSHOT is None:
        raise RuntimeError("kernel_state.snapshot() was never called")
    state = _SNAPSHOT
    _restore_mpl(state["mpl"])  # figures first: they may hold the namespace's objects
    shell = _shell()
    if shell is not None:
        shell.reset(new_session=True)  # namespace, Out/_N cache, history; execution_count = 1
        _restore_formatters(state["formatters"])
    if dict(os.environ) != state["environ"]:
        os.environ.clear()
        os.environ.update(state["environ"])
    os.chdir(cwd)
    sys.path[:] = state["sys_path"]
    sys.stdout, sys.stderr = state["streams"]
    _restore_warnings(state)
    random.setstate(state["random"])
    if locale.setlocale(locale.LC_ALL) != state["locale"]:
        locale.setlocale(locale.LC_ALL, state["locale"])
    logging.root.setLevel(state["log_level"])
    logging.root.handlers[:] = state["log_handlers"]
    _restore_numpy(state["numpy"])
    _restore_pandas(state["pandas"])
    gc.collect()


def _shell():
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return get_ipython()


def _restore_warnings(state: dict) -> None:
    """Same filters, and every "shown once" memory forgotten (as in a fresh process)."""
    warnings.filters[:] = state["warnings"]
    warnings.showwarning = state["showwarning"]
    mutated = getattr(warnings, "_filters_mutated", None)
    if mutated is not None:
        mutated()  # bumps the filters' version: every module's __warningregistry__ is reset
    for module in list(sys.modules.values()):
        registry = getattr(module, "__warningregistry__", None)
        if isinstance(registry, dict):
            registry.clear()
    getattr(warnings, "onceregistry", {}).clear()


def _formatters_state() -> dict | None:
    shell = _shell()
    if shell is None:
        return None
    return {
        mime: (f.enabled, dict(f.type_printers), dict(f.deferred_printers))
        for mime, f in shell.display_formatter.formatters.items()
    }


def _restore_formatters(saved: dict | None) -> None:
    if saved is None:
        return
    for mime, f in _shell().display_formatter.formatters.items():
        if mime not in saved:
            continue
        enabled, types, deferred = saved[mime]
        f.enabled = enabled
        f.type_printers.clear()
        f.type_printers.update(types)
        f.deferred_printers.clear()
        f.deferred_printers.update(deferred)


def _mpl_state() -> dict | None:
    if "matplotlib" not in sys.modules:
        return None
    import matplotlib
    import matplotlib.units

    return {
        "rc": {key: copy.deepcopy(value) for key, value in dict.items(matplotlib.rcParams)},
        "units": dict(matplotlib.units.registry),
    }


def _restore_mpl(saved: dict | None) -> None:
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
    if saved is None:
        return
    import matplotlib
    import matplotlib.units

    rc = matplotlib.rcParams
    backend = saved["rc"].get("backend")
    if dict.__getitem__(rc, "backend") != backend and "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].switch_backend(backend)
    for key, value in saved["rc"].items():
        # raw access: reading "backend" through rc[...] would resolve (switch) the backend
        if dict.__getitem__(rc, key) != value:
            rc._set(key, copy.deepcopy(value))
    matplotlib.units.registry.clear()
    matplotlib.units.registry.update(saved["units"])


def _numpy_state() -> dict | None:
    if "numpy" not in sys.modules:
        return None
    import numpy as np

    return {"print": np.get_printoptions(), "err": np.geterr(), "random": np.random.get_state()}


def _restore_numpy(saved: dict | None) -> None:
    if saved is None:
        return
    import numpy as np

    np.set_printoptions(**saved["print"])
    np.seterr(**saved["err"])
    np.random.set_state(saved["random"])


def _pandas_state() -> dict | None:
    if "pandas" not in sys.modules:
        return None
    import pandas as pd

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # deprecated options warn when read
        return {key: copy.deepcopy(pd.get_option(key)) for key in _pandas_options()}


def _restore_pandas(saved: dict | None) -> None:
    if saved is None:
        return
    import pandas as pd

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for key, value in saved.items():
            if pd.get_option(key) != value:
                pd.set_option(key, value)


def _pandas_options() -> list[str]:
    from pandas._config import config

    return sorted(config._registered_options)

"""Warm kernels of the book build: reuse, clean state between pages, failure isolation, order.

The kernel tests start real kernels (~2 s each), so they share tiny notebooks of our own: a
`probe` that prints the global state a page could inherit, and a `polluter` that changes all
of it. A probe must come out byte-identical in a fresh kernel and after a polluter.
"""

from __future__ import annotations

import json
import os
import random
import sys
import warnings
from concurrent.futures import Future
from pathlib import Path

import matplotlib
import nbformat
import numpy as np
import pandas as pd
import psutil
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from analysis.book import execute, kernel_state
from analysis.book.execute import Job, Outcome, Task
from analysis.book.kernels import WarmKernel, warm_up_statements, with_stable_ids
from analysis.book.render import normalise

KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}
HELPER = """import warnings


def old():
    warnings.warn("устаревший вызов", UserWarning)
"""
IMPORTS = (
    "import os, sys, warnings\nimport matplotlib.pyplot as plt\nimport numpy as np\n"
    "import pandas as pd\nif os.getcwd() not in sys.path:\n    sys.path.insert(0, os.getcwd())\n"
    "import book_helper_module\n"
)
PROBE = [
    IMPORTS + "if pid_dir:\n    open(os.path.join(pid_dir, str(os.getpid())), 'w').close()",
    (
        "print('font.size', plt.rcParams['font.size'])\n"
        "print('max_rows', pd.get_option('display.max_rows'))\n"
        "print('precision', np.get_printoptions()['precision'], np.geterr()['divide'])\n"
        "print('leak' in globals(), os.environ.get('BOOK_TEST_VAR'), os.path.basename(os.getcwd()))\n"
        "print('figures', plt.get_fignums(), sys.path.count('/nonexistent-book-test'))\n"
        "print('filters', len(warnings.filters), plt.get_backend())"
    ),
    "book_helper_module.old()",  # the warning is shown once per process — unless forgotten
    "len(In), sorted(Out)",  # this session's history only
    "21 * 2",
]
POLLUTER = [
    IMPORTS,
    (
        "plt.rcParams['font.size'] = 31\npd.set_option('display.max_rows', 7)\n"
        "np.set_printoptions(precision=2)\nnp.seterr(divide='raise')\nleak = 1\n"
        "os.environ['BOOK_TEST_VAR'] = 'x'\nsys.path.append('/nonexistent-book-test')\n"
        "plt.figure()\nbook_helper_module.old()\nwarnings.simplefilter('error', DeprecationWarning)\n"
        "os.chdir('/')"
    ),
]


def write_notebook(path: Path, cells: list[str], ids: bool = True) -> str:
    nb = new_notebook(metadata={"kernelspec": KERNELSPEC})
    nb.cells = [
        new_markdown_cell("# Проба"),
        new_code_cell("year = None\npid_dir = ''", metadata={"tags": ["parameters"]}),
    ]
    nb.cells += [new_code_cell(source) for source in cells]
    text = nbformat.writes(nb)
    if not ids:  # as the project's stored notebooks: nbformat 4.4, no cell ids
        raw = json.loads(text)
        raw["nbformat_minor"] = 4
        for cell in raw["cells"]:
            cell.pop("id", None)
        text = json.dumps(raw)
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.fixture(scope="module")
def notebooks(tmp_path_factory):
    folder = tmp_path_factory.mktemp("notebooks")
    (folder / "book_helper_module.py").write_text(HELPER, encoding="utf-8")
    return {
        "dir": str(folder),
        "probe": write_notebook(folder / "probe.ipynb", PROBE),
        "polluter": write_notebook(folder / "polluter.ipynb", POLLUTER),
        "broken": write_notebook(folder / "broken.ipynb", ["x = 1", "x / 0"]),
        "dies": write_notebook(folder / "dies.ipynb", ["import os\nos._exit(1)"]),
        "sabotage": write_notebook(
            folder / "sabotage.ipynb",
            ["import analysis.book.kernel_state as ks\nks._SNAPSHOT = None"],
        ),
    }


def comparable(nb: dict) -> str:
    """The executed notebook as the build stores it, minus the injected-parameters cell."""
    nb = normalise(json.loads(json.dumps(nb)))
    nb["cells"] = [
        c for c in nb["cells"] if "injected-parameters" not in c.get("metadata", {}).get("tags", [])
    ]
    nb["metadata"].pop("language_info", None)  # same kernel, but not the point here
    return json.dumps(nb, sort_keys=True, ensure_ascii=False, indent=1)


def outputs_text(nb: dict) -> str:
    return json.dumps([c.get("outputs", []) for c in nb["cells"]], ensure_ascii=False)


# --- in one kernel -------------------------------------------------------------------------


def test_probe_is_identical_fresh_reused_and_under_plain_papermill(notebooks):
    import papermill

    cwd = notebooks["dir"]
    statements = warm_up_statements([notebooks["probe"], notebooks["polluter"]])
    kernel = WarmKernel(statements)
    try:
        kernel.ready(cwd)
        first = kernel.run(notebooks["probe"], {"year": 2023}, cwd)
        client = kernel.client
        kernel.ready(cwd)
        kernel.run(notebooks["polluter"], {"year": 2023}, cwd)
        kernel.ready(cwd)
        after = kernel.run(notebooks["probe"], {"year": 2023}, cwd)
        assert kernel.pages == 3  # one kernel for the three pages …
        assert kernel.client is client and client.channels_running  # … and one client
    finally:
        kernel.kill()
    assert not kernel.alive and kernel.client is None and not client.channels_running
    plain = papermill.execute_notebook(
        notebooks["probe"],
        None,
        parameters={"year": 2023},
        kernel_name="python3",
        progress_bar=False,
        cwd=cwd,
        shutdown_kernel="immediate",
    )
    assert comparable(after) == comparable(first)
    assert comparable(first) == comparable(plain)
    # and the probe did see what it should: the defaults, and the warning shown again
    text = outputs_text(after)
    assert "font.size 10.0" in text and "max_rows 60" in text and "False None" in text
    assert "figures [] 0" in text and "устаревший вызов" in text
    counts = [
        c.get("execution_count") for c in normalise(after)["cells"] if c["cell_type"] == "code"
    ]
    assert counts == [1, 2, 3, 4, 5, 6, 7]  # parameters, injected, five probe cells


def test_failed_page_replaces_the_kernel_and_the_next_page_runs(notebooks):
    cwd = notebooks["dir"]
    try:
        ok = execute.run_job(Job("2023/probe", notebooks["probe"], {"year": 2023}, cwd))
        assert ok.notebook is not None and execute.worker_kernel().alive
        broken = execute.run_job(Job("2023/broken", notebooks["broken"], {"year": 2023}, cwd))
        # cells: markdown 1, parameters 2, «x = 1» 3, «x / 0» 4 (the injected cell not counted)
        assert (broken.cell, broken.cell_source) == (4, "x / 0")
        assert broken.error == "ZeroDivisionError: division by zero"
        assert not execute.worker_kernel().alive  # killed at once
        again = execute.run_job(Job("2022/probe", notebooks["probe"], {"year": 2022}, cwd))
        assert again.notebook is not None and execute.worker_kernel().pages == 1
        assert comparable(again.notebook) == comparable(ok.notebook)
    finally:
        execute.shutdown_worker_kernel()


def test_dead_kernel_and_broken_reset_are_replaced(notebooks):
    cwd = notebooks["dir"]
    try:
        dead = execute.run_job(Job("2023/dies", notebooks["dies"], {"year": 2023}, cwd))
        assert dead.notebook is None and dead.error
        assert not execute.worker_kernel().alive
        assert execute.run_job(Job("2023/sabotage", notebooks["sabotage"], {}, cwd)).notebook
        # the sabotaged kernel cannot be reset: the next page gets a new kernel, and runs
        probe = execute.run_job(Job("2023/probe", notebooks["probe"], {"year": 2023}, cwd))
        assert probe.notebook is not None
        assert execute.worker_kernel().pages == 1
    finally:
        execute.shutdown_worker_kernel()


def test_a_page_that_times_out_fails_and_its_kernel_is_replaced(notebooks, monkeypatch, tmp_path):
    from analysis.book import kernels

    # The sleep is far longer than any machine needs for the cells before it, and the timeout
    # is restored before the next page: no assertion here depends on the machine's speed.
    slow = write_notebook(tmp_path / "slow.ipynb", ["import time\ntime.sleep(3600)"])
    monkeypatch.setattr(kernels, "CELL_TIMEOUT", 5)
    cwd = notebooks["dir"]
    try:
        outcome = execute.run_job(Job("2023/slow", slow, {"year": 2023}, cwd))
        assert outcome.notebook is None
        # cells: markdown 1, parameters 2, the sleep 3 (the injected cell not counted)
        assert (outcome.cell, outcome.cell_source) == (3, "import time")
        assert outcome.error == "ячейка не завершилась за 5 с и прервана"
        assert outcome.seconds < 3600 and not execute.worker_kernel().alive  # interrupted
        monkeypatch.undo()  # the next page runs under the normal timeout, however slow its imports
        again = execute.run_job(Job("2023/probe", notebooks["probe"], {"year": 2023}, cwd))
        assert again.notebook is not None and execute.worker_kernel().pages == 1
    finally:
        execute.shutdown_worker_kernel()


# --- in the pool ---------------------------------------------------------------------------


def test_pool_pages_agree_across_workers_and_kernels_are_shut_down(notebooks, tmp_path):
    cwd = notebooks["dir"]
    pids = tmp_path / "pids"
    pids.mkdir()
    jobs = [Job(f"{y}/polluter", notebooks["polluter"], {"year": y}, cwd) for y in (2020, 2021)]
    jobs += [
        Job(f"{y}/probe", notebooks["probe"], {"year": y, "pid_dir": str(pids)}, cwd)
        for y in (2020, 2021, 2022, 2023)
    ]
    record = tmp_path / "seconds.json"
    outcomes = {o.key: o for o in execute.execute(jobs, 2, record=record)}
    assert sorted(outcomes) == sorted(j.key for j in jobs)
    assert all(o.notebook is not None for o in outcomes.values())
    probes = {comparable(o.notebook) for k, o in outcomes.items() if k.endswith("probe")}
    assert len(probes) == 1  # whichever worker, whatever ran before
    kernel_pids = [int(p.name) for p in pids.iterdir()]
    assert 1 <= len(set(kernel_pids)) <= 2  # at most one kernel per worker
    assert not [pid for pid in kernel_pids if psutil.pid_exists(pid)]  # all shut down
    assert sorted(json.loads(record.read_text(encoding="utf-8"))) == sorted(outcomes)


# --- kernel_state in this process (no kernel) ----------------------------------------------


@pytest.fixture
def clean_process(monkeypatch, tmp_path):
    """Undo what a snapshot/restore round trip leaves in the test process."""
    monkeypatch.chdir(tmp_path)
    rc = dict(matplotlib.rcParams)
    filters = list(warnings.filters)
    path = list(sys.path)
    yield tmp_path
    import gc

    gc.unfreeze()
    matplotlib.rcParams.update(rc)
    warnings.filters[:] = filters
    sys.path[:] = path
    pd.reset_option("display.max_rows")
    np.set_printoptions(precision=8)
    np.seterr(divide="warn")
    os.environ.pop("BOOK_TEST_VAR", None)


def test_restore_brings_back_every_recorded_setting(clean_process):
    import matplotlib.pyplot as plt
    import matplotlib.units

    kernel_state.snapshot()
    expected_random = random.random()
    expected_np = np.random.random()
    kernel_state.restore(str(clean_process))  # rewinds both generators
    plt.rcParams["font.size"] = 31
    pd.set_option("display.max_rows", 7)
    np.set_printoptions(precision=2)
    np.seterr(divide="raise")
    os.environ["BOOK_TEST_VAR"] = "x"
    sys.path.append("/nonexistent-book-test")
    warnings.simplefilter("error", DeprecationWarning)
    matplotlib.units.registry[complex] = object()
    plt.figure()
    os.chdir("/")
    kernel_state.restore(str(clean_process))
    assert plt.rcParams["font.size"] != 31 and plt.get_fignums() == []
    assert pd.get_option("display.max_rows") == 60
    assert np.get_printoptions()["precision"] == 8 and np.geterr()["divide"] == "warn"
    assert "BOOK_TEST_VAR" not in os.environ and "/nonexistent-book-test" not in sys.path
    assert not any(f[0] == "error" and f[2] is DeprecationWarning for f in warnings.filters)
    assert complex not in matplotlib.units.registry
    assert os.getcwd() == str(clean_process)
    assert (random.random(), np.random.random()) == (expected_random, expected_np)


def test_restore_forgets_warnings_already_shown(clean_process, monkeypatch):
    shown = []
    monkeypatch.setattr(warnings, "showwarning", lambda *args, **kwargs: shown.append(args[0]))
    warnings.simplefilter("default")  # once per code location

    def warn() -> None:
        warnings.warn("ещё раз", UserWarning)

    kernel_state.snapshot()
    warn()
    warn()
    assert len(shown) == 1  # remembered in this module's __warningregistry__
    kernel_state.restore(str(clean_process))
    warn()
    assert len(shown) == 2  # forgotten by the reset: shown again, as in a fresh kernel


def test_restore_without_snapshot_is_an_error(monkeypatch):
    monkeypatch.setattr(kernel_state, "_SNAPSHOT", None)
    with pytest.raises(RuntimeError, match="snapshot"):
        kernel_state.restore(".")


# --- planning helpers ----------------------------------------------------------------------


def job(key: str, notebook: str = "x.ipynb") -> Job:
    return Job(key, notebook, {}, ".")


def test_longest_first_uses_last_durations_then_the_stage_mean_then_cells(tmp_path):
    nb = write_notebook(tmp_path / "n.ipynb", ["a = 1", "b = 2", "c = 3"])
    seconds = {"2022/03_monitoring": 4.0, "2023/03_monitoring": 2.0, "2023/01_goals": 0.3}
    jobs = [
        job("2023/01_goals"),
        job("2023/03_monitoring"),
        job("2024/03_monitoring"),
        job("2024/07_new", nb),
        job("2024/01_goals"),
    ]
    ordered = [j.key for j in execute.longest_first(jobs, seconds)]
    # 2023/03: 2.0 (own); 2024/03: (4.0 + 2.0) / 2 = 3.0 (stage mean); 07_new: parameters cell
    # + 3 code cells = 4 × 0.3 = 1.2 (guess); 2023/01 and 2024/01: 0.3 (ties keep their order)
    assert ordered == [
        "2024/03_monitoring",
        "2023/03_monitoring",
        "2024/07_new",
        "2023/01_goals",
        "2024/01_goals",
    ]


def test_a_waiting_task_starts_before_any_page_then_pages_go_longest_first():
    """Tasks unblock pages and the build's own work: first come, first served among them;
    the pages wait, longest first (by the last build's seconds)."""
    pool = execute.PagePool(2, [], ".")
    pool.seconds = {"2023/03_monitoring": 5.0, "2023/01_goals": 0.4, "2023/~exports": 9.0}
    pool.waiting = [
        job("2023/01_goals"),
        Task("2023/~exports", print),
        job("2023/03_monitoring"),
        Task("2024/~prepare", print),
    ]
    order = [pool._next().key for _ in range(4)]
    assert order == ["2023/~exports", "2024/~prepare", "2023/03_monitoring", "2023/01_goals"]
    assert pool.waiting == []


class HeldExecutor:
    """An executor that only keeps what it is given (nothing runs)."""

    def __init__(self) -> None:
        self.given: list[str] = []

    def submit(self, function, job):
        self.given.append(job.key)
        return Future()


def test_before_long_work_of_its_own_the_build_queues_a_job_more_per_worker():
    """Normally a worker's next job waits in the executor's queue, one ahead (2 workers: 3
    handed out); before this process makes a year's unit pages, 2 more are queued, in the
    usual order, so that no worker waits for this process meanwhile."""
    pool = execute.PagePool(2, [], ".")
    pool.pool = HeldExecutor()
    pool.seconds = {f"2023/0{n}_page": float(n) for n in range(1, 8)}
    pool.submit([job(f"2023/0{n}_page") for n in range(1, 8)])
    assert pool.pool.given == ["2023/07_page", "2023/06_page", "2023/05_page"]
    pool.queue_ahead()
    assert pool.pool.given[3:] == ["2023/04_page", "2023/03_page"]
    assert [j.key for j in pool.waiting] == ["2023/01_page", "2023/02_page"]


def test_seconds_record_round_trip_and_bad_files(tmp_path):
    record = tmp_path / "sub" / "seconds.json"
    assert execute.load_seconds(record) == {}
    execute.save_seconds(record, {"2023/01_goals": 0.25})
    assert execute.load_seconds(record) == {"2023/01_goals": 0.25}
    record.write_text("{not json", encoding="utf-8")
    assert execute.load_seconds(record) == {}
    record.write_text('{"2023/01_goals": "fast", "2023/02_x": 1}', encoding="utf-8")
    assert execute.load_seconds(record) == {"2023/02_x": 1.0}
    assert execute.load_seconds(None) == {}


def test_warm_up_statements_are_the_notebooks_top_level_imports(tmp_path):
    first = write_notebook(
        tmp_path / "a.ipynb",
        [
            "import pandas as pd\nfrom analysis import fmt, plots\nx = 1",
            "%matplotlib inline\nimport seaborn",  # magics: the cell is skipped
            "def f():\n    import json\nfrom . import sibling",  # not top level; relative
        ],
    )
    second = write_notebook(tmp_path / "b.ipynb", ["import pandas as pd\nimport os.path"])
    assert warm_up_statements([first, second, first]) == [
        "import pandas as pd",
        "from analysis import fmt, plots",
        "import os.path",
    ]
    assert warm_up_statements([str(tmp_path / "missing.ipynb")]) == []


def test_stable_ids_replace_random_ones_only_when_cells_have_none(tmp_path):
    with_ids = write_notebook(tmp_path / "ids.ipynb", ["x = 1"])
    assert with_stable_ids(with_ids) == with_ids  # the path itself: nothing to fix
    without = write_notebook(tmp_path / "old.ipynb", ["x = 1"], ids=False)
    node = with_stable_ids(without)
    assert [c.id for c in node.cells] == ["cell-0", "cell-1", "cell-2"]
    assert node.nbformat_minor == 5
    nbformat.validate(node)


def test_outcome_of_a_pool_failure_names_the_page():
    outcome = Outcome("2023/01_goals", 0.0, error="BrokenProcessPool: …")
    assert outcome.notebook is None and outcome.key == "2023/01_goals"


def test_normalise_drops_object_addresses_from_plain_text():
    # a Styler shown as HTML also carries «<… at 0x7f…>» as text/plain: different every run
    nb = {
        "metadata": {},
        "cells": [
            {
                "cell_type": "code",
                "metadata": {},
                "outputs": [
                    {
                        "output_type": "execute_result",
                        "data": {
                            "text/plain": "<pandas.io.formats.style.Styler at 0x7fa55836cbd0>",
                            "text/html": "<table></table>",
                        },
                    },
                    {"output_type": "display_data", "data": {"text/plain": ["x at 0x10>", "ok"]}},
                ],
            }
        ],
    }
    outputs = normalise(nb)["cells"][0]["outputs"]
    assert outputs[0]["data"]["text/plain"] == "<pandas.io.formats.style.Styler>"
    assert outputs[0]["data"]["text/html"] == "<table></table>"
    assert outputs[1]["data"]["text/plain"] == ["x>", "ok"]


# --- tasks beside the pages ------------------------------------------------------------------


def _fails_with_full_disk(folder: str) -> None:
    raise OSError(28, "No space left on device", str(Path(folder) / "indicators.xlsx"))


def _fails_with_a_bug() -> None:
    raise ValueError("нет столбца inst_id\nвторая строка")


def test_a_task_s_outcome_says_done_or_why_not(tmp_path):
    assert execute.run_task(Task("2023/~exports", len, ((1, 2),))).ok
    bug = execute.run_task(Task("2023/~exports", _fails_with_a_bug))
    assert not bug.ok and bug.error == "ValueError: нет столбца inst_id"  # the first line
    assert bug.machine_error() is None  # a bug is one year's failure, not the machine's
    full = execute.run_task(
        Task("2023/~exports", _fails_with_full_disk, (str(tmp_path),), folder=str(tmp_path))
    )
    machine = full.machine_error()  # a full disk stops the whole build with one line
    assert machine is not None and machine.errno == 28
    assert str(machine).startswith(f"папка {tmp_path}: на диске нет места")


def test_work_submitted_to_a_broken_pool_comes_back_failed_not_raised():
    from concurrent.futures.process import BrokenProcessPool

    class Broken:
        def submit(self, *args):
            raise BrokenProcessPool("a worker died")

    pool = execute.PagePool(1, [], ".")
    pool.pool = Broken()
    pool.submit([Task("2023/~prepare", len, ((),)), Task("2022/~prepare", len, ((),))])
    outcomes = list(pool.outcomes())
    # in key order, each failed with the pool's error, none raised
    assert [(o.key, o.ok, o.task) for o in outcomes] == [
        ("2022/~prepare", False, True),
        ("2023/~prepare", False, True),
    ]
    assert outcomes[0].error == "BrokenProcessPool: a worker died"

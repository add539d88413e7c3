"""ruff keeps the code clean: `ruff check` and `ruff format --check` on src, tests and
benchmarks, through this venv's ruff (pinned in constraints.txt), as `make lint` runs them.

Each test fails with the list of files to fix (`ruff check --fix` / `ruff format` on them).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINTED = ("src", "tests", "benchmarks")  # the Makefile's LINTED
HANG_GUARD = 600  # seconds; ruff takes about one on this tree, the guard only stops a hang


def _ruff(*args: str) -> subprocess.CompletedProcess:
    """`python -m ruff <args> src tests benchmarks` from the project's root, without a cache,
    one finding a line (`path:line:col: what`)."""
    return subprocess.run(
        [sys.executable, "-m", "ruff", *args, "--no-cache", "--output-format", "concise", *LINTED],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=HANG_GUARD,
        check=False,  # the status is the verdict, asserted with the list of files
    )


def _files(output: str) -> list[str]:
    """The files named in a concise report, each once."""
    return sorted(
        {
            line.split(":", 1)[0]
            for line in output.splitlines()
            if line.startswith(LINTED) and ":" in line
        }
    )


def test_ruff_check_is_clean():
    done = _ruff("check")
    files = _files(done.stdout)
    assert done.returncode == 0, (
        f"ruff check finds problems in {len(files)} files (fix: ruff check --fix):\n"
        + "\n".join(files)
        + "\n\n"
        + done.stdout[-4000:]
        + done.stderr[-2000:]
    )


def test_ruff_format_is_applied():
    done = _ruff("format", "--check")
    files = _files(done.stdout)
    assert done.returncode == 0, (
        f"ruff format would change {len(files)} files (fix: ruff format on them):\n"
        + "\n".join(files)
        + "\n"
        + done.stderr[-2000:]
    )

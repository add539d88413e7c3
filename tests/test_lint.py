"""ruff keeps the code clean: `ruff check` and `ruff format --check` on src, tests and
benchmarks, through this venv's ruff (pinned in constraints.txt), as `make lint` runs them.

Each test fails with the list of files to fix (`ruff check --fix` / `ruff format` on them).
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
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


def test_make_lint_runs_both_checks_on_the_same_folders():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert f"LINTED := {' '.join(LINTED)}" in makefile
    recipe = makefile.split("\nlint:", 1)[1].split("\n\n", 1)[0]
    assert "ruff check $(LINTED)" in recipe and "ruff format --check" in recipe
    assert "pip install" not in recipe  # ruff comes with `make venv`, pinned


def test_ruff_is_a_declared_and_pinned_dependency():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert any(d.split(">")[0].split("=")[0] == "ruff" for d in config["project"]["dependencies"])
    pins = (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines()
    assert any(line.startswith("ruff==") for line in pins)

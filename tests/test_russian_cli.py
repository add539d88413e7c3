"""The Russian argparse shared by both command lines, and no import circle between them."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from analysis import ingest_status

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "analysis"


def _imports(relative: str) -> set[str]:
    """Every `analysis…` module a file imports, at the top or inside a function."""
    tree = ast.parse((PACKAGE / relative).read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found |= {node.module} | {f"{node.module}.{a.name}" for a in node.names}
    return {m for m in found if m.startswith("analysis")}


def test_the_status_check_does_not_import_the_command_line():
    # cli → ingest_status is the one direction; the parser parts live in russian_cli
    assert not any(m.startswith("analysis.cli") for m in _imports("ingest_status.py"))
    assert "analysis.russian_cli" in _imports("ingest_status.py")
    assert "analysis.russian_cli" in _imports("cli.py")
    assert _imports("russian_cli.py") == set()  # standard library only: make book runs it


def test_the_status_check_answers_a_mistyped_option_in_russian(capsys):
    with pytest.raises(SystemExit) as ended:
        ingest_status.main(
            ["--raw-dir", "r", "--processed-dir", "p", "--report-dir", "v", "--bogus"]
        )
    assert ended.value.code == 2  # argparse's status for a usage error
    err = capsys.readouterr().err
    assert "использование: python -m analysis.ingest_status" in err
    assert "ошибка: неизвестные параметры: --bogus" in err


def test_the_status_check_help_is_russian(capsys):
    with pytest.raises(SystemExit):
        ingest_status.main(["--help"])
    out = capsys.readouterr().out
    assert "показать эту справку и выйти" in out and "параметры:" in out
    assert "usage:" not in out and "show this help" not in out

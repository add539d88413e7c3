"""The library's layers, as rules the code must keep (issue 12, STYLE.md):

- domain modules are data in, data out: they import no presentation (`fmt`, `tables`, `plots`,
  the page layer, IPython, matplotlib, Jinja2) and read no file (no `processed`, `paths`,
  `params`, yaml, `open`, `read_*`) — a year's data reaches them through `analysis.reader`;
- every notebook calls exactly one page module and no other module of the library but
  `context`;
- domain and page modules import at the top, where a reader sees the dependencies.

Read from the source with `ast`; nothing is imported or run.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "analysis"
NOTEBOOKS = ROOT / "notebooks"

DOMAIN = [
    "monitoring.py",
    "problems.py",
    "recommendations/engine.py",
    "recommendations/lists.py",
    "recommendations/rules.py",
    "register.py",
    "effectiveness.py",
    "goal_tree.py",
    "passports.py",
    "methodology.py",
    "cycle_audit.py",
    "practice_bank.py",
    "documents/model.py",
    "documents/assignment.py",
    "documents/self_assessment.py",
    "documents/form_1pk.py",
    "front_page.py",
]
PAGE_OF_NOTEBOOK = {
    "01_goals": "analysis.pages.goals",
    "02_indicators": "analysis.pages.indicators",
    "03_monitoring": "analysis.pages.monitoring",
    "04_analysis": "analysis.pages.analysis",
    "05_measures": "analysis.pages.measures",
    "06_effectiveness": "analysis.pages.effectiveness",
    "07_audit": "analysis.pages.audit",
    "08_bank": "analysis.pages.bank",
}
PRESENTATION = (
    "analysis.fmt",
    "analysis.tables",
    "analysis.plots",
    "analysis.palette",
    "analysis.pages",
    "IPython",
    "matplotlib",
    "seaborn",
    "jinja2",
)
FILE_ACCESS = (
    "analysis.processed",
    "analysis.paths",
    "analysis.params",
    "analysis.files",
    "analysis.context",
    "yaml",
    "pyarrow",
    "openpyxl",
    "python_calamine",
)
READING_CALLS = {
    "open",
    "read_text",
    "read_bytes",
    "read_parquet",
    "read_excel",
    "read_csv",
    "read_table",
    "load_workbook",
    "safe_load",
}


def _imported(tree: ast.AST) -> list[tuple[str, ast.AST]]:
    """Every module a file imports, `from analysis import fmt` counted as `analysis.fmt`."""
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(alias.name, node) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            out.append((node.module, node))
            out += [(f"{node.module}.{alias.name}", node) for alias in node.names]
    return out


def _matches(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def _tree(relative: str) -> ast.AST:
    return ast.parse((PACKAGE / relative).read_text(encoding="utf-8"))


@pytest.mark.parametrize("relative", DOMAIN)
def test_a_domain_module_imports_no_presentation(relative):
    bad = sorted({m for m, _ in _imported(_tree(relative)) if _matches(m, PRESENTATION)})
    assert bad == [], f"{relative} imports presentation: {bad}"


@pytest.mark.parametrize("relative", DOMAIN)
def test_a_domain_module_reads_no_file(relative):
    tree = _tree(relative)
    bad = sorted({m for m, _ in _imported(tree) if _matches(m, FILE_ACCESS)})
    calls = sorted(
        {
            (node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id)
            for node in ast.walk(tree)
            if isinstance(node, ast.Call)
            and isinstance(node.func, (ast.Attribute, ast.Name))
            and (node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id)
            in READING_CALLS
        }
    )
    assert (bad, calls) == ([], []), f"{relative} reads files: {bad} {calls}"


@pytest.mark.parametrize(
    "relative",
    DOMAIN + ["pages/" + Path(m.replace(".", "/")).name + ".py" for m in PAGE_OF_NOTEBOOK.values()],
)
def test_domain_and_page_modules_import_at_the_top(relative):
    tree = _tree(relative)
    inner = [
        f"{relative}:{node.lineno} {module}"
        for function in ast.walk(tree)
        if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef))
        for module, node in _imported(function)
        if module.startswith("analysis")
    ]
    assert inner == [], "imports hidden inside functions:\n" + "\n".join(inner)


def _notebook_imports(path: Path) -> set[str]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    source = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    return {
        m
        for m, node in _imported(ast.parse(source))
        if m.startswith("analysis") and not (isinstance(node, ast.ImportFrom) and m == node.module)
    }


@pytest.mark.parametrize("stem", sorted(PAGE_OF_NOTEBOOK))
def test_a_notebook_calls_its_page_module_and_nothing_else_of_presentation(stem):
    imported = _notebook_imports(NOTEBOOKS / f"{stem}.ipynb")
    assert imported == {"analysis.context", PAGE_OF_NOTEBOOK[stem]}, imported


def test_every_notebook_has_exactly_one_page_module():
    stems = sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb"))
    assert stems == sorted(PAGE_OF_NOTEBOOK)
    for module in PAGE_OF_NOTEBOOK.values():
        assert (PACKAGE / "pages" / (module.rsplit(".", 1)[1] + ".py")).is_file(), module


def test_a_domain_module_is_still_a_module_of_the_package():
    # a rename must update this list, or the rules above would silently check nothing
    assert all((PACKAGE / relative).is_file() for relative in DOMAIN)

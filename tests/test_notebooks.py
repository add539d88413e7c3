"""The stage notebooks: stored clean, and they run on a tiny demo city.

Execution uses nbval in lax mode (every cell must run without error) with the notebooks'
defaults, pointed at a tiny city through ANALYSIS_PROCESSED_DIR / ANALYSIS_OUTPUT_DIR; the public
profile of 03 and 04 is executed with papermill and checked for person codes.
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from analysis import paths

NOTEBOOKS = [
    "01_goals.ipynb",
    "02_indicators.ipynb",
    "03_monitoring.ipynb",
    "04_analysis.ipynb",
    "05_measures.ipynb",
    "06_effectiveness.ipynb",
    "07_audit.ipynb",
    "08_bank.ipynb",
]
TITLES = {
    "01_goals.ipynb": "# 01. Цели",
    "02_indicators.ipynb": "# 02. Показатели и методы сбора информации",
    "03_monitoring.ipynb": "# 03. Мониторинг",
    "04_analysis.ipynb": "# 04. Анализ, адресные рекомендации",
    "05_measures.ipynb": "# 05. Меры, управленческие решения",
    "06_effectiveness.ipynb": "# 06. Анализ эффективности принятых мер",
    "07_audit.ipynb": "# 07. Выводы: аудит цикла управления",
    "08_bank.ipynb": "# 08. Банк методических продуктов и практик",
}
PARAMETERS = {
    "year": None,
    "processed_dir": None,
    "output_dir": None,
    "profile": "internal",
    "window": 3,
}


def _load(name: str) -> dict:
    return json.loads((paths.NOTEBOOKS / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_stored_without_outputs_and_with_python3_kernel(name):
    nb = _load(name)
    assert nb["metadata"]["kernelspec"] == {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_shape_title_and_one_parameters_cell_of_literals(name):
    cells = _load(name)["cells"]
    assert "".join(cells[0]["source"]).startswith(TITLES[name] + "\n")
    tagged = [c for c in cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1 and tagged[0] is cells[1]
    tree = ast.parse("".join(tagged[0]["source"]))
    values = {n.targets[0].id: ast.literal_eval(n.value) for n in tree.body}  # literals only
    assert values == PARAMETERS
    for cell in cells:
        if cell["cell_type"] == "code":  # thin notebooks: no functions or classes
            body = ast.parse("".join(cell["source"])).body
            assert not [n for n in body if isinstance(n, (ast.FunctionDef, ast.ClassDef))]


@pytest.fixture(scope="module")
def tiny_city(tmp_path_factory):
    from analysis.demo import generate

    root = tmp_path_factory.mktemp("tiny")
    generate(root / "processed", [2021, 2022, 2023], 0, 0.05, fmt="parquet")
    return root


def _env(city: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["ANALYSIS_PROCESSED_DIR"] = str(city / "processed")
    env["ANALYSIS_OUTPUT_DIR"] = str(city / "output")
    env["PYTHONPATH"] = os.pathsep.join(
        [str(paths.PROJECT_ROOT / "src"), env.get("PYTHONPATH", "")]
    )
    return env


def test_notebooks_run_with_their_defaults(tiny_city):
    args = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "--nbval-lax",
        *[str(paths.NOTEBOOKS / n) for n in NOTEBOOKS],
    ]
    done = subprocess.run(
        args,
        cwd=tiny_city,
        env=_env(tiny_city),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]


@pytest.mark.parametrize("name", ["03_monitoring.ipynb", "04_analysis.ipynb"])
def test_public_stage_shows_no_person_codes(tiny_city, name):
    import pandas as pd
    import papermill as pm

    out = tiny_city / f"public_{name}"
    pm.execute_notebook(
        str(paths.NOTEBOOKS / name),
        str(out),
        parameters={
            "profile": "public",
            "processed_dir": str(tiny_city / "processed"),
            "output_dir": str(tiny_city / "output"),
        },
        progress_bar=False,
        kernel_name="python3",
    )
    cells = json.loads(out.read_text(encoding="utf-8"))["cells"]
    text = "".join(json.dumps(c.get("outputs", []), ensure_ascii=False) for c in cells)
    staff = pd.read_parquet(tiny_city / "processed" / "2023" / "staff.parquet")
    codes = set(staff["person_id"].astype(str))
    shown = {c for c in codes if re.search(rf"(?<![\w-]){re.escape(c)}(?![\w-])", text)}
    assert not shown
    assert "Код работника" not in text and "поимённые списки не показываются" in text


def test_every_stage_notebook_is_under_test():
    # the book's stages are the NN_*.ipynb files: a new or renamed one must be listed here
    stored = sorted(p.name for p in paths.NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    assert stored == NOTEBOOKS and sorted(TITLES) == NOTEBOOKS

"""What the book is made of and what must be rebuilt.

The notebooks in `notebooks/` (`NN_*.ipynb`, sorted) are the stages; each page is a stage × year.
A page's fingerprint hashes everything its output can depend on: the notebook file, the library
source, `params/`, the processed data of the years it can read, and its parameters. Only pages
whose fingerprint differs from the last good build are executed again.

This module is imported on every build, including the unchanged rebuild that must finish in
about a second: it uses the standard library only.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from analysis import paths
from analysis.files import write_text_atomic

STAGE_GLOB = "[0-9][0-9]_*.ipynb"  # SPEC §2: notebooks/NN_stage.ipynb
HEADING = re.compile(r"^\s*#\s+(.+?)\s*#*\s*$", re.MULTILINE)  # first «# …» of a markdown cell
STATE_FILE = ".build-state.json"
STATE_VERSION = 1  # bump when the fingerprint recipe changes: every page is rebuilt once
LIBRARY_DIR = Path(__file__).resolve().parents[1]  # src/analysis
MANIFEST = "manifest.json"  # analysis.processed.MANIFEST (not imported: it pulls in pandas)
SOURCE, SOURCE_DEMO = "source", "demo"  # analysis.processed.SOURCE / SOURCE_DEMO (same reason)


@dataclass(frozen=True)
class Stage:
    """One notebook of the book."""

    stem: str  # "03_monitoring"
    path: Path
    title: str  # from the notebook's first markdown heading
    digest: str  # hash of the notebook file


@dataclass(frozen=True)
class Page:
    """One stage rendered for one year."""

    year: int
    stage: Stage
    parameters: dict
    fingerprint: str
    inputs: dict  # the parts of the fingerprint, kept in the record to tell why a page re-ran

    @property
    def key(self) -> str:
        return f"{self.year}/{self.stage.stem}"


def discover_stages(notebooks_dir: Path) -> list[Stage]:
    """The notebooks of the book, in cycle order, with their titles."""
    stages = []
    for path in sorted(Path(notebooks_dir).glob(STAGE_GLOB)):
        data = path.read_bytes()
        stages.append(Stage(path.stem, path, stage_title(data, path.stem), _sha(data)))
    return stages


def stage_title(notebook_bytes: bytes, fallback: str) -> str:
    """The text of the first `# …` heading of the first markdown cell that has one."""
    try:
        cells = json.loads(notebook_bytes.decode("utf-8")).get("cells", [])
    except (UnicodeDecodeError, json.JSONDecodeError, AttributeError):
        return fallback
    for cell in cells:
        if cell.get("cell_type") != "markdown":
            continue
        source = cell.get("source", "")
        match = HEADING.search("".join(source) if isinstance(source, list) else source)
        if match:
            return match.group(1)
    return fallback


def tree_digest(root: Path, pattern: str) -> str:
    """Hash of the relative names and contents of the files under `root` matching `pattern`."""
    digest = hashlib.sha256()
    root = Path(root)
    for path in sorted(p for p in root.glob(pattern) if p.is_file()):
        if "__pycache__" in path.parts:
            continue
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(_sha(path.read_bytes()).encode() + b"\0")
    return digest.hexdigest()


def library_digest() -> str:
    """Hash of the library source (src/analysis/**/*.py) and its templates (**/*.j2: the page
    CSS and markup go into every page)."""
    return tree_digest(LIBRARY_DIR, "**/*.py") + tree_digest(LIBRARY_DIR, "**/*.j2")


def params_digest(params_dir: Path | None = None) -> str:
    """Hash of everything in params/ (goals, targets, rules, book settings)."""
    return tree_digest(Path(params_dir or paths.PARAMS), "**/*")


def read_manifest(processed_dir: Path) -> dict:
    """The processed folder's manifest ({} when nothing has been ingested)."""
    path = Path(processed_dir) / MANIFEST
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def manifest_years(manifest: dict) -> list[int]:
    """The processed years of a manifest, ascending."""
    return sorted(int(y) for y in manifest.get("years", {}))


def book_years(manifest: dict) -> list[int]:
    """The years the book shows by default: those with a staff list. A year loaded only for
    its history (the courses of the two years before the first one, for the three-year
    indicators) gets no pages of its own; with no staff list anywhere, every year."""
    entries = manifest.get("years", {})
    full = sorted(
        int(y)
        for y, e in entries.items()
        if isinstance(e, dict) and "staff" in e.get("forms_present", ["staff"])
    )
    return full or manifest_years(manifest)


def demo_years(manifest: dict) -> frozenset[int]:
    """The processed years that are the demo city (their manifest entry says so)."""
    return frozenset(
        int(y)
        for y, entry in manifest.get("years", {}).items()
        if isinstance(entry, dict) and entry.get(SOURCE) == SOURCE_DEMO
    )


def data_digests(processed_dir: Path, manifest: dict) -> dict[int, str]:
    """Per processed year: hash of its manifest entry and its Parquet files."""
    out = {}
    for year, entry in manifest.get("years", {}).items():
        digest = hashlib.sha256(json.dumps(entry, sort_keys=True).encode())
        digest.update(tree_digest(Path(processed_dir) / year, "*.parquet").encode())
        out[int(year)] = digest.hexdigest()
    return out


def readable_data(digests: dict[int, str], year: int) -> str:
    """Hash of the data a page of `year` can read: every processed year up to `year`.

    Not only y−3 … y: a `_3y` indicator of y−2 shown in the dynamics reads y−4, and the
    effectiveness of a measure of y−3 compares with y−4. Earlier years change rarely, so
    hashing them all costs a rebuild only when old data is corrected — which must show.
    """
    digest = hashlib.sha256()
    for y in sorted(k for k in digests if k <= year):
        digest.update(f"{y}:{digests[y]}\n".encode())
    return digest.hexdigest()


def fingerprint(*parts: object) -> str:
    """A stable hash of JSON-able parts."""
    return _sha(json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str).encode())


def plan_pages(
    stages: list[Stage],
    years: list[int],
    common: dict[str, str],
    data: dict[int, str],
    parameters: dict,
) -> list[Page]:
    """Every page of the requested years, with its fingerprint."""
    pages = []
    for year in years:
        params = {"year": year, **parameters}
        for stage in stages:
            inputs = {
                **common,
                "notebook": stage.digest,
                "data": readable_data(data, year),
                "parameters": fingerprint(params),
            }
            fp = fingerprint(inputs)
            pages.append(Page(year, stage, params, fp, inputs))
    return pages


def load_state(path: Path) -> dict:
    """The last build's record (pages, their fingerprints, key figures); empty if none/old."""
    try:
        state = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return _empty_state()
    if state.get("version") != STATE_VERSION:
        return _empty_state()
    return state


def save_state(path: Path, state: dict) -> None:
    """Write the record deterministically (sorted keys, no times); untouched when unchanged."""
    text = json.dumps(state, sort_keys=True, ensure_ascii=False, indent=1) + "\n"
    path = Path(path)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        write_text_atomic(path, text)


def _empty_state() -> dict:
    return {"version": STATE_VERSION, "pages": {}, "years": {}, "site": ""}


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()

"""Loaders of `params/` — what management decides (SPEC §3), read at the edge.

Domain modules read no file: each takes the parsed declarations (rules, thresholds, criteria)
as arguments, and the pages, the build and the exports load them here. One module per file of
`params/`; `read_yaml` gives each the same Russian message for a missing or broken file.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from analysis import paths
from analysis.errors import UserError

# libyaml's parser when PyYAML has it (~10× faster; every page reads several of these files),
# the same safe subset of YAML either way
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def params_path(file: str, params_dir: Path | None = None) -> Path:
    """`params/<file>` (or the file in another folder of parameters)."""
    return Path(params_dir or paths.PARAMS) / file


def read_yaml(file: str, what: str, params_dir: Path | None = None) -> object | None:
    """The parsed `params/<file>`, None when the file is absent; a broken file is a UserError
    «<file>: <what> не прочитаны — <why>»."""
    path = params_path(file, params_dir)
    if not path.exists():
        return None
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise UserError(f"{path.name}: {what} не прочитаны — {exc}") from None

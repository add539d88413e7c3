"""Independent random streams of the demo city, all derived from the one seed.

Each part of the city draws from its own stream (keyed by a constant and, where it matters, by the
year), so the register of measures and its ground truth can be rebuilt from the seed without
simulating the staff, and adding draws to one part never shifts the numbers of another.
"""

from __future__ import annotations

import numpy as np

# Stream keys: one constant per part of the city (never reuse or renumber: it would change cities).
INSTITUTIONS = 1
ASSOCIATIONS = 2
MEASURES = 3
STAFF = 4
ACTIVITY = 5
# 6 is `measures.EFFECTS_STREAM`
INFORMAL = 7  # ПТГ cards and the РЦ columns of plan-reports (`informal`)


def stream(seed: int, key: int, year: int = 0) -> np.random.Generator:
    """A generator for one part of the city (and one year) of the city of ``seed``."""
    return np.random.default_rng([int(seed) % 2**32, key, year])


def sigmoid(x: np.ndarray | float) -> np.ndarray:
    """Logistic function (probabilities from additive effects on the log-odds scale)."""
    return 1.0 / (1.0 + np.exp(-np.asarray(x, dtype=float)))


def logit(p: float) -> float:
    """Log-odds of a base rate."""
    return float(np.log(p / (1.0 - p)))


def random_dates(
    rng: np.random.Generator, year: int, n: int, first_month: int = 1, last_month: int = 12
) -> np.ndarray:
    """``n`` uniform days of ``year`` between the first and the last month (datetime64[D])."""
    start = np.datetime64(f"{year}-{first_month:02d}-01")
    end = (np.datetime64(f"{year}-{last_month:02d}", "M") + 1).astype("datetime64[D]")
    span = int((end - start).astype(int))
    return start + rng.integers(0, span, size=n).astype("timedelta64[D]")

"""The attack, run before publishing: which hidden quantities the public relations pin down.

For every hidden quantity q (a numerator or a count) the reader can bound q by integer linear
programming over everything published (`analysis.disclosure.relations`). q is *protected* when
some whole-number table that agrees with every published figure moves it by at least one
person from its true value; otherwise it is *pinned* and must get a partner hidden.

Two programs per cell (max and min) would be thousands a year; instead one program pushes the
still-unresolved cells in random directions at once (a random half up, the rest down: pushing
all up says nothing where siblings must add up to a known total), every cell that moved by ≥ 1
is resolved, and this repeats while it resolves something; only the cells left get programs
of their own, as questions of feasibility (is there a whole-number table with the cell one
person above its truth? below?), which the solver answers faster than an optimum. Each
program's answers are remembered for the year (`Year.audited`). The relations are split into
independent components first (an indicator and those tied to it by subsets or chains), so
each program is small.
"""

from __future__ import annotations

import numpy as np

from analysis.disclosure.relations import Year

MOVE = 1.0 - 1e-6  # a move of one person (LP tolerance aside) protects a cell
SEED = 0  # the random directions of the batch LPs: fixed, so two builds hide the same cells
BATCH_MISSES = 3  # batch LPs in a row that resolve nothing before the cell-by-cell LPs
FAR = 1e6  # a count with no upper bound: capped far away so that every LP is bounded


def pinned(year: Year, hidden: np.ndarray, check: set[int] | None = None) -> list[int]:
    """Rows (of `check`, default every hidden one) whose hidden quantity the published
    relations fix to one value.

    Hiding more cells only widens what the reader must consider possible (a known constant
    becomes a free variable; a chained share loses its printed denominator), so a cell once
    protected stays protected: after the first round only the cells pinned before and the ones
    newly hidden need `check`.
    """
    variables = np.flatnonzero(hidden & year.protectable)
    if not len(variables):
        return []
    out: list[int] = []
    components = (
        _components(year, hidden, variables)
        if check is None or len(check) > 1
        else [_reachable(year, hidden, next(iter(check)))]
    )
    for component in components:
        targets = [k for k, row in enumerate(component) if check is None or row in check]
        if targets:
            out += _pinned_in(year, hidden, component, targets)
    return sorted(out)


def _constraints(
    year: Year, hidden: np.ndarray, rows: list[int] | None = None
) -> list[tuple[list[int], list[float], float, bool]]:
    """The relations (touching `rows`, default all) as (rows, coefs, rhs, equality), with the
    chains' extra ones."""
    rels = year.relations if rows is None else year.touching(rows)
    cons = [(r.rows, r.coefs, r.rhs, r.equality) for r in rels]
    wanted = None if rows is None else set(rows)
    for share, link in year.chain_link.items():
        if wanted is not None and share not in wanted and link not in wanted:
            continue
        if hidden[link] and hidden[share]:  # the share's count is at most its denominator
            cons.append(([share, link], [1.0, -1.0], 0.0, False))
        elif hidden[link]:  # a visible share prints its denominator: the linked count itself
            cons.append(([link], [1.0], float(year.truth[link]), True))
    return cons


def _components(year: Year, hidden: np.ndarray, variables: np.ndarray) -> list[list[int]]:
    """Groups of variables that share no relation with each other group."""
    parent = {int(v): int(v) for v in variables}

    def find(v: int) -> int:
        while parent[v] != v:
            parent[v] = parent[parent[v]]
            v = parent[v]
        return v

    for rows, _, _, _ in _constraints(year, hidden):
        vs = [r for r in rows if r in parent]
        for v in vs[1:]:
            parent[find(v)] = find(vs[0])
    groups: dict[int, list[int]] = {}
    for v in parent:
        groups.setdefault(find(v), []).append(v)
    return [sorted(g) for g in groups.values()]


def _reachable(year: Year, hidden: np.ndarray, start: int) -> list[int]:
    """The component of one variable, found by walking its relations (cheaper than all)."""
    variable = (hidden & year.protectable).tolist()  # Python bools: read once per neighbour
    if not variable[start]:
        return []
    neighbours = year.neighbours()
    seen, todo = {start}, [start]
    while todo:
        for k in neighbours.get(todo.pop(), ()):
            if k not in seen and variable[k]:
                seen.add(k)
                todo.append(k)
    return sorted(seen)


def _pinned_in(
    year: Year, hidden: np.ndarray, component: list[int], targets: list[int]
) -> list[int]:
    """The rows of `targets` (positions in `component`) pinned, each answer remembered for
    the program it came from: partner trials that are undone, and later rounds, meet the
    same programs again (whether a cell is pinned is a fact of the program, not of the
    order the cells were asked in)."""
    known = year.audited.setdefault(_program_key(year, hidden, component), {})
    todo = [k for k in targets if component[k] not in known]
    if todo:
        stuck = set(_solve(year, hidden, component, todo))
        known.update({component[k]: component[k] in stuck for k in todo})
    return [component[k] for k in targets if known[component[k]]]


def _program_key(year: Year, hidden: np.ndarray, component: list[int]) -> tuple:
    """What the attacker's program over `component` depends on besides the year's fixed
    figures: its variables and, of each chain touching them, which ends are hidden (the
    other relations' cells outside the component are constants whether hidden or not)."""
    inside = set(component)
    chains = tuple(
        (share, link, bool(hidden[share]), bool(hidden[link]))
        for share, link in year.chain_link.items()
        if share in inside or link in inside
    )
    return tuple(component), chains


def _solve(year: Year, hidden: np.ndarray, component: list[int], targets: list[int]) -> list[int]:
    lp = _LP(year, hidden, component)
    if lp.free:  # bounds only: a cell over at least one person can always move
        return []
    unresolved = set(targets)
    rng = np.random.default_rng(SEED)
    misses = 0
    while len(unresolved) > 1 and misses < BATCH_MISSES:  # random halves up, the rest down
        targets = sorted(unresolved)
        signs = lp.directions(targets, rng)
        moved = lp.moved(signs, targets)
        misses = 0 if moved & unresolved else misses + 1
        unresolved -= moved
    for k in sorted(unresolved):  # what is left: one cell at a time, both ways
        if lp.can_move(k, 1.0) or lp.can_move(k, -1.0):
            unresolved.discard(k)
    return [component[k] for k in sorted(unresolved)]


class _LP:
    """The attacker's LP over one component: x = the hidden quantities, the rest constants."""

    def __init__(self, year: Year, hidden: np.ndarray, component: list[int]) -> None:
        at = {row: k for k, row in enumerate(component)}
        n = len(component)
        constant = year.known_truth  # a cell outside the program: its (published) quantity
        lines: tuple[list, list] = ([], [])  # (equalities, inequalities): {column: coef}, rhs
        for rows, coefs, rhs, equality in _constraints(year, hidden, component):
            line: dict[int, float] = {}
            known = 0.0
            for row, coef in zip(rows, coefs, strict=True):
                k = at.get(row)
                if k is not None:
                    line[k] = line.get(k, 0.0) + coef
                else:
                    known += coef * constant[row]
            if line:
                lines[0 if equality else 1].append((line, rhs - known))
        self.n_eq, self.n_ub = len(lines[0]), len(lines[1])
        # one matrix, equalities first (the order scipy stacks two constraints in): built
        # once, each solve changes only the objective
        ordered = lines[0] + lines[1]
        self.a = _sparse(ordered, n)
        rhs_all = np.array([b for _, b in ordered], dtype=float)
        self.b_low = np.concatenate([rhs_all[: self.n_eq], np.full(self.n_ub, -np.inf)])
        self.b_high = rhs_all
        hidden_links = {s for s, link in year.chain_link.items() if hidden[link]}
        self.truth = year.truth[component]
        upper = year.upper[component]
        # a count, or a share whose denominator is hidden too: no known upper bound
        unbounded = ~np.isfinite(upper) | np.array([row in hidden_links for row in component])
        self.low = np.zeros(n)
        self.high = np.where(unbounded, self.truth + FAR, upper).astype(float)

    @property
    def free(self) -> bool:
        """No relation touches the component (each cell is bounded by 0 and its size only)."""
        return self.n_eq + self.n_ub == 0

    def directions(self, targets: list[int], rng: np.random.Generator) -> np.ndarray:
        """+1 (push up) or −1 per target: away from the bound a cell sits on, else at random."""
        signs = rng.choice((-1.0, 1.0), size=len(targets))
        truth = self.truth[targets]
        signs[truth - self.low[targets] < MOVE] = 1.0
        signs[self.high[targets] - truth < MOVE] = -1.0
        return signs

    def moved(self, signs: np.ndarray, targets: list[int]) -> set[int]:
        """Push each target in the direction of its sign; the cells that moved by ≥ 1.

        Over integers (people are whole): the crossing sums (district, type, school group)
        are not totally unimodular, so the LP relaxation can move a cell only to fractional
        points where no whole-number table exists — an attacker with an integer solver would
        still pin it.
        """
        from scipy.optimize import Bounds, LinearConstraint, milp  # lazy: public build only

        c = np.zeros(len(self.truth))
        c[targets] = -signs  # milp minimises
        res = milp(
            c,
            constraints=LinearConstraint(self.a, self.b_low, self.b_high),
            bounds=Bounds(self.low, self.high),
            integrality=np.ones(len(c)),
        )
        if res.status != 0 or res.x is None:  # the truth is feasible: a solver limit at most
            return set()
        return {int(k) for k in np.flatnonzero(np.abs(res.x - self.truth) >= MOVE)}

    def can_move(self, k: int, sign: float) -> bool:
        """Whether some whole-number table agreeing with everything published has cell `k` one
        person or more above (sign +1) or below (−1) its truth.

        A question of feasibility, not an optimum: the cell's bound is moved past the truth
        and any solution answers it (the solver stops at the first whole-number one, or
        proves there is none), about half the work of pushing the cell as far as it goes.
        """
        from scipy.optimize import Bounds, LinearConstraint, milp  # lazy: public build only

        low, high, truth = self.low.copy(), self.high.copy(), self.truth[k]
        if sign > 0:
            low[k] = truth + 1.0
        else:
            high[k] = truth - 1.0
        if low[k] > high[k]:  # the cell sits on its bound: no table moves it that way
            return False
        res = milp(
            np.zeros(len(self.truth)),
            constraints=LinearConstraint(self.a, self.b_low, self.b_high),
            bounds=Bounds(low, high),
            integrality=np.ones(len(self.truth)),
        )
        # no table (or a solver limit): pinned that way, the careful answer
        return res.status == 0 and res.x is not None and abs(res.x[k] - truth) >= MOVE


def _sparse(lines: list[tuple[dict[int, float], float]], n: int):
    """The rows `lines` ({column: coef}) as a compressed sparse column matrix, built from
    index arrays directly (scipy's own conversion from triplets costs more than a solve)."""
    from scipy.sparse import csc_array  # lazy: public build only

    rows = np.array([i for i, (line, _) in enumerate(lines) for _ in line], dtype=np.int32)
    cols = np.array([c for line, _ in lines for c in line], dtype=np.int32)
    data = np.array([v for line, _ in lines for v in line.values()], dtype=float)
    keep = data != 0.0  # a coefficient that cancelled: absent, as the dense matrix had it
    rows, cols, data = rows[keep], cols[keep], data[keep]
    order = np.lexsort((rows, cols))
    indptr = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(np.bincount(cols, minlength=n), out=indptr[1:])
    return csc_array((data[order], rows[order], indptr), shape=(len(lines), n))

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

from functools import cached_property
from typing import NamedTuple

import numpy as np

from analysis.disclosure.relations import Year, spans

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


def _components(year: Year, hidden: np.ndarray, variables: np.ndarray) -> list[list[int]]:
    """Groups of variables that share no relation with each other group (each group sorted,
    the groups in the order of their first variable). Two variables are joined by a relation
    they are both in, or by a chain whose two ends are both hidden (see `_lines`)."""
    from scipy.sparse import csr_array  # lazy: public build only
    from scipy.sparse.csgraph import connected_components

    inc = year.incidence
    n = len(hidden)
    is_variable = np.zeros(n, dtype=bool)
    is_variable[variables] = True
    relation_of = np.repeat(np.arange(len(inc.rhs)), np.diff(inc.relation_start))
    in_relation = is_variable[inc.rows]  # a variable — its relation (node n + relation)
    chained = is_variable[inc.chain_share] & is_variable[inc.chain_link]
    tail = np.concatenate([inc.rows[in_relation], inc.chain_share[chained]])
    head = np.concatenate([n + relation_of[in_relation], inc.chain_link[chained]])
    size = n + len(inc.rhs)
    graph = csr_array((np.ones(len(tail)), (tail, head)), shape=(size, size))
    _, labels = connected_components(graph, directed=False)
    groups: dict[int, list[int]] = {}
    for v, label in zip(variables.tolist(), labels[variables].tolist(), strict=True):
        groups.setdefault(label, []).append(v)
    return list(groups.values())


def _reachable(year: Year, hidden: np.ndarray, start: int) -> list[int]:
    """The component of one variable, found by walking its relations and chains (cheaper
    than all), a whole frontier at a time; a relation once walked is done (every variable
    in it was reached)."""
    variable = hidden & year.protectable
    if not variable[start]:
        return []
    inc = year.incidence
    seen = np.zeros(len(variable), dtype=bool)
    walked = np.zeros(len(inc.rhs), dtype=bool)
    seen[start] = True
    frontier = np.array([start], dtype=np.intp)
    while len(frontier):
        relations = inc.relations_of_row[spans(inc.row_start, frontier)]
        relations = np.unique(relations[~walked[relations]])
        walked[relations] = True
        near = np.concatenate(
            [
                inc.rows[spans(inc.relation_start, relations)],
                inc.partners[spans(inc.partner_start, frontier)],
            ]
        )
        frontier = np.unique(near[variable[near] & ~seen[near]])
        seen[frontier] = True
    return np.flatnonzero(seen).tolist()


def _pinned_in(
    year: Year, hidden: np.ndarray, component: list[int], targets: list[int]
) -> list[int]:
    """The rows of `targets` (positions in `component`) pinned, each answer remembered for
    the program it came from: partner trials that are undone, and later rounds, meet the
    same programs again (whether a cell is pinned is a fact of the program, not of the
    order the cells were asked in)."""
    key = _program_key(year, hidden, component)
    known = year.audited.setdefault(key, {})
    todo = [k for k in targets if component[k] not in known]
    if todo:
        lp = year.programs.get(key)
        if lp is None:
            lp = year.programs[key] = _LP(year, hidden, component)
        stuck = set(_solve(lp, component, todo))
        known.update({component[k]: component[k] in stuck for k in todo})
    return [component[k] for k in targets if known[component[k]]]


def _program_key(year: Year, hidden: np.ndarray, component: list[int]) -> tuple:
    """What the attacker's program over `component` depends on besides the year's fixed
    figures: its variables and, of each chain touching them, which ends are hidden (the
    other relations' cells outside the component are constants whether hidden or not)."""
    inc = year.incidence
    inside = np.zeros(len(hidden), dtype=bool)
    inside[component] = True
    touched = inside[inc.chain_share] | inside[inc.chain_link]
    shares, links = inc.chain_share[touched], inc.chain_link[touched]
    chains = tuple(
        zip(shares.tolist(), links.tolist(), hidden[shares].tolist(), hidden[links].tolist())
    )
    return tuple(component), chains


def _solve(lp: _LP, component: list[int], targets: list[int]) -> list[int]:
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
        self._lines = _lines(year, hidden, component)
        equality = self._lines.equality
        self.n_eq, self.n_ub = int(equality.sum()), int((~equality).sum())
        # one matrix, equalities first (the order scipy stacks two constraints in): built
        # on the first solve (a program of bounds only is never solved), then each solve
        # changes only the objective
        self._order = np.concatenate([np.flatnonzero(equality), np.flatnonzero(~equality)])
        rhs_all = self._lines.rhs[self._order]
        self.b_low = np.concatenate([rhs_all[: self.n_eq], np.full(self.n_ub, -np.inf)])
        self.b_high = rhs_all
        inc = year.incidence
        hidden_links = np.zeros(len(hidden), dtype=bool)
        hidden_links[inc.chain_share[hidden[inc.chain_link]]] = True
        self.truth = year.truth[component]
        upper = year.upper[component]
        # a count, or a share whose denominator is hidden too: no known upper bound
        unbounded = ~np.isfinite(upper) | hidden_links[component]
        self.low = np.zeros(len(component))
        self.high = np.where(unbounded, self.truth + FAR, upper).astype(float)

    @cached_property
    def a(self):
        """The constraint matrix (compressed sparse columns)."""
        return _sparse(self._lines, self._order, len(self.truth))

    @cached_property
    def constraint(self):
        from scipy.optimize import LinearConstraint  # lazy: public build only

        return LinearConstraint(self.a, self.b_low, self.b_high)

    @cached_property
    def bounds(self):
        from scipy.optimize import Bounds  # lazy: public build only

        return Bounds(self.low, self.high)

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
        from scipy.optimize import milp  # lazy: public build only

        c = np.zeros(len(self.truth))
        c[targets] = -signs  # milp minimises
        res = milp(
            c,
            constraints=self.constraint,
            bounds=self.bounds,
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
        from scipy.optimize import Bounds, milp  # lazy: public build only

        low, high, truth = self.low.copy(), self.high.copy(), self.truth[k]
        if sign > 0:
            low[k] = truth + 1.0
        else:
            high[k] = truth - 1.0
        if low[k] > high[k]:  # the cell sits on its bound: no table moves it that way
            return False
        res = milp(
            np.zeros(len(self.truth)),
            constraints=self.constraint,
            bounds=Bounds(low, high),
            integrality=np.ones(len(self.truth)),
        )
        # no table (or a solver limit): pinned that way, the careful answer
        return res.status == 0 and res.x is not None and abs(res.x[k] - truth) >= MOVE


class _Lines(NamedTuple):
    """An attacker's program's constraints, before the equalities are put first: line
    line[e] has coefficient coefs[e] at column column[e] (a position in the component;
    a line's entries in the order of its relation's rows)."""

    line: np.ndarray
    column: np.ndarray
    coefs: np.ndarray
    rhs: np.ndarray  # constants folded in
    equality: np.ndarray


def _lines(year: Year, hidden: np.ndarray, component: list[int]) -> _Lines:
    """The constraints over `component`: the relations touching it (in the order its rows
    first meet them), then the chains' extra ones (of each chain with its count hidden and
    an end in the component: share ≤ count when both are hidden, else count = the printed
    denominator), without the lines that touch no variable. A cell outside the component is
    a constant (its published quantity): its coef · quantity is moved to the right-hand side,
    summed in the relation's order (np.bincount adds in order, as a loop would)."""
    inc = year.incidence
    columns = np.asarray(component, dtype=np.intp)
    at = np.full(len(hidden), -1, dtype=np.intp)
    at[columns] = np.arange(len(columns))
    met = inc.relations_of_row[spans(inc.row_start, columns)]
    _, first = np.unique(met, return_index=True)
    relations = met[np.sort(first)]
    entries = spans(inc.relation_start, relations)
    line = np.repeat(np.arange(len(relations)), np.diff(inc.relation_start)[relations])
    rows, coefs = inc.rows[entries], inc.coefs[entries]
    rhs, equality = inc.rhs[relations], inc.equality[relations]
    # the chains with their count hidden and an end in the component, in the year's order:
    # share − count ≤ 0 when the share is hidden too, else count = the printed denominator
    touched = ((at[inc.chain_share] >= 0) | (at[inc.chain_link] >= 0)) & hidden[inc.chain_link]
    shares, links = inc.chain_share[touched], inc.chain_link[touched]
    both = hidden[shares]
    kept = np.stack([both, np.ones_like(both)], axis=1).ravel()  # a visible share: no entry
    chain_rows = np.stack([shares, links], axis=1).ravel()[kept]
    chain_coefs = np.stack([np.ones(len(links)), np.where(both, -1.0, 1.0)], axis=1).ravel()
    chain_line = len(relations) + np.repeat(np.arange(len(links)), np.where(both, 2, 1))
    chain_rhs = np.where(both, 0.0, year.truth[links])
    chain_eq = ~both
    rows = np.concatenate([rows, chain_rows])
    line = np.concatenate([line, chain_line])
    coefs = np.concatenate([coefs, chain_coefs[kept]])
    rhs = np.concatenate([rhs, chain_rhs])
    equality = np.concatenate([equality, chain_eq])
    column = at[rows]
    inside = column >= 0
    outside = ~inside
    constant = year.constant[rows[outside]]
    known = np.bincount(line[outside], weights=coefs[outside] * constant, minlength=len(rhs))
    used = np.bincount(line[inside], minlength=len(rhs)) > 0
    renumber = np.cumsum(used) - 1
    return _Lines(
        renumber[line[inside]],
        column[inside],
        coefs[inside],
        (rhs - known)[used],
        equality[used],
    )


def _sparse(lines: _Lines, order: np.ndarray, n: int):
    """The lines in `order` as a compressed sparse column matrix, built from index arrays
    directly (scipy's own conversion from triplets costs more than a solve). A column met
    twice in a line has its coefficients added (in order); a coefficient that cancelled is
    absent, as the dense matrix had it."""
    from scipy.sparse import csc_array  # lazy: public build only

    position = np.empty(len(order), dtype=np.intp)
    position[order] = np.arange(len(order))
    rows = position[lines.line]
    cells, inverse = np.unique(lines.column * len(order) + rows, return_inverse=True)
    data = np.bincount(inverse, weights=lines.coefs, minlength=len(cells))
    keep = data != 0.0
    cells, data = cells[keep], data[keep]
    cols = (cells // max(len(order), 1)).astype(np.int32)
    indptr = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(np.bincount(cols, minlength=n), out=indptr[1:])
    return csc_array(
        (data, (cells % max(len(order), 1)).astype(np.int32), indptr), shape=(len(order), n)
    )

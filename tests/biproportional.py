"""An independent biproportional rounding, to compare the model's allocation against.

A divisor method with alternating scaling (Balinski and Demange): find row multipliers
and column multipliers such that rounding every cell's scaled quota to the nearest whole
unit meets given row and column totals. It knows nothing of CP-SAT or of the model.
"""

from __future__ import annotations

from fractions import Fraction


def largest_remainder(quotas: dict[str, Fraction], total: int) -> dict[str, int]:
    """Whole numbers summing to ``total``, each the floor or ceiling of its quota."""
    floors = {k: q.numerator // q.denominator for k, q in quotas.items()}
    left = total - sum(floors.values())
    order = sorted(quotas, key=lambda k: (-(quotas[k] - floors[k]), k))
    for k in order[:left]:
        floors[k] += 1
    return floors


def _round(x: float) -> int:
    return int(x + 0.5)


def _multiplier(values: list[Fraction], target: int) -> float | None:
    """A multiplier m with sum(round(v * m)) == target, by bisection; None if none is hit."""
    lo, hi = 0.0, 1.0
    while sum(_round(float(v) * hi) for v in values) < target:
        hi *= 2
        if hi > 1e12:
            return None
    for _ in range(200):
        mid = (lo + hi) / 2
        got = sum(_round(float(v) * mid) for v in values)
        if got == target:
            return mid
        if got < target:
            lo = mid
        else:
            hi = mid
    return None


def biproportional(quota: dict[tuple[str, str], Fraction], rows: dict[str, int],
                   cols: dict[str, int], rounds: int = 100) -> dict[tuple[str, str], int] | None:
    """Integer cells near ``quota`` with the given row and column sums; None if not reached."""
    row_mult = dict.fromkeys(rows, 1.0)
    col_mult = dict.fromkeys(cols, 1.0)

    def cell(r: str, c: str) -> int:
        return _round(float(quota[(r, c)]) * row_mult[r] * col_mult[c])

    for _ in range(rounds):
        for c in cols:
            m = _multiplier([quota[(r, c)] * Fraction(row_mult[r]) for r in rows], cols[c])
            if m is None:
                return None
            col_mult[c] = m
        if all(sum(cell(r, c) for c in cols) == rows[r] for r in rows):
            return {(r, c): cell(r, c) for r in rows for c in cols}
        for r in rows:
            m = _multiplier([quota[(r, c)] * Fraction(col_mult[c]) for c in cols], rows[r])
            if m is None:
                return None
            row_mult[r] = m
        if all(sum(cell(r, c) for r in rows) == cols[c] for c in cols):
            return {(r, c): cell(r, c) for r in rows for c in cols}
    return None

"""Exact sums of fractions with one common denominator.

Adding fractions one by one reduces every partial sum by a gcd; an analysis adds the same
kinds of figures (caseloads, units × granularity, weights × caseloads) thousands of times
per second. Over the terms' common denominator a sum is one integer sum and one reduction,
and the result is the same fraction; figures kept as whole numbers over one denominator
are summed and compared as integers.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import TypeVar

K = TypeVar("K")


def exact_sum(terms: Iterable[Fraction]) -> Fraction:
    """``sum(terms, Fraction(0))``, with a single reduction.

    >>> exact_sum([Fraction(1, 6), Fraction(1, 3), Fraction(3)])
    Fraction(7, 2)
    """
    terms = list(terms)
    if len(terms) == 1 and isinstance(terms[0], Fraction):
        return terms[0]
    if not terms:
        return Fraction(0)
    q = math.lcm(*(t.denominator for t in terms))
    return Fraction(sum(t.numerator * (q // t.denominator) for t in terms), q)


def over_one_denominator(values: Mapping[K, Fraction]) -> tuple[int, dict[K, int]]:
    """``values`` as whole numbers over their least common denominator q: (q, {key: q ×
    value}), so that sums and comparisons of them are integer operations.

    >>> over_one_denominator({"a": Fraction(1, 2), "b": Fraction(2, 3)})
    (6, {'a': 3, 'b': 4})
    """
    q = math.lcm(*(v.denominator for v in values.values()))
    return q, {k: v.numerator * (q // v.denominator) for k, v in values.items()}


def round_over(numerator: int, denominator: int) -> int:
    """``round(Fraction(numerator, denominator))`` (halves to even) in whole numbers;
    ``denominator`` > 0.

    >>> [round_over(n, 2) for n in (1, 3, 5, -1)]
    [0, 2, 2, 0]
    """
    k, rest = divmod(numerator, denominator)
    return k + (2 * rest > denominator or (2 * rest == denominator and k % 2 == 1))


def weights_over(weights: Mapping[K, Fraction], per: Mapping[K, int]
                 ) -> tuple[int, dict[K, int]]:
    """Each weight divided by its whole number ``per[key]`` (> 0) as k / common, every k
    whole: (common, {key: k}), so that a weighted sum of whole numbers is one integer sum
    over ``common``.

    >>> weights_over({"a": Fraction(1, 2), "b": Fraction(1, 3)}, {"a": 2, "b": 1})
    (12, {'a': 3, 'b': 4})
    """
    over = {k: w.denominator * per[k] for k, w in weights.items()}
    common = math.lcm(*over.values())
    return common, {k: w.numerator * (common // over[k]) for k, w in weights.items()}

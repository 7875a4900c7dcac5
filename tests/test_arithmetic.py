"""Whole-number arithmetic against the Fraction arithmetic it stands in for."""

from __future__ import annotations

import math
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from allocator.scenario.arithmetic import exact_sum, over_one_denominator, round_over

fractions = st.fractions(min_value=-10**6, max_value=10**6, max_denominator=10**4)


@given(st.integers(-10**9, 10**9), st.integers(1, 10**6))
def test_round_over_is_round_half_to_even(numerator: int, denominator: int) -> None:
    assert round_over(numerator, denominator) == round(Fraction(numerator, denominator))


@given(st.integers(-10**6, 10**6), st.integers(1, 10**3))
def test_round_over_exact_halves_go_to_even(k: int, half: int) -> None:
    # (2k + 1) / 2 scaled by ``half``: an exact half, whatever the denominator.
    assert round_over((2 * k + 1) * half, 2 * half) == round(Fraction(2 * k + 1, 2))
    assert round_over((2 * k + 1) * half, 2 * half) % 2 == 0


@given(st.dictionaries(st.text(max_size=3), fractions, min_size=1, max_size=12))
def test_over_one_denominator_keeps_every_value(values: dict[str, Fraction]) -> None:
    q, whole = over_one_denominator(values)
    assert list(whole) == list(values)
    assert {k: Fraction(w, q) for k, w in whole.items()} == values
    # The least such denominator: the values' denominators' least common multiple.
    assert q == math.lcm(*(v.denominator for v in values.values()))


@given(st.lists(fractions, max_size=10))
def test_exact_sum_matches_fraction_arithmetic(values: list[Fraction]) -> None:
    assert exact_sum(values) == sum(values, Fraction(0))

"""What an allocation costs each municipality [EUR/year], derived from the allocation alone.

The plan's rule of who pays (§5): each municipality pays the customer service given to its
residents, wherever the office is; an office's own costs (premises, running costs) fall
on the municipalities it serves in proportion to its customer-service HTV for each (or,
with ``office_costs: host``, on the municipality it is in); the central services are
shared by the agreed key. Every amount is computed exactly (fractions of a euro), then
rounded to cents once, by largest remainder over every municipality × part, so the
municipalities add up to the total to the cent and each municipality's parts add up to
its total.

Plain Python over the scenario and the allocation: no solver, no pandas until a frame is
asked for.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from functools import cached_property
from typing import TYPE_CHECKING

from allocator.engine.caseload import ModelData
from allocator.engine.types import Allocation
from allocator.scenario.arithmetic import exact_sum, over_one_denominator
from allocator.scenario.schema import EQUAL_KEY, SHARES_KEY, Scenario, to_fraction

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["EQUAL_KEY", "PARTS", "SHARES_KEY", "USE_KEY", "Costs", "MunicipalityCost",
           "Reference", "compute_costs", "key_shares", "largest_remainder"]

#: The parts of a municipality's cost, in the order every report shows them.
PARTS = ("customer_service", "offices", "central")

#: Features shown as candidate keys beside the chosen one, when the scenario has them.
COMMON_KEYS = ("population", "labour_force", "unemployed")

#: The candidate key that shares each feature-sized central service by its feature.
USE_KEY = "use"


@dataclass(frozen=True)
class MunicipalityCost:
    """One municipality's yearly cost [EUR/year]: exact amounts and the same in cents.

    ``customer_htv`` is the customer service given to its residents [HTV];
    ``central_share`` its share of the central services under the key [0-1]; ``exact``
    maps each part of :data:`PARTS` to its exact amount [EUR], ``cents`` to the amount
    rounded [cents].
    """

    municipality: str
    area: str
    customer_htv: Fraction
    central_share: Fraction
    exact: Mapping[str, Fraction]
    cents: Mapping[str, int]

    @property
    def total_cents(self) -> int:
        """Everything the municipality pays [cents]."""
        return sum(self.cents.values())

    def eur(self, part: str) -> Decimal:
        """One part in euros, to the cent [EUR/year]."""
        return _eur(self.cents[part])

    @property
    def total_eur(self) -> Decimal:
        """Everything the municipality pays [EUR/year]."""
        return _eur(self.total_cents)


@dataclass(frozen=True)
class Reference:
    """The same budget split by weighted criteria (a state-grant-like reference).

    ``share`` per municipality [0-1]; ``cents`` the budget split by it [cents];
    ``htv`` the person-years the share would be [HTV, exact].
    """

    label: str
    weights: Mapping[str, Fraction]
    share: Mapping[str, Fraction]
    cents: Mapping[str, int]
    htv: Mapping[str, Fraction]


@dataclass(frozen=True)
class _Inputs:
    """What the candidate keys and the reference split are computed from."""

    scenario: Scenario
    data: ModelData
    chosen: dict[str, Fraction]
    total_cents: int


@dataclass(frozen=True)
class Costs:
    """The cost of an allocation per municipality, and the sharing keys side by side.

    ``htv_eur`` one person-year [EUR/year]; ``key`` the central services' key (a feature,
    'equal' or 'shares'); ``office_costs`` who pays an office ('served' or 'host');
    ``central_htv`` all central services [HTV]; ``central_pool_eur`` what the key shares
    [EUR/year, exact]: the central services' staff and the costs of an office that hosts
    nothing else; ``keys`` each candidate key's share per municipality [0-1], the chosen
    key first; ``reference`` the reference split, if given.
    """

    htv_eur: Fraction
    key: str
    office_costs: str
    rows: tuple[MunicipalityCost, ...]
    central_htv: Fraction
    central_pool_eur: Fraction
    inputs: _Inputs = field(repr=False, compare=False)

    # The candidate keys and the reference are for the reports; an analysis that only
    # needs what each municipality pays never computes them.
    @cached_property
    def keys(self) -> Mapping[str, Mapping[str, Fraction]]:
        """Each candidate key's share per municipality [0-1], the chosen key first."""
        i = self.inputs
        return _keys(i.scenario, i.data, self.key, i.chosen)

    @cached_property
    def reference(self) -> Reference | None:
        """The reference split, when the scenario gives one."""
        i = self.inputs
        c = i.scenario.costs
        if c is None or c.reference is None:
            return None
        return _reference(i.scenario, c.reference.label or "reference",
                          {f: to_fraction(w) for f, w in c.reference.weights.items()},
                          i.total_cents, i.data.total_units * i.data.granularity)

    @property
    def municipalities(self) -> list[str]:
        """Municipalities in file order."""
        return [r.municipality for r in self.rows]

    @property
    def total_cents(self) -> int:
        """What the whole area pays [cents]."""
        return sum(r.total_cents for r in self.rows)

    @property
    def total_eur(self) -> Decimal:
        """What the whole area pays [EUR/year]."""
        return _eur(self.total_cents)

    def part_eur(self, part: str) -> Decimal:
        """One part summed over the municipalities [EUR/year]."""
        return _eur(sum(r.cents[part] for r in self.rows))

    def municipality_rows(self) -> list[dict[str, object]]:
        """Per municipality: area, customer_htv [HTV], central_share [0-1],
        customer_service_eur, offices_eur, central_eur, total_eur [EUR/year, to the cent]."""
        return [{
            "municipality": r.municipality, "area": r.area,
            "customer_htv": float(r.customer_htv), "central_share": float(r.central_share),
            **{f"{p}_eur": float(r.eur(p)) for p in PARTS},
            "total_eur": float(r.total_eur)} for r in self.rows]

    def frame(self) -> pd.DataFrame:
        """:meth:`municipality_rows` as a DataFrame."""
        import pandas as pd

        return pd.DataFrame(self.municipality_rows(),
                            columns=["municipality", "area", "customer_htv", "central_share",
                                     *(f"{p}_eur" for p in PARTS), "total_eur"])

    def key_rows(self) -> list[dict[str, object]]:
        """Which key? Per municipality, its share of the central services under each
        candidate key [0-1] and what that share costs [EUR/year]: keys ``share_<key>`` and
        ``central_eur_<key>``, the chosen key first."""
        pool_cents = sum(r.cents["central"] for r in self.rows)
        rows: list[dict[str, object]] = [{"municipality": m} for m in self.municipalities]
        for key, shares in self.keys.items():
            # The key in use shows exactly what the municipalities pay.
            cents = ([r.cents["central"] for r in self.rows] if key == self.key else
                     largest_remainder([shares[m] * pool_cents for m in self.municipalities],
                                       pool_cents))
            for row, m, c in zip(rows, self.municipalities, cents, strict=True):
                row[f"share_{key}"] = float(shares[m])
                row[f"central_eur_{key}"] = float(_eur(c))
        return rows

    def keys_frame(self) -> pd.DataFrame:
        """:meth:`key_rows` as a DataFrame: municipality, then ``share_<key>`` and
        ``central_eur_<key>`` per candidate key."""
        import pandas as pd

        return pd.DataFrame(self.key_rows())

    def caseload_htv(self) -> dict[str, Fraction]:
        """Per municipality: the person-years it pays for [HTV]: the customer service given
        to it and its key share of the central services."""
        return {r.municipality: r.customer_htv + r.central_share * self.central_htv
                for r in self.rows}

    def reference_rows(self) -> list[dict[str, object]] | None:
        """The caseload-based split beside the reference split, per municipality: total_eur
        and reference_eur [EUR/year], difference_eur (caseload − reference), htv and
        reference_htv [HTV], reference_share [0-1]; None without a reference."""
        ref = self.reference
        if ref is None:
            return None
        htv = self.caseload_htv()
        return [{
            "municipality": r.municipality,
            "total_eur": float(r.total_eur),
            "reference_eur": float(_eur(ref.cents[r.municipality])),
            "difference_eur": float(_eur(r.total_cents - ref.cents[r.municipality])),
            "htv": float(htv[r.municipality]),
            "reference_htv": float(ref.htv[r.municipality]),
            "difference_htv": float(htv[r.municipality] - ref.htv[r.municipality]),
            "reference_share": float(ref.share[r.municipality]),
        } for r in self.rows]

    def reference_frame(self) -> pd.DataFrame | None:
        """:meth:`reference_rows` as a DataFrame; None without a reference."""
        import pandas as pd

        rows = self.reference_rows()
        return None if rows is None else pd.DataFrame(rows)


def _eur(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


def largest_remainder(amounts: Sequence[Fraction], total: int) -> list[int]:
    """Whole numbers, each the floor or ceiling of its amount, that sum to ``total``: the
    units left after the floors go to the largest remainders (the earlier one on a tie).

    >>> largest_remainder([Fraction(1, 3)] * 3, 1)
    [1, 0, 0]
    >>> largest_remainder([Fraction(5, 2), Fraction(3, 2)], 4)
    [3, 1]
    """
    q, whole = over_one_denominator(dict(enumerate(Fraction(a) for a in amounts)))
    return _largest_remainder_over(list(whole.values()), q, total)


def _largest_remainder_over(whole: Sequence[int], q: int, total: int) -> list[int]:
    """:func:`largest_remainder` of the amounts ``whole[i] / q``: floors and remainders are
    then integer divisions, and the remainders compare as whole numbers."""
    floors = [w // q for w in whole]
    left = total - sum(floors)
    if not 0 <= left <= len(whole):
        raise ValueError(f"{total} is not the rounded sum of the amounts")
    rest = [w % q for w in whole]
    order = sorted(range(len(whole)), key=lambda i: (-rest[i], i))
    for i in order[:left]:
        floors[i] += 1
    return floors


def key_shares(scenario: Scenario, key: str) -> dict[str, Fraction]:
    """Each municipality's share under ``key`` [0-1], exactly: 'equal', 'shares' (the
    scenario's agreed shares) or a caseload feature (its share of the area's total)."""
    munis = scenario.municipality_names
    if key == EQUAL_KEY:
        return {m: Fraction(1, len(munis)) for m in munis}
    if key == SHARES_KEY:
        given = scenario.costs.shares if scenario.costs is not None else None
        if given is None:
            raise ValueError("the scenario gives no costs.shares")
        return {m: to_fraction(given[m]) for m in munis}
    values = scenario.exact_features()[key]
    total = exact_sum(values.values())
    return {m: values[m] / total for m in munis}


def _use_shares(scenario: Scenario, data: ModelData, chosen: dict[str, Fraction]
                ) -> dict[str, Fraction] | None:
    """Shares by use where the scenario knows it: each central service sized by a feature
    is shared by that feature (its users), the others by the chosen key; None when no
    service is sized by a feature or there are no central services."""
    total = sum(c.units for c in data.central)
    if not total or all(c.driven_by is None for c in data.central):
        return None
    out = dict.fromkeys(chosen, Fraction(0))
    for c in data.central:
        if not c.units:
            continue
        shares = chosen if c.driven_by is None else key_shares(scenario, c.driven_by)
        for m in out:
            out[m] += shares[m] * Fraction(c.units, total)
    return out


def compute_costs(scenario: Scenario, data: ModelData, allocation: Allocation) -> Costs | None:
    """The costs of ``allocation`` under the scenario's ``costs`` section; None without one."""
    c = scenario.costs
    if c is None:
        return None
    g = data.granularity
    rate = to_fraction(c.htv_eur)
    munis = list(data.municipalities)
    office_cost = {o: to_fraction(v) for o, v in c.offices_eur.items() if v is not None}
    customer_units = dict.fromkeys(munis, 0)
    office_units: dict[str, dict[str, int]] = {o.name: {} for o in data.offices}
    for (m, at, _), units in allocation.cells.items():
        customer_units[m] += units
        office_units[at][m] = office_units[at].get(m, 0) + units
    central_units = sum(allocation.central.values())
    central_at: dict[str, int] = {}
    for (_, host), units in allocation.central.items():
        central_at[host] = central_at.get(host, 0) + units

    offices_eur = dict.fromkeys(munis, Fraction(0))
    pool = rate * central_units * g
    for o in data.offices:
        cost = office_cost.get(o.name, Fraction(0))
        served = sum(office_units[o.name].values())
        if not cost or not served + central_at.get(o.name, 0):
            continue  # no costs given, or an optional office left closed: nothing to pay
        if c.office_costs == "host":
            offices_eur[o.municipality] += cost
        elif served:
            for m, units in office_units[o.name].items():
                offices_eur[m] += cost * Fraction(units, served)
        else:  # hosts only central services: its costs are theirs
            pool += cost

    chosen = key_shares(scenario, c.central_key)
    per_unit = rate * g
    exact = {m: {"customer_service": per_unit * customer_units[m],
                 "offices": offices_eur[m],
                 "central": pool * chosen[m]} for m in munis}
    # Every part over one denominator q [EUR × q]: the total's cents and each part's are
    # then whole-number work.
    q, whole = over_one_denominator({(m, p): exact[m][p] for m in munis for p in PARTS})
    total_cents = (200 * sum(whole.values()) + q) // (2 * q)  # to the cent, half up
    cents = iter(_largest_remainder_over([100 * w for w in whole.values()], q, total_cents))
    rows = tuple(MunicipalityCost(m, data.area_of[m], customer_units[m] * g, chosen[m],
                                  exact[m], {p: next(cents) for p in PARTS}) for m in munis)

    return Costs(rate, c.central_key, c.office_costs, rows, central_units * g, pool,
                 _Inputs(scenario, data, chosen, total_cents))


def _keys(scenario: Scenario, data: ModelData, key: str, chosen: dict[str, Fraction]
          ) -> dict[str, dict[str, Fraction]]:
    """Each candidate key's shares [0-1], the chosen ``key`` first."""
    keys: dict[str, dict[str, Fraction]] = {key: chosen}
    features = scenario.exact_features()
    for common in COMMON_KEYS:
        if common in features and common not in keys and any(features[common].values()):
            keys[common] = key_shares(scenario, common)
    keys.setdefault(EQUAL_KEY, key_shares(scenario, EQUAL_KEY))
    if scenario.costs is not None and scenario.costs.shares is not None:
        keys.setdefault(SHARES_KEY, key_shares(scenario, SHARES_KEY))
    use = _use_shares(scenario, data, chosen)
    if use is not None and use != chosen:
        keys[USE_KEY] = use
    return keys


def _reference(scenario: Scenario, label: str, weights: dict[str, Fraction], total_cents: int,
               total_htv: Fraction) -> Reference:
    """The budget split by the weighted shares of the reference's features (a feature that
    is zero everywhere drops out and the other weights are normalised without it)."""
    features = scenario.exact_features()
    used = {f: w for f, w in weights.items() if w and sum(features[f].values())}
    weight_sum = sum(used.values(), Fraction(0))
    munis = scenario.municipality_names
    by_feature = {f: key_shares(scenario, f) for f in used}
    share = {m: sum((w / weight_sum * by_feature[f][m] for f, w in used.items()),
                    Fraction(0)) for m in munis}
    cents = largest_remainder([share[m] * total_cents for m in munis], total_cents)
    return Reference(label, {f: w / weight_sum for f, w in used.items()}, share,
                     dict(zip(munis, cents, strict=True)),
                     {m: share[m] * total_htv for m in munis})

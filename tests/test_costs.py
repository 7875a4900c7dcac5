"""What an allocation costs: the identities, each sharing key, the reference split and bad
cost input, recomputed here from the allocation and the scenario's own figures."""

from __future__ import annotations

import json
import math
from fractions import Fraction
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from allocator.cli import main
from allocator.engine.costs import PARTS, Costs, largest_remainder
from allocator.engine.pipeline import allocate
from allocator.engine.result import Result
from allocator.scenario.loading import load_scenario
from allocator.scenario.schema import Scenario

ROOT = Path(__file__).parents[1]
BASE = ROOT / "scenarios" / "base.yaml"


@pytest.fixture(scope="module")
def base() -> Result:
    return allocate(BASE)


def costs_of(result: Result) -> Costs:
    costs = result.costs()
    assert costs is not None
    return costs


def exact(value: float) -> Fraction:
    return Fraction(repr(value))


def customer_htv(result: Result) -> dict[str, Fraction]:
    """Customer-service HTV per municipality served, from the allocation's own frame."""
    frame = result.allocation_frame()
    return {m: Fraction(int(frame[frame["municipality"] == m]["units"].sum())) *
            result.granularity for m in result.scenario.municipality_names}


def central_pool(result: Result) -> Fraction:
    """The central services' cost [EUR/year]: their HTV at the HTV price (in base.yaml no
    office hosts central services only)."""
    c = result.scenario.costs
    assert c is not None
    return exact(c.htv_eur) * int(result.central_frame()["units"].sum()) * result.granularity


def with_costs(result: Result, **changes: object) -> Result:
    """``result``'s allocation priced under changed costs (no new solve)."""
    scenario = result.scenario.with_changes({f"costs.{k}": v for k, v in changes.items()})
    return Result(scenario, result.data, result.status, result.allocation, result.solver)


def test_municipalities_add_up_to_the_total_to_the_cent(base: Result) -> None:
    costs = costs_of(base)
    c = base.scenario.costs
    assert c is not None
    expected = exact(c.htv_eur) * exact(base.scenario.total_htv) + sum(
        exact(v) for v in c.offices_eur.values() if v is not None)
    assert costs.total_cents == expected * 100
    assert sum(r.total_cents for r in costs.rows) == costs.total_cents
    for r in costs.rows:
        assert r.total_cents == sum(r.cents[p] for p in PARTS)
        for p in PARTS:
            assert abs(r.cents[p] - r.exact[p] * 100) < 1


def test_customer_service_follows_the_allocation(base: Result) -> None:
    costs = costs_of(base)
    htv = customer_htv(base)
    c = base.scenario.costs
    assert c is not None
    for r in costs.rows:
        assert r.customer_htv == htv[r.municipality]
        # 62,000 EUR × a multiple of 0.01 HTV is whole cents: no rounding moves it.
        assert r.cents["customer_service"] == exact(c.htv_eur) * htv[r.municipality] * 100


def test_central_services_follow_the_labour_force_key_exactly(base: Result) -> None:
    costs = costs_of(base)
    labour = {m.name: Fraction(int(m.caseload["labour_force"]))
              for m in base.scenario.municipalities}
    pool = central_pool(base)
    for r in costs.rows:
        share = labour[r.municipality] / sum(labour.values())
        assert r.central_share == share
        assert r.exact["central"] == pool * share


def test_an_office_is_paid_by_the_municipalities_it_serves_by_its_service(base: Result) -> None:
    costs = {r.municipality: r for r in costs_of(base).rows}
    frame = base.allocation_frame()
    at = frame[frame["office"] == "Sastamala office"]
    units = {m: int(at[at["municipality"] == m]["units"].sum()) for m in ("Sastamala",
                                                                          "Punkalaidun")}
    for m, u in units.items():
        assert costs[m].exact["offices"] == Fraction(60000) * Fraction(u, sum(units.values()))
    # A municipality alone in its area pays its own office.
    assert costs["Hämeenkyrö"].exact["offices"] == 35000


def test_host_pays_its_office_when_asked(base: Result) -> None:
    costs = {r.municipality: r for r in costs_of(with_costs(base, office_costs="host")).rows}
    assert costs["Sastamala"].exact["offices"] == 60000
    assert costs["Punkalaidun"].exact["offices"] == 0
    assert costs["Parkano"].exact["offices"] == 30000
    assert costs["Kihniö"].exact["offices"] == 0


def test_equal_key_gives_each_municipality_the_same_share(base: Result) -> None:
    costs = costs_of(with_costs(base, central_key="equal"))
    pool = central_pool(base)
    assert all(r.exact["central"] == pool / 6 for r in costs.rows)
    cents = [r.cents["central"] for r in costs.rows]
    assert max(cents) - min(cents) <= 1
    assert sum(cents) == pool * 100


def test_agreed_shares_are_used_as_given(base: Result) -> None:
    shares = {"Hämeenkyrö": 0.2, "Ikaalinen": 0.15, "Kihniö": 0.05, "Parkano": 0.1,
              "Punkalaidun": 0.05, "Sastamala": 0.45}
    costs = costs_of(with_costs(base, central_key="shares", shares=shares))
    pool = central_pool(base)
    for r in costs.rows:
        assert r.central_share == exact(shares[r.municipality])
        assert r.exact["central"] == pool * exact(shares[r.municipality])
    assert next(iter(costs.keys)) == "shares"


def test_a_feature_key_shares_by_that_feature(base: Result) -> None:
    costs = costs_of(with_costs(base, central_key="unemployed"))
    unemployed = {m.name: Fraction(int(m.caseload["unemployed"]))
                  for m in base.scenario.municipalities}
    for r in costs.rows:
        assert r.central_share == unemployed[r.municipality] / 1808


def test_the_keys_side_by_side_each_split_the_same_central_cost(base: Result) -> None:
    costs = costs_of(base)
    frame = costs.keys_frame()
    assert list(costs.keys)[:4] == ["labour_force", "unemployed", "equal", "use"]
    pool_cents = sum(r.cents["central"] for r in costs.rows)
    for key in costs.keys:
        assert sum(costs.keys[key].values()) == 1
        assert round(frame[f"central_eur_{key}"].sum() * 100) == pool_cents
    # The key in use shows what the municipalities pay.
    assert frame["central_eur_labour_force"].tolist() == [r.cents["central"] / 100
                                                          for r in costs.rows]


def test_use_key_shares_integration_services_by_foreign_nationals(base: Result) -> None:
    costs = costs_of(base)
    s = base.scenario
    foreign = {m.name: Fraction(int(m.caseload["foreign_nationals"])) for m in s.municipalities}
    labour = {m.name: Fraction(int(m.caseload["labour_force"])) for m in s.municipalities}
    central = base.central_frame()
    integration = Fraction(int(central[central["service"] == "integration_services"]["units"]
                               .sum()))
    total = Fraction(int(central["units"].sum()))
    for m in s.municipality_names:
        expected = (integration / total * foreign[m] / sum(foreign.values())
                    + (total - integration) / total * labour[m] / sum(labour.values()))
        assert costs.keys["use"][m] == expected


def test_reference_split_is_the_weighted_criteria_of_the_same_budget(base: Result) -> None:
    costs = costs_of(base)
    ref = costs.reference
    assert ref is not None
    s = base.scenario
    weights = {"labour_force": Fraction(1, 2), "unemployed": Fraction(3, 10),
               "foreign_nationals": Fraction(1, 5)}
    values = {f: {m.name: Fraction(int(m.caseload[f])) for m in s.municipalities}
              for f in weights}
    for m in s.municipality_names:
        share = sum(w * values[f][m] / sum(values[f].values()) for f, w in weights.items())
        assert ref.share[m] == share
        assert abs(ref.cents[m] - share * costs.total_cents) < 1
        assert ref.htv[m] == share * exact(s.total_htv)
    assert sum(ref.cents.values()) == costs.total_cents
    frame = costs.reference_frame()
    assert frame is not None
    assert frame["difference_eur"].sum() == pytest.approx(0, abs=1e-6)


def test_equal_key_scenario_moves_only_the_central_costs(base: Result) -> None:
    equal = allocate(ROOT / "scenarios" / "central-key-equal.yaml")
    a, b = costs_of(base), costs_of(equal)
    assert a.total_cents == b.total_cents
    for ra, rb in zip(a.rows, b.rows, strict=True):
        assert ra.cents["customer_service"] == rb.cents["customer_service"]
        assert rb.central_share == Fraction(1, 6)
    kihnio = {r.municipality: r for r in b.rows}["Kihniö"]
    assert kihnio.total_cents > {r.municipality: r for r in a.rows}["Kihniö"].total_cents


def test_no_costs_section_means_no_costs() -> None:
    data = load_scenario(BASE).model_dump(mode="python")
    data.pop("costs")
    result = allocate(Scenario.model_validate(data))
    assert result.costs() is None
    assert result.costs_frame() is None


@given(st.lists(st.fractions(min_value=0, max_value=10**6, max_denominator=1000),
                min_size=1, max_size=12))
def test_largest_remainder_sums_exactly_and_stays_within_one(amounts: list[Fraction]) -> None:
    total = round(sum(amounts, Fraction(0)))
    got = largest_remainder(amounts, total)
    assert sum(got) == total
    assert all(abs(g - a) < 1 for g, a in zip(got, amounts, strict=True))
    # The units left after the floors go to the largest remainders, the earlier on a tie.
    floors = [math.floor(a) for a in amounts]
    order = sorted(range(len(amounts)), key=lambda i: (floors[i] - amounts[i], i))
    up = set(order[:total - sum(floors)])
    assert got == [f + (i in up) for i, f in enumerate(floors)]


def test_summary_json_carries_the_costs(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, [str(BASE), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    costs = json.loads((tmp_path / "summary.json").read_text("utf-8"))["costs"]
    rows = costs["by_municipality"]
    assert [r["municipality"] for r in rows] == load_scenario(BASE).municipality_names
    assert round(sum(r["total_eur"] for r in rows) * 100) == round(costs["total_eur"] * 100)
    for r in rows:
        assert round((r["customer_service_eur"] + r["offices_eur"] + r["central_eur"]) * 100) \
            == round(r["total_eur"] * 100)
    assert [k["key"] for k in costs["keys"] if k["used"]] == ["labour_force"]
    assert costs["reference"]["weights"] == {"labour_force": 0.5, "unemployed": 0.3,
                                             "foreign_nationals": 0.2}
    assert "What it costs each municipality" in result.output
    assert "Which key?" in result.output
    assert (tmp_path / "costs.png").stat().st_size > 0


BAD = [
    ("negative", "costs:\n  htv_eur: -5\n", "costs.htv_eur", "must be >= 0"),
    ("negative office", "costs:\n  offices_eur:\n    Parkano office: -1\n",
     "costs.offices_eur.Parkano office", "must be >= 0"),
    ("unknown office", "costs:\n  offices_eur:\n    Tampere office: 1000\n",
     "costs.offices_eur.Tampere office", "unknown office 'Tampere office'"),
    ("shares not 1", "costs:\n  central_key: shares\n  shares:\n    Hämeenkyrö: 0.2\n"
     "    Ikaalinen: 0.2\n    Kihniö: 0.2\n    Parkano: 0.2\n    Punkalaidun: 0.1\n"
     "    Sastamala: 0.2\n", "costs.shares", "shares must sum to exactly 1, but "
     "0.2 + 0.2 + 0.2 + 0.2 + 0.1 + 0.2 = 11/10"),
    ("shares missing", "costs:\n  central_key: shares\n", "costs.central_key",
     "'shares' needs costs.shares"),
    ("unknown municipality", "costs:\n  shares:\n    Hämeenkyrö: 0.5\n    Tampere: 0.5\n",
     "costs.shares.Tampere", "unknown municipality 'Tampere'"),
    ("unknown key", "costs:\n  central_key: population\n", "costs.central_key",
     "unknown key 'population'"),
    ("unknown reference feature", "costs:\n  reference:\n    weights:\n      population: 1\n",
     "costs.reference.weights.population", "unknown feature 'population'"),
]


@pytest.mark.parametrize(("text", "field", "message"), [b[1:] for b in BAD],
                         ids=[b[0] for b in BAD])
def test_bad_cost_input_exits_2_with_the_line_and_field(tmp_path: Path, text: str, field: str,
                                                        message: str) -> None:
    path = tmp_path / "bad.yaml"
    content = f"extends: {BASE}\nname: bad\n{text}"
    path.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(main, [str(path), "--no-files"])
    assert result.exit_code == 2, result.output
    lines = [ln.strip() for ln in result.output.splitlines() if f": {field}: " in ln]
    assert len(lines) == 1, result.output
    assert message in lines[0]
    where = lines[0].split(f": {field}: ")[0]
    file, line = where.rsplit(":", 1)
    assert Path(file) == path
    key = field.rsplit(".", 1)[-1]
    assert key in content.splitlines()[int(line) - 1] or key == "shares", lines[0]
    assert "Traceback" not in result.output


def test_compare_gives_each_municipalitys_cost_per_scenario_and_its_change(base: Result) -> None:
    from allocator.analysis.compare import ALL_MUNICIPALITIES, costs_by_scenario
    from allocator.reports.terminal_compare import comparison_text

    equal = allocate(ROOT / "scenarios" / "central-key-equal.yaml")
    data = load_scenario(BASE).model_dump(mode="python")
    data.pop("costs")
    data["name"] = "no-costs"
    plain = allocate(Scenario.model_validate(data))
    frame = costs_by_scenario([base, equal, plain])
    munis = [*base.scenario.municipality_names, ALL_MUNICIPALITIES]
    assert frame["municipality"].tolist() == munis * 3
    got = frame.set_index(["scenario", "municipality"])
    a, b = costs_of(base), costs_of(equal)
    for ra, rb in zip(a.rows, b.rows, strict=True):
        row = got.loc[("central-key-equal", ra.municipality)]
        assert round(row["total_eur"] * 100) == rb.total_cents
        assert round(row["delta_total_eur"] * 100) == rb.total_cents - ra.total_cents
        assert row["central_key"] == "equal"
    assert got.loc[("central-key-equal", ALL_MUNICIPALITIES)]["delta_total_eur"] == 0
    assert got.loc["no-costs"]["total_eur"].isna().all()
    text = comparison_text([base, equal])
    assert "Cost [thousand EUR/year]" in text
    kihnio = next(line for line in text.splitlines()
                  if line.strip().startswith("Kihniö") and "." in line and "+" in line)
    change = (b.rows[2].total_cents - a.rows[2].total_cents) / 100_000
    assert f"+{change:.1f}" in kihnio


def test_a_sweep_carries_each_municipalitys_cost_at_every_point() -> None:
    from allocator.analysis.points import RunOptions
    from allocator.analysis.sweep import sweep

    s = load_scenario(BASE)
    frame = sweep(s, [("total_htv", [30.0, 35.0])], options=RunOptions(executor="sequential"))
    columns = [f"cost_eur:{m}" for m in s.municipality_names]
    for value, part in frame.groupby("value"):
        point = part.iloc[0]
        total = round(point["cost_eur:total"] * 100)
        assert total == round((value * 62000 + 155000) * 100)
        assert sum(round(point[c] * 100) for c in columns) == total
        assert (part[columns].nunique() == 1).all()  # one point, the same on each area's row


def test_monte_carlo_gives_each_municipalitys_cost_range() -> None:
    from allocator.analysis.monte_carlo import cost_ranges, monte_carlo
    from allocator.analysis.points import RunOptions

    s = load_scenario(BASE)
    frame = monte_carlo(s, runs=3, options=RunOptions(executor="sequential"))
    ranges = cost_ranges(frame).set_index("municipality")
    assert list(ranges.index) == [*s.municipality_names, "total"]
    # The budget does not move with the caseload, so neither does the area's total.
    assert ranges.loc["total", "min_eur"] == ranges.loc["total", "max_eur"] == 2_179_920
    per_run = frame.drop_duplicates("run")
    for m in s.municipality_names:
        assert ranges.loc[m, "min_eur"] == per_run[f"cost_eur:{m}"].min()
        assert ranges.loc[m, "max_eur"] == per_run[f"cost_eur:{m}"].max()

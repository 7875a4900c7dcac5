"""Scenario validation through ``load_scenario``: every bad input is a ScenarioError.

Each case starts from scenarios/base.yaml, breaks one thing with a small text edit, writes
the result into ``tmp_path`` and loads it. The checks pin the field path, a message that
says what is wrong, the file named as source, and the line (computed from the text written,
never hard-coded). The happy path and the JSON Schema are covered at the end.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from allocator.errors import Problem, ScenarioError
from allocator.scenario import schema as schema_module
from allocator.scenario.loading import load_scenario
from allocator.scenario.schema import Scenario, scenario_json_schema

BASE = Path(__file__).parents[1] / "scenarios" / "base.yaml"
# base.yaml without the source comments on its figures, so edits can match whole lines.
BASE_TEXT = re.sub(r"(\S)[ ]+# §1\.3[^\n]*", r"\1", BASE.read_text(encoding="utf-8"))

TOP_LEVEL_KEYS = [
    "name", "title", "description", "title_fi", "description_fi",
    "total_htv", "granularity", "lead_municipality",
    "municipalities", "derived_features", "areas", "offices", "service_lines",
    "central_services", "continuity", "costs", "travel_times", "solver", "assumed",
]


# --- helpers ---------------------------------------------------------------------------

Edit = tuple[str, str]


def edit(old: str, new: str, text: str = BASE_TEXT) -> str:
    """``text`` with the one occurrence of ``old`` replaced (fails loudly if not exactly one)."""
    assert text.count(old) == 1, f"expected exactly one {old!r} in the scenario text"
    return text.replace(old, new)


def edited(edits: list[Edit]) -> str:
    """base.yaml's text after each ``(old, new)`` edit in turn."""
    text = BASE_TEXT
    for old, new in edits:
        text = edit(old, new, text)
    return text


def after(line: str, added: str) -> Edit:
    """The edit that adds ``added`` right after ``line``."""
    return line, line + added


def write(tmp_path: Path, text: str, name: str = "scenario.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def line_of(text: str, needle: str) -> int:
    """1-based line of the only occurrence of ``needle`` in ``text``."""
    assert text.count(needle) == 1, f"expected exactly one {needle!r} in the text written"
    return text.count("\n", 0, text.index(needle)) + 1


def problems_of(path: Path) -> list[Problem]:
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    problems = info.value.problems
    assert problems, "a ScenarioError must carry at least one problem"
    return problems


def the_problem(problems: list[Problem], path: str) -> Problem:
    """The single problem reported at field ``path``."""
    found = [p for p in problems if p.path == path]
    assert len(found) == 1, f"expected one problem at {path!r}, got: {[str(p) for p in problems]}"
    return found[0]


def load_bad(tmp_path: Path, text: str, field: str) -> tuple[Path, Problem]:
    """Write ``text``, load it, and return the file and the problem at ``field``."""
    assert text != BASE_TEXT
    path = write(tmp_path, text)
    problem = the_problem(problems_of(path), field)
    assert problem.source == str(path)
    return path, problem


# --- a problem at a field --------------------------------------------------------------

def case(
    id: str,
    edits: Edit | list[Edit],
    field: str,
    *fragments: str,
    line: str | None = None,
    message: str | None = None,
) -> Any:
    """One row of FIELD_CASES: ``edits`` applied to base.yaml give one problem at ``field``.

    Its message contains every fragment (or is exactly ``message``); with ``line``, the
    problem is on the line of that text.
    """
    return pytest.param([edits] if isinstance(edits, tuple) else edits, field, fragments, line,
                        message, id=id)


SKILLS_DEMAND = (
    "    demand:\n"
    "      # §4.2.1: young people under 30 get dedicated coaches and skills paths.\n"
    "      under_30: 0.50\n"
    "      # §7: re-training needs are assessed at the start of unemployment to prevent it\n"
    "      # from lasting; the flow into >3-month unemployment measures that need.\n"
    "      long_unemployment_inflow: 0.50\n"
)

FIELD_CASES = [
    # YAML: a key given twice (Ikaalinen, the second municipality, gives 'men' twice)
    case("duplicate-key", after("granularity: 0.01\n", "granularity: 0.02\n"),
         "granularity", "duplicate key", line="granularity: 0.02"),
    case("duplicate-nested-key", after("      men: 133\n", "      men: 134\n"),
         "municipalities[1].caseload.men", "duplicate key", line="men: 134"),
    # shapes (pydantic); a missing nested key is reported on its parent's entry
    case("missing-top-level-key", ("total_htv: 32.66\n", ""),
         "total_htv", "required", "missing"),
    case("missing-nested-key", ("    municipality: Parkano\n", ""),
         "offices[1].municipality", "required", "missing", line="- name: Parkano office"),
    case("unknown-top-level-key", after("granularity: 0.01\n", "total_hvt: 3\n"),
         "total_hvt", "unknown key 'total_hvt'", "allowed keys:", line="total_hvt: 3"),
    case("unknown-nested-key", after("    municipality: Parkano\n", "    colour: red\n"),
         "offices[1].colour", "unknown key 'colour'", "allowed keys:", line="colour: red"),
    case("negative-caseload", ("      under_30: 48\n", "      under_30: -5\n"),
         "municipalities[1].caseload.under_30", ">= 0", "-5", line="under_30: -5"),
    case("non-numeric-caseload", ("      unemployed: 266\n", "      unemployed: lots\n"),
         "municipalities[1].caseload.unemployed", "must be a number", "'lots'", line="unemployed: lots"),
    case("decimal-comma-total", ("total_htv: 32.66\n", "total_htv: 32,66\n"),
         "total_htv", message="must be a number, got '32,66'; write 32.66 (a decimal point, "
         "not a comma)", line="total_htv: 32,66"),
    case("decimal-comma-caseload", ("      inflow_over_3m_share: 0.285", "      inflow_over_3m_share: 0,285"),
         "municipalities[1].caseload.inflow_over_3m_share", "write 0.285", line="0,285"),
    case("quoted-number-in-strict-mode", ("total_htv: 32.66\n", 'total_htv: "32.66"\n'),
         "total_htv", "must be a number", "'32.66'", line='total_htv: "32.66"'),
    case("not-a-finite-number", ("total_htv: 32.66\n", "total_htv: .nan\n"),
         "total_htv", "finite"),
    case("invalid-feature-name-as-key", ("      unemployed: 266\n", "      Unemployed: 266\n"),
         "municipalities[1].caseload.Unemployed", "invalid key", "'Unemployed'", line="Unemployed: 266"),
    case("central-service-with-htv-and-driven-by",
         ("    htv: 1.0          # §4.4.2",
          "    driven_by: {feature: unemployed, persons_per_htv: 100}\n    htv: 1.0          # §4.4.2"),
         "central_services[1]", "exactly one of 'htv'", "'driven_by'", line="- name: communications_ict"),
    case("central-service-with-neither-htv-nor-driven-by",
         ('    htv: 1.0          # §4.5: "Hallinnolliset', '    # §4.5: "Hallinnolliset'),
         "central_services[3]", "exactly one of 'htv'", line="- name: administration"),
    case("service-line-with-empty-demand", (SKILLS_DEMAND, "    demand: {}\n"),
         "service_lines[2].demand", message="must not be empty", line="demand: {}"),
    # references and arithmetic (cross_check)
    case("shares-not-summing-to-one", ("    share: 0.20\n", "    share: 0.25\n"),
         "service_lines", "shares must sum to 1", "0.4 + 0.4 + 0.25 = 1.05", line="service_lines:"),
    case("office-in-unknown-municipality", ("    municipality: Ikaalinen\n", "    municipality: Tampere\n"),
         "offices[3].municipality", "unknown municipality 'Tampere'", line="municipality: Tampere"),
    case("municipality-in-two-areas", ("municipalities: [Ikaalinen]", "municipalities: [Ikaalinen, Kihniö]"),
         "areas[3].municipalities[1]", "'Kihniö' is already in area 'Parkano'", "exactly one area",
         line="municipalities: [Ikaalinen, Kihniö]"),
    case("area-with-unknown-municipality",
         ("municipalities: [Ikaalinen]", "municipalities: [Ikaalinen, Tampere]"),
         "areas[3].municipalities[1]", "unknown municipality 'Tampere'"),
    case("office-serving-another-area",
         after("    municipality: Ikaalinen\n", "    serves: [Ikaalinen, Parkano]\n"),
         "offices[3].serves[1]", "'Parkano' is in area 'Parkano'",
         "office 'Ikaalinen office' is in area 'Ikaalinen'", line="serves: [Ikaalinen, Parkano]"),
    case("unknown-lead-municipality", ("lead_municipality: Sastamala\n", "lead_municipality: Tampere\n"),
         "lead_municipality", "unknown municipality 'Tampere'", line="lead_municipality: Tampere"),
    case("demand-weight-on-unknown-feature", ("      labour_force: 0.25\n", "      labor_force: 0.25\n"),
         "service_lines[1].demand.labor_force", "unknown feature 'labor_force'", "known:",
         line="labor_force: 0.25"),
    case("demand-weights-all-zero",
         [("      under_30: 0.50\n", "      under_30: 0\n"),
          ("      long_unemployment_inflow: 0.50\n", "      long_unemployment_inflow: 0\n")],
         "service_lines[2].demand", "must not all be zero"),
    case("municipality-with-an-extra-feature", after("      under_30: 48\n", "      over_70: 3\n"),
         "municipalities[1].caseload", "over_70", "same features"),
    case("municipality-missing-a-feature", ("      under_30: 48\n", ""),
         "municipalities[1].caseload", "missing feature(s) under_30"),
    case("derived-feature-on-unknown-feature",
         ("product: [unemployed, inflow_over_3m_share]", "product: [unemployed, inflow_share]"),
         "derived_features.long_unemployment_inflow.product[1]", "unknown feature 'inflow_share'"),
    case("central-service-driven-by-unknown-feature", ("feature: foreign_nationals", "feature: foreigners"),
         "central_services[0].driven_by.feature", "unknown feature 'foreigners'", line="feature: foreigners"),
    case("total-htv-not-a-multiple-of-granularity", ("total_htv: 32.66\n", "total_htv: 32.665\n"),
         "total_htv", "32.665 is not a whole multiple of granularity 0.01", line="total_htv: 32.665"),
    case("office-max-below-min", after("    municipality: Parkano\n", "    max_htv: 1.0\n"),
         "offices[1].max_htv", "below the office's minimum 2.0", line="max_htv: 1.0"),
]


@pytest.mark.parametrize(("edits", "field", "fragments", "line", "message"), FIELD_CASES)
def test_one_problem_at_a_field(
    tmp_path: Path,
    edits: list[Edit],
    field: str,
    fragments: tuple[str, ...],
    line: str | None,
    message: str | None,
) -> None:
    text = edited(edits)
    path, problem = load_bad(tmp_path, text, field)
    for fragment in fragments:
        assert fragment in problem.message
    if message is not None:
        assert problem.message == message
    if line is not None:
        assert problem.line == line_of(text, line)
        assert str(problem) == f"{path}:{problem.line}: {field}: {problem.message}"


def test_duplicate_key_names_the_line_first_given(tmp_path: Path) -> None:
    text = edit(*after("granularity: 0.01\n", "granularity: 0.02\n"))
    _, problem = load_bad(tmp_path, text, "granularity")
    assert f"first given on line {line_of(text, 'granularity: 0.01')}" in problem.message


def test_unknown_top_level_key_lists_allowed_keys(tmp_path: Path) -> None:
    text = edit(*after("granularity: 0.01\n", "total_hvt: 3\n"))
    _, problem = load_bad(tmp_path, text, "total_hvt")
    allowed = problem.message.split("allowed keys:", 1)[1]
    # A file may also say 'extends:', so that key is listed too.
    assert [k.strip() for k in allowed.split(",")] == [*TOP_LEVEL_KEYS, "extends"]


def test_unknown_nested_key_lists_the_nested_allowed_keys(tmp_path: Path) -> None:
    text = edit(*after("    municipality: Parkano\n", "    colour: red\n"))
    _, problem = load_bad(tmp_path, text, "offices[1].colour")
    allowed = {k.strip() for k in problem.message.split("allowed keys:", 1)[1].split(",")}
    assert allowed == {"name", "municipality", "label_fi", "kind", "serves", "min_htv", "max_htv",
                       "optional", "assumed"}


def test_unknown_feature_lists_the_known_ones(tmp_path: Path) -> None:
    text = edit("      labour_force: 0.25\n", "      labor_force: 0.25\n")
    _, problem = load_bad(tmp_path, text, "service_lines[1].demand.labor_force")
    assert "labour_force" in problem.message.split("known:", 1)[1]


# --- one problem for the whole file ----------------------------------------------------

@pytest.mark.parametrize(
    ("text", "fragments", "line"),
    [
        pytest.param(edit("lead_municipality: Sastamala\n", "lead_municipality: Sastamala: Parkano\n"),
                     ("YAML syntax error", "mapping values are not allowed"),
                     "lead_municipality: Sastamala: Parkano", id="yaml-syntax-error"),
        pytest.param("", ("empty",), None, id="empty-file"),
        pytest.param("# nothing here yet\n", ("empty",), None, id="comment-only-file"),
        pytest.param("- base\n- other\n", ("must be a mapping",), "- base", id="top-level-not-a-mapping"),
    ],
)
def test_one_problem_for_the_file(
    tmp_path: Path, text: str, fragments: tuple[str, ...], line: str | None
) -> None:
    path = write(tmp_path, text)
    [problem] = problems_of(path)
    assert problem.source == str(path)
    assert problem.path == ""
    for fragment in fragments:
        assert fragment in problem.message
    if line is not None:
        assert problem.line == line_of(text, line)
        assert str(problem) == f"{path}:{problem.line}: {problem.message}"


def test_unsafe_yaml_tag_is_refused_and_not_executed(tmp_path: Path) -> None:
    marker = tmp_path / "executed"
    text = edit("total_htv: 32.66\n",
                f"total_htv: !!python/object/apply:os.system ['touch {marker}']\n")
    path = write(tmp_path, text)
    [problem] = problems_of(path)
    assert problem.source == str(path)
    assert "python/object/apply:os.system" in problem.message
    assert "not allowed" in problem.message
    assert problem.line == line_of(text, "total_htv: !!python")
    assert not marker.exists(), "the tag must never be constructed"


def test_not_utf8_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(BASE_TEXT.encode("latin-1", errors="replace"))
    [problem] = problems_of(path)
    assert problem.source == str(path)
    assert "not UTF-8" in problem.message


# --- files -----------------------------------------------------------------------------

def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "no_such_scenario.yaml"
    [problem] = problems_of(path)
    assert problem.source == str(path)
    assert problem.path == ""
    assert "does not exist" in problem.message
    assert problem.line is None


def test_directory_instead_of_file(tmp_path: Path) -> None:
    [problem] = problems_of(tmp_path)
    assert problem.source == str(tmp_path)
    assert "directory" in problem.message


# --- several problems ------------------------------------------------------------------

def test_several_shape_problems_are_all_reported_at_once(tmp_path: Path) -> None:
    text = edit("total_htv: 32.66\n", "total_htv: -1\n")
    text = edit("      under_30: 48\n", "      under_30: -5\n", text)
    text = edit("    share: 0.20\n", "    share: big\n", text)
    path = write(tmp_path, text)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    problems = info.value.problems
    assert len(problems) == 3, [str(p) for p in problems]
    expected = {
        "total_htv": line_of(text, "total_htv: -1"),
        "municipalities[1].caseload.under_30": line_of(text, "under_30: -5"),
        "service_lines[2].share": line_of(text, "share: big"),
    }
    assert {p.path: p.line for p in problems} == expected
    assert all(p.source == str(path) for p in problems)
    assert "> 0" in the_problem(problems, "total_htv").message
    # The exception text lists every problem, one per line, in file:line: path: message form.
    assert str(info.value).splitlines() == [str(p) for p in problems]
    assert f"{path}:{expected['service_lines[2].share']}: service_lines[2].share: " in str(info.value)


# --- the happy path --------------------------------------------------------------------

def test_base_scenario_loads() -> None:
    s = load_scenario(BASE)
    assert isinstance(s, Scenario)
    assert s.name == "base"
    assert len(s.municipalities) == 6
    assert s.municipality_names == ["Hämeenkyrö", "Ikaalinen", "Kihniö", "Parkano", "Punkalaidun",
                                    "Sastamala"]
    assert len(s.areas) == 4
    assert s.lead_municipality == "Sastamala"
    assert s.total_htv == pytest.approx(32.66)
    assert [ln.name for ln in s.service_lines] == ["weaker_position", "job_brokering", "skills"]
    assert s.offices[0].effective_min_htv == schema_module.DEFAULT_OFFICE_MIN_HTV


def test_base_scenario_loads_from_a_string_path() -> None:
    assert load_scenario(str(BASE)).total_htv == pytest.approx(32.66)


def test_json_schema() -> None:
    schema = scenario_json_schema()
    assert isinstance(schema, dict)
    assert {"total_htv", "municipalities", "service_lines"} <= set(schema["properties"])
    assert list(schema["properties"]) == TOP_LEVEL_KEYS
    assert schema["additionalProperties"] is False
    assert schema["type"] == "object"
    assert schema["title"] == "allocator scenario"
    assert "total_htv" in schema["required"]
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    # Nested models forbid unknown keys too.
    assert schema["$defs"]["Office"]["additionalProperties"] is False


#: YAML that each reader must read, or refuse, alike.
_YAML_SAMPLES = [
    "a: 1\nb: [1, 2.5, true, no, 0x1F, 0o17, .inf, ~]\n",
    "a: 1\n  b: 2\n",                    # bad indentation
    "a: [1, 2\n",                        # unclosed flow sequence
    "a: &x 1\nb: *x\n",                  # anchor and alias
    "a: !!python/object:os.system x\n",  # a tag
    "a: 1\na: 2\n",                      # duplicate key
    "a: 012\n",                          # leading zero
    "\ufeffa: 'quoted: text'\n",
    "- [1, {b: 2}]\n- c\n",
    "a: \"unterminated\n",
    "{[1]: 2}\n",                        # unhashable key
    "a:\n" + "  - " * 1 + "[" * 70 + "]" * 70 + "\n",  # too deep
]


def test_libyaml_reads_every_scenario_and_refuses_bad_yaml_as_pyyaml_does(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # The loader uses libyaml's parser where PyYAML has it; the pure-Python parser is the
    # fallback. Both must give the same data, the same lines and the same problems; only a
    # syntax error's wording is each parser's own.
    import importlib.util
    import sys

    import yaml

    from allocator.scenario import loading

    if not yaml.__with_libyaml__:
        pytest.skip("this PyYAML has no libyaml: only the pure-Python reader exists")
    monkeypatch.setattr(yaml, "__with_libyaml__", False)
    spec = importlib.util.spec_from_file_location("pure_loading", loading.__file__)
    assert spec is not None and spec.loader is not None
    pure = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "pure_loading", pure)
    spec.loader.exec_module(pure)
    assert pure._Loader.__mro__[1] is yaml.SafeLoader
    assert loading._Loader.__mro__[1] is not yaml.SafeLoader

    def read(module: Any, text: str) -> Any:
        try:
            return module._compose(text, "x.yaml")
        except ScenarioError as exc:
            return [(p.path, "YAML syntax error" if p.message.startswith("YAML syntax error")
                     else p.message, p.line) for p in exc.problems]

    texts = [p.read_text(encoding="utf-8") for p in sorted(BASE.parent.glob("*.yaml"))]
    for text in texts + _YAML_SAMPLES:
        assert read(loading, text) == read(pure, text), text[:60]

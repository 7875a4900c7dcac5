"""``allocate caseload statfin``: Statistics Finland's table 12r5 as new caseload figures.

The JSON-stat 2.0 parser on the shipped sample (the plan's own July 2022 and 2023
figures) and on malformed files; the variable mapping (never under-25s for under_30);
the query; the fetch against a local HTTP server; the written scenario, which extends
the old one, runs, and differs from it in exactly the figures the response changed.
"""

from __future__ import annotations

import copy
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from allocator.cli import main
from allocator.engine.pipeline import allocate
from allocator.errors import ScenarioError
from allocator.scenario.loading import load_scenario
from allocator.scenario.statfin import (
    DEFAULT_MAP,
    URL,
    parse_dataset,
    parse_mapping,
    query_body,
    update_from,
)

ROOT = Path(__file__).parents[1]
BASE = ROOT / "scenarios" / "base.yaml"
FIGURES_2022 = ROOT / "scenarios" / "figures-2022.yaml"
SAMPLE = Path(__file__).parent / "data" / "statfin-12r5-sample.json"
CODES = {"Hämeenkyrö": "KU108", "Ikaalinen": "KU143", "Kihniö": "KU250", "Parkano": "KU581",
         "Punkalaidun": "KU619", "Sastamala": "KU790"}


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def sample() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(SAMPLE.read_text(encoding="utf-8"))
    return doc


def write(path: Path, doc: Any) -> Path:
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def with_variable(doc: dict[str, Any], code: str, values: dict[tuple[str, str], float]) -> Any:
    """``doc`` with one more Tiedot variable; ``values`` by (area, month), else null."""
    out = copy.deepcopy(doc)
    tiedot = out["dimension"]["Tiedot"]["category"]
    n = len(tiedot["index"])
    tiedot["index"][code] = n
    tiedot["label"][code] = code
    old = out["value"]
    areas = list(out["dimension"]["Alue"]["category"]["index"])
    months = list(out["dimension"]["Kuukausi"]["category"]["index"])
    new = []
    for i, area in enumerate(areas):
        for j, month in enumerate(months):
            start = (i * len(months) + j) * n
            new += [*old[start:start + n], values.get((area, month))]
    out["value"] = new
    out["size"][2] = n + 1
    out["status"] = {}
    return out


# --- the sample and the parser ------------------------------------------------------------

def test_the_sample_says_it_is_a_sample() -> None:
    doc = sample()
    assert doc["label"].startswith("SAMPLE, not data from Statistics Finland")
    assert doc["extension"]["sample"] is True


def test_the_sample_holds_the_plans_july_2023_figures_of_base_yaml() -> None:
    dataset = parse_dataset(SAMPLE.read_bytes(), str(SAMPLE))
    assert dataset.ids == ("Alue", "Kuukausi", "Tiedot")
    assert dataset.codes["Kuukausi"] == ["2022M07", "2023M07"]
    base = load_scenario(BASE)
    for m in base.municipalities:
        for feature, variable in DEFAULT_MAP.items():
            got = dataset.value(Alue=CODES[m.name], Kuukausi="2023M07", Tiedot=variable)
            assert got == m.caseload[feature], (m.name, feature)


def test_the_sample_holds_the_plans_july_2022_figures_with_the_confidential_ones_null() -> None:
    dataset = parse_dataset(SAMPLE.read_bytes(), str(SAMPLE))
    y2022 = load_scenario(FIGURES_2022)
    for m in y2022.municipalities:
        for feature, variable in DEFAULT_MAP.items():
            got = dataset.value(Alue=CODES[m.name], Kuukausi="2022M07", Tiedot=variable)
            if feature == "foreign_nationals" and m.name in ("Kihniö", "Parkano", "Punkalaidun"):
                assert got is None  # "…" in the plan; figures-2022.yaml estimates them
                cell = dataset.position(Alue=CODES[m.name], Kuukausi="2022M07", Tiedot=variable)
                assert dataset.status[cell] == ".."
            else:
                assert got == m.caseload[feature], (m.name, feature)


def test_sparse_values_and_list_indexes_are_read() -> None:
    doc = sample()
    doc["value"] = {str(i): v for i, v in enumerate(doc["value"]) if v is not None}
    doc["dimension"]["Kuukausi"]["category"]["index"] = ["2022M07", "2023M07"]
    dataset = parse_dataset(json.dumps(doc).encode(), "sparse.json")
    assert dataset.value(Alue="KU790", Kuukausi="2023M07", Tiedot="TYOTTOMATLOPUSSA") == 759
    assert dataset.value(Alue="KU250", Kuukausi="2022M07", Tiedot="TYOTTOMATULK") is None


def _malformed() -> list[Any]:
    doc = sample()
    short = copy.deepcopy(doc)
    short["value"] = short["value"][:-1]
    text = copy.deepcopy(doc)
    text["value"][3] = "1 234"
    wrong_size = copy.deepcopy(doc)
    wrong_size["size"] = [6, 2]
    no_tiedot = copy.deepcopy(doc)
    no_tiedot["id"][2] = "Muuttuja"
    no_tiedot["dimension"]["Muuttuja"] = no_tiedot["dimension"].pop("Tiedot")
    bad_index = copy.deepcopy(doc)
    bad_index["dimension"]["Alue"]["category"]["index"] = {"KU108": 0, "KU143": 0}
    return [
        pytest.param(b"{not json", "x.json:1: is not JSON: Expecting property name enclosed in "
                     "double quotes (column 2)", id="not-json"),
        pytest.param(b"[1, 2]", "x.json: is not a JSON-stat 2.0 dataset: not a JSON object",
                     id="not-an-object"),
        pytest.param(json.dumps({"dataset": {}}).encode(), "x.json: is PxWeb's older JSON-stat "
                     "1.0 or plain 'json' format", id="json-stat-1"),
        pytest.param(json.dumps({"class": "collection"}).encode(), "x.json: is not a JSON-stat "
                     "2.0 dataset: class is 'collection', not 'dataset'", id="collection"),
        pytest.param(json.dumps(short).encode(), "x.json: value: has 59 numbers, but the sizes "
                     "[6, 2, 5] make 60", id="too-few-values"),
        pytest.param(json.dumps(text).encode(), "x.json: value[3]: must be a number or null, got "
                     "'1 234'", id="text-value"),
        pytest.param(json.dumps(wrong_size).encode(), "x.json: size: must be 3 whole numbers, "
                     "one per dimension in id", id="size-mismatch"),
        pytest.param(json.dumps(no_tiedot).encode(), "x.json: id: has no dimension 'Tiedot' (it "
                     "has Alue, Kuukausi, Muuttuja)", id="no-tiedot"),
        pytest.param(json.dumps(bad_index).encode(), "x.json: dimension.Alue.category.index: must "
                     "map each code to its position 0, 1, ...", id="bad-index"),
    ]


@pytest.mark.parametrize(("raw", "message"), _malformed())
def test_malformed_responses_are_refused_with_what_is_wrong(raw: bytes, message: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        parse_dataset(raw, "x.json")
    assert any(str(p).startswith(message) for p in caught.value.problems), caught.value


def test_a_malformed_file_on_the_command_line_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "x.json"
    bad.write_bytes(b"<html>Service unavailable</html>")
    result = invoke("caseload", "statfin", bad, "--scenario", BASE, "--month", "2024M07",
                    "--out", tmp_path / "new.yaml")
    assert result.exit_code == 2
    assert f"{bad}:1: is not JSON" in result.stderr
    assert "Traceback" not in result.output
    assert not (tmp_path / "new.yaml").exists()


@pytest.mark.parametrize(("args", "message"), [
    (["--month", "2024M07"], "has no figures for 2024M07 (it has 2022M07, 2023M07)"),
    ([], "has 2 months (2022M07, 2023M07); choose one with --month"),
    (["--month", "2024-07"], "--month: '2024-07' is not a month as Statistics Finland writes it"),
    (["--month", "2023M07", "--map", "under_31=TYOTTOMAT25"],
     "--map under_31: no base caseload feature 'under_31'"),
    (["--month", "2023M07", "--map", "under_30=TYOTTOMAT30"],
     "--map under_30=TYOTTOMAT30: no variable TYOTTOMAT30 in the response"),
])
def test_month_and_mapping_problems(tmp_path: Path, args: list[str], message: str) -> None:
    result = invoke("caseload", "statfin", SAMPLE, "--scenario", BASE, "--out",
                    tmp_path / "new.yaml", *args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr


def test_a_municipality_missing_from_the_response(tmp_path: Path) -> None:
    doc = sample()
    doc["dimension"]["Alue"]["category"]["index"] = {c if c != "KU250" else "KU251": i for i, c in
                                                     enumerate(doc["dimension"]["Alue"]["category"]["index"])}
    result = invoke("caseload", "statfin", write(tmp_path / "r.json", doc), "--scenario", BASE,
                    "--month", "2023M07", "--out", tmp_path / "new.yaml")
    assert result.exit_code == 2
    assert "no municipality KU250 (Kihniö) in the response" in result.stderr


# --- the mapping ----------------------------------------------------------------------------

def test_under_25s_are_never_taken_for_under_30s(tmp_path: Path) -> None:
    doc = with_variable(sample(), "TYOTTOMAT25", {(c, "2023M07"): 1.0 for c in CODES.values()})
    response = write(tmp_path / "r.json", doc)
    out = tmp_path / "new.yaml"
    result = invoke("caseload", "statfin", response, "--scenario", BASE, "--month", "2023M07",
                    "--out", out)
    assert result.exit_code == 0, result.output
    assert "Not used: TYOTTOMAT25 (under-25s, not under-30s: it is not under_30" in result.stdout
    assert "under_30" in result.stdout.split("Not in the file")[1].splitlines()[0]
    assert load_scenario(out).feature_values()["under_30"] == load_scenario(BASE).feature_values()[
        "under_30"]
    # Asked for explicitly, it is taken, and every municipality's figure changes.
    mapped = invoke("caseload", "statfin", response, "--scenario", BASE, "--month", "2023M07",
                    "--out", out, "--map", "under_30=TYOTTOMAT25")
    assert mapped.exit_code == 0, mapped.output
    assert set(load_scenario(out).feature_values()["under_30"].values()) == {1.0}
    assert "under_30 ← TYOTTOMAT25" in mapped.stdout


def test_a_default_can_be_dropped() -> None:
    mapping = parse_mapping(["labour_force="], load_scenario(BASE))
    assert "labour_force" not in mapping
    assert mapping["unemployed"] == "TYOTTOMATLOPUSSA"


# --- the query and the fetch -----------------------------------------------------------------

def test_query_names_the_scenarios_codes_the_month_and_the_mapped_variables() -> None:
    body = query_body(load_scenario(BASE), "2024M07", list(DEFAULT_MAP.values()))
    selections = {q["code"]: q["selection"] for q in body["query"]}
    assert selections["Alue"] == {"filter": "item", "values": list(CODES.values())}
    assert selections["Kuukausi"]["values"] == ["2024M07"]
    assert selections["Tiedot"]["values"] == list(DEFAULT_MAP.values())
    assert body["response"] == {"format": "json-stat2"}


def test_query_on_the_command_line_prints_url_and_body() -> None:
    result = invoke("caseload", "statfin", "--query", "--scenario", BASE, "--month", "2024M07")
    assert result.exit_code == 0, result.output
    first, rest = result.stdout.split("\n", 1)
    assert first == f"POST {URL}"
    assert json.loads(rest) == query_body(load_scenario(BASE), "2024M07",
                                          list(DEFAULT_MAP.values()))


def test_query_needs_municipality_codes(tmp_path: Path) -> None:
    text = BASE.read_text(encoding="utf-8").replace('    code: "250"\n', "")
    path = tmp_path / "nocode.yaml"
    path.write_text(text, encoding="utf-8")
    result = invoke("caseload", "statfin", "--query", "--scenario", path, "--month", "2024M07")
    assert result.exit_code == 2
    assert "municipalities[2].code: Kihniö needs its Statistics Finland municipality code" in \
        result.stderr


class _Server:
    """A local PxWeb stand-in: answers each POST with ``reply`` (status, bytes) and keeps
    the bodies it was sent."""

    def __init__(self, status: int, reply: bytes, delay: float = 0.0) -> None:
        self.bodies: list[Any] = []
        outer = self
        gate = threading.Event()
        self.gate = gate

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                outer.bodies.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
                if delay:
                    gate.wait(delay)
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/api/v1/fi/StatFin/tyonv/t.px"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> _Server:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.gate.set()
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server() -> Iterator[_Server]:
    with _Server(200, SAMPLE.read_bytes()) as s:
        yield s


def test_fetch_posts_the_query_saves_the_answer_and_writes_the_scenario(
        tmp_path: Path, server: _Server) -> None:
    response, out = tmp_path / "12r5-2022M07.json", tmp_path / "new.yaml"
    result = invoke("caseload", "statfin", response, "--fetch", "--url", server.url,
                    "--scenario", BASE, "--month", "2022M07", "--out", out)
    assert result.exit_code == 0, result.output
    assert server.bodies == [query_body(load_scenario(BASE), "2022M07",
                                        list(DEFAULT_MAP.values()))]
    assert response.read_bytes() == SAMPLE.read_bytes()
    assert f"Fetched {server.url}" in result.stdout
    assert load_scenario(out).feature_values()["unemployed"]["Sastamala"] == 633


def test_fetch_offline_says_so_and_what_to_do(tmp_path: Path) -> None:
    with _Server(200, b"") as closed:
        url = closed.url
    result = invoke("caseload", "statfin", tmp_path / "r.json", "--fetch", "--url", url,
                    "--scenario", BASE, "--month", "2024M07", "--out", tmp_path / "new.yaml")
    assert result.exit_code == 2
    assert f"error: cannot reach {url}" in result.stderr
    assert "offline? Run the query shown by --query" in result.stderr
    assert "Traceback" not in result.output
    assert not (tmp_path / "r.json").exists()


def test_fetch_http_error_and_timeout(tmp_path: Path) -> None:
    args = ["--scenario", BASE, "--month", "2024M07", "--out", tmp_path / "new.yaml"]
    with _Server(400, b"Bad request: Kuukausi 2024M07") as s:
        result = invoke("caseload", "statfin", tmp_path / "r.json", "--fetch", "--url", s.url,
                        *args)
    assert result.exit_code == 2
    assert "answered HTTP 400 Bad Request: Bad request: Kuukausi 2024M07" in result.stderr
    with _Server(200, b"{}", delay=5.0) as s:
        result = invoke("caseload", "statfin", tmp_path / "r.json", "--fetch", "--url", s.url,
                        "--timeout", "0.2", *args)
    assert result.exit_code == 2
    assert "within 0.2 s" in result.stderr or "timed out" in result.stderr


# --- the written scenario ----------------------------------------------------------------------

def _without_names(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in ("name", "title", "description")}


def test_the_written_scenario_changes_exactly_what_the_response_changed(tmp_path: Path) -> None:
    out = tmp_path / "base-2022m07.yaml"
    result = invoke("caseload", "statfin", SAMPLE, "--scenario", BASE, "--month", "2022M07",
                    "--out", out)
    assert result.exit_code == 0, result.output
    base, new = load_scenario(BASE), load_scenario(out)
    assert new.name == "base-2022m07"
    assert "extends: " in out.read_text(encoding="utf-8")
    dataset = parse_dataset(SAMPLE.read_bytes(), str(SAMPLE))
    expected = base.model_dump(mode="python")
    changed = 0
    for m in expected["municipalities"]:
        for feature, variable in DEFAULT_MAP.items():
            figure = dataset.value(Alue=CODES[m["name"]], Kuukausi="2022M07", Tiedot=variable)
            if figure is not None and figure != m["caseload"][feature]:
                m["caseload"][feature] = figure
                changed += 1
    assert _without_names(new.model_dump(mode="python")) == _without_names(expected)
    assert changed == 27
    text = out.read_text(encoding="utf-8")
    assert text.count("# 12r5 ") == changed
    assert "unemployed: 633" in text and "# 12r5 TYOTTOMATLOPUSSA 2022M07 (was 759)" in text
    # Said on the terminal: what the file lacks, the confidential figures, the changes.
    assert ("Not in the file, so as in " in result.stdout and "men, women, under_30, "
            "structurally_unemployed, partially_able, inflow_over_3m_share." in result.stdout)
    assert "No figure for Kihniö foreign_nationals (status '..')" in result.stdout
    assert "Sastamala    labour_force 10024 → 10124 (+100), unemployed 759 → 633 (−126)" in \
        result.stdout
    # It runs, verified, and agrees with the plan's 2022 scenario where the two share figures.
    outcome = allocate(new)
    assert outcome.verified
    y2022 = load_scenario(FIGURES_2022).feature_values()
    for feature in ("unemployed", "labour_force", "over_50", "long_term_unemployed"):
        assert new.feature_values()[feature] == y2022[feature]


def test_the_same_month_changes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "same.yaml"
    result = invoke("caseload", "statfin", SAMPLE, "--scenario", BASE, "--month", "2023M07",
                    "--out", out)
    assert result.exit_code == 0, result.output
    assert result.stdout.count("no change") == 6
    assert "0 figures changed" in result.stdout
    assert "municipalities:" not in out.read_text(encoding="utf-8")
    assert _without_names(load_scenario(out).model_dump()) == _without_names(
        load_scenario(BASE).model_dump())


def test_update_from_takes_the_only_month_when_none_is_given() -> None:
    doc = sample()
    keep = [v for i, v in enumerate(doc["value"]) if (i // 5) % 2 == 1]  # the 2023M07 cells
    doc["value"], doc["size"], doc["status"] = keep, [6, 1, 5], {}
    doc["dimension"]["Kuukausi"]["category"] = {"index": {"2023M07": 0}}
    dataset = parse_dataset(json.dumps(doc).encode(), "one.json")
    update = update_from(dataset, load_scenario(BASE), None, DEFAULT_MAP, "one.json")
    assert update.month == "2023M07"
    assert update.changes == []

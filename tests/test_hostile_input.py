"""Hostile or malformed input ends in a clear ``file:line: field: message`` and exit 2.

Each case goes through the ``allocate`` command (click's CliRunner) and checks the exit
status, that no traceback escapes, that the file and field are named and, where another
file is involved, that none of its content is printed. A seeded fuzz test then mutates
``scenarios/base.yaml`` a few hundred ways and checks that every run ends in 0, 1 or 2 with
well-formed problem lines.
"""

from __future__ import annotations

import os
import random
import re
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from allocator.cli import main
from allocator.errors import ScenarioError
from allocator.scenario.loading import MAX_FILE_BYTES, load_scenario
from allocator.scenario.schema import MAX_UNITS

BASE = Path(__file__).parents[1] / "scenarios" / "base.yaml"
BASE_TEXT = BASE.read_text(encoding="utf-8")
#: A problem line as printed under "error: ...": two spaces, then the Problem.
PROBLEM = re.compile(r"^  (?P<file>[^:\n]+?)(?::(?P<line>\d+))?: (?P<rest>.+)$")


def edit(old: str, new: str, text: str = BASE_TEXT) -> str:
    assert text.count(old) == 1, f"expected exactly one {old!r} in the text"
    return text.replace(old, new)


def run(*args: object) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def check_invalid(result: Result, *fragments: str) -> str:
    """Exit 2, no traceback, and every fragment in the output; returns the output."""
    out = result.output
    assert result.exit_code == 2, out
    assert result.exception is None or isinstance(result.exception, SystemExit), out
    assert "Traceback" not in out
    for fragment in fragments:
        assert fragment in out, f"{fragment!r} not in:\n{out}"
    return out


# --- 1. the YAML parser ------------------------------------------------------------------

def _deep(levels: int) -> str:
    return edit("title: Western", "title: " + "[" * levels + "]" * levels + "\nx: Western")


YAML_CASES = {
    "nul": (edit("lead_municipality: Sastamala\n", "lead_municipality: Sasta\x00mala\n"),
            "U+0000 (NUL)", "lead_municipality: Sasta"),
    "bel": (edit("granularity: 0.01\n", "granularity: 0.01\x07\n"), "U+0007 (BEL)",
            "granularity:"),
    "recursive-alias": ("name: &a [*a]\n", "anchors and aliases", "name: &a"),
    "billion-laughs": ("a: &a [x, x, x, x, x, x, x, x, x, x]\n"
                       + "".join(f"{c}: &{c} [{', '.join(['*' + p] * 10)}]\n"
                                 for p, c in zip("abcdefg", "bcdefgh", strict=True))
                       + "name: *h\n", "anchors and aliases", "a: &a"),
    "nested-500": (_deep(500), "nested more than", "title: [[["),
    "too-many-values": ("name: x\njunk: [" + "1, " * 250_000 + "]\n", "more than 200,000 values",
                        "junk:"),
}


@pytest.mark.parametrize("case", list(YAML_CASES))
def test_yaml_parser_refuses_cleanly(tmp_path: Path, case: str) -> None:
    text, fragment, line_text = YAML_CASES[case]
    path = tmp_path / "hostile.yaml"
    path.write_text(text, encoding="utf-8")
    line = text.count("\n", 0, text.index(line_text)) + 1
    check_invalid(run(path), f"{path}:{line}: ", fragment)


# --- 2. unbounded reads ------------------------------------------------------------------

def _fifo(tmp_path: Path) -> Path:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    return fifo


def _large(tmp_path: Path) -> Path:
    big = tmp_path / "big.yaml"
    with open(big, "wb") as f:
        f.truncate(MAX_FILE_BYTES + 1)  # sparse: 4 MB of NULs without writing them
    return big


READ_CASES: dict[str, tuple[Callable[[Path], Path], str]] = {
    "fifo": (_fifo, "not a regular file"),
    "large": (_large, "larger than 4 MB"),
}


@pytest.mark.skipif(sys.platform == "win32", reason="FIFOs and /dev/zero are POSIX")
@pytest.mark.parametrize(("case", "via"), [("fifo", "file"), ("fifo", "extends"),
                                           ("large", "file"), ("large", "extends"),
                                           ("dev-zero", "extends")])
def test_unbounded_reads_are_refused(tmp_path: Path, case: str, via: str) -> None:
    if case == "dev-zero":
        target, fragment = Path("/dev/zero"), "not a regular file"
    else:
        make, fragment = READ_CASES[case]
        target = make(tmp_path)
    if via == "file":
        check_invalid(run(target), f"{target}: ", fragment)
    else:
        child = tmp_path / "child.yaml"
        child.write_text(f"name: c\nextends: {target}\n", encoding="utf-8")
        check_invalid(run(child), f"{child}:2: extends: ", fragment)


# --- 3. extends: -------------------------------------------------------------------------

def _system_like(tmp_path: Path) -> tuple[str, list[str]]:
    # A file of "key: value" lines, like many configuration files: valid YAML, no scenario.
    lines = [f"secret_{i}: value-{i}-do-not-print" for i in range(20)]
    target = tmp_path / "elsewhere" / "settings.conf"
    target.parent.mkdir()
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return "elsewhere/settings.conf", lines


def _passwd_like(tmp_path: Path) -> tuple[str, list[str]]:
    lines = ["root:x:0:0:root:/root:/bin/bash", "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin",
             "bad: [unclosed"]
    (tmp_path / "passwd").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return "passwd", lines


def _bell(tmp_path: Path) -> tuple[str, list[str]]:
    lines = ["name: p", "title: secret\x07title"]
    (tmp_path / "bell.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return "bell.yaml", lines


def _loop(tmp_path: Path) -> tuple[str, list[str]]:
    (tmp_path / "a.yaml").symlink_to(tmp_path / "b.yaml")
    (tmp_path / "b.yaml").symlink_to(tmp_path / "a.yaml")
    return "a.yaml", []


def _long_name(tmp_path: Path) -> tuple[str, list[str]]:
    return "x" * 5000 + ".yaml", []


def _long_component(tmp_path: Path) -> tuple[str, list[str]]:
    return "y" * 300 + ".yaml", []


def _nul_name(tmp_path: Path) -> tuple[str, list[str]]:
    return '"base\\0.yaml"', []


EXTENDS_CASES: dict[str, tuple[Callable[[Path], tuple[str, list[str]]], str]] = {
    "not-a-scenario-mapping": (_system_like, "is not a scenario file"),
    "not-yaml": (_passwd_like, "is not valid YAML"),
    "control-character": (_bell, "U+0007 (BEL) is not allowed in a scenario file (its line 2)"),
    "symlink-loop": (_loop, "extends: "),
    "over-long-name": (_long_name, "at most 1024"),
    "over-long-component": (_long_component, "cannot be read"),
    "nul-in-name": (_nul_name, "NUL character"),
}


@pytest.mark.parametrize("case", list(EXTENDS_CASES))
def test_extends_refuses_without_echoing_the_target(tmp_path: Path, case: str) -> None:
    make, fragment = EXTENDS_CASES[case]
    name, target_lines = make(tmp_path)
    child = tmp_path / "child.yaml"
    child.write_text(f"# a child\nextends: {name}\ntotal_htv: 30\n", encoding="utf-8")
    out = check_invalid(run(child), f"{child}:2: extends: ", fragment)
    assert len([ln for ln in out.splitlines() if ln.startswith("  ")]) == 1, out
    for line in target_lines:
        assert line not in out
        for part in line.split(": "):
            assert len(part) < 6 or part not in out


def test_a_chain_over_the_limit_is_refused(tmp_path: Path) -> None:
    (tmp_path / "f0.yaml").write_text(BASE_TEXT, encoding="utf-8")
    for i in range(1, 1200):
        (tmp_path / f"f{i}.yaml").write_text(f"extends: f{i - 1}.yaml\n", encoding="utf-8")
    out = check_invalid(run(tmp_path / "f1199.yaml"), "extends: ", "longer than 20")
    assert re.search(r"f\d+\.yaml:1: extends: ", out)


def test_a_chain_within_the_limit_loads(tmp_path: Path) -> None:
    (tmp_path / "f0.yaml").write_text(BASE_TEXT, encoding="utf-8")
    for i in range(1, 19):
        (tmp_path / f"f{i}.yaml").write_text(f"extends: f{i - 1}.yaml\n", encoding="utf-8")
    assert load_scenario(tmp_path / "f18.yaml").total_htv == 32.66


# --- 4. huge figures ---------------------------------------------------------------------

@pytest.mark.parametrize(("old", "new", "path", "at"), [
    ("total_htv: 32.66\n", "total_htv: 100000000000\n", "total_htv", "total_htv:"),  # 10^13
    ("total_htv: 32.66\n", "total_htv: 1000000000000\n", "total_htv", "total_htv:"),  # 10^14
    ("granularity: 0.01\n", "granularity: 1.0e-12\n", "total_htv", "total_htv:"),
    ("    htv: 1.0", "    htv: 1.0e+12", "central_services[1].htv", "htv: 1.0e+12"),
])
def test_huge_figures_are_refused_naming_the_fields(tmp_path: Path, old: str, new: str,
                                                    path: str, at: str) -> None:
    text = BASE_TEXT.replace(old, new, 1)
    assert text != BASE_TEXT
    file = tmp_path / "huge.yaml"
    file.write_text(text, encoding="utf-8")
    line = text.count("\n", 0, text.index(at)) + 1
    check_invalid(run(file, "--no-files"), f"{file}:{line}: {path}: ", "granularity", "10^9")


def test_changed_scenarios_get_the_same_bound() -> None:
    base = load_scenario(BASE)
    with pytest.raises(ScenarioError) as info:
        base.with_changes({"total_htv": float(MAX_UNITS) * 10})
    assert [p.path for p in info.value.problems] == ["total_htv"]
    assert "10^9" in info.value.problems[0].message


@pytest.mark.parametrize("args", [["--htv", "1e300"], ["--htv", "nan"], ["--htv", "0.001"],
                                  ["--municipalities", "1000000000"], ["--areas", "100000"]])
def test_generate_refuses_absurd_sizes(args: list[str]) -> None:
    result = run("generate", *args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert "Error:" in result.output


# --- 5. YAML 1.1 surprises and messages ----------------------------------------------------

@pytest.mark.parametrize(("old", "new", "path", "fragment"), [
    ("total_htv: 32.66\n", "total_htv: 12:39\n", "total_htv", "must be a number, got '12:39'"),
    ("      unemployed: 439 ", "      unemployed: 0107 ", "municipalities[0].caseload.unemployed",
     "0107 has a leading zero"),
    ("total_htv: 32.66\n", "total_htv: 32.6600001\n", "total_htv",
     "32.6600001 is not a whole multiple of granularity 0.01"),
    ("lead_municipality: Sastamala\n", "lead_municipality: Sasta\u200bmala\n",
     "lead_municipality", "unknown municipality 'Sasta\\u200bmala'"),
    ("lead_municipality: Sastamala\n", "lead_municipality: 'Sastamala '\n",
     "lead_municipality", "unknown municipality 'Sastamala\\x20'"),
    ("lead_municipality: Sastamala\n", "lead_municipality: S\u0430stamala\n",
     "lead_municipality", "unknown municipality 'S\\u0430stamala'"),
    ("lead_municipality: Sastamala\n", "lead_municipality: \u202eSastamala\n",
     "lead_municipality", "unknown municipality '\\u202eSastamala'"),
])
def test_yaml_surprises_are_shown(tmp_path: Path, old: str, new: str, path: str,
                                  fragment: str) -> None:
    text = edit(old, new)
    file = tmp_path / "surprise.yaml"
    file.write_text(text, encoding="utf-8")
    line = text.count("\n", 0, text.index(new.strip())) + 1
    check_invalid(run(file, "--no-files"), f"{file}:{line}: {path}: ", fragment)


@pytest.mark.parametrize(("written", "value"), [("1e-2", 0.01), ("3.266e1", 32.66),
                                                ("32.66", 32.66), ("0x10", 16), ("0o10", 8)])
def test_yaml_12_numbers_are_numbers(tmp_path: Path, written: str, value: float) -> None:
    file = tmp_path / "numbers.yaml"
    file.write_text(f"extends: {BASE}\ndescription: x\nsolver:\n  time_limit: {written}\n",
                    encoding="utf-8")
    assert load_scenario(file).solver.time_limit == value


def test_yaml_11_booleans_are_text(tmp_path: Path) -> None:
    file = tmp_path / "yes.yaml"
    file.write_text(edit("    municipality: Parkano\n", "    municipality: Parkano\n    optional: yes\n"),
                    encoding="utf-8")
    check_invalid(run(file, "--no-files"), "optional: must be true or false, got 'yes'")


def test_a_child_patching_one_name_twice_is_refused(tmp_path: Path) -> None:
    (tmp_path / "base.yaml").write_text(BASE_TEXT, encoding="utf-8")
    child = tmp_path / "child.yaml"
    child.write_text("extends: base.yaml\n"
                     "offices:\n"
                     "  - name: Parkano\n"
                     "    min_htv: 1.0\n"
                     "  - name: Parkano\n"
                     "    min_htv: 3.0\n", encoding="utf-8")
    check_invalid(run(child, "--no-files"), f"{child}:5: offices[1].name: ",
                  "patched twice", "line 3")


# --- a seeded fuzz test ------------------------------------------------------------------

FIGURES = ["0", "2", "0.5", "1e9", "100", "0.333", "32.6600001", "1e-2", "12:39", "0107"]
SPECIAL = [".nan", "-1", "2", "1e300", "-.inf", "&a", "*a", "\x00", "0107", "12:39", "~", "[]", "{}",
           "'", '"', "!!python/object:os.system", "[" * 60, "- - - -", ": :", "\t", "\u200b",
           "<<: {}", "? [a]: 1", "yes", "1e-2", "extends: base.yaml", "extends: /dev/zero"]


def _mutate(text: str, rng: random.Random) -> str:
    lines = text.split("\n")
    for _ in range(rng.randint(1, 3)):
        kind = rng.randrange(8)
        i = rng.randrange(len(lines))
        if kind == 7:  # a figure of the model: most such mutants stay valid YAML
            numbered = [j for j, ln in enumerate(lines) if re.search(r": [0-9.]+", ln)]
            i = rng.choice(numbered)
            lines[i] = re.sub(r": [0-9.]+", ": " + rng.choice(FIGURES), lines[i], count=1)
        elif kind == 0:
            del lines[i]
        elif kind == 1:
            lines.insert(i, lines[rng.randrange(len(lines))])
        elif kind == 2 and lines[i]:
            j = rng.randrange(len(lines[i]))
            lines[i] = lines[i][:j] + lines[i][j + 1:]
        elif kind == 3 and lines[i]:
            j = rng.randrange(len(lines[i]))
            lines[i] = lines[i][:j] + rng.choice(" :-#'\"[]{}&*!|>0123456789.\n") + lines[i][j:]
        elif kind == 4 and ": " in lines[i]:
            key = lines[i].split(": ", 1)[0]
            lines[i] = f"{key}: {rng.choice(SPECIAL)}"
        elif kind == 5:
            lines.insert(i, rng.choice(SPECIAL))
        else:
            j = rng.randrange(len(lines[i]) + 1)
            lines[i] = lines[i][:j] + rng.choice(SPECIAL) + lines[i][j:]
    return "\n".join(lines)


def test_fuzzed_scenarios_end_in_a_clear_exit(tmp_path: Path) -> None:
    rng = random.Random(20231128)
    (tmp_path / "base.yaml").write_text(BASE_TEXT, encoding="utf-8")
    counts = {0: 0, 1: 0, 2: 0}
    runner = CliRunner()
    for n in range(300):
        file = tmp_path / f"case{n}.yaml"
        file.write_text(_mutate(BASE_TEXT, rng), encoding="utf-8")
        try:
            load_scenario(file)
        except ScenarioError:
            args = [str(file), "--json", "--no-files"]
        else:
            args = [str(file), "--json", "--no-files", "--time-limit", "2"]
        result = runner.invoke(main, args)
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            file.read_text(encoding="utf-8"), result.output)
        assert result.exit_code in counts, result.output
        counts[result.exit_code] += 1
        if result.exit_code == 2:
            problems = [ln for ln in result.stderr.splitlines() if ln.startswith("  ")]
            assert problems, result.stderr
            for line in problems:
                match = PROBLEM.match(line)
                assert match is not None and match["file"].endswith(".yaml"), line
    assert counts[2] > 100 and counts[0] > 10, counts

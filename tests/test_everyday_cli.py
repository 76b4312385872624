"""Everyday use of the command line (issue 19): one option grammar, JSON everywhere, plain help, every
command and option documented, progress in a terminal and in a log, -q/-v, discoverable scenarios
and parameters, shell completion."""

from __future__ import annotations

import io
import json
import math
import re
import time
import tomllib
from pathlib import Path

import attrs
import click
import pytest
from click.testing import CliRunner

from credsup.cli.main import cli
from credsup.cli.progress import Reporter
from credsup.cli.reference import CLI_DOC, commands, help_text, reference_markdown
from credsup.core.errors import ConfigError
from credsup.core.overrides import SET_METAVAR, split_overrides

ROOT = Path(__file__).parents[1]
EXAMPLE = str(ROOT / "examples" / "registry")
TINY = ["--set", "scenario.population.enterprises=300", "--set", "scenario.months=3"]


def invoke(*args: str, env: dict[str, str] | None = None, input: str | None = None):
    return CliRunner().invoke(cli, [str(a) for a in args], env=env, input=input)


# -- one grammar ----------------------------------------------------------------------------------------


def test_params_takes_the_jurisdiction_prefix_the_issue_names() -> None:
    result = invoke("params", "national", "--set", "national:inspection.rate_per_year.D=0.8", "--json")
    assert result.exit_code == 0, result.output
    rows = {r["key"]: r for r in json.loads(result.stdout)["parameters"]}
    assert rows["inspection.rate_per_year.D"]["value"] == 0.8


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        (
            "inspection.rate_per_yaer.D=1",
            "Error: --set: inspection.rate_per_yaer.D: no such parameter: 'rate_per_yaer'",
        ),
        (
            "hainan:grading.cuts.A=1",
            "Error: --set: hainan:grading.cuts.A: jurisdiction 'hainan' is not used here (national)",
        ),
        ("nonsense", "Error: --set: nonsense: expected key.path=value"),
    ],
)
def test_one_parser_gives_the_same_message_on_every_command(setting: str, expected: str) -> None:
    commands_ = [
        ["params", "national"],
        ["plugin", "check", "national", "--examples", "1"],
        ["grade", EXAMPLE, "-j", "national", "--as-of", "2027-01-01"],
        ["repair-check", EXAMPLE, "E000001", "-j", "national", "--as-of", "2027-01-01"],
        ["run", "-s", "demo", "-j", "national", "--seed", "1", *TINY],
        ["compare", "-s", "demo", "-j", "national", "-r", "1", *TINY],
        [
            "plan",
            EXAMPLE,
            "-j",
            "national",
            "--inspectors",
            f"{EXAMPLE}/inspectors.csv",
            "--period",
            "2027Q1",
            "--seed",
            "3",
        ],
    ]
    if not setting.startswith("hainan:"):  # the shipped sweep compares national with shanghai
        commands_.append(["sweep", "capacity-x-d-rate"])
    for words in commands_:
        result = invoke(*words, "--set", setting)
        assert result.exit_code == 1, (words, result.output)
        assert result.stderr.splitlines()[-1].startswith(expected), (words, result.stderr)


def test_a_scenario_value_is_refused_where_there_is_no_scenario() -> None:
    for words in (["params", "national"], ["grade", EXAMPLE, "-j", "national"]):
        result = invoke(*words, "--set", "scenario.months=3")
        assert result.exit_code == 1
        assert "Error: --set: scenario.months: this command has no scenario" in result.stderr


@attrs.define
class _Rates:
    rate: float = 0.0


@attrs.define
class _Counts:
    count: int = 0


@attrs.define
class _One:
    inspection: _Rates = attrs.Factory(_Rates)


@attrs.define
class _Other:
    inspection: _Counts = attrs.Factory(_Counts)


def test_an_unknown_key_gets_one_reason_when_every_jurisdiction_gives_it() -> None:
    def reason(classes: dict[str, type], text: str) -> str:
        with pytest.raises(ConfigError) as caught:
            split_overrides([text], classes)
        return str(caught.value)

    same = reason({"a": _One, "b": _One}, "inspection.rat=1")
    assert "no such parameter: 'rat' is not a key of 'inspection' (did you mean 'rate'?)" in same
    differing = reason({"a": _One, "b": _Other}, "inspection.cont=1")
    assert "no jurisdiction used here has this parameter" in differing
    routed = split_overrides(["inspection.rate=1"], {"a": _One, "b": _Other})
    assert routed == ([], {"a": [("inspection.rate", 1)], "b": []})


def _options(command: click.Command) -> list[click.Option]:
    return [p for p in command.params if isinstance(p, click.Option) and not p.hidden]


def test_every_set_option_has_the_same_spelling_and_metavar() -> None:
    found = 0
    for path, command in commands():
        for option in _options(command):
            if "--set" in option.opts:
                found += 1
                assert option.metavar == SET_METAVAR and option.multiple, path
                assert "TOML literals" in (option.help or ""), path
    assert found >= 9  # run, compare, sweep, grade, plan, repair-check, params, plugin check, serve


def test_out_is_a_folder_and_o_is_a_file_everywhere() -> None:
    folders = {("compare",), ("sweep",), ("frontier",), ("calibrate",), ("results", "report"), ("registry", "generate")}
    files = {("grade",), ("plan",), ("results", "export"), ("registry", "summary")}
    for path, command in commands():
        for option in _options(command):
            if "--out" in option.opts:
                assert path in folders and option.metavar == "DIR", path
            if "-o" in option.opts:
                assert path in files and option.opts == ["-o", "--output"] and option.metavar == "FILE", path
    for path in folders | files:
        names = {o for p, c in commands() if p == path for opt in _options(c) for o in opt.opts}
        assert ("--out" in names) if path in folders else ("-o" in names), path


def test_the_old_out_file_spelling_still_works_with_a_note(tmp_path: Path) -> None:
    out = tmp_path / "grades.csv"
    result = invoke("grade", EXAMPLE, "-j", "national", "--as-of", "2027-01-01", "--out", out)
    assert result.exit_code == 0, result.output
    assert "--out FILE is deprecated here; write -o FILE" in result.stderr
    assert out.read_text().startswith("enterprise,grade,")
    both = invoke("grade", EXAMPLE, "-j", "national", "-o", out, "--out", out, "--force")
    assert both.exit_code == 2 and "give -o/--output FILE once" in both.output


JSON_COMMANDS = [
    ["plugins"],
    ["params", "national"],
    ["params", "national", "--diff", "shanghai"],
    ["scenarios"],
    ["validate", str(ROOT / "configs" / "scenarios" / "demo.toml")],
    ["grade", EXAMPLE, "-j", "national", "--as-of", "2027-01-01"],
    [
        "plan",
        EXAMPLE,
        "-j",
        "national",
        "--inspectors",
        f"{EXAMPLE}/inspectors.csv",
        "--period",
        "2027Q1",
        "--seed",
        "3",
    ],
    ["repair-check", EXAMPLE, "E000001", "-j", "national", "--as-of", "2027-01-01"],
    ["registry", "check", EXAMPLE],
    ["registry", "summary", EXAMPLE, "--as-of", "2027-01-01"],
    ["results", "list"],
    ["results", "path"],
    ["run", "-s", "demo", "-j", "national", "--seed", "1", *TINY],
]


@pytest.mark.parametrize("words", JSON_COMMANDS, ids=lambda w: " ".join(w[:2]))
def test_every_command_that_prints_data_prints_json(words: list[str]) -> None:
    result = invoke(*words, "--json")
    assert result.exit_code == 0, result.output
    json.loads(result.stdout)  # the whole of stdout is one JSON document


def test_data_commands_all_offer_json() -> None:
    printing = {tuple(w[:2]) if w[0] in ("registry", "results") else (w[0],) for w in JSON_COMMANDS}
    printing |= {("compare",), ("sweep",), ("results", "show"), ("results", "export"), ("plugin", "check")}
    for path, command in commands():
        if path in printing:
            assert any("--json" in o.opts for o in _options(command)), path


def test_a_seed_is_the_same_integer_everywhere(tmp_path: Path) -> None:
    run = json.loads(invoke("run", "-s", "demo", "-j", "national", "--seed", "7", *TINY, "--json").stdout)
    assert run["seed"] == 7
    db = str(tmp_path / "r.db")
    compare = invoke(
        "compare",
        "-s",
        "demo",
        "-j",
        "national",
        "-j",
        "traditional",
        "-r",
        "2",
        "--seed",
        "7",
        "--db",
        db,
        *TINY,
        "--json",
    )
    assert compare.exit_code == 0, compare.output
    assert json.loads(compare.stdout)["seed"] == 7
    (listed,) = json.loads(invoke("results", "list", "--db", db, "--json").stdout)
    assert listed["seed"] == 7
    exported = json.loads(invoke("results", "export", "1", "--db", db, "--format", "json").stdout)
    assert exported["experiment"]["seed"] == 7


def test_help_is_in_plain_words_and_every_command_and_option_is_documented() -> None:
    docs = "\n".join(
        p.read_text(encoding="utf-8") for p in [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    )
    for path, command in [((), cli), *commands()]:
        text = help_text(path)
        assert "``" not in text and ":func:" not in text and ":class:" not in text, path
        if path:
            assert f"credsup {' '.join(path)}" in docs, path
        for option in _options(command):
            long = [o for o in option.opts if o.startswith("--")] or option.opts
            section = docs.split(f"## credsup {' '.join(path)}\n".replace("credsup \n", "credsup\n"), 1)
            assert len(section) == 2, f"docs/cli.md has no section for credsup {' '.join(path)}"
            body = section[1].split("\n## ", 1)[0]
            assert long[0] in body, f"credsup {' '.join(path)} {long[0]} is not documented"


def test_the_command_reference_is_current() -> None:
    assert (ROOT / CLI_DOC).read_text(encoding="utf-8") == reference_markdown(), (
        "docs/cli.md is stale: run `python -m credsup.cli.reference`"
    )


# -- progress --------------------------------------------------------------------------------------------


def test_plain_progress_lines_in_a_log_at_most_every_interval() -> None:
    stream = io.StringIO()
    reporter = Reporter(0, stream=stream, interval=3600)
    with reporter.task("runs", 50) as task:
        for _ in range(50):
            task.advance()
    assert stream.getvalue() == ""  # work shorter than the interval leaves no line in a log
    stream = io.StringIO()
    with Reporter(0, stream=stream, interval=0).task("runs", 4) as task:
        for _ in range(4):
            task.advance()
    assert [re.sub(r",.*", "", line) for line in stream.getvalue().splitlines()] == [
        "runs: 1/4 (25%)",
        "runs: 2/4 (50%)",
        "runs: 3/4 (75%)",
        "runs: 4/4 (100%)",
    ]  # the end is written once
    assert stream.getvalue().splitlines()[-1].endswith(" - done")
    stream = io.StringIO()
    with Reporter(0, stream=stream, interval=0.05).task("one slow run", 1) as task:
        time.sleep(0.1)
        task.advance()
    assert [line.split(",")[0] for line in stream.getvalue().splitlines()] == ["one slow run: 1/1 (100%)"]


def test_a_long_stage_gets_a_line_every_interval_in_a_log() -> None:
    stream = io.StringIO()
    reporter = Reporter(0, stream=stream, interval=0.1)
    with reporter.step("reading the registry"):
        time.sleep(0.35)
    lines = stream.getvalue().splitlines()
    assert len(lines) >= 3 and all(line.startswith("reading the registry ... 0:00") for line in lines[:-1])
    assert lines[-1] == "reading the registry: done in 0:00"
    quick = io.StringIO()
    with Reporter(0, stream=quick, interval=5).step("summarising"):
        pass
    assert quick.getvalue() == ""


def test_a_terminal_gets_a_live_bar_and_quiet_gets_nothing() -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    tty = Tty()
    reporter = Reporter(0, stream=tty)
    assert reporter.mode == "bar"
    with reporter.task("demo: runs", 3) as task:
        task.advance(3)
    assert "demo: runs" in tty.getvalue() and "3/3" in tty.getvalue()
    quiet = io.StringIO()
    q = Reporter(-1, stream=quiet, interval=0)
    with q.task("runs", 2) as task, q.step("reading"):
        task.advance(2)
        q.note("a note")
    assert q.mode == "off" and quiet.getvalue() == ""


def test_compare_reports_progress_in_a_log_and_q_v_change_it(tmp_path: Path) -> None:
    words = ["compare", "-s", "demo", "-j", "national", "-r", "2", "--seed", "1", *TINY]
    env = {"CREDSUP_PROGRESS_SECONDS": "0"}
    normal = invoke(*words, "--db", str(tmp_path / "a.db"), env=env)
    assert normal.exit_code == 0, normal.output
    assert "demo: runs: 1/2 (50%)" in normal.stderr and "demo: runs: 2/2 (100%)" in normal.stderr
    quiet = invoke(*words, "--db", str(tmp_path / "b.db"), "-q", env=env)
    assert quiet.exit_code == 0 and quiet.stderr == ""
    assert quiet.stdout == normal.stdout.replace("experiment 1", "experiment 1")  # the data is the same
    verbose = invoke("-v", *words, "--db", str(tmp_path / "c.db"), env=env)
    assert "experiment 1 in sqlite:///" in verbose.stderr and "demo: runs: 2 in " in verbose.stderr


def test_grade_reports_its_stages_and_their_times_with_v() -> None:
    result = invoke("grade", EXAMPLE, "-j", "national", "--as-of", "2027-01-01", "-v")
    assert result.exit_code == 0
    for stage in ("reading", "summarising the records of 1,000 enterprise(s)", "grading with national"):
        assert f"{stage}" in result.stderr
    assert re.search(r"grading with national: \d+\.\d s", result.stderr)
    quiet = invoke("grade", EXAMPLE, "-j", "national", "--as-of", "2027-01-01", "-q")
    assert quiet.exit_code == 0 and quiet.stderr == "" and quiet.stdout == result.stdout


def test_dask_local_prints_the_dashboard_address(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    spec = tmp_path / "tiny.toml"
    spec.write_text(
        'sweep = "tiny"\nscenario = "demo"\njurisdictions = ["national"]\nreplications = 1\nseed = 1\n'
        'outcomes = ["hit_rate"]\n[fixed]\n"scenario.population.enterprises" = 200\n"scenario.months" = 2\n'
        '[parameters]\n"scenario.regulator.inspectors" = [2]\n'
    )
    result = invoke("sweep", spec, "--dask-local", "--workers", "1", "--db", str(tmp_path / "s.db"))
    assert result.exit_code == 0, result.output
    assert re.search(r"Dask dashboard: (http://\S+|not available \(pip install bokeh\))", result.stderr)


# -- discoverability -------------------------------------------------------------------------------------


def test_scenarios_lists_scenarios_and_sweeps_with_their_size() -> None:
    data = json.loads(invoke("scenarios", "--json").stdout)
    for row in data["scenarios"]:
        raw = tomllib.loads((ROOT / "configs" / "scenarios" / f"{row['name']}.toml").read_text())
        assert row["enterprises"] == raw["population"]["enterprises"] and row["months"] == raw["months"]
        assert row["title"] == raw["title"]
    assert {r["name"] for r in data["scenarios"]} == {"demo", "city"}
    for row in data["sweeps"]:
        raw = tomllib.loads((ROOT / "configs" / "sweeps" / f"{row['name']}.toml").read_text())
        k = len(raw["parameters"])
        points = {
            "grid": math.prod(len(v) for v in raw["parameters"].values()),
            "sobol": raw.get("samples", 0) * (k + 2),
            "latin": raw.get("samples", 0),
        }[raw.get("design", "grid")]
        assert row["points"] == points
        assert row["runs"] == points * len(raw["jurisdictions"]) * raw.get("replications", 1)
    text = invoke("scenarios").stdout
    assert "demo" in text and "20,000" in text and "capacity-x-d-rate" in text and "levers-sobol" in text


def test_params_diff_shows_exactly_where_two_jurisdictions_differ_with_sources() -> None:
    def values(name: str) -> dict[str, dict]:
        return {r["key"]: r for r in json.loads(invoke("params", name, "--json").stdout)["parameters"]}

    national, shanghai = values("national"), values("shanghai")
    expected = {
        k
        for k in national.keys() | shanghai.keys()
        if national.get(k, {}).get("value", object()) != shanghai.get(k, {}).get("value", object())
    }
    diff = json.loads(invoke("params", "national", "--diff", "shanghai", "--json").stdout)
    assert {d["key"] for d in diff["differences"]} == expected and expected
    for d in diff["differences"]:
        for name, side in (("national", national), ("shanghai", shanghai)):
            if d["key"] in side:
                assert d[name] == {"value": side[d["key"]]["value"], "source": side[d["key"]]["source"]}
            else:
                assert d[name] is None
    text = invoke("params", "national", "--diff", "shanghai").stdout
    assert f"{len(expected)} of {len(national.keys() | shanghai.keys())} parameter(s) differ" in text
    assert "(no such parameter)" in text
    same = invoke("params", "national", "--diff", "national").stdout
    assert "0 of" in same


@pytest.mark.parametrize("name", ["traditional", "national", "dalian", "shanghai", "hainan"])
def test_every_parameter_has_a_meaning_and_a_unit(name: str) -> None:
    rows = json.loads(invoke("params", name, "--json").stdout)["parameters"]
    assert rows and all(r["doc"] and r["unit"] for r in rows), [r["key"] for r in rows if not (r["doc"] and r["unit"])]
    text = invoke("params", name).stdout
    fine = next(r for r in rows if r["key"] == "schedule.complaint_days")
    assert fine["unit"] == "days" and "time limit to verify a complaint" in text


# -- shell completion ------------------------------------------------------------------------------------


def complete(line: str, env: dict[str, str] | None = None) -> list[str]:
    words = line.split(" ")
    result = CliRunner().invoke(
        cli,
        [],
        prog_name="credsup",
        env={
            "_CREDSUP_COMPLETE": "bash_complete",
            "COMP_WORDS": line,
            "COMP_CWORD": str(len(words) - 1),
            **(env or {}),
        },
    )
    return [item.split(",", 1)[1] for item in result.output.splitlines() if "," in item]


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_scripts(shell: str) -> None:
    result = invoke("completion", shell)
    assert result.exit_code == 0 and "_CREDSUP_COMPLETE" in result.stdout


def test_completion_of_jurisdictions_scenarios_sweeps_and_experiments(tmp_path: Path) -> None:
    assert "national" in complete("credsup run -j nat")
    assert complete("credsup params national+minor") == ["national+minor-unpublished"]
    assert complete("credsup compare -s de") == ["demo"]
    assert "levers-sobol" in complete("credsup sweep lev")
    assert "--json" in complete("credsup results list --j")
    missing = tmp_path / "none.db"
    assert complete("credsup results show ", {"CREDSUP_DB": str(missing)}) == []
    assert not missing.exists()  # completing never creates a database
    db = str(tmp_path / "r.db")
    made = invoke("compare", "-s", "demo", "-j", "national", "-r", "2", "--seed", "1", "--db", db, *TINY)
    assert made.exit_code == 0, made.output
    assert complete("credsup results show ", {"CREDSUP_DB": db}) == ["1"]
    assert complete(f"credsup results delete --db {db} ") == ["1"]

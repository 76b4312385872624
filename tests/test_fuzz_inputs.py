"""Fuzz suite: whatever a user types, credsup answers with a clean error or a valid result, never an
internal error (issue 18, point 2).

Hypothesis generates inputs of five kinds and feeds them to the real command line (click's CliRunner):

* ``--set`` values on ``run`` (any key of a jurisdiction or the scenario, or a made-up one; TOML literals
  of every type, huge, non-finite, nested, or not literals at all) and on ``params --as-of``;
* jurisdiction parameter files (``validate``, ``params --config``) and scenario files (``validate``,
  ``run``): the shipped files with lines changed, deleted, duplicated or added;
* sweep specs (``validate``, which validates every point; ``sweep`` when it plans a few runs);
* registries (``registry check``, ``grade``, ``plan``): a small generated registry with cells and lines
  changed, and planning periods right and wrong.

Each input must end in exit 0 with a valid result (finite metrics, a grade per enterprise), or in exit
1 (a user's mistake: one ``Error:`` line) or 2 (click's usage error for an option); never in exit 70
("Internal error"), a traceback or an exception escaping the CLI. A number set outside its declared range
(read from the declarations, ``credsup.core.ranges``) must be refused. The counts of each kind of outcome
are printed (``pytest -s ... | grep fuzz-figures``) and, with ``CREDSUP_FUZZ_REPORT=FILE``, written as JSON.

The CI profile tries a few dozen inputs of each kind, derandomised (the same inputs every run, about a
minute in all); ``CREDSUP_FUZZ_EXAMPLES=N`` tries N of each, freshly random (docs/reliability.md has the
figures of such a run).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import os
import random
import shutil
import tempfile
import tomllib
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from credsup.cli.main import cli
from credsup.core.discovery import discover
from credsup.core.ranges import Range, declared_ranges
from credsup.simulation.metrics import METRICS
from credsup.simulation.scenario import Scenario

ROOT = Path(__file__).parents[1]
EXAMPLES = int(os.environ.get("CREDSUP_FUZZ_EXAMPLES", "0") or 0)
REPORT = os.environ.get("CREDSUP_FUZZ_REPORT", "")
FIGURES: dict[str, Counter[str]] = defaultdict(Counter)
CAPS = {"scenario.population.enterprises": 150, "scenario.months": 2}


def profile(ci_examples: int) -> settings:
    """The CI profile (derandomised, ``ci_examples`` inputs) or, with CREDSUP_FUZZ_EXAMPLES, a bigger random one."""
    return settings(
        max_examples=EXAMPLES or ci_examples,
        deadline=None,
        derandomize=not EXAMPLES,
        database=None,
        suppress_health_check=list(HealthCheck),
    )


@pytest.fixture(scope="module", autouse=True)
def _figures() -> Iterator[None]:
    yield
    for kind, counts in sorted(FIGURES.items()):
        print(
            f"fuzz-figures: {kind}: {counts['tried']} inputs, {counts['valid']} valid results, "
            f"{counts['clean']} clean errors, {counts['internal']} internal errors"
        )
    if REPORT:
        Path(REPORT).write_text(json.dumps({k: dict(v) for k, v in FIGURES.items()}, indent=2), encoding="utf-8")


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def judge(kind: str, result: Result, *, must_fail: bool = False) -> bool:
    """Count and check one outcome; True when it is a valid result (exit 0)."""
    FIGURES[kind]["tried"] += 1
    escaped = result.exception is not None and not isinstance(result.exception, SystemExit)
    if result.exit_code == 70 or escaped or "Internal error" in result.output or "Traceback" in result.output:
        FIGURES[kind]["internal"] += 1
        raise AssertionError(f"internal error (exit {result.exit_code}): {result.output[-2000:]!r}")
    assert result.exit_code in (0, 1, 2), (result.exit_code, result.output[-2000:])
    if result.exit_code == 0:
        assert not must_fail, f"accepted a value outside its declared range: {result.output[-500:]!r}"
        FIGURES[kind]["valid"] += 1
        return True
    FIGURES[kind]["clean"] += 1
    return False


def check_error_line(result: Result) -> None:
    """A command's own error: ``Error: ...`` on stderr, first (validate prints its problems on stdout)."""
    first = result.stderr.strip().splitlines()[0] if result.stderr.strip() else ""
    assert first.startswith(("Error:", "Usage:")), result.stderr[-1000:]


# ------------------------------------------------------------------------------------- TOML literals


def _toml_string(s: str) -> str:
    return json.dumps(s)  # a TOML basic string, or (surrogates) invalid TOML that --set keeps as text


numbers = st.one_of(
    st.integers(-(10**6), 10**7).map(str),
    st.sampled_from([2**31, 2**32 + 5, 2**63 - 1, 2**63, 2**64, 2**128, -(2**63)]).map(str),
    st.integers(30, 5000).map(lambda k: "9" * k),
    st.integers(10, 2000).map(lambda k: "0x" + "f" * k),
    st.floats().map(lambda x: repr(x).replace("inf", "inf").replace("nan", "nan")),
    st.sampled_from(["inf", "-inf", "+inf", "nan", "-nan", "1e308", "-1e308", "1e309", "5e-324", "-0.0", "0.0"]),
)
dates = st.one_of(
    st.dates().map(dt.date.isoformat),
    st.datetimes().map(lambda d: d.isoformat()),
    st.times().map(dt.time.isoformat),
    st.sampled_from(["1900-01-01", "9999-12-31", "9899-01-23", "9899-01-24", "0001-01-01", "2025-02-29"]),
)
strings = st.one_of(
    st.text(max_size=30).map(_toml_string),
    st.sampled_from(['""', '"  "', '"\\u0000"', '"a\\tb"', '"national"', '"demo"', '"A"', '"E"', '"market"']),
    st.integers(90, 400).map(lambda k: _toml_string("x" * k)),
)
scalars = st.one_of(numbers, dates, strings, st.sampled_from(["true", "false"]))


def _nested(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """TOML arrays and inline tables of ``inner`` literals (a named function: hypothesis cannot read the
    source of a multi-line lambda and warns that it does not recurse)."""
    return st.one_of(
        st.lists(inner, max_size=4).map(lambda xs: "[" + ", ".join(xs) + "]"),
        st.dictionaries(st.from_regex(r"[a-zA-Z_]{1,12}", fullmatch=True), inner, max_size=4).map(
            lambda d: "{ " + ", ".join(f"{k} = {v}" for k, v in d.items()) + " }"
        ),
    )


literals = st.recursive(scalars, _nested, max_leaves=8)
deep = st.integers(20, 3000).map(lambda d: "[" * d + "]" * d)
raw_text = st.text(max_size=40)  # not a TOML literal: --set keeps it as a string


def near(r: Range) -> st.SearchStrategy[str]:
    """Values at and just beyond a declared range."""
    if r.kind == "date":
        one = dt.timedelta(days=1)
        return st.sampled_from([r.lo, r.lo - one, r.hi, r.hi + one]).map(dt.date.isoformat)
    if r.kind == "integer":
        return st.sampled_from([r.lo, r.lo - 1, r.hi, r.hi + 1, r.hi * 1000]).map(str)
    lo, hi = float(r.lo), float(r.hi)
    return st.sampled_from([lo, math.nextafter(lo, -math.inf), hi, math.nextafter(hi, math.inf), hi * 10]).map(repr)


def inside(r: Range) -> st.SearchStrategy[str]:
    """Valid values anywhere in a declared range (odd but allowed: the model must cope)."""
    if r.kind == "date":
        return st.dates(r.lo, r.hi).map(dt.date.isoformat)
    if r.kind == "integer":
        return st.integers(r.lo, r.hi).map(str)
    return st.floats(float(r.lo), float(r.hi)).map(repr)


def values_for(r: Range | None) -> st.SearchStrategy[str]:
    base = st.one_of(literals, deep, raw_text)
    return base if r is None else st.one_of(near(r), inside(r), inside(r), base)


# ---------------------------------------------------------------------------------------- the keys

INFOS = {i.name: i for i in discover() if i.builtin and i.status == "ok"}
JURISDICTIONS = sorted(INFOS)
RANGES: dict[str, Range] = {}
for _info in INFOS.values():
    RANGES.update({r.path: r for r in declared_ranges(_info.plugin.PARAMS_CLASS)})
RANGES.update({f"scenario.{r.path}": r for r in declared_ranges(Scenario)})
OTHER_KEYS = [
    "scenario.scenario",
    "scenario.title",
    "scenario.population",
    "scenario.population.sectors",
    "scenario.population.sizes",
    "scenario.behaviour.items",
    "scenario.behaviour.items.fraud",
    "scenario.behaviour.types.calculator.honesty",
    "scenario.behaviour.types.calculator.honesty.kind",
    "scenario.behaviour.gain",
    "scenario.behaviour.model",
    "scenario.regulator",
    "scenario.nonsense",
    "repair.required",
    "sanction",
    "sanction.fine",
    "sanction.ban_scope",
    "grading.new_enterprise_grade",
    "commitment.listed_barred",
    "national:inspection.rate_per_year.D",
    "shanghai:sanction.fine.serious",
    "inspection.rate_per_year.E",
]
KEYS = [k.replace("[].", "") for k in RANGES if "[]" not in k and "<name>" not in k] + OTHER_KEYS
junk_keys = st.text(min_size=0, max_size=25)


def parsed(literal: str) -> Any:
    """What ``--set`` makes of a literal (None when it is kept as text or refused)."""
    try:
        return tomllib.loads(f"v = {literal}")["v"]
    except Exception:
        return None


def outside_range(key: str, literal: str) -> bool:
    """A number (or date) set on a key with a declared range, outside it or not finite."""
    r = RANGES.get(key.partition(":")[2] if ":" in key else key)
    value = parsed(literal)
    if r is None or isinstance(value, bool):
        return False
    if r.kind == "date":
        return isinstance(value, dt.date) and not isinstance(value, dt.datetime) and not r.lo <= value <= r.hi
    if not isinstance(value, int | float):
        return False
    if isinstance(value, float) and not math.isfinite(value):
        return True
    if isinstance(value, int) and abs(value) > 10**40:
        return True
    return not r.lo <= value <= r.hi


def check_run_result(result: Result) -> None:
    data = json.loads(result.stdout)
    bad = {k: v for k, v in data["metrics"].items() if v is not None and not math.isfinite(v)}
    assert not bad, f"non-finite metrics {bad}"
    assert len(data["periods"]) == CAPS["scenario.months"]


# ------------------------------------------------------------------------------------------- --set


NUMERIC_KEYS = [k for k in KEYS if k in RANGES and k not in CAPS]


@st.composite
def set_values(draw: st.DrawFn) -> list[tuple[str, str]]:
    """One to three ``key=value`` settings: half the time odd but valid values of declared keys (the
    model must cope with them), else anything (keys made up, values of any type, size and depth)."""
    out = []
    valid = draw(st.booleans())
    for _ in range(draw(st.integers(1, 3))):
        if valid:
            key = draw(st.sampled_from(NUMERIC_KEYS))
            out.append((key, draw(inside(RANGES[key]))))
            continue
        key = draw(st.one_of(st.sampled_from(KEYS), st.sampled_from(KEYS), junk_keys))
        out.append((key, draw(values_for(RANGES.get(key)))))
    return out


@profile(80)
@given(jurisdiction=st.sampled_from(JURISDICTIONS), settings_=set_values())
def test_fuzzed_set_on_run_is_a_clean_error_or_a_valid_run(jurisdiction: str, settings_: list[tuple[str, str]]) -> None:
    texts = [f"{k}={v}" for k, v in settings_]
    capped = [f"{k}={v}" for k, v in CAPS.items() if all(k != key for key, _ in settings_)]
    if len(capped) < len(CAPS):  # a fuzzed size: only values that cannot make a big run
        size = {k: parsed(v) for k, v in settings_ if k in CAPS}
        for k, v in size.items():
            if isinstance(v, int) and not isinstance(v, bool) and CAPS[k] < v <= RANGES[k].hi:
                texts = [t for t in texts if not t.startswith(f"{k}=")]
                capped.append(f"{k}={CAPS[k]}")
    last = dict(s.split("=", 1) for s in texts)  # a key set twice: the last value counts
    must_fail = any(outside_range(k, v) for k, v in last.items())
    args = ["run", "-s", "demo", "-j", jurisdiction, "--seed", "1", "--json"]
    args += [a for t in texts for a in ("--set", t)] + [a for t in capped for a in ("--set", t)]
    note(repr(args))
    result = invoke(*args)
    if judge("--set on run", result, must_fail=must_fail):
        check_run_result(result)
    else:
        check_error_line(result)


@profile(60)
@given(
    jurisdiction=st.sampled_from([*JURISDICTIONS, "national+minor-unpublished", "nowhere", ""]),
    settings_=set_values(),
    as_of=st.one_of(st.none(), dates, raw_text),
)
def test_fuzzed_set_on_params_is_a_clean_error_or_the_parameters(
    jurisdiction: str, settings_: list[tuple[str, str]], as_of: str | None
) -> None:
    settings_ = [(k, v) for k, v in settings_ if not k.startswith("scenario.")]
    must_fail = any(outside_range(k, v) for k, v in dict(settings_).items()) and jurisdiction in JURISDICTIONS
    args = ["params", jurisdiction, "--json"] + [a for k, v in settings_ for a in ("--set", f"{k}={v}")]
    if as_of is not None:
        args += ["--as-of", as_of]
    note(repr(args))
    result = invoke(*args)
    if judge("--set on params", result, must_fail=must_fail and result.exit_code != 2):
        data = json.loads(result.stdout)
        assert all(isinstance(p["key"], str) for p in data["parameters"])
    else:
        check_error_line(result)


# ------------------------------------------------------------------------------------ config files


@st.composite
def mutated_text(draw: st.DrawFn, original: str) -> str:
    """The file with a few lines changed: a value replaced, a line deleted, duplicated or replaced, a key
    or a table header added; sometimes a byte-order mark or stray bytes in front."""
    lines = original.splitlines()
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, max(len(lines) - 1, 0)))
        op = draw(st.sampled_from(["value", "value", "value", "delete", "duplicate", "replace", "key", "table"]))
        line = lines[i] if lines else ""
        if op == "value" and "value = " in line:
            head, _, tail = line.partition("value = ")
            rest = tail.split(", source", 1)
            lines[i] = f"{head}value = {draw(st.one_of(literals, deep))}" + (
                f", source{rest[1]}" if len(rest) > 1 else ""
            )
        elif op == "value" and " = " in line and not line.lstrip().startswith("#"):
            key = line.split(" = ", 1)[0]
            lines[i] = f"{key} = {draw(st.one_of(literals, deep))}"
        elif op == "delete" and lines:
            del lines[i]
        elif op == "duplicate" and lines:
            lines.insert(i, line)
        elif op == "replace" and lines:
            lines[i] = draw(raw_text)
        elif op == "key":
            key = draw(st.one_of(st.sampled_from(["inherits", "jurisdiction", "title", "reform", "since"]), junk_keys))
            lines.insert(i, f"{json.dumps(key)} = {draw(literals)}")
        elif op == "table":
            lines.insert(i, f"[{draw(st.sampled_from(['grading', 'sanction.fine', 'x', 'population', 'behaviour']))}]")
    text = "\n".join(lines) + "\n"
    prefix = draw(st.sampled_from(["", "", "", "\ufeff", "\ufeff\ufeff", "\x00"]))
    return prefix + text


def _scratch() -> Path:
    return Path(tempfile.mkdtemp(prefix="credsup-fuzz-"))


@profile(40)
@given(data=st.data(), name=st.sampled_from(JURISDICTIONS))
def test_fuzzed_jurisdiction_files_are_a_clean_error_or_valid(data: st.DataObject, name: str) -> None:
    original = (ROOT / "configs" / "jurisdictions" / f"{name}.toml").read_text(encoding="utf-8")
    folder = _scratch()
    try:
        path = folder / f"{name}.toml"
        path.write_text(data.draw(mutated_text(original)), encoding="utf-8", errors="surrogatepass")
        result = invoke("validate", str(path))
        if not judge("jurisdiction files", result):
            lines = [line for line in result.stdout.splitlines() if line.strip()]
            assert lines and all(line.startswith(f"{path}") for line in lines), result.stdout
        shown = invoke("params", name, "--config", str(path), "--json")
        if judge("jurisdiction files", shown):
            json.loads(shown.stdout)
        else:
            check_error_line(shown)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@profile(40)
@given(data=st.data())
def test_fuzzed_scenario_files_are_a_clean_error_or_a_valid_run(data: st.DataObject) -> None:
    original = (ROOT / "configs" / "scenarios" / "demo.toml").read_text(encoding="utf-8")
    folder = _scratch()
    try:
        path = folder / "mine.toml"
        path.write_text(data.draw(mutated_text(original)), encoding="utf-8", errors="surrogatepass")
        result = invoke("validate", str(path))
        judge("scenario files", result)
        args = ["run", "-s", str(path), "-j", "national", "--seed", "1", "--json"]
        run = invoke(*args, *[a for k, v in CAPS.items() for a in ("--set", f"{k}={v}")])
        if judge("scenario files", run):
            check_run_result(run)
            assert result.exit_code == 0, "run accepted a file validate refused"
        else:
            check_error_line(run)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# -------------------------------------------------------------------------------------- sweep specs

spec_keys = st.sampled_from(
    ["scenario.regulator.inspectors", "inspection.rate_per_year.D", "scenario.behaviour.types.calculator.honesty.mean"]
    + [k for k in KEYS if k in RANGES and RANGES[k].kind != "date" and k not in CAPS]
)


@st.composite
def sweep_specs(draw: st.DrawFn) -> tuple[str, bool]:
    """A sweep spec's text, and whether to run it when it plans a few runs. Each part is well formed
    unless a one-in-five draw breaks it, so that both the checks and the sweeps behind them are reached."""

    def pick(good: st.SearchStrategy[str], bad: st.SearchStrategy[str]) -> str:
        return draw(bad) if draw(st.integers(0, 4)) == 0 else draw(good)

    design = pick(st.sampled_from(["grid", "grid", "latin", "sobol"]), st.sampled_from(["nonsense", ""]))
    names = st.sampled_from([*JURISDICTIONS, "national+minor-unpublished"])
    lines = [
        f"sweep = {pick(st.just(json.dumps('fz')), st.one_of(strings, literals))}",
        "scenario = " + pick(st.just('"demo"'), st.sampled_from(['"nowhere"', "3", '""'])),
        "jurisdictions = "
        + pick(st.lists(names, min_size=1, max_size=2, unique=True).map(json.dumps), st.one_of(literals, strings)),
        "outcomes = " + pick(st.lists(st.sampled_from(METRICS), min_size=1, max_size=2).map(json.dumps), literals),
        f"design = {json.dumps(design)}",
    ]
    if design in ("latin", "sobol") or draw(st.integers(0, 4)) == 0:
        lines.append(f"samples = {pick(st.sampled_from(['1', '2', '4']), numbers)}")
    for key in ("replications", "seed", "title"):
        if draw(st.booleans()):
            good = st.just(json.dumps("a title")) if key == "title" else st.integers(1, 2).map(str)
            lines.append(f"{key} = {pick(good, st.one_of(numbers, literals))}")
    lines.append("[fixed]")
    for key in draw(st.lists(spec_keys, max_size=2, unique=True)):
        r = RANGES.get(key)
        lines.append(f"{json.dumps(key)} = {pick(inside(r), values_for(r)) if r else draw(values_for(r))}")
    lines.append("[parameters]")
    for key in draw(st.lists(st.one_of(spec_keys, spec_keys, junk_keys), min_size=1, max_size=2, unique=True)):
        r = RANGES.get(key)
        ok = draw(st.integers(0, 4)) > 0
        one = (inside(r) if r else numbers) if ok else st.one_of(near(r) if r else numbers, literals)
        if design == "grid" or draw(st.integers(0, 4)) == 0:
            value = "[" + ", ".join(draw(st.lists(one, min_size=1, max_size=2, unique=True))) + "]"
        elif ok and r is not None:
            low, high = sorted(parsed(draw(one)) for _ in range(2))
            value = f"{{ low = {low!r}, high = {high!r} }}"
        else:
            value = f"{{ low = {draw(numbers)}, high = {draw(numbers)} }}"
        lines.append(f"{json.dumps(key)} = {value}")
    text = "\n".join(lines) + "\n"
    return text, draw(st.booleans())


@profile(30)
@given(spec=sweep_specs())
def test_fuzzed_sweep_specs_are_a_clean_error_or_valid(spec: tuple[str, bool]) -> None:
    text, try_running = spec
    folder = _scratch()
    try:
        path = folder / "fz.toml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        note(text)
        result = invoke("validate", str(path))
        valid = judge("sweep specs", result)
        if not valid:
            lines = [line for line in result.stdout.splitlines() if line.strip()]
            assert lines and all(line.startswith(str(path)) or line.startswith("--set") for line in lines), (
                result.stdout
            )
            return
        raw = tomllib.loads(text)
        planned = len(raw.get("jurisdictions", [])) * max(1, int(raw.get("replications", 1)))
        params = raw.get("parameters", {})
        planned *= math.prod(len(v) if isinstance(v, list) else int(raw.get("samples", 1)) for v in params.values())
        if try_running and planned <= 4:
            ran = invoke(
                "sweep", str(path), "--db", str(folder / "s.db"), "--seed", "1",
                *[a for k, v in CAPS.items() if k not in raw.get("fixed", {}) and k not in params for a in ("--set", f"{k}={v}")],
            )  # fmt: skip
            if not judge("sweep specs", ran):
                check_error_line(ran)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# ---------------------------------------------------------------------------------------- registries

_REGISTRY: dict[str, Path] = {}


def small_registry() -> Path:
    """A generated registry of 30 enterprises (made once per session)."""
    if "path" not in _REGISTRY:
        folder = Path(tempfile.mkdtemp(prefix="credsup-fuzz-registry-"))
        result = invoke("registry", "generate", "--out", str(folder / "reg"), "--enterprises", "30", "--seed", "1")
        assert result.exit_code == 0, result.output
        _REGISTRY["path"] = folder / "reg"
    return _REGISTRY["path"]


cells = st.one_of(
    st.text(max_size=20),
    numbers,
    dates,
    st.sampled_from(["", " ", '"', '""', ",", "\n", "\r\n", "\x00", "\t", "NaN", "-1", "E000001", "true", "🙂" * 3]),
)


@st.composite
def registry_edits(draw: st.DrawFn) -> list[tuple[str, str, Any]]:
    """Edits of a registry's files: ``(file, how, what)``."""
    files = sorted(p.name for p in small_registry().glob("*.csv"))
    edits = []
    for _ in range(draw(st.integers(1, 2))):
        name = draw(st.sampled_from(files))
        how = draw(st.sampled_from(["cell", "cell", "cell", "cell", "line", "delete", "header", "bytes"]))
        if how == "cell":
            edits.append((name, how, (draw(st.integers(0, 200)), draw(st.integers(0, 20)), draw(cells))))
        elif how == "line":
            edits.append((name, how, (draw(st.integers(0, 200)), draw(st.text(max_size=60)))))
        elif how == "delete":
            edits.append((name, how, draw(st.integers(0, 200))))
        elif how == "header":
            edits.append((name, how, draw(st.lists(st.text(max_size=8), max_size=5))))
        else:
            edits.append((name, how, draw(st.binary(max_size=20))))
    return edits


def apply_edits(folder: Path, edits: list[tuple[str, str, Any]]) -> None:
    for name, how, what in edits:
        path = folder / name
        text = path.read_text(encoding="utf-8", errors="surrogateescape")
        if how == "cell":
            rows = list(csv.reader(io.StringIO(text)))
            row, col, value = what
            if rows:
                r = rows[row % len(rows)]
                if r:
                    r[col % len(r)] = value
            out = io.StringIO()
            csv.writer(out, lineterminator="\n").writerows(rows)
            path.write_text(out.getvalue(), encoding="utf-8", errors="surrogatepass")
        elif how in ("line", "delete", "header"):
            lines = text.split("\n")
            if how == "line":
                lines.insert(what[0] % (len(lines) + 1), what[1])
            elif how == "delete" and lines:
                del lines[what % len(lines)]
            else:
                lines[0] = ",".join(what)
            path.write_text("\n".join(lines), encoding="utf-8", errors="surrogatepass")
        else:
            path.write_bytes(what + path.read_bytes())


@profile(40)
@given(
    edits=registry_edits(),
    as_of=st.sampled_from(["2027-01-01", "2027-01-01", "2026-06-30", "1899-12-31", "9999-12-31"]),
    skip=st.booleans(),
    period=st.sampled_from(["2027Q1", "2027Q1", "2027-03", "2027", "2027Q5", "1899Q4", "9999Q4", "2027-13", "Q1"]),
)
def test_fuzzed_registries_are_a_clean_error_or_grades(
    edits: list[tuple[str, str, Any]], as_of: str, skip: bool, period: str
) -> None:
    folder = _scratch()
    try:
        reg = folder / "reg"
        shutil.copytree(small_registry(), reg)
        apply_edits(reg, edits)
        note(repr(edits))
        checked = invoke("registry", "check", str(reg))
        judge("registries", checked)
        out = folder / "grades.csv"
        jurisdiction = random.Random(str(edits)).choice(JURISDICTIONS)
        skipping = ["--skip-bad-rows"] if skip else []
        graded = invoke("grade", str(reg), "-j", jurisdiction, "--as-of", as_of, "-o", str(out), *skipping)
        if judge("registries", graded):
            with out.open(encoding="utf-8", newline="") as fh:
                rows = list(csv.DictReader(fh))
            assert rows and {r["grade"] for r in rows} <= set("ABCD")
        else:
            check_error_line(graded)
        plan = folder / "plan.csv"
        inspectors = str(reg / "inspectors.csv")
        args = ["plan", str(reg), "-j", jurisdiction, "--inspectors", inspectors, "--period", period, "--seed", "1"]
        planned = invoke(*args, "-o", str(plan), *skipping)
        if judge("registries", planned):
            with plan.open(encoding="utf-8", newline="") as fh:
                visits = list(csv.DictReader(fh))
            assert {v["status"] for v in visits} <= {"staffed", "unstaffed", "no_checklist_item"}
            staffed = [v for v in visits if v["status"] == "staffed"]
            assert all(v["inspector_1"] and v["inspector_1"] != v["inspector_2"] for v in staffed)
        else:
            check_error_line(planned)
    finally:
        shutil.rmtree(folder, ignore_errors=True)

"""Running sweeps: the same numbers on any executor, resuming after kill -9 (on SQLite and PostgreSQL),
Sobol' indices, the per-point table and the outputs."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from credsup.cli.main import cli
from credsup.core.errors import CredsupError, InputError
from credsup.experiments import executors
from credsup.experiments.design import design_points
from credsup.experiments.executors import InlineExecutor, ProcessExecutor, open_executor
from credsup.experiments.spec import Variation
from credsup.experiments.sweep import prepare, run, start
from credsup.results.db import open_database
from credsup.results.models import Experiment, Run
from credsup.results.sensitivity import sobol_indices
from credsup.results.store import ExperimentResults, load_experiment


def write_spec(
    path: Path,
    *,
    enterprises: int = 300,
    months: int = 3,
    replications: int = 2,
    jurisdictions: str = '["national", "shanghai"]',
    parameters: str | None = None,
    design: str = "grid",
    extra: str = "",
) -> Path:
    parameters = parameters or '"scenario.regulator.inspectors" = [1, 3]\n"inspection.rate_per_year.D" = [0.3, 1.0]'
    path.write_text(
        textwrap.dedent(f'''
        sweep = "t"
        scenario = "demo"
        jurisdictions = {jurisdictions}
        replications = {replications}
        seed = 11
        design = "{design}"
        outcomes = ["violation_prevalence", "hit_rate", "compliant_burden"]
        {extra}
        [fixed]
        "scenario.population.enterprises" = {enterprises}
        "scenario.months" = {months}
        [parameters]
    ''')
        + parameters
        + "\n",
        encoding="utf-8",
    )
    return path


def same_numbers(a: ExperimentResults, b: ExperimentResults) -> None:
    """Every summary, per-period and per-grade value is exactly equal (NaN equal to NaN)."""
    assert a.summary.keys() == b.summary.keys() and a.replications == b.replications
    for key in a.summary:
        for m, values in a.summary[key].items():
            assert np.array_equal(values, b.summary[key][m], equal_nan=True), (key, m)
        for m, values in a.periods[key].items():
            assert np.array_equal(values, b.periods[key][m], equal_nan=True), (key, m)
        for g, metrics in a.by_grade[key].items():
            for m, values in metrics.items():
                assert np.array_equal(values, b.by_grade[key][g][m], equal_nan=True), (key, g, m)


def test_one_worker_two_workers_and_a_dask_cluster_store_identical_metrics(tmp_path: Path) -> None:
    pytest.importorskip("distributed", reason="the Dask test needs the dask extra (pip install -e '.[dev]')")
    prepared = prepare(str(write_spec(tmp_path / "s.toml")))
    engine = open_database(str(tmp_path / "r.db"))
    stored = []
    for make in (InlineExecutor, lambda: ProcessExecutor(2)):
        executor = make()
        exp = start(engine, prepared, executor)
        assert run(engine, exp, prepared, executor, progress=False).failed == 0
        stored.append(exp)
    with open_executor(2, dask_local=True) as dask:
        assert dask.workers == 2 and "LocalCluster" in dask.describe()
        dask.check(["national", "shanghai"])
        with pytest.raises(CredsupError, match=r"Dask worker tcp://\S+ lacks jurisdiction\(s\) atlantis"):
            dask.check(["national", "atlantis"])
        exp = start(engine, prepared, dask)
        assert run(engine, exp, prepared, dask, progress=False).failed == 0
        stored.append(exp)
    first, *others = (load_experiment(engine, e) for e in stored)
    assert len(first.runs) == 16 and first.experiment["status"] == "finished"
    for other in others:
        same_numbers(first, other)
    assert [r.experiment["settings"]["executor"] for r in (first, *others)] == [
        "this process",
        "2 local processes",
        "Dask LocalCluster of 2 processes (2 worker threads)",
    ]


def children(pid: int) -> list[int]:
    """Pids of the processes whose parent is ``pid`` (Linux /proc)."""
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(entry.name))
    return out


def count_runs(url: str) -> int:
    """Runs stored so far (0 before the schema exists), read on a connection of its own."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import SQLAlchemyError

    from credsup.results.db import resolve_url

    engine = create_engine(resolve_url(url))
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM run")).scalar_one()
    except SQLAlchemyError:
        return 0
    finally:
        engine.dispose()


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="finds the worker processes through Linux /proc")
def test_a_sweep_killed_with_sigkill_resumes_and_stores_every_run_exactly_once(db_url: str, tmp_path: Path) -> None:
    """On SQLite and PostgreSQL: kill -9 mid-sweep (the server or the file sees a vanished writer), resume."""
    # 8 points x 1 jurisdiction x 4 replications = 32 runs of about 0.1 s: killed after a few are stored
    spec = write_spec(
        tmp_path / "s.toml",
        enterprises=1500,
        months=12,
        replications=4,
        jurisdictions='["national"]',
        parameters='"scenario.regulator.inspectors" = [1, 2, 3, 4]\n"inspection.rate_per_year.D" = [0.3, 1.0]',
    )
    db = db_url
    proc = subprocess.Popen(
        [sys.executable, "-m", "credsup.cli.main", "sweep", str(spec), "--db", db, "--workers", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while count_runs(db) < 4 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        workers = children(proc.pid)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    killed_with = count_runs(db)
    assert 4 <= killed_with < 32, f"the sweep was not interrupted mid-way ({killed_with} runs stored)"
    assert proc.returncode == -signal.SIGKILL
    # the pool's workers notice that their parent is gone and end (they poll once a second)
    deadline = time.monotonic() + 20
    while (
        any(
            Path(f"/proc/{pid}").exists() and "Z" not in Path(f"/proc/{pid}/stat").read_text().split()[2]
            for pid in workers
        )
        and time.monotonic() < deadline
    ):
        time.sleep(0.1)
    assert workers and not [
        p for p in workers if Path(f"/proc/{p}").exists() and Path(f"/proc/{p}/stat").read_text().split()[2] != "Z"
    ]

    engine = open_database(db)
    # nobody could mark it, but its process is gone: shown as interrupted
    assert load_experiment(engine, 1).experiment["status"] == "interrupted"
    result = CliRunner().invoke(cli, ["sweep", str(spec), "--db", db, "--resume", "1", "--json"])
    assert result.exit_code == 0, result.output
    assert f"resuming: {killed_with} run(s) stored, {32 - killed_with} to run" in result.stderr
    with Session(engine) as s:
        per_key = s.execute(
            select(Run.point, Run.jurisdiction, Run.replication, func.count()).group_by(
                Run.point, Run.jurisdiction, Run.replication
            )
        ).all()
        assert s.scalar(select(func.count()).select_from(Experiment)) == 1
    assert len(per_key) == 32 and all(n == 1 for *_, n in per_key)
    resumed = load_experiment(engine, 1)
    assert resumed.experiment["status"] == "finished" and all(r["status"] == "ok" for r in resumed.runs)

    fresh = open_database(str(tmp_path / "fresh.db"))
    prepared = prepare(str(spec))
    exp = start(fresh, prepared, InlineExecutor())
    run(fresh, exp, prepared, InlineExecutor(), progress=False)
    same_numbers(resumed, load_experiment(fresh, exp))


def test_resume_refuses_a_changed_spec_or_an_experiment_that_is_not_a_sweep(tmp_path: Path) -> None:
    spec = write_spec(tmp_path / "s.toml", jurisdictions='["national"]', replications=1)
    db = str(tmp_path / "r.db")
    assert CliRunner().invoke(cli, ["sweep", str(spec), "--db", db]).exit_code == 0
    write_spec(spec, jurisdictions='["national"]', replications=2)
    result = CliRunner().invoke(cli, ["sweep", str(spec), "--db", db, "--resume", "1"])
    assert result.exit_code == 1
    assert "does not give experiment 1 any more (changed: replications (2, stored 1))" in result.stderr
    result = CliRunner().invoke(cli, ["sweep", str(spec), "--db", db, "--resume", "1", "--seed", "3"])
    assert "changed: seed (3, stored 11)" in result.stderr
    CliRunner().invoke(
        cli,
        [
            "compare",
            "-j",
            "national",
            "-r",
            "1",
            "--db",
            db,
            "--set",
            "scenario.population.enterprises=300",
            "--set",
            "scenario.months=3",
        ],
    )
    result = CliRunner().invoke(cli, ["sweep", str(spec), "--db", db, "--resume", "2"])
    assert result.exit_code == 1 and "experiment 2 is a compare, not a sweep" in result.stderr
    result = CliRunner().invoke(cli, ["sweep", str(spec), "--db", db, "--resume", "9"])
    assert result.exit_code == 1 and "no experiment 9" in result.stderr


def test_ctrl_c_marks_the_sweep_interrupted_and_says_how_to_resume(tmp_path: Path, monkeypatch) -> None:
    class Interrupting(InlineExecutor):
        def run(self, tasks):
            for i, outcome in enumerate(super().run(tasks)):
                if i == 3:
                    raise KeyboardInterrupt
                yield outcome

    monkeypatch.setattr(executors, "local_executor", lambda workers, **_: Interrupting())
    spec = write_spec(tmp_path / "s.toml")
    db = tmp_path / "r.db"
    result = CliRunner().invoke(cli, ["sweep", str(spec), "--db", str(db)])
    assert result.exit_code == 130
    assert (
        f"interrupted with 3 of 16 run(s) stored; resume with: credsup sweep {spec} --seed 11 --resume 1 --db "
        f"sqlite:///{db}" in result.stderr
    )
    assert load_experiment(open_database(str(db)), 1).experiment["status"] == "interrupted"
    monkeypatch.undo()
    result = CliRunner().invoke(cli, ["sweep", str(spec), "--db", str(db), "--resume", "1"])
    assert result.exit_code == 0 and "resuming: 3 run(s) stored, 13 to run" in result.stderr


def test_the_cli_prints_the_table_and_writes_outputs_and_results_show_them_again(tmp_path: Path) -> None:
    spec = write_spec(tmp_path / "s.toml")
    db = str(tmp_path / "r.db")
    result = CliRunner().invoke(
        cli, ["sweep", str(spec), "--db", db, "--workers", "2", "--json", "--out", str(tmp_path / "out")]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["experiment"], data["points"], data["runs"], data["design"]) == (1, 4, 16, "grid")
    assert data["command"] == f"credsup sweep {spec} --seed 11" and data["sensitivity"] is None
    row = data["rows"][0]
    assert row["parameters"] == {"scenario.regulator.inspectors": 1, "inspection.rate_per_year.D": 0.3}
    assert row["values"]["hit_rate"]["n"] == 2 and set(row["values"]) == set(data["outcomes"])
    assert "2 local processes; experiment 1" in result.stderr
    for name in ("points.csv", "sweep.json", "plots/response.png", "plots/response.svg"):
        assert (tmp_path / "out" / name).is_file(), name

    text = CliRunner().invoke(cli, ["results", "show", "1", "--db", db]).stdout
    assert "sweep t, 4 points" in text and "violation_prevalence: violation prevalence" in text
    assert "regulator.inspectors  rate_per_year.D  national" in text
    point = CliRunner().invoke(cli, ["results", "show", "1", "--db", db, "--point", "3"]).stdout
    assert "Point 3: scenario.regulator.inspectors = 3, inspection.rate_per_year.D = 1.0" in point
    assert "vs national" in point
    bad = CliRunner().invoke(cli, ["results", "show", "1", "--db", db, "--point", "7"])
    assert bad.exit_code == 1 and "experiment 1 has no point 7 (points 0-3)" in bad.stderr
    points = list(
        csv.DictReader(
            io.StringIO(CliRunner().invoke(cli, ["results", "export", "1", "--db", db, "--table", "points"]).stdout)
        )
    )
    assert len(points) == 4 * 2 * 3
    assert points[0]["scenario.regulator.inspectors"] == "1" and points[0]["n"] == "2"
    assert float(points[0]["low"]) <= float(points[0]["mean"]) <= float(points[0]["high"])
    exported = json.loads(CliRunner().invoke(cli, ["results", "export", "1", "--db", db, "--format", "json"]).stdout)
    assert exported["sweep"]["design"] == "grid" and len(exported["sweep"]["summary"]["rows"]) == 8
    bad = CliRunner().invoke(cli, ["results", "export", "1", "--db", db, "--table", "sensitivity"])
    assert bad.exit_code == 1 and "has no Sobol' indices" in bad.stderr


def test_a_sobol_sweep_gives_indices_and_their_plot(tmp_path: Path) -> None:
    spec = write_spec(
        tmp_path / "s.toml",
        design="sobol",
        extra="samples = 4",
        replications=1,
        jurisdictions='["national"]',
        parameters='"scenario.regulator.inspectors" = { low = 1, high = 4 }\n'
        '"inspection.rate_per_year.C" = { low = 0.1, high = 0.6 }',
    )
    db = str(tmp_path / "r.db")
    result = CliRunner().invoke(cli, ["sweep", str(spec), "--db", db, "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "sweep t: 16 point(s) x 1 jurisdiction(s) x 1 replication(s) = 16 runs" in result.stderr  # 4 x (2 + 2)
    assert "Sobol' indices: first-order S1 and total ST" in result.stdout
    assert "hit_rate (national)" in result.stdout
    for name in ("sensitivity.csv", "plots/sensitivity.png", "plots/sensitivity.svg"):
        assert (tmp_path / "out" / name).is_file(), name
    rows = list(csv.DictReader(io.StringIO((tmp_path / "out" / "sensitivity.csv").read_text())))
    assert {(r["metric"], r["parameter"]) for r in rows if not r["note"]} <= {
        (m, p)
        for m in ("violation_prevalence", "hit_rate", "compliant_burden")
        for p in ("scenario.regulator.inspectors", "inspection.rate_per_year.C")
    }
    assert any(r["S1"] and r["ST"] for r in rows)
    assert (
        CliRunner().invoke(cli, ["results", "export", "1", "--db", db, "--table", "sensitivity"]).stdout
        == (tmp_path / "out" / "sensitivity.csv").read_text()
    )


def synthetic_sobol(f, n: int = 256) -> ExperimentResults:
    """A stored-looking Sobol' sweep whose outcome is ``f(x, y)`` exactly (no simulation)."""
    variations = [Variation("x", low=0.0, high=1.0), Variation("y", low=-1.0, high=1.0)]
    points = design_points("sobol", variations, n, seed=1)
    settings = {
        "design": "sobol",
        "outcomes": ["m"],
        "parameters": [{"key": v.key, "low": v.low, "high": v.high, "integer": False} for v in variations],
    }
    return ExperimentResults(
        experiment={"id": 1, "kind": "sweep", "seed": "1", "settings": settings, "jurisdictions": [{"name": "j"}]},
        runs=[],
        points=[{"index": i, "parameters": p} for i, p in enumerate(points)],
        summary={(i, "j"): {"m": np.array([f(p["x"], p["y"])])} for i, p in enumerate(points)},
        periods={},
        period_starts=[],
        by_grade={},
        replications={(i, "j"): [0] for i in range(len(points))},
    )


def test_sobol_indices_follow_the_point_order_of_the_design() -> None:
    # y does not enter: its indices are exactly 0 (the estimators difference runs that change only y), so a
    # design whose points were shuffled against their outputs would fail here. x explains everything: S1
    # and ST estimate 1, within their sampling error (3 x the bootstrap half-width, with a floor).
    out = sobol_indices(synthetic_sobol(lambda x, y: 3 * x + x**2))["j"]["m"]["parameters"]
    assert out["y"]["S1"] == 0 and out["y"]["ST"] == 0
    for index in ("S1", "ST"):
        assert out["x"][index] == pytest.approx(1, abs=3 * out["x"][f"{index}_conf"] + 0.02)
    # additive in both, variance 1/12 from x (slope 1 on [0, 1]) and 4/12 from y (slope 1 on [-1, 1]): 0.2, 0.8
    out = sobol_indices(synthetic_sobol(lambda x, y: x + y))["j"]["m"]["parameters"]
    for key, share in (("x", 0.2), ("y", 0.8)):
        for index in ("S1", "ST"):
            assert out[key][index] == pytest.approx(share, abs=3 * out[key][f"{index}_conf"] + 0.02), (key, index)
    flat = sobol_indices(synthetic_sobol(lambda x, y: 1.0))["j"]["m"]
    assert flat == {"error": "the outcome is the same at every point"}


def test_dask_options_fail_clearly(tmp_path: Path, monkeypatch) -> None:
    spec = write_spec(tmp_path / "s.toml")
    db = tmp_path / "r.db"
    result = CliRunner().invoke(
        cli, ["sweep", str(spec), "--db", str(db), "--scheduler", "tcp://127.0.0.1:9", "--workers", "2"]
    )
    assert result.exit_code == 1 and "--scheduler runs on that cluster's workers" in result.stderr
    monkeypatch.setattr(executors, "DASK_CONNECT_TIMEOUT", 1.0)
    result = CliRunner().invoke(cli, ["sweep", str(spec), "--db", str(db), "--scheduler", "tcp://127.0.0.1:9"])
    assert result.exit_code == 1
    assert "Error: cannot connect to the Dask scheduler tcp://127.0.0.1:9" in result.stderr
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if the dask extra were not installed
    result = CliRunner().invoke(cli, ["sweep", str(spec), "--db", str(db), "--dask-local"])
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "Error: the Dask executor needs the 'distributed' package: install the Dask "
        'extra on this machine and every worker: pip install "credsup[dask]"'
    )
    with Session(open_database(str(db))) as s:
        assert s.scalar(select(func.count()).select_from(Experiment)) == 0
    with pytest.raises(InputError, match="give --scheduler or --dask-local, not both"):
        with open_executor(scheduler="tcp://127.0.0.1:9", dask_local=True):
            pass


def test_failed_runs_are_stored_with_their_error_and_run_again_on_resume(plugin_dist, tmp_path: Path) -> None:
    plugin_dist(
        "broken",
        """
        @hookimpl
        def credsup_grade(batch, params, today):
            return np.full(len(batch), 7, dtype=np.int8)
    """,
    )
    spec = write_spec(
        tmp_path / "s.toml",
        jurisdictions='["national", "broken"]',
        replications=1,
        parameters='"inspection.rate_per_year.D" = [0.3, 1.0]',
    )
    db = str(tmp_path / "r.db")
    result = CliRunner().invoke(cli, ["sweep", str(spec), "--db", db])
    assert result.exit_code == 1
    assert "failed: broken replication 0 point 1: plugin 'broken', hook credsup_grade: grade 7" in result.stderr
    assert result.stderr.strip().endswith("Error: 2 of 4 run(s) failed")
    assert "national" in result.stdout  # the table of what did run
    result = CliRunner().invoke(cli, ["sweep", str(spec), "--db", db, "--resume", "1"])
    assert "resuming: 2 run(s) stored, 2 to run" in result.stderr and result.exit_code == 1
    res = load_experiment(open_database(db), 1)
    assert sorted((r["point"], r["jurisdiction"], r["status"]) for r in res.runs) == [
        (0, "broken", "failed"),
        (0, "national", "ok"),
        (1, "broken", "failed"),
        (1, "national", "ok"),
    ]
    assert res.experiment["status"] == "finished" and res.experiment["error"] == "2 run(s) failed"

"""The results database on SQLite and PostgreSQL: schema by migrations, atomic runs, clear errors."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from sqlalchemy import func, inspect, select
from sqlalchemy.orm import Session

from credsup.results.db import DatabaseError, current_revision, head_revision, open_database, resolve_url
from credsup.results.models import Base, Metric, PeriodMetric, Run
from credsup.results.store import (
    create_experiment,
    list_experiments,
    load_experiment,
    record_run,
    stored_runs,
)


def test_migrations_build_exactly_the_models(db_url) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    engine = open_database(db_url)
    assert current_revision(engine) == head_revision()
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert diff == []
    assert {"experiment", "point", "run", "metric", "period_metric", "grade_metric"} <= set(
        inspect(engine).get_table_names()
    )
    open_database(db_url)  # opening again is a no-op


def test_round_trip(filled) -> None:
    engine, exp = filled
    res = load_experiment(engine, exp)
    assert res.experiment["seed"] == 12345678901234567890  # an integer, as --seed takes it
    assert res.jurisdictions == ["national", "dalian"]
    assert res.replications[(0, "national")] == [0, 1, 2, 3]
    assert res.replications[(0, "dalian")] == [0, 1, 2]
    hit = res.summary[(0, "dalian")]["hit_rate"]
    assert hit.shape == (3,) and np.all(hit > 1.2)
    assert np.isnan(res.summary[(0, "national")]["mean_time_to_detection"]).all()  # NaN stored as NULL
    assert res.periods[(0, "national")]["violation_prevalence"].shape == (4, 6)
    assert res.period_starts[:2] == ["2025-01-01", "2025-02-01"]
    assert set(res.by_grade[(0, "national")]) == {"A", "B", "C", "D"}
    failed = [r for r in res.runs if r["status"] == "failed"]
    assert len(failed) == 1 and "grade 7" in failed[0]["error"]
    (row,) = list_experiments(engine)
    assert (row["runs"], row["failed_runs"], row["status"]) == (7, 1, "finished")


def test_a_failing_run_leaves_no_partial_rows(db_url) -> None:
    engine = open_database(db_url)
    exp = create_experiment(
        engine,
        kind="run",
        command="x",
        scenario="demo",
        scenario_config={},
        jurisdictions=[{"name": "national"}],
        seed=1,
        replications=1,
    )
    with pytest.raises(ValueError):
        record_run(
            engine,
            exp,
            jurisdiction="national",
            replication=0,
            seed_key="0",
            summary={"hit_rate": 0.5},
            periods=[{"period": 0, "start": None, "metrics": {"inspections": "not a number"}}],
        )
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(Run)) == 0
        assert s.scalar(select(func.count()).select_from(Metric)) == 0
        assert s.scalar(select(func.count()).select_from(PeriodMetric)) == 0


def test_a_run_is_stored_once(db_url) -> None:
    engine = open_database(db_url)
    exp = create_experiment(
        engine,
        kind="run",
        command="x",
        scenario="demo",
        scenario_config={},
        jurisdictions=[{"name": "national"}],
        seed=1,
        replications=1,
    )
    a = record_run(engine, exp, jurisdiction="national", replication=0, seed_key="0", summary={"hit_rate": 0.5})
    b = record_run(engine, exp, jurisdiction="national", replication=0, seed_key="0", summary={"hit_rate": 0.9})
    assert a == b
    assert stored_runs(engine, exp) == {(0, "national", 0)}
    assert load_experiment(engine, exp).summary[(0, "national")]["hit_rate"].tolist() == [0.5]


def test_unknown_experiment(db_url) -> None:
    engine = open_database(db_url)
    with pytest.raises(DatabaseError, match="no experiment 42 in .*the database is empty"):
        load_experiment(engine, 42)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("nosuchdialect://x/y", "unsupported database URL 'nosuchdialect://x/y'"),
        (
            "postgresql://user:secret@127.0.0.1:1/nowhere",
            "cannot connect to database postgresql\\+psycopg://user:\\*\\*\\*@127.0.0.1:1/nowhere",
        ),
        ("postgresql://user@host:notaport/db", "malformed database URL"),
    ],
)
def test_bad_urls_give_one_clear_error(url: str, message: str) -> None:
    with pytest.raises(DatabaseError) as err:
        open_database(url)
    assert re.search(message, str(err.value)), str(err.value)
    assert "secret" not in str(err.value)


def test_sqlite_in_a_missing_folder(tmp_path) -> None:
    with pytest.raises(DatabaseError, match="folder .*missing does not exist"):
        open_database(str(tmp_path / "missing" / "r.db"))
    (tmp_path / "afile").write_text("x")
    with pytest.raises(DatabaseError, match="does not exist"):
        open_database(str(tmp_path / "afile" / "r.db"))


def test_url_resolution(monkeypatch, tmp_path) -> None:
    monkeypatch.delenv("CREDSUP_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))  # platformdirs' user data folder on Linux
    assert resolve_url(None) == f"sqlite:///{tmp_path}/data/credsup/credsup.db"
    assert resolve_url("out/r.db") == "sqlite:///out/r.db"
    assert resolve_url("postgresql://u@h/d") == "postgresql+psycopg://u@h/d"
    monkeypatch.setenv("CREDSUP_DB", "sqlite:////tmp/x.db")
    assert resolve_url(None) == "sqlite:////tmp/x.db"


def test_stats() -> None:
    from credsup.results.stats import mean_ci, paired_difference

    e = mean_ci(np.array([1.0, 2.0, 3.0, np.nan]))
    # t(0.975, 2) = 4.3027; sd = 1; half-width = 4.3027 / sqrt(3)
    assert (e.n, e.mean) == (3, 2.0) and e.high - e.mean == pytest.approx(4.302653 / math.sqrt(3), rel=1e-5)
    d = paired_difference(np.array([2.0, 3.0, 4.0]), np.array([1.0, 2.0, 3.1]))
    assert d.mean == pytest.approx(0.9667, abs=1e-3) and d.high - d.low < 0.5
    assert math.isnan(mean_ci(np.array([])).mean)

"""Fixtures for the results database: every storage test runs on SQLite and on PostgreSQL.

PostgreSQL comes from ``CREDSUP_TEST_POSTGRES_URL`` (``.ci/run`` starts a server on loopback and sets it);
each test gets its own freshly created database. Without the variable the PostgreSQL cases are skipped
with a reason, unless ``CREDSUP_REQUIRE_POSTGRES=1`` (set in CI), which turns the skip into a failure.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Iterator

import numpy as np
import pytest

PG_ENV = "CREDSUP_TEST_POSTGRES_URL"
REQUIRE_PG_ENV = "CREDSUP_REQUIRE_POSTGRES"

METRICS = ("hit_rate", "compliant_burden", "violation_prevalence", "grade_auc")


def _postgres_database() -> Iterator[str]:
    base = os.environ.get(PG_ENV)
    if not base:
        if os.environ.get(REQUIRE_PG_ENV) == "1":
            pytest.fail(f"{PG_ENV} is not set but {REQUIRE_PG_ENV}=1: PostgreSQL tests must run here")
        pytest.skip(f"PostgreSQL not configured: set {PG_ENV}=postgresql://user:pw@127.0.0.1/db")
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from credsup.results.db import resolve_url

    admin_url = make_url(resolve_url(base))
    name = f"credsup_t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path) -> Iterator[str]:
    """A fresh, empty results database URL on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'results.db'}"
    else:
        yield from _postgres_database()


def fake_run(rng: np.random.Generator, shift: float, periods: int = 6) -> dict:
    """Metrics shaped like a simulation run's, with a jurisdiction-specific shift."""
    summary = {m: float(rng.normal(1.0 + shift, 0.05)) for m in METRICS}
    summary["mean_time_to_detection"] = float("nan")  # undefined in this run
    series = []
    start = dt.date(2025, 1, 1)
    for t in range(periods):
        shares = rng.dirichlet([5, 3, 1, 1])
        metrics = {
            "violation_prevalence": float(rng.normal(0.1 + shift / 10, 0.01)),
            "inspections": float(rng.poisson(50)),
            **{f"grade_share_{g}": float(s) for g, s in zip("ABCD", shares)},
        }
        series.append(
            {
                "period": t,
                "start": dt.date(start.year + (start.month + t - 1) // 12, (start.month + t - 1) % 12 + 1, 1),
                "metrics": metrics,
            }
        )
    by_grade = {
        g: {"inspections": float(rng.poisson(10 * (i + 1))), "hit_rate": float(rng.uniform(0.1 * i, 0.1 * i + 0.1))}
        for i, g in enumerate("ABCD")
    }
    return {"summary": summary, "periods": series, "by_grade": by_grade}


def fill(db_url: str):
    """Store one compare experiment: 2 jurisdictions x 4 replications, one failed run."""
    from credsup.results.db import open_database
    from credsup.results.store import create_experiment, finish_experiment, record_failure, record_run

    engine = open_database(db_url)
    rng = np.random.default_rng(7)
    exp = create_experiment(
        engine,
        kind="compare",
        command="credsup compare --scenario demo -j national -j dalian",
        scenario="demo",
        scenario_config={"scenario": "demo", "months": 6, "population": {"enterprises": 100}},
        jurisdictions=[
            {"name": "national", "version": "0.1.0", "distribution": "credsup"},
            {"name": "dalian", "version": "0.1.0", "distribution": "credsup"},
        ],
        seed=12345678901234567890,
        replications=4,
    )
    for rep in range(4):
        for j, shift in (("national", 0.0), ("dalian", 0.5)):
            if j == "dalian" and rep == 3:
                record_failure(
                    engine,
                    exp,
                    jurisdiction=j,
                    replication=rep,
                    seed_key=f"{rep}",
                    error="HookError: plugin 'dalian', hook credsup_grade: grade 7 at row 0",
                )
                continue
            record_run(
                engine,
                exp,
                jurisdiction=j,
                replication=rep,
                seed_key=f"{rep}",
                wall_seconds=0.1,
                **fake_run(rng, shift),
            )
    finish_experiment(engine, exp, status="finished", wall_seconds=1.5)
    return engine, exp


@pytest.fixture
def filled(db_url):
    """(engine, experiment id) of a filled database, on each backend."""
    return fill(db_url)


@pytest.fixture
def filled_sqlite(tmp_path):
    """(engine, experiment id) of a filled SQLite database (for output tests that need one backend)."""
    return fill(f"sqlite:///{tmp_path / 'results.db'}")

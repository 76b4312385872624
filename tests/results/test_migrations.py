"""Schema upgrades keep every row, on SQLite and PostgreSQL.

There is one real migration so far; a test-only migration in a temporary copy of the migration scripts
alters a column of ``run`` in batch mode, which SQLite does by rebuilding the table (create a copy, copy
the rows, drop ``run``, rename the copy). With foreign keys enforced, dropping ``run`` cascades and deletes
every metric row.
"""

from __future__ import annotations

import shutil
import textwrap
from importlib.resources import files
from pathlib import Path

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from credsup.results.db import current_revision, head_revision, upgrade
from credsup.results.models import Experiment, GradeMetric, Metric, PeriodMetric, Point, Run

from .conftest import fill

TABLES = (Experiment, Point, Run, Metric, PeriodMetric, GradeMetric)


def scripts_with(tmp_path: Path, *migrations: str) -> str:
    """A copy of credsup's migration scripts with ``migrations`` (module sources) added; its location."""
    where = tmp_path / "migrations"
    shutil.copytree(str(files("credsup.results") / "migrations"), where, ignore=shutil.ignore_patterns("__pycache__"))
    for i, source in enumerate(migrations):
        (where / "versions" / f"9{i:03d}_test.py").write_text(textwrap.dedent(source), encoding="utf-8")
    return str(where)


def widen_seed_key(down: str, revision: str = "9000") -> str:
    """A test-only migration: ``run.seed_key`` from 200 to 300 characters, in batch mode."""
    return f'''
        """Test only: widen run.seed_key (SQLite: a rebuild of the run table)."""
        import sqlalchemy as sa
        from alembic import op

        revision = "{revision}"
        down_revision = "{down}"
        branch_labels = None
        depends_on = None


        def upgrade() -> None:
            with op.batch_alter_table("run") as batch_op:
                batch_op.alter_column("seed_key", existing_type=sa.String(200), type_=sa.String(300))


        def downgrade() -> None:
            with op.batch_alter_table("run") as batch_op:
                batch_op.alter_column("seed_key", existing_type=sa.String(300), type_=sa.String(200))
    '''


def row_counts(engine: Engine) -> dict[str, int]:
    with Session(engine) as s:
        return {t.__tablename__: s.scalar(select(func.count()).select_from(t)) for t in TABLES}


def test_a_batch_migration_that_rebuilds_run_keeps_every_metric_row(db_url, tmp_path) -> None:
    engine, _ = fill(db_url)
    before = row_counts(engine)
    assert before["metric"] > 0 and before["period_metric"] > 0 and before["grade_metric"] > 0
    scripts = scripts_with(tmp_path, widen_seed_key(head_revision()))
    upgrade(engine, script_location=scripts)
    assert current_revision(engine) == "9000"
    assert row_counts(engine) == before


# ------------------------------------------------------------------------- concurrent first use

#: A contender imports credsup once, then for each trial k: says it is ready, waits for the start signal,
#: opens that trial's fresh database, and writes what happened.
CONTENDER = """
import sys, time
from pathlib import Path
from credsup.results.db import open_database
folder, me, urls = Path(sys.argv[1]), sys.argv[2], sys.argv[3:]
for k, url in enumerate(urls):
    (folder / f"ready-{k}-{me}").touch()
    while not (folder / f"go-{k}").exists():
        time.sleep(0.001)
    try:
        open_database(url)
        outcome = "ok"
    except Exception as exc:
        outcome = f"{type(exc).__name__}: {exc}"
    (folder / f"done-{k}-{me}").write_text(outcome)
"""

#: Processes that open each fresh database at the same moment.
CONTENDERS = 4


def wait_for(folder: Path, pattern: str, n: int, timeout: float = 120.0) -> None:
    import time

    deadline = time.monotonic() + timeout
    while len(list(folder.glob(pattern))) < n:
        assert time.monotonic() < deadline, f"contenders did not reach {pattern} in {timeout} s"
        time.sleep(0.005)


def test_concurrent_first_use_of_a_fresh_database_is_safe(tmp_path) -> None:
    """Several processes open the same fresh database at once, on SQLite and PostgreSQL, several times:
    every one succeeds and the schema is created once (the issue saw 7 of 8 PostgreSQL trials and 2 of
    15 SQLite trials fail)."""
    import contextlib
    import os
    import subprocess
    import sys

    from credsup.results.db import open_database

    from .conftest import _postgres_database

    trials = int(os.environ.get("CREDSUP_CONCURRENCY_TRIALS", "4"))
    with contextlib.ExitStack() as stack:
        urls = [f"sqlite:///{tmp_path / f'fresh-{k}.db'}" for k in range(trials)]
        for _ in range(trials):  # a fresh PostgreSQL database per trial, dropped at the end
            databases = _postgres_database()
            urls.append(next(databases))
            stack.callback(lambda g=databases: next(g, None))
        folder = tmp_path / "signals"
        folder.mkdir()
        procs = [
            subprocess.Popen([sys.executable, "-c", CONTENDER, str(folder), str(i), *urls], stderr=subprocess.PIPE)
            for i in range(CONTENDERS)
        ]
        try:
            for k in range(len(urls)):
                wait_for(folder, f"ready-{k}-*", CONTENDERS)
                (folder / f"go-{k}").touch()
                wait_for(folder, f"done-{k}-*", CONTENDERS)
        finally:
            for p in procs:
                p.wait(timeout=60)
        outcomes = {f.name: f.read_text() for f in folder.glob("done-*")}
        assert len(outcomes) == CONTENDERS * len(urls)
        failed = {name: text for name, text in outcomes.items() if text != "ok"}
        assert failed == {}
        for url in urls:
            engine = open_database(url, migrate=False)
            assert current_revision(engine) == head_revision()
            engine.dispose()

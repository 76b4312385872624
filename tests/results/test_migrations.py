"""Schema upgrades keep every row, on SQLite and PostgreSQL.

There is one real migration so far; a test-only migration in a temporary copy of the migration scripts
alters a column of ``run`` in batch mode, which SQLite does by rebuilding the table (create a copy, copy
the rows, drop ``run``, rename the copy). With foreign keys enforced, dropping ``run`` cascades and deletes
every metric row.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import stat
import textwrap
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import Date, DateTime, Engine, MetaData, create_engine, func, inspect, select, text
from sqlalchemy.orm import Session

from credsup.cli.main import cli
from credsup.results.db import DatabaseError, current_revision, head_revision, open_database, resolve_url, upgrade
from credsup.results.models import Base, Experiment, GradeMetric, Metric, PeriodMetric, Point, Run
from credsup.results.store import create_experiment, list_experiments, load_experiment

from .conftest import fill

RELEASES_DIR = Path(__file__).parent / "releases"
#: Every released schema: a folder per release with its DDL and the rows a database of it held.
RELEASES = sorted(p.name for p in RELEASES_DIR.iterdir() if (p / "data.json").is_file())

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
    """The issue's data loss: on SQLite the rebuild of ``run`` deleted every metric, per-period and
    per-grade row (this test failed before migrations ran with foreign keys off)."""
    engine, _ = fill(db_url)
    before = row_counts(engine)
    assert before["metric"] > 0 and before["period_metric"] > 0 and before["grade_metric"] > 0
    scripts = scripts_with(tmp_path, widen_seed_key(head_revision()))
    upgrade(engine, script_location=scripts)
    assert current_revision(engine) == "9000"
    assert row_counts(engine) == before


# ---------------------------------------------------------------------------- released schemas


def statements(ddl: str) -> list[str]:
    """The SQL statements of a DDL script (Alembic offline output), comments dropped."""
    out = []
    for chunk in re.split(r";\s*$", ddl, flags=re.MULTILINE):
        sql = "\n".join(line for line in chunk.splitlines() if not line.lstrip().startswith("--")).strip()
        if sql:
            out.append(sql)
    return out


def _decoded(table, row: dict[str, Any]) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    out = dict(row)
    for column in table.columns:
        value = out.get(column.name)
        if isinstance(value, str) and isinstance(column.type, DateTime):
            out[column.name] = dt.datetime.fromisoformat(value)
        elif isinstance(value, str) and isinstance(column.type, Date):
            out[column.name] = dt.date.fromisoformat(value)
    return out


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else value


def release_data(release: str) -> dict[str, Any]:
    return json.loads((RELEASES_DIR / release / "data.json").read_text(encoding="utf-8"))


def build_release_database(release: str, url: str) -> None:
    """A database as the release left it: its own DDL, then its rows (and PostgreSQL's id sequences
    where the release's inserts left them)."""
    engine = create_engine(resolve_url(url))
    ddl = (RELEASES_DIR / release / f"schema.{engine.dialect.name}.sql").read_text(encoding="utf-8")
    tables = release_data(release)["tables"]
    with engine.begin() as conn:
        for sql in statements(ddl):
            conn.exec_driver_sql(sql)
        meta = MetaData()
        meta.reflect(conn)
        for name, rows in tables.items():
            if rows:
                conn.execute(meta.tables[name].insert(), [_decoded(meta.tables[name], r) for r in rows])
            if engine.dialect.name == "postgresql":
                conn.execute(
                    text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT max(id) FROM {name}))")
                )
    engine.dispose()


def assert_every_row_kept(engine: Engine, release: str) -> None:
    """Every row of the release's fixture is in the database with the same values (columns added by
    later migrations aside)."""
    meta = MetaData()
    meta.reflect(engine)
    with engine.connect() as conn:
        for name, rows in release_data(release)["tables"].items():
            table = meta.tables[name]
            stored = {r.id: {k: _plain(v) for k, v in r._mapping.items()} for r in conn.execute(select(table))}
            assert len(stored) == len(rows), name
            for row in rows:
                assert {k: stored[row["id"]][k] for k in row} == row, (name, row["id"])


@pytest.mark.parametrize("release", RELEASES)
def test_the_migrations_still_emit_each_released_schema(release: str) -> None:
    """A released migration is never edited: up to a release's revision, the scripts emit its DDL."""
    import io

    from alembic import command
    from alembic.config import Config

    from credsup.results.migrate import migrations_location

    revision = release_data(release)["revision"]
    for dialect, url in (("sqlite", "sqlite://"), ("postgresql", "postgresql+psycopg://")):
        buf = io.StringIO()
        cfg = Config(output_buffer=buf)
        cfg.set_main_option("script_location", migrations_location())
        cfg.set_main_option("sqlalchemy.url", url)
        command.upgrade(cfg, revision, sql=True)
        assert buf.getvalue() == (RELEASES_DIR / release / f"schema.{dialect}.sql").read_text(encoding="utf-8")


@pytest.mark.parametrize("with_test_migration", [False, True], ids=["shipped", "shipped+rebuild-run"])
@pytest.mark.parametrize("release", RELEASES)
def test_a_database_of_each_release_upgrades_with_every_row_kept(
    release: str, with_test_migration: bool, db_url: str, tmp_path: Path
) -> None:
    """A database written by a release, upgraded by today's credsup (and by a further migration that
    rebuilds ``run``): every row kept, every experiment readable, the schema that of the models, and
    new experiments can be stored."""
    build_release_database(release, db_url)
    engine = open_database(db_url, migrate=False)
    if with_test_migration:
        scripts = scripts_with(tmp_path, widen_seed_key(head_revision()))
        open_database(db_url)
        upgrade(engine, script_location=scripts)
        assert current_revision(engine) == "9000"
    else:
        engine = open_database(db_url)
        assert current_revision(engine) == head_revision()
        from alembic.autogenerate import compare_metadata
        from alembic.runtime.migration import MigrationContext

        with engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata) == []
    assert_every_row_kept(engine, release)
    listed = {e["id"]: e for e in list_experiments(engine)}
    for exp in release_data(release)["tables"]["experiment"]:
        results = load_experiment(engine, exp["id"])
        ok = [
            r for r in release_data(release)["tables"]["run"] if r["experiment_id"] == exp["id"] and r["status"] == "ok"
        ]
        assert listed[exp["id"]]["runs"] == len(ok)
        assert sum(len(v) for v in results.replications.values()) == len(ok)
    new = create_experiment(
        engine, kind="run", command="x", scenario="demo", scenario_config={}, jurisdictions=[], seed=1, replications=1
    )
    assert new == max(e["id"] for e in release_data(release)["tables"]["experiment"]) + 1


# ------------------------------------------------------------------ what an upgrade must never do


def test_an_upgraded_sqlite_database_is_copied_first_and_the_copy_is_said(tmp_path: Path, capsys) -> None:
    db = tmp_path / "results.db"
    engine, _ = fill(str(db))
    before = row_counts(engine)
    os.chmod(db, 0o640)
    assert upgrade(engine) is None  # up to date: no copy
    copy = upgrade(engine, script_location=scripts_with(tmp_path, widen_seed_key(head_revision())))
    assert (
        copy is not None and copy.parent == tmp_path and copy.name.startswith(f"results.db.schema-{head_revision()}-")
    )
    assert f"is kept in {copy}" in capsys.readouterr().err
    assert stat.S_IMODE(copy.stat().st_mode) == 0o640
    old = create_engine(f"sqlite:///{copy}")
    assert current_revision(old) == head_revision() and row_counts(old) == before
    old.dispose()


def orphan_a_run(down: str) -> str:
    """A broken test-only migration: deletes a run and leaves its metric rows pointing nowhere."""
    return f'''
        import sqlalchemy as sa
        from alembic import op

        revision = "9000"
        down_revision = "{down}"
        branch_labels = None
        depends_on = None


        def upgrade() -> None:
            op.execute("DELETE FROM run WHERE id = (SELECT min(id) FROM run)")
            op.add_column("run", sa.Column("note", sa.Text(), nullable=True))


        def downgrade() -> None:
            pass
    '''


def test_a_migration_that_would_orphan_rows_is_rolled_back_on_sqlite(tmp_path: Path) -> None:
    engine, _ = fill(str(tmp_path / "r.db"))
    before = row_counts(engine)
    with pytest.raises(DatabaseError, match=r"would leave \d+ row\(s\) pointing to nothing .*nothing was changed"):
        upgrade(engine, script_location=scripts_with(tmp_path, orphan_a_run(head_revision())))
    assert current_revision(engine) == head_revision()
    assert row_counts(engine) == before
    assert "note" not in {c["name"] for c in inspect(engine).get_columns("run")}


def failing(down: str) -> str:
    """A test-only migration that changes the schema, then fails."""
    return f'''
        import sqlalchemy as sa
        from alembic import op

        revision = "9000"
        down_revision = "{down}"
        branch_labels = None
        depends_on = None


        def upgrade() -> None:
            with op.batch_alter_table("run") as batch_op:
                batch_op.alter_column("seed_key", existing_type=sa.String(200), type_=sa.String(300))
            op.execute("DELETE FROM metric")
            raise RuntimeError("a migration that breaks half-way")


        def downgrade() -> None:
            pass
    '''


def test_a_migration_that_fails_half_way_changes_nothing(db_url, tmp_path: Path) -> None:
    engine, _ = fill(db_url)
    before = row_counts(engine)
    with pytest.raises(RuntimeError, match="half-way"):
        upgrade(engine, script_location=scripts_with(tmp_path, failing(head_revision())))
    assert current_revision(engine) == head_revision()
    assert row_counts(engine) == before
    (seed_key,) = [c for c in inspect(engine).get_columns("run") if c["name"] == "seed_key"]
    assert seed_key["type"].length == 200


def test_a_database_newer_than_this_credsup_is_refused_with_both_versions(db_url, tmp_path: Path) -> None:
    from credsup import __version__

    engine, _ = fill(db_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0042'"))
        conn.execute(text("UPDATE experiment SET credsup_version = '0.7.0'"))
    before = row_counts(engine)
    message = (
        f"has schema version 0042, last written by credsup 0.7.0; this credsup ({__version__}) knows schema "
        f"versions up to {head_revision()}: upgrade credsup"
    )
    for migrate in (True, False):
        with pytest.raises(DatabaseError, match=re.escape(message)):
            open_database(db_url, migrate=migrate)
    result = CliRunner().invoke(cli, ["results", "list", "--db", db_url])
    assert result.exit_code == 1 and result.stderr.count("\n") == 1 and message in result.stderr
    assert "Traceback" not in result.output
    assert row_counts(engine) == before
    if db_url.startswith("sqlite"):
        assert not list(tmp_path.glob("*.bak"))  # refused before any copy


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

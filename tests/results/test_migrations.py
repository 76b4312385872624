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
    shutil.copytree(
        str(files("credsup.results") / "migrations"), where, ignore=shutil.ignore_patterns("__pycache__")
    )
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

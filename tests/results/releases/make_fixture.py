"""Write the fixture of a released results schema, for the upgrade tests (``tests/results/test_migrations.py``).

    python tests/results/releases/make_fixture.py

Run it from the source tree of the release being made, once, when that release ships a schema change (a
new migration): it writes ``tests/results/releases/<version>/`` with

* ``schema.sqlite.sql`` and ``schema.postgresql.sql``: the DDL the release's migrations emit (Alembic
  offline mode), including the ``alembic_version`` row;
* ``data.json``: every row of a small database that the release wrote itself: a real comparison and a
  real sweep from the command line, and an interrupted comparison with a failed run.

The upgrade tests build each released schema from these files on SQLite and PostgreSQL, fill it, upgrade
it to the newest schema and check that every row is still there. Never edit a fixture afterwards: it is
what users' databases of that release look like.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
#: Tables in an order that inserts parents first.
TABLES = ("experiment", "point", "run", "metric", "period_metric", "grade_metric")


def ddl(dialect_url: str, revision: str) -> str:
    from alembic import command
    from alembic.config import Config

    from credsup.results.migrate import migrations_location

    buf = io.StringIO()
    cfg = Config(output_buffer=buf)
    cfg.set_main_option("script_location", migrations_location())
    cfg.set_main_option("sqlalchemy.url", dialect_url)
    command.upgrade(cfg, revision, sql=True)
    return buf.getvalue()


def _plain(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def rows_of(db: Path) -> dict[str, list[dict[str, Any]]]:
    from sqlalchemy import MetaData, create_engine, select

    engine = create_engine(f"sqlite:///{db}")
    meta = MetaData()
    meta.reflect(engine)
    with engine.connect() as conn:
        out = {
            t: [
                {k: _plain(v) for k, v in row._mapping.items()}
                for row in conn.execute(select(meta.tables[t]).order_by(meta.tables[t].c.id))
            ]
            for t in TABLES
        }
    engine.dispose()
    return out


def write_database(folder: Path) -> Path:
    """A small database written by this release's own commands and store."""
    from click.testing import CliRunner

    from credsup.cli.main import cli
    from credsup.results.db import open_database
    from credsup.results.store import create_experiment, finish_experiment, record_failure

    db = folder / "release.db"
    small = ["--set", "scenario.population.enterprises=200", "--set", "scenario.months=3"]
    runner = CliRunner()
    result = runner.invoke(
        cli, ["compare", "-j", "traditional", "-j", "dalian", "-r", "2", "--seed", "5", "--db", str(db), *small]
    )
    assert result.exit_code == 0, result.output
    spec = folder / "sweep.toml"
    spec.write_text(
        'sweep = "fixture"\nscenario = "demo"\njurisdictions = ["national"]\nreplications = 1\nseed = 3\n'
        'outcomes = ["hit_rate"]\n[fixed]\n"scenario.population.enterprises" = 200\n"scenario.months" = 3\n'
        '[parameters]\n"scenario.regulator.inspectors" = [2, 4]\n',
        encoding="utf-8",
    )
    result = runner.invoke(cli, ["sweep", str(spec), "--db", str(db)])
    assert result.exit_code == 0, result.output
    engine = open_database(str(db))
    exp = create_experiment(
        engine,
        kind="compare",
        command="credsup compare --scenario demo -j national --replications 2 --seed 9",
        scenario="demo",
        scenario_config={"scenario": "demo"},
        jurisdictions=[{"name": "national", "version": "0.1.0", "distribution": "credsup"}],
        seed=9,
        replications=2,
    )
    record_failure(
        engine, exp, jurisdiction="national", replication=0, seed_key="0/0", error="internal error: ValueError: x"
    )
    finish_experiment(engine, exp, status="interrupted", error="interrupted by the user", wall_seconds=0.5)
    engine.dispose()
    return db


def main() -> None:
    from credsup import __version__
    from credsup.results.migrate import head_revision

    revision = head_revision()
    target = HERE / __version__
    if target.exists():
        sys.exit(f"{target} exists: a release's fixture is never rewritten")
    with tempfile.TemporaryDirectory() as tmp:
        data = rows_of(write_database(Path(tmp)))
    target.mkdir()
    (target / "schema.sqlite.sql").write_text(ddl("sqlite://", revision), encoding="utf-8")
    (target / "schema.postgresql.sql").write_text(ddl("postgresql+psycopg://", revision), encoding="utf-8")
    doc = {"release": __version__, "revision": revision, "tables": data}
    (target / "data.json").write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {target}: schema {revision}, " + ", ".join(f"{len(v)} {k}" for k, v in data.items()))


if __name__ == "__main__":
    main()

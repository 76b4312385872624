"""The results schema: experiments, runs, and their metrics (summary, per period, per grade).

Long ("tidy") tables for metrics: one row per (run, metric[, period | grade]), so new metrics need no
migration. Each run and all its metric rows are written in one transaction (``store.py``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, Float, ForeignKey, Integer, MetaData, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

#: Constraint names are stable across backends, so migrations can refer to them (Alembic docs).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class Experiment(Base):
    """One command that produced runs: a ``run``, a ``compare`` or a ``sweep``."""

    __tablename__ = "experiment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # run | compare | sweep
    name: Mapped[str] = mapped_column(String(200), default="")
    command: Mapped[str] = mapped_column(Text)  # the exact command line that reproduces it
    scenario: Mapped[str] = mapped_column(String(200))
    scenario_config: Mapped[dict[str, Any]] = mapped_column(JSON)  # the full resolved scenario
    jurisdictions: Mapped[list[Any]] = mapped_column(JSON)  # [{name, version, distribution, params, sources}]
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # overrides, workers, spec ...
    seed: Mapped[str] = mapped_column(String(80))  # SeedSequence entropy, as text (may exceed 64 bits)
    replications: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="running")  # running | finished | failed | interrupted
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    credsup_version: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    wall_seconds: Mapped[float | None] = mapped_column(Float, nullable=True)

    runs: Mapped[list[Run]] = relationship(back_populates="experiment", cascade="all, delete-orphan", order_by="Run.id")
    points: Mapped[list[Point]] = relationship(
        back_populates="experiment", cascade="all, delete-orphan", order_by="Point.index"
    )


class Point(Base):
    """A parameter combination of a sweep (a compare or run has the single point 0, no parameters)."""

    __tablename__ = "point"
    __table_args__ = (UniqueConstraint("experiment_id", "index"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    experiment_id: Mapped[int] = mapped_column(ForeignKey("experiment.id", ondelete="CASCADE"), index=True)
    index: Mapped[int] = mapped_column(Integer)
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    experiment: Mapped[Experiment] = relationship(back_populates="points")


class Run(Base):
    """One simulation of one jurisdiction, one replication (and one sweep point)."""

    __tablename__ = "run"
    __table_args__ = (UniqueConstraint("experiment_id", "point", "jurisdiction", "replication"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    experiment_id: Mapped[int] = mapped_column(ForeignKey("experiment.id", ondelete="CASCADE"), index=True)
    point: Mapped[int] = mapped_column(Integer, default=0)
    jurisdiction: Mapped[str] = mapped_column(String(100))
    replication: Mapped[int] = mapped_column(Integer)
    seed_key: Mapped[str] = mapped_column(String(200))  # the run's SeedSequence spawn key, e.g. "0/3"
    status: Mapped[str] = mapped_column(String(16))  # ok | failed
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    wall_seconds: Mapped[float | None] = mapped_column(Float, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    experiment: Mapped[Experiment] = relationship(back_populates="runs")
    metrics: Mapped[list[Metric]] = relationship(cascade="all, delete-orphan", passive_deletes=True)


class Metric(Base):
    """A run's summary metric (``hit_rate`` ...). NaN is stored as NULL (undefined: e.g. no inspection)."""

    __tablename__ = "metric"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("run.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    value: Mapped[float | None] = mapped_column(Float, nullable=True)


class PeriodMetric(Base):
    """A metric of one period of a run (``period`` counts from 0; ``start`` is its first day)."""

    __tablename__ = "period_metric"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("run.id", ondelete="CASCADE"), index=True)
    period: Mapped[int] = mapped_column(Integer)
    start: Mapped[dt.date | None] = mapped_column(nullable=True)
    name: Mapped[str] = mapped_column(String(64))
    value: Mapped[float | None] = mapped_column(Float, nullable=True)


class GradeMetric(Base):
    """A metric of one credit grade within a run (``grade`` is "A".."D" or "ungraded")."""

    __tablename__ = "grade_metric"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("run.id", ondelete="CASCADE"), index=True)
    grade: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(64))
    value: Mapped[float | None] = mapped_column(Float, nullable=True)


class Evaluation(Base):
    """A point a calibration evaluated (``credsup calibrate``, docs/calibration.md): why (its ``stage``:
    ``design``, ``search`` or ``analysis``, and ``about``: for a finite-difference point, the point and the
    parameter it perturbs), when (``step``: the batch it was asked for in, the order a resumed calibration
    replays), and what came of it (its ``distance`` to the targets, and each target outcome's mean, sd and
    count over the replications). Its parameter values are the point's; its runs are the point's runs."""

    __tablename__ = "evaluation"
    __table_args__ = (UniqueConstraint("experiment_id", "point"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    experiment_id: Mapped[int] = mapped_column(ForeignKey("experiment.id", ondelete="CASCADE"), index=True)
    point: Mapped[int] = mapped_column(Integer)
    step: Mapped[int] = mapped_column(Integer)
    stage: Mapped[str] = mapped_column(String(16))  # design | search | analysis
    about: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    distance: Mapped[float | None] = mapped_column(Float, nullable=True)
    outcomes: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

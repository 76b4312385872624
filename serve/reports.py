"""The public's breach reports (seed 000 (III)): stored at once, in one transaction, never in an input file.

A report is a complaint received: its row carries the columns of the registry's ``complaints`` table
(``id, enterprise, received, founded, verified_on``; docs/registry.md), with ``founded`` and
``verified_on`` empty until the regulator verifies it, plus what the reporter wrote. The store is a table
``public_reports`` in a database (SQLAlchemy URL):

* a **CSV registry** is an input the service only reads: its files are never written (a half-written
  line in ``complaints.csv`` would stop the next refresh, and would change the input hashes of a
  published plan). Reports go to an SQLite file, ``credsup-reports.db`` in the working directory unless
  ``--reports`` says otherwise;
* a **database registry** keeps its reports beside its tables, in the same database (registry mode reads
  only the tables it knows, so the extra table changes nothing), unless ``--reports`` says otherwise.

The regulator takes reports into the registry's complaints after its own intake
(``GET /api/v1/reports?format=csv`` gives them as ``complaints.csv`` rows). Every write is a parameterised
SQLAlchemy insert inside a transaction: a report is stored whole or not at all, and no text a reporter
types is ever part of an SQL statement.
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import io
import secrets
from collections.abc import Sequence
from typing import Any

import attrs
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from credsup.core.errors import InputError
from credsup.registry.reading import is_url, masked

TABLE = "public_reports"
DEFAULT_FILE = "credsup-reports.db"
#: Longest report and contact detail accepted, in characters (assumption: a breach is described in a
#: few paragraphs; a longer text is more likely abuse than a report).
MAX_TEXT = 2000
MAX_CONTACT = 200
#: Complaint columns, in the order of ``complaints.csv`` (docs/registry.md).
COMPLAINT_COLUMNS = ("id", "enterprise", "received", "founded", "verified_on")

_metadata = sa.MetaData()
reports_table = sa.Table(
    TABLE,
    _metadata,
    sa.Column("id", sa.String(32), primary_key=True, comment="complaint id: R- and 10 random characters"),
    sa.Column("enterprise", sa.String(200), nullable=False, index=True, comment="the enterprise reported"),
    sa.Column("received", sa.Date, nullable=False, comment="day received (the service's date)"),
    sa.Column("founded", sa.Boolean, nullable=True, comment="verification result; empty until verified"),
    sa.Column("verified_on", sa.Date, nullable=True, comment="day of the verification result"),
    sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False, comment="when it was stored (UTC)"),
    sa.Column("commitment", sa.String(200), nullable=True, comment="the commitment said to be breached, if chosen"),
    sa.Column("text", sa.Text, nullable=False, comment="what the reporter wrote, as written"),
    sa.Column("contact", sa.String(MAX_CONTACT), nullable=True, comment="how to reach the reporter, if given"),
    comment="breach reports from the public commitment pages (credsup serve)",
)


def default_url(registry: str) -> str:
    """Where reports go unless ``--reports`` says: the registry database, or a file in the working directory."""
    return registry if is_url(registry) else f"sqlite:///{DEFAULT_FILE}"


def clean_text(value: str) -> str:
    """Trimmed text with normalised line ends and no control characters but line breaks and tabs."""
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(c for c in text if c in "\n\t" or c.isprintable()).strip()


def new_reference() -> str:
    """``R-`` and 10 random base32 characters (50 bits): quotable on a phone, not guessable."""
    return "R-" + base64.b32encode(secrets.token_bytes(10)).decode("ascii")[:10]


@attrs.frozen
class Report:
    id: str
    enterprise: str
    received: dt.date
    submitted_at: dt.datetime
    text: str
    commitment: str | None = None
    contact: str | None = None
    founded: bool | None = None
    verified_on: dt.date | None = None

    def as_dict(self, *, contact: bool = True) -> dict[str, Any]:
        d = attrs.asdict(self)
        d["received"] = self.received.isoformat()
        d["verified_on"] = self.verified_on.isoformat() if self.verified_on else None
        d["submitted_at"] = self.submitted_at.isoformat(timespec="seconds")
        if not contact:
            d.pop("contact")
        return d


class ReportStore:
    """The ``public_reports`` table of one database."""

    def __init__(self, url: str):
        self.url = url
        try:
            kwargs: dict[str, Any] = {}
            if url.startswith("sqlite"):
                kwargs["connect_args"] = {"timeout": 30}
            self.engine = sa.create_engine(url, **kwargs)
            if url.startswith("sqlite"):
                sa.event.listen(self.engine, "connect", _sqlite_pragmas)
            _metadata.create_all(self.engine, checkfirst=True)
        except Exception as exc:
            first = str(exc).splitlines()[0] if str(exc) else ""
            raise InputError(
                f"{masked(url)}: cannot open the reports store ({type(exc).__name__}: {first}); "
                "give a writable database with --reports"
            ) from None

    def add(
        self,
        enterprise: str,
        text: str,
        *,
        received: dt.date,
        commitment: str | None = None,
        contact: str | None = None,
    ) -> Report:
        """Store one report in its own transaction; returns it with its new reference."""
        now = dt.datetime.now(dt.UTC)
        for _ in range(5):
            report = Report(new_reference(), enterprise, received, now, text, commitment or None, contact or None)
            row = attrs.asdict(report)
            try:
                with self.engine.begin() as conn:
                    conn.execute(reports_table.insert().values(**row))
            except IntegrityError:  # a reference drawn twice (2^-50): draw again
                continue
            return report
        raise RuntimeError("could not draw a fresh report reference")  # pragma: no cover

    @property
    def display_url(self) -> str:
        """The store's URL with any password hidden."""
        return masked(self.url)

    def get(self, reference: str) -> Report | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(reports_table).where(reports_table.c.id == reference)).mappings().first()
        return _report(row) if row else None

    def list(self, *, since: dt.date | None = None, enterprise: str | None = None) -> list[Report]:
        query = sa.select(reports_table).order_by(reports_table.c.submitted_at, reports_table.c.id)
        if since is not None:
            query = query.where(reports_table.c.received >= since)
        if enterprise is not None:
            query = query.where(reports_table.c.enterprise == enterprise)
        with self.engine.connect() as conn:
            return [_report(r) for r in conn.execute(query).mappings()]

    def dispose(self) -> None:
        self.engine.dispose()


def _report(row: Any) -> Report:
    submitted = row["submitted_at"]
    if submitted.tzinfo is None:  # SQLite hands back naive datetimes; they were stored in UTC
        submitted = submitted.replace(tzinfo=dt.UTC)
    return Report(
        id=row["id"],
        enterprise=row["enterprise"],
        received=row["received"],
        submitted_at=submitted,
        text=row["text"],
        commitment=row["commitment"],
        contact=row["contact"],
        founded=row["founded"],
        verified_on=row["verified_on"],
    )


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL lets readers go on while a report is written; each write still commits whole."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def complaints_csv(reports: Sequence[Report]) -> str:
    """Reports as rows of the registry's ``complaints.csv`` (docs/registry.md), header included."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COMPLAINT_COLUMNS)
    for r in reports:
        founded = "" if r.founded is None else ("true" if r.founded else "false")
        verified = r.verified_on.isoformat() if r.verified_on else ""
        writer.writerow([r.id, r.enterprise, r.received.isoformat(), founded, verified])
    return out.getvalue()

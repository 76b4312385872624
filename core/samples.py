"""Random but valid batches, for tests, examples and the conformance checks.

Every generator takes a ``numpy.random.Generator`` so that samples are reproducible. The values are
plausible (most enterprises clean, a few with serious records), not calibrated to any population.
"""

from __future__ import annotations

import datetime as dt

import attrs
import numpy as np

from credsup.core.batch import EnterpriseBatch
from credsup.core.cases import ObjectionBatch, RepairApplications, ViolationBatch
from credsup.core.columns import FOREVER, NAT
from credsup.core.decisions import ToleranceDecisions
from credsup.core.vocabulary import ITEMS, REGIONS, SECTORS

SAMPLE_SECTORS = tuple(SECTORS)
SAMPLE_REGIONS = REGIONS
SAMPLE_ITEMS = tuple(ITEMS)


def _dates(rng: np.random.Generator, today: dt.date, n: int, max_days: int, p_nat: float) -> np.ndarray:
    t = np.datetime64(today, "D")
    out = t - rng.integers(0, max_days + 1, n).astype("timedelta64[D]")
    out[rng.random(n) < p_nat] = NAT
    return out


def random_batch(
    rng: np.random.Generator, n: int, today: dt.date = dt.date(2026, 1, 1), *, graded: bool = True
) -> EnterpriseBatch:
    """``n`` enterprises with a varied record summary, valid under the batch schema.

    ``rng`` is a numpy Generator (``numpy.random.default_rng(seed)``), ``n`` an integer >= 0; another
    kind of argument is a ``TypeError`` saying so."""
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"random_batch(rng, n): rng is a numpy Generator (numpy.random.default_rng(seed)), got {rng!r}")
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
        raise TypeError(f"random_batch(rng, n): n is the number of rows, an integer >= 0, got {n!r}")
    t = np.datetime64(today, "D")
    heavy = rng.random(n) < 0.1
    counts = lambda lam: rng.poisson(lam, n).astype(np.int16)  # noqa: E731
    serious = np.where(heavy, counts(1.0), 0).astype(np.int16)
    general = counts(0.3) + np.where(heavy, counts(1.0), 0).astype(np.int16)
    minor = counts(0.5)
    inspections = counts(1.0) + serious + general
    listed = heavy & (rng.random(n) < 0.3)
    listed_until = np.where(listed, t + rng.integers(1, 1000, n).astype("timedelta64[D]"), NAT)
    banned = listed & (rng.random(n) < 0.2)
    banned_until = np.where(banned, t + rng.integers(1, 2000, n).astype("timedelta64[D]"), NAT)
    banned_until[banned & (rng.random(n) < 0.2)] = FOREVER
    batch = EnterpriseBatch.build(
        n,
        sector=rng.integers(0, len(SAMPLE_SECTORS), n),
        size=rng.integers(0, 4, n),
        registered=t - rng.integers(0, 365 * 20, n).astype("timedelta64[D]"),
        key_sector=rng.random(n) < 0.2,
        emerging=rng.random(n) < 0.05,
        annual_report_filed=rng.random(n) < 0.9,
        tax_compliant=rng.random(n) < 0.95,
        social_security_compliant=rng.random(n) < 0.93,
        ip_holder=rng.random(n) < 0.1,
        abnormal_operation=rng.random(n) < 0.03,
        self_report_verified=rng.random(n) < 0.2,
        industry_grade=rng.integers(-1, 4, n),
        grade=rng.integers(0 if graded else -1, 4, n),
        graded_on=_dates(rng, today, n, 365, 0.1),
        demonstration=rng.random(n) < 0.05,
        inspections_36m=inspections,
        clean_inspections_36m=np.maximum(0, inspections - serious - general - minor).astype(np.int16),
        last_inspection=_dates(rng, today, n, 1000, 0.3),
        minor_36m=minor,
        general_36m=general,
        serious_36m=serious,
        violations_12m=np.minimum(minor + general + serious, counts(0.5)).astype(np.int16),
        last_violation=_dates(rng, today, n, 1000, 0.5),
        open_rectifications=counts(0.1),
        failed_rectifications_36m=np.where(heavy, counts(0.5), 0).astype(np.int16),
        displayed_penalties=np.minimum(general + serious, counts(0.5)).astype(np.int16),
        commitments_36m=counts(0.8),
        false_commitments_36m=np.where(heavy, counts(0.3), 0).astype(np.int16),
        complaints_36m=counts(0.4),
        verified_complaints_36m=counts(0.1),
        listed=listed,
        listed_until=listed_until,
        external_listing=np.where(rng.random(n) < 0.02, rng.integers(0, len(SAMPLE_REGIONS), n), -1),
        banned_until=banned_until,
        repairs_36m=counts(0.05),
        last_repair=_dates(rng, today, n, 1000, 0.95),
        sectors=SAMPLE_SECTORS,
        regions=SAMPLE_REGIONS,
    )
    return _with_penalties(batch, t)


def _with_penalties(batch: EnterpriseBatch, t: np.datetime64) -> EnterpriseBatch:
    """The penalty decisions that follow from a sample's violation counts, without a draw of their own
    (so every draw after them is what it was before these columns existed): every serious and general
    violation and half the minor ones were penalised; those of the last 12 months are among
    ``violations_12m``, serious ones first."""
    pen36 = [batch.minor_36m // 2, batch.general_36m, batch.serious_36m]
    left = batch.violations_12m.astype(np.int32)
    pen12: list[np.ndarray] = [np.zeros(0)] * 3
    for i in (2, 1, 0):
        pen12[i] = np.minimum(pen36[i], left).astype(np.int16)
        left = left - pen12[i]
    some = (pen36[0] + pen36[1] + pen36[2]) > 0
    last = np.where(np.isnat(batch.last_violation), t - np.timedelta64(500, "D"), batch.last_violation)
    return attrs.evolve(
        batch,
        minor_penalties_12m=pen12[0],
        general_penalties_12m=pen12[1],
        serious_penalties_12m=pen12[2],
        minor_penalties_36m=pen36[0].astype(np.int16),
        general_penalties_36m=pen36[1].astype(np.int16),
        serious_penalties_36m=pen36[2].astype(np.int16),
        last_penalty=np.where(some, last, NAT).astype("datetime64[D]"),
    )


def random_violations(
    rng: np.random.Generator, batch: EnterpriseBatch, m: int, today: dt.date = dt.date(2026, 1, 1)
) -> ViolationBatch:
    """``m`` detected violations of enterprises in ``batch`` (``batch`` must not be empty if m > 0)."""
    severity = rng.choice(3, m, p=[0.6, 0.3, 0.1])
    harm = rng.exponential(1.0, m) * np.array([0.2, 1.0, 3.0])[severity]
    detected = _dates(rng, today, m, 60, 0.0)
    values = dict(
        enterprise=rng.integers(0, max(len(batch), 1), m),
        item=rng.integers(0, len(SAMPLE_ITEMS), m),
        severity=severity,
        harm=harm,
        harmful=harm > 1.5,
        committed=detected - rng.integers(0, 200, m).astype("timedelta64[D]"),
        detected=detected,
        source=rng.integers(0, 5, m),
        corrected=rng.random(m) < 0.7,
        prior_same_item_36m=rng.poisson(0.3, m),
        prior_36m=rng.poisson(0.8, m),
        false_commitment=rng.random(m) < 0.05,
    )
    # drawn last, so the columns above are what they were before this column existed
    values["no_fault"] = ~values["false_commitment"] & (rng.random(m) < 0.03)
    return ViolationBatch.build(m, items=SAMPLE_ITEMS, **values)


def random_decisions(rng: np.random.Generator, m: int) -> ToleranceDecisions:
    """``m`` arbitrary tolerance decisions (for calling the sanction hook in isolation)."""
    return ToleranceDecisions.build(m, decision=rng.integers(0, 3, m), reason=rng.integers(0, 13, m))


def random_applications(
    rng: np.random.Generator, batch: EnterpriseBatch, m: int, today: dt.date = dt.date(2026, 1, 1)
) -> RepairApplications:
    """``m`` repair applications by enterprises in ``batch``."""
    recorded = _dates(rng, today, m, 1500, 0.0)
    return RepairApplications.build(
        m,
        enterprise=rng.integers(0, max(len(batch), 1), m),
        record=rng.integers(0, 3, m),
        severity=rng.integers(0, 3, m),
        recorded=recorded,
        applied=np.minimum(recorded + rng.integers(0, 400, m).astype("timedelta64[D]"), np.datetime64(today, "D")),
        fulfilled=rng.integers(0, 128, m),
    )


def random_objections(
    rng: np.random.Generator, batch: EnterpriseBatch, m: int, today: dt.date = dt.date(2026, 1, 1)
) -> ObjectionBatch:
    """``m`` objections by enterprises in ``batch``."""
    recorded = _dates(rng, today, m, 400, 0.0)
    return ObjectionBatch.build(
        m,
        enterprise=rng.integers(0, max(len(batch), 1), m),
        record=rng.integers(0, 3, m),
        recorded=recorded,
        filed=np.minimum(recorded + rng.integers(0, 60, m).astype("timedelta64[D]"), np.datetime64(today, "D")),
        evidence=rng.random(m) < 0.3,
    )

"""How each column of :class:`credsup.core.EnterpriseBatch` is obtained: from a registry's files
(:mod:`credsup.registry.summary`, the one definition of the record summary) and in the simulator
(:mod:`credsup.simulation.population` for attributes, :class:`credsup.simulation.credit_record.CreditRecord`
for the record, which keeps the same columns by the same rules event by event).

``docs/batch.md`` shows this table (``python -m credsup.core.reference``). ``tests/test_docs.py`` checks
that every column has a row, that every ``table.column`` named in the registry text is a column of the
registry schema (``docs/registry.md``) and that every ``CreditRecord.method`` named in the simulator text
exists, so the table cannot drift from the code it describes. ``tests/test_record_summary.py`` checks that
the two ways give equal columns on random histories.

Notation: ``T`` is the evaluation date; a window of ``k`` months holds events dated in
``(T - k months, T]`` (:func:`credsup.core.months.window_start`).
"""

from __future__ import annotations

from typing import NamedTuple


class Derivation(NamedTuple):
    """Where a column comes from: in a registry (its files) and in a simulation."""

    registry: str
    simulation: str


_ATTRIBUTE = "drawn for the population (`simulation/population.py`) from the scenario's `population.{key}`"

#: One row per :class:`EnterpriseBatch` column, in the batch's order.
DERIVATION: dict[str, Derivation] = {
    "sector": Derivation("`enterprises.sector`", _ATTRIBUTE.format(key="sectors") + " shares"),
    "size": Derivation("`enterprises.size`", _ATTRIBUTE.format(key="sizes") + " shares"),
    "registered": Derivation(
        "`enterprises.registered`",
        "drawn: exponential age, mean `population.mean_age_years`; an entrant's founding day",
    ),
    "key_sector": Derivation(
        "`enterprises.key_sector`; empty: the standard vocabulary's flag for the sector",
        "the sector's `key` flag in the scenario's `population.sectors`",
    ),
    "emerging": Derivation(
        "`enterprises.emerging`; empty: the standard vocabulary's flag for the sector",
        "the sector's `emerging` flag in the scenario's `population.sectors`",
    ),
    "annual_report_filed": Derivation(
        "`enterprises.annual_report_filed`",
        _ATTRIBUTE.format(key="dynamic.annual_report_filed") + ", linked to honesty",
    ),
    "tax_compliant": Derivation(
        "`enterprises.tax_compliant`", _ATTRIBUTE.format(key="dynamic.tax_compliant") + ", linked to honesty"
    ),
    "social_security_compliant": Derivation(
        "`enterprises.social_security_compliant`",
        _ATTRIBUTE.format(key="dynamic.social_security_compliant") + ", linked to honesty",
    ),
    "ip_holder": Derivation("`enterprises.ip_holder`", _ATTRIBUTE.format(key="dynamic.ip_holder")),
    "abnormal_operation": Derivation(
        "an active `listings` row with `list` = abnormal_operation (any region) on `T`",
        _ATTRIBUTE.format(key="dynamic.abnormal_operation") + ", linked to honesty",
    ),
    "self_report_verified": Derivation(
        "`enterprises.self_report_verified`",
        _ATTRIBUTE.format(key="dynamic.self_report_verified") + ", linked to honesty",
    ),
    "industry_grade": Derivation(
        "`enterprises.industry_grade`; empty: none",
        _ATTRIBUTE.format(key="industry_evaluation") + " (share evaluated, grade shares, link to honesty)",
    ),
    "grade": Derivation(
        "`enterprises.grade` (the last evaluation; `credsup grade` writes a new one)",
        "`CreditRecord.evaluate` at each evaluation (`credsup_grade`)",
    ),
    "graded_on": Derivation("`enterprises.graded_on`", "`CreditRecord.evaluate`: the day of the evaluation"),
    "demonstration": Derivation(
        "`enterprises.demonstration`",
        "`CreditRecord.set_demonstration` after each evaluation (`credsup_demonstration`); "
        "`CreditRecord.revoke_demonstration` on a sanction that withdraws it",
    ),
    "inspections_36m": Derivation(
        "`inspections` rows dated in the window", "`CreditRecord.inspect`: every visit, counted for 36 months"
    ),
    "clean_inspections_36m": Derivation(
        "`inspections` rows in the window no (non-withdrawn) `violations.inspection` refers to",
        "`CreditRecord.inspect` with the visit's findings: visits that found nothing",
    ),
    "last_inspection": Derivation("latest `inspections.date` up to `T`", "`CreditRecord.inspect`: the visit's day"),
    "minor_36m": Derivation(
        "`violations` with `severity` = minor, `detected` in the window, not withdrawn",
        "`CreditRecord.detect`, by severity; `CreditRecord.withdraw` takes an upheld objection's out",
    ),
    "general_36m": Derivation(
        "`violations` with `severity` = general, `detected` in the window, not withdrawn",
        "`CreditRecord.detect`, by severity; `CreditRecord.withdraw` takes an upheld objection's out",
    ),
    "serious_36m": Derivation(
        "`violations` with `severity` = serious, `detected` in the window, not withdrawn",
        "`CreditRecord.detect`, by severity; `CreditRecord.withdraw` takes an upheld objection's out",
    ),
    "violations_12m": Derivation(
        "`violations` of any severity `detected` in the last 12 months, not withdrawn (tolerated ones too)",
        "`CreditRecord.detect`, counted for 12 months",
    ),
    "last_violation": Derivation("latest `violations.detected` (not withdrawn)", "`CreditRecord.detect`: the day"),
    "open_rectifications": Derivation(
        "`violations` with `rectify_by` >= `T` and no `rectified_on` up to `T`",
        "`CreditRecord.detect` opens an order; `CreditRecord.deadline` closes it (met or failed)",
    ),
    "failed_rectifications_36m": Derivation(
        "`violations` with `rectify_by` in the window and before `T`, not `rectified_on` by it",
        "`CreditRecord.deadline`: orders not met by their deadline, counted from the deadline",
    ),
    "displayed_penalties": Derivation(
        "`penalties` decided by `T` with `publicity_until` > `T`, not withdrawn, not repaired (`repairs` approved)",
        "`CreditRecord.penalise` (with the sanction's `publicity_days`); ends at expiry, "
        "`CreditRecord.repair` or `CreditRecord.withdraw`",
    ),
    "minor_penalties_12m": Derivation(
        "`penalties` with `severity` = minor, `decided` in the last 12 months, not withdrawn",
        "`CreditRecord.penalise`, by severity, counted for 12 months (repair does not remove it)",
    ),
    "general_penalties_12m": Derivation(
        "`penalties` with `severity` = general, `decided` in the last 12 months, not withdrawn",
        "`CreditRecord.penalise`, by severity, counted for 12 months (repair does not remove it)",
    ),
    "serious_penalties_12m": Derivation(
        "`penalties` with `severity` = serious, `decided` in the last 12 months, not withdrawn",
        "`CreditRecord.penalise`, by severity, counted for 12 months (repair does not remove it)",
    ),
    "minor_penalties_36m": Derivation(
        "`penalties` with `severity` = minor, `decided` in the window, not withdrawn",
        "`CreditRecord.penalise`, by severity, counted for 36 months",
    ),
    "general_penalties_36m": Derivation(
        "`penalties` with `severity` = general, `decided` in the window, not withdrawn",
        "`CreditRecord.penalise`, by severity, counted for 36 months",
    ),
    "serious_penalties_36m": Derivation(
        "`penalties` with `severity` = serious, `decided` in the window, not withdrawn",
        "`CreditRecord.penalise`, by severity, counted for 36 months",
    ),
    "last_penalty": Derivation(
        "latest `penalties.decided` up to `T`, not withdrawn",
        "`CreditRecord.penalise`: the decision's day (a withdrawn decision does not count)",
    ),
    "commitments_36m": Derivation("`commitments` `made` in the window", "`CreditRecord.commit`: each commitment"),
    "false_commitments_36m": Derivation(
        "`commitments` with `found_false`, `verified_on` in the window",
        "`CreditRecord.found_false`: a check (or a breach of Dalian's public pledge) finds it false",
    ),
    "complaints_36m": Derivation("`complaints` `received` in the window", "`CreditRecord.complain`"),
    "verified_complaints_36m": Derivation(
        "`complaints` with `founded`, `verified_on` in the window",
        "`CreditRecord.founded`: a verification finds it founded",
    ),
    "listed": Derivation(
        "an active `listings` row on `T` with `list` = dishonesty and an empty `region` (this registry's own), "
        "not withdrawn or repaired",
        "`CreditRecord.list` (the sanction's `list_days`); ends at `listed_until`, repair or withdrawal",
    ),
    "listed_until": Derivation(
        "the latest `listings.until` of the active own listings (empty `until`: FOREVER)", "`CreditRecord.list`"
    ),
    "external_listing": Derivation(
        "the latest started active dishonesty `listings` row whose `region` names another region",
        _ATTRIBUTE.format(key="external_listings") + " (share per region, link to honesty), for the whole run",
    ),
    "banned_until": Derivation(
        "`penalties.ban_until` of a penalty `decided` by `T` with `ban` other than none and `ban_until` > `T`, "
        "not withdrawn",
        "`CreditRecord.penalise` with the sanction's `ban_days`",
    ),
    "repairs_36m": Derivation("`repairs` approved, `decided` in the window", "`CreditRecord.repair`"),
    "last_repair": Derivation("latest approved `repairs.decided` up to `T`", "`CreditRecord.repair`: the day"),
}

__all__ = ["DERIVATION", "Derivation"]

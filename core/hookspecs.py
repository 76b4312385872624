"""The hook contract: what a jurisdiction plugin decides, one pluggy hook per decision.

Each function below is a hook *specification*; its docstring is the whole contract: arguments, units,
return value, invariants and the policy text it models. A jurisdiction plugin implements the hooks it
wants to decide differently and leaves the rest to the layer it builds on (its parameter file's
``inherits``), down to ``national`` (docs/plugin-guide.md, "Layers"). Each function is declared once, with
:func:`~credsup.core.declare.hook`: its signature, this docstring and its result are the whole contract.

Conventions for every hook:

* **Batches.** Arguments are columnar batches (``EnterpriseBatch`` and friends): numpy arrays with one
  row per enterprise (or violation, application, objection). Results are arrays of the same length, or a
  decisions batch of that length, in the same row order.
* **Row independence.** The answer for a row depends only on that row, ``params`` and the date.
* **Purity.** A hook must not write into its inputs (they are read-only views) and must be
  deterministic: the same inputs give the same answer.
* **Delegation.** All hooks are ``firstresult`` and fall through the layers: return ``None`` to let the
  layer below decide (a one-row rule returns ``DEFER`` to leave one row to it); ``tryfirst``,
  ``trylast`` and ``wrapper=True`` mean what they mean in pytest.
* **Validation.** The kernel checks every result (type, shape, dtype, range, NaN) and raises
  :class:`~credsup.core.errors.HookResultError` naming the plugin and the hook when it is wrong.
* **Dates.** ``today`` is a ``datetime.date``; date columns are ``numpy.datetime64[D]``.
* **params** is the jurisdiction's validated, frozen parameter object loaded from its TOML config: the
  values in force on ``today`` (or on the first day of ``period``), since a parameter may change by date.

Seed files are in ``shared/seeds/`` (000 Dalian, 001 forum, 002 national Guiding Opinions explainer,
003 Shanghai SMPG G [2020] No. 7, 004 Hainan [2021] No. 4). "para 11" and "(XIII)" are the documents'
own numbers; where a text has none we cite its line in the file ("seed 002 line 31").
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pluggy

from credsup.core.decisions import (
    InspectionRates,
    ObjectionDecisions,
    RepairDecisions,
    Sanctions,
    ToleranceDecisions,
)
from credsup.core.declare import PROJECT, hook, hookspec, result_column

if TYPE_CHECKING:
    import numpy as np

    from credsup.core.batch import EnterpriseBatch, Period
    from credsup.core.cases import ObjectionBatch, RepairApplications, ViolationBatch
    from credsup.core.enums import CommitmentKind
    from credsup.core.params import JurisdictionParams

#: Version of this hook contract, "MAJOR.MINOR". A plugin declares the version it was written for in
#: ``CREDSUP_CONTRACT``; it loads when the majors are equal and its minor is not newer than ours.
#: MAJOR changes when a hook's signature or meaning changes; MINOR when hooks, columns or ways to answer
#: are added. 1.1 added layers (``inherits``, any depth; ``tryfirst``, ``trylast``, ``wrapper=True``),
#: ``DEFER`` for one row, dated parameters and reforms; a plugin written for 1.0 loads unchanged, except
#: that a one-row rule's answer of the wrong type is now refused (with the row), not coerced. 1.2 added the
#: penalty columns of the record summary (``*_penalties_12m``, ``*_penalties_36m``, ``last_penalty``) and
#: ``ViolationBatch.no_fault`` (Administrative Penalty Law 2021 Art. 33 para 2). 2.0 changed what :func:`credsup_inspection_probability` answers (:data:`CHANGED`): a plugin written for
#: 1.x that does not implement it loads unchanged (its hooks mean what they meant).
CONTRACT_VERSION = "2.0"
#: Every contract version released, oldest first (a plugin for an earlier major names one of them).
CONTRACT_HISTORY = ("1.0", "1.1", "1.2", "2.0")

#: Hooks whose meaning changed in a major version, with what a plugin written for an earlier major must
#: change (:func:`credsup.core.discovery.check_contract` says it in one line). A plugin for an earlier
#: major that implements none of them loads unchanged.
CHANGED: dict[int, dict[str, str]] = {
    2: {
        "credsup_inspection_probability": (
            "it now answers InspectionRates, a chance per enterprise with its basis: a yearly share of the "
            "class checked at most once a year (InspectionRates.yearly) or a chance per period "
            "(InspectionRates.per_period); a batch implementation that returns a float64 array keeps its 1.x "
            "meaning (a chance per period), but a wrapper or a one-row rule must return InspectionRates or "
            'InspectionRate, then declare CREDSUP_CONTRACT = "2.0" (docs/hooks.md, "Contract 2.0")'
        )
    }
}

hookimpl = pluggy.HookimplMarker(PROJECT)

__all__ = ["CHANGED", "CONTRACT_HISTORY", "CONTRACT_VERSION", "PROJECT", "hookimpl", "hookspec"]

#: What the array-valued hooks answer (the decisions batches are in ``credsup.core.decisions``).
GRADE = result_column("grade", "int8", "Grade code", lo=0, hi=3)
PROBABILITY = result_column("probability", "float64", "probability", lo=0.0, hi=1.0)
#: What ``credsup_inspection_probability`` answered before contract 2.0 (a chance per period).
PERIOD_PROBABILITY = result_column("probability", "float64", "chance of an inspection in the period", lo=0.0, hi=1.0)
MASK = result_column("mask", "bool", "eligibility or status")
MULTIPLIER = result_column("multiplier", "float64", "complaint multiplier", lo=0.0, hi=100.0)


# --------------------------------------------------------------------------------------- commitment


@hook(family="commitment", result=MASK)
def credsup_commitment_eligible(
    batch: EnterpriseBatch, kind: CommitmentKind, params: JurisdictionParams, today: dt.date
) -> np.ndarray | None:
    """May each enterprise use a credit commitment of ``kind`` instead of proving the conditions first?

    Family: commitment. Returns ``bool`` array, one per enterprise: True where a commitment of ``kind``
    (notification, certification, voluntary, repair) is accepted.

    Invariant: an enterprise under joint punishment (``batch.listed``) is barred from notification and
    certification commitments (seed 002 line 19 "joint punishment"; seed 004 (VII), (XVI)).

    Models: seed 002 line 19 (commitment before); seed 004 paras (I)-(IV) (notification-commitment as the
    rule, certification matters, voluntary and repair commitments).
    """


@hook(family="commitment", result=PROBABILITY)
def credsup_commitment_verification(
    batch: EnterpriseBatch, kind: CommitmentKind, params: JurisdictionParams, today: dt.date
) -> np.ndarray | None:
    """Probability that a commitment of ``kind`` made today is verified (checked on site or against data).

    Family: commitment. Returns ``float64`` in [0, 1], one per enterprise. Verification happens within
    ``params.schedule.commitment_check_months`` of the commitment; a false commitment that is verified is
    found (it then reaches :func:`credsup_tolerance` and :func:`credsup_sanction` with
    ``false_commitment`` set).

    Models: seed 004 (XIII) ("verification methods ... according to ... the credit status of the promiser");
    seed 000 (III) (verification of published commitments).
    """


# ------------------------------------------------------------------------------------------ grading


@hook(family="grading", result=GRADE)
def credsup_grade(batch: EnterpriseBatch, params: JurisdictionParams, today: dt.date) -> np.ndarray | None:
    """Credit grade of each enterprise from its record summary and attributes.

    Family: grading. Returns integer codes of :class:`~credsup.core.enums.Grade`, A=0 (low risk) .. D=3
    (high risk), one per enterprise; any integer dtype, values in 0..3 (the kernel casts to ``int8``).
    Called every ``params.schedule.grading_months`` months. ``batch.grade`` holds the previous grade
    (-1 before the first evaluation).

    Models: seed 002 line 21 and 33 (credit evaluation as the basis of classified supervision); SAMR
    国市监信发〔2022〕6号 four risk classes; seed 000 (IV) (quarterly re-evaluation); seed 004 (X), (XII).
    """


@hook(family="grading", result=MASK)
def credsup_demonstration(batch: EnterpriseBatch, params: JurisdictionParams, today: dt.date) -> np.ndarray | None:
    """Which enterprises hold good-credit demonstration status after this evaluation.

    Family: grading. Called right after :func:`credsup_grade`, with ``batch.grade`` holding the new
    grades and ``batch.demonstration`` the status before this evaluation. Returns ``bool``, one per
    enterprise. Demonstration enterprises may be exempted from random inspection by
    :func:`credsup_inspection_probability`. A jurisdiction without demonstration status returns all False.

    Models: seed 000 (I) (criteria set by the regulator) and (IV) (quarterly "remove the old and introduce
    the new"; good-credit enterprises leave the double-random checklist).
    """


# ------------------------------------------------------------------------------ inspection frequency


@hook(family="inspection frequency", result=InspectionRates)
def credsup_inspection_probability(
    batch: EnterpriseBatch, params: JurisdictionParams, period: Period
) -> InspectionRates | None:
    """How much each enterprise is inspected without a complaint or referral: a yearly share or a chance in ``period``.

    Family: inspection frequency. Returns :class:`~credsup.core.decisions.InspectionRates` of
    ``len(batch)`` rows: a ``chance`` in [0, 1] and its ``basis`` (:class:`~credsup.core.enums.InspectionBasis`)
    per enterprise, in the form the jurisdiction's source states it:

    * ``YEAR``: the share of the enterprise's class checked within the calendar year, each enterprise at
      most once, the draws spread over the year (a yearly double-random plan; SAMR's class ratios "A 2 %
      ... D 100 %" are of this form): ``InspectionRates.yearly(share)``. 1.0 checks every enterprise of
      the class once in the year. The kernel turns it into each period's chance of a draw among those not
      yet checked this year (:func:`credsup.core.plans.period_chance`), in the simulator and in registry mode
      alike.
    * ``PERIOD``: the chance of an inspection in ``period``, independent of the periods before (a
      frequency: patrols, campaigns): ``InspectionRates.per_period(chance)``. 1.0 means full coverage
      (key supervision: every listed enterprise is visited this period).

    0.0 (either basis) exempts the enterprise from random draws (a demonstration enterprise; "no
    disturbance without cause"). Complaint-driven checks are decided by the social-supervision hooks, not
    here. The regulator may not manage all of them: inspections beyond its capacity become a backlog.
    Changed in contract 2.0 (it answered a float64 chance per period).

    Models: seed 002 line 31 (spot-check ratio and frequency by credit and risk); seed 003 para 8 (key
    supervision, full coverage) and para 11 (ratio, frequency and probability linked to credit and risk);
    seed 000 (IV) (demonstration enterprises off the double-random checklist); SAMR 国市监信发〔2022〕6号
    (yearly random-check ratios by credit-risk class).
    """


# -------------------------------------------------------------------------------- social supervision


@hook(family="social supervision", result=MULTIPLIER)
def credsup_complaint_intensity(
    batch: EnterpriseBatch, params: JurisdictionParams, today: dt.date
) -> np.ndarray | None:
    """How strongly the public reports each enterprise's real violations, relative to the baseline.

    Family: social supervision. Returns ``float64`` multipliers in [0, 100], one per enterprise: 1.0 is
    the scenario's baseline chance that a violation is reported by consumers, employees or media; 2.0
    doubles it (for example a commitment published with a QR code). 0 means nobody can report.

    Models: seed 000 (II)-(III) (published commitments, QR codes, complaints); seed 003 para 15
    (whistleblower rewards raise tip-offs); seed 002 line 25 (participation of social forces).
    """


@hook(family="social supervision", result=PROBABILITY)
def credsup_complaint_verification(
    batch: EnterpriseBatch, params: JurisdictionParams, today: dt.date
) -> np.ndarray | None:
    """Probability that a complaint about each enterprise leads to an on-site verification.

    Family: social supervision. Returns ``float64`` in [0, 1], one per enterprise. A verification is an
    inspection (it uses inspector capacity) done within ``params.schedule.complaint_days``.

    Models: seed 000 (III) ("summarizes, analyzes, verifies and processes" social supervision);
    seed 002 line 19; traditional complaint-driven investigation (seed 002 "Second").
    """


# ----------------------------------------------------------------------------------------- tolerance


@hook(family="tolerance", result=ToleranceDecisions)
def credsup_tolerance(
    violations: ViolationBatch, batch: EnterpriseBatch, params: JurisdictionParams, today: dt.date
) -> ToleranceDecisions | None:
    """Exempt, mitigate or penalise each detected violation, with the reason.

    Family: tolerance. ``violations.enterprise`` indexes rows of ``batch``. Called when the rectification
    time limit has passed, so ``violations.corrected`` is known. Returns a
    :class:`~credsup.core.decisions.ToleranceDecisions` of ``len(violations)`` rows.

    Models: Administrative Penalty Law 2021 Art. 33 (a minor violation corrected in time without harmful
    consequences is not penalised; a first violation with minor harmful consequences corrected in time
    may be left unpenalised; no penalty where the party proves it had no fault, ``violations.no_fault``);
    seed 003 para 12 (first minor offence, exemption list, observation period, sandbox); seed 002 line 9.
    """


# ------------------------------------------------------------------------------ sanction / listing


@hook(family="sanction", result=Sanctions)
def credsup_sanction(
    violations: ViolationBatch,
    decisions: ToleranceDecisions,
    batch: EnterpriseBatch,
    params: JurisdictionParams,
    today: dt.date,
) -> Sanctions | None:
    """Penalty, publicity, dishonesty listing, joint punishment and bans for each decided violation.

    Family: sanction. ``decisions`` are the tolerance decisions for the same rows (an EXEMPT violation
    normally gets no fine). Returns :class:`~credsup.core.decisions.Sanctions` of ``len(violations)`` rows;
    fines in yuan, durations in calendar days.

    Models: seed 002 line 13 (market and industry bans for serious dishonesty) and line 19 (joint
    punishment after); seed 004 (XIV)-(XVII) (listing, time-limited rectification, automatic joint
    punishment, bans); seed 003 para 19 (severe punishment, lifelong bans); seed 000 (III) (a false
    commitment costs the demonstration status).
    """


# -------------------------------------------------------------------------------------------- repair


@hook(family="repair", result=RepairDecisions)
def credsup_repair(
    applications: RepairApplications, batch: EnterpriseBatch, params: JurisdictionParams, today: dt.date
) -> RepairDecisions | None:
    """Approve, refuse or postpone each credit-repair application; say when and what is missing.

    Family: repair. Returns :class:`~credsup.core.decisions.RepairDecisions` of ``len(applications)``
    rows: status, the earliest approval date (NaT when refused), the missing conditions as a
    :class:`~credsup.core.enums.RepairCondition` mask, and the review time in working days.

    Models: seed 004 (IV) (repair commitment) and (XXVI) (repair routes); 国办发〔2025〕22号 (minimum
    publicity periods; decision within 3 working days of a complete application).
    """


@hook(family="repair", result=ObjectionDecisions)
def credsup_objection(
    objections: ObjectionBatch, batch: EnterpriseBatch, params: JurisdictionParams, today: dt.date
) -> ObjectionDecisions | None:
    """Uphold or dismiss each objection against a record; an upheld objection withdraws the record.

    Family: repair. Returns :class:`~credsup.core.decisions.ObjectionDecisions` of ``len(objections)``
    rows.

    Models: seed 004 (XXVII) (objection complaints; a wrongly identified listing is withdrawn).
    """

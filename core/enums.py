"""The vocabulary of credit supervision as small integer codes.

Every enum here is stored in numpy columns by its integer value (``int8`` unless said otherwise), so a
batch of a million enterprises stays a handful of arrays. The names follow the vocabulary of ``../shared/DESIGN.md``.
"""

from __future__ import annotations

import enum


class Grade(enum.IntEnum):
    """Credit class from an evaluation, ordered from good (A, low risk) to bad (D, high risk).

    SAMR 国市监信发〔2022〕6号 (13 Jan 2022) defines four enterprise credit-risk classes: A low risk,
    B general risk, C higher risk, D high risk. Stored as ``int8`` codes 0..3; :data:`NO_GRADE` (-1)
    marks an enterprise not yet evaluated. ``Grade.A < Grade.D`` (worse grades compare greater).
    """

    A = 0
    B = 1
    C = 2
    D = 3

    @classmethod
    def parse(cls, text: str) -> Grade:
        """``"a"``, ``"A"`` -> ``Grade.A``; raises ``ValueError`` naming the valid letters."""
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown grade {text!r}: expected one of A, B, C, D") from None


#: Code in a grade column for an enterprise that has not been evaluated yet.
NO_GRADE: int = -1


class Severity(enum.IntEnum):
    """How grave a violation is (Administrative Penalty Law 2021: minor / general / serious circumstances)."""

    MINOR = 0
    GENERAL = 1
    SERIOUS = 2


class CommitmentKind(enum.IntEnum):
    """Kinds of written credit commitment (seed 004 paras (I)-(IV); seed 002 "pre-supervision")."""

    NOTIFICATION = 0  #: a licence granted on a notification-commitment, verified afterwards
    CERTIFICATION = 1  #: a certificate the applicant would otherwise submit, replaced by a commitment
    VOLUNTARY = 2  #: voluntary or industry self-discipline commitment (seed 000 (II); seed 004 (III))
    REPAIR = 3  #: commitment made when applying for credit repair (seed 004 (IV))


class Size(enum.IntEnum):
    """Enterprise size class (basic information, seed 000 (I))."""

    MICRO = 0
    SMALL = 1
    MEDIUM = 2
    LARGE = 3


class Tolerance(enum.IntEnum):
    """What happens to a detected violation (seed 003 para 12; Administrative Penalty Law 2021 Art. 32-33)."""

    EXEMPT = 0  #: not penalised (tolerated); rectification is still ordered
    MITIGATE = 1  #: penalised lightly (lighter or reduced penalty)
    PENALISE = 2  #: penalised as the sanction rules say


class Reason(enum.IntEnum):
    """Why a tolerance decision was taken; stored as ``int16`` codes next to the decision."""

    NONE = 0
    #: a minor violation corrected in time without harmful consequences: not penalised, first offence or not
    #: (APL 2021 Art. 33 para 1, first sentence)
    MINOR_CORRECTED = 1
    FIRST_MINOR_CORRECTED = 1  #: the former name of MINOR_CORRECTED (the law has no first-offence condition)
    EXEMPTION_LIST = 2  #: the item is on the jurisdiction's published exemption list (seed 003 para 12)
    OBSERVATION_PERIOD = 3  #: emerging industry within its observation period (seed 003 para 12)
    SANDBOX = 4  #: inside a regulatory sandbox (seed 003 para 12)
    NO_FAULT = 5  #: the party proved it had no subjective fault (APL 2021 Art. 33 para 2)
    MITIGATING = 6  #: corrected or reduced harm on its own initiative (APL 2021 Art. 32)
    REPEAT_OFFENCE = 7  #: not a first offence
    NOT_CORRECTED = 8  #: not corrected within the time limit
    HARMFUL = 9  #: caused harmful consequences
    SEVERITY = 10  #: general or serious violation: penalised by severity
    FALSE_COMMITMENT = 11  #: a credit commitment found false
    NO_TOLERANCE_POLICY = 12  #: the jurisdiction has no tolerance rules (traditional supervision)
    #: a first violation with minor harmful consequences corrected in time, left unpenalised by discretion
    #: (APL 2021 Art. 33 para 1, second sentence: "may")
    FIRST_OFFENCE_MINOR_HARM = 13
    OTHER = 99  #: a plugin-specific reason; document it in the plugin's policy notes


class BanScope(enum.IntEnum):
    """Scope of a market or industry ban (seed 002 para 13; seed 004 (XVII))."""

    NONE = 0
    INDUSTRY = 1  #: barred from the industry for a period
    MARKET = 2  #: barred from the market for a period


class RepairStatus(enum.IntEnum):
    """Outcome of a credit-repair application."""

    APPROVED = 0  #: public display of the record is removed
    REFUSED = 1  #: cannot be repaired (e.g. excluded record kind, lifelong ban)
    NOT_YET = 2  #: conditions missing or the minimum publicity period not over; see ``earliest``


class RepairCondition(enum.IntFlag):
    """Conditions of credit repair, as a bit mask (seed 004 (XXVI); 国办发〔2025〕22号).

    An application carries the conditions the applicant has fulfilled; a repair decision carries
    the conditions still missing.
    """

    NONE = 0
    PUBLICITY_PERIOD = 1  #: the minimum publicity period has passed
    RECTIFIED = 2  #: obligations fulfilled: rectification completed, penalty paid
    COMMITMENT = 4  #: a credit (repair) commitment letter submitted and published
    TRAINING = 8  #: special credit-repair training received
    CREDIT_REPORT = 16  #: a credit report submitted
    PUBLIC_SERVICE = 32  #: public welfare, charity or volunteer service
    CREDIT_CHECK = 64  #: passed a credit check

    def names(self) -> list[str]:
        """The set flags' lower-case names, in bit order (``["rectified", "commitment"]``)."""
        return [flag.name.lower() for flag in type(self) if flag.value and flag in self and flag.name]


class RecordKind(enum.IntEnum):
    """Kind of credit record an application or objection is about."""

    PENALTY = 0  #: an administrative penalty decision
    DISHONESTY_LIST = 1  #: an entry on a dishonesty (joint punishment) list
    ABNORMAL_OPERATION = 2  #: an entry on the list of enterprises with abnormal operations


class DetectionSource(enum.IntEnum):
    """How a violation came to the regulator's attention."""

    SPOT_CHECK = 0  #: double-random spot check
    FULL_COVERAGE = 1  #: key-supervision full-coverage inspection
    COMPLAINT = 2  #: complaint, tip-off or whistleblower report (social supervision)
    COMMITMENT_CHECK = 3  #: verification of a credit commitment
    REFERRAL = 4  #: referral by another department or an alert from risk monitoring
    FOLLOW_UP = 5  #: on-site follow-up of a rectification order (seed 004 (XV): a listed entity's time limit)


class InspectionBasis(enum.IntEnum):
    """What an inspection chance of :func:`~credsup.core.hookspecs.credsup_inspection_probability` means.

    Published supervision ratios come in two forms. SAMR's class ratios ("A 2 %, B 5 %, C and D 100 %",
    国市监信发〔2022〕6号; the yearly double-random plans that apply them) are the share of a class checked
    within the year, each enterprise at most once: a yearly plan drawn without replacement. A frequency
    (key supervision objects visited once per interval, seed 003 para 8 "key supervision with full coverage"; a patrol every month) is a chance per
    period, independent of the periods before.
    """

    PERIOD = 0  #: chance of an inspection in this period, independent of earlier periods (1.0: every period)
    YEAR = 1  #: share of the enterprise's class checked within the calendar year, at most once (a yearly plan)

"""Hainan (seed 004, Hainan [2021] No. 4): commitments, mutual recognition, evaluation, listing, repair."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from credsup.core import (
    BanScope,
    CommitmentKind,
    Grade,
    ObjectionBatch,
    RecordKind,
    RepairApplications,
    RepairCondition,
    RepairStatus,
    Severity,
    load_jurisdiction,
)

TODAY = dt.date(2026, 1, 1)
NOTIFY, CERTIFY = CommitmentKind.NOTIFICATION, CommitmentKind.CERTIFICATION


@pytest.fixture(scope="module")
def hainan():
    return load_jurisdiction("hainan")


# ---------------------------------------------------------------- commitment: (I)-(V), (VII), (XIII)


def test_notification_commitment_is_the_rule(hainan, enterprises) -> None:
    b = enterprises(3)
    for kind in CommitmentKind:
        assert hainan.commitment_eligible(b, kind, TODAY).all()


def test_an_enterprise_listed_in_guangdong_is_barred_until_repaired(hainan, enterprises) -> None:
    b = enterprises(4, external_listing=["guangdong", "guangxi", "fujian", None])
    for kind in (NOTIFY, CERTIFY):
        assert hainan.commitment_eligible(b, kind, TODAY).tolist() == [False, False, True, True]
    # voluntary and repair commitments stay open: the repair commitment is how it gets off the list
    assert hainan.commitment_eligible(b, CommitmentKind.REPAIR, TODAY).all()
    assert hainan.commitment_eligible(b, CommitmentKind.VOLUNTARY, TODAY).all()
    repaired = enterprises(1, external_listing=None)  # Guangdong lifted the listing after repair
    assert hainan.commitment_eligible(repaired, NOTIFY, TODAY).tolist() == [True]


def test_lists_of_provinces_without_mutual_recognition_do_not_count(hainan, enterprises) -> None:
    other = load_jurisdiction("hainan", overrides=[("mutual_recognition.regions", ["fujian"])])
    b = enterprises(2, external_listing=["guangdong", "fujian"])
    assert other.commitment_eligible(b, NOTIFY, TODAY).tolist() == [True, False]


def test_locally_listed_or_banned_enterprises_are_barred(hainan, enterprises) -> None:
    b = enterprises(
        3, listed=[True, False, False], listed_until=["2027-01-01", None, None], banned_until=[None, "2028-01-01", None]
    )
    assert hainan.commitment_eligible(b, NOTIFY, TODAY).tolist() == [False, False, True]


def test_a_false_commitment_bars_until_credit_repair(hainan, enterprises) -> None:
    b = enterprises(
        3, false_commitments_36m=[1, 1, 0], last_violation="2025-06-01", last_repair=[None, "2025-09-01", None]
    )
    assert hainan.commitment_eligible(b, NOTIFY, TODAY).tolist() == [False, True, True]


def test_no_commitment_in_fields_of_public_safety_life_and_health(hainan, enterprises) -> None:
    b = enterprises(2, key_sector=[True, False])
    assert hainan.commitment_eligible(b, NOTIFY, TODAY).tolist() == [False, True]
    assert hainan.commitment_eligible(b, CERTIFY, TODAY).tolist() == [False, True]


def test_verification_follows_the_promisers_credit_status(hainan, enterprises) -> None:
    b = enterprises(5, grade=[0, 1, 2, 3, 0], false_commitments_36m=[0, 0, 0, 0, 1])
    p = hainan.commitment_verification(b, NOTIFY, TODAY)
    assert p[0] < p[1] < p[2] < p[3]
    assert p[4] == hainan.params.commitment_rules.prior_false_verification == 1.0


# ---------------------------------------------------------------- evaluation: (X)-(XII), (XVI)


def test_comprehensive_evaluation_combined_with_industry_evaluation(hainan, enterprises) -> None:
    # a clean record (comprehensive A) with industry grades none, B, C, D
    b = enterprises(4, inspections_36m=2, clean_inspections_36m=2, industry_grade=[-1, 1, 2, 3])
    assert hainan.grade(b, TODAY).tolist() == [Grade.A, Grade.B, Grade.B, Grade.C]  # halves round to worse


def test_verified_self_reported_information_counts(hainan, enterprises) -> None:
    # one minor violation is class B; verified self-reports offset it
    b = enterprises(2, minor_36m=1, inspections_36m=1, self_report_verified=[False, True])
    assert hainan.grade(b, TODAY).tolist() == [Grade.B, Grade.A]


def test_listed_in_a_recognised_province_is_graded_d(hainan, enterprises) -> None:
    b = enterprises(3, inspections_36m=2, clean_inspections_36m=2, external_listing=["guangxi", "fujian", None])
    assert hainan.grade(b, TODAY).tolist() == [Grade.D, Grade.A, Grade.A]


# ---------------------------------------------------------------- sanctions: (V), (XIII), (XV)-(XVII)


def test_false_commitment_is_penalised_and_recorded_by_its_dishonesty_degree(hainan, enterprises, violations) -> None:
    b = enterprises(1)
    v = violations(
        3,
        item="false_commitment",
        severity=Severity.GENERAL,
        harm=[0.5, 2.0, 4.0],
        corrected=True,
        false_commitment=True,
    )
    d = hainan.tolerance(v, b, TODAY)
    s = hainan.sanction(v, d, b, TODAY)
    f = hainan.params.false_commitment
    assert s.fine.tolist() == [f.fine.minor, f.fine.general, f.fine.serious]
    assert s.publicity_days.tolist() == [f.publicity_days.minor, f.publicity_days.general, f.publicity_days.serious]
    assert (s.list_days > 0).tolist() == [False, False, True]  # serious dishonesty: listed
    assert s.joint_punishment.tolist() == [False, False, True]
    assert s.rectify_days[2] == hainan.params.listing.rectify_days


def test_listed_entities_rectify_within_a_time_limit_and_joint_punishment_is_automatic(
    hainan, enterprises, violations
) -> None:
    b = enterprises(1)
    v = violations(2, item="counterfeit", severity=Severity.SERIOUS, harm=[3.0, 0.5], corrected=True)
    s = hainan.sanction(v, hainan.tolerance(v, b, TODAY), b, TODAY)
    assert (s.list_days > 0).tolist() == [True, False]
    assert s.joint_punishment.tolist() == [True, False]
    assert s.rectify_days.tolist() == [hainan.params.listing.rectify_days, 0]


@pytest.mark.parametrize(
    ("case", "banned"),
    [
        (dict(harm=6.0), True),  # major losses
        (dict(harm=3.0, prior_same_item_36m=2), True),  # repeatedly commits
        (dict(harm=3.0, failed=1), True),  # refuses to carry out earlier decisions
        (dict(harm=3.0), False),  # listed, but none of the aggravating circumstances
        (dict(harm=6.0, key=False), False),  # outside the fields of life and property safety
    ],
)
def test_market_and_industry_bans_for_serious_cases(hainan, enterprises, violations, case, banned) -> None:
    b = enterprises(1, key_sector=case.get("key", True), failed_rectifications_36m=case.get("failed", 0))
    v = violations(
        1,
        item="safety_hazard",
        severity=Severity.SERIOUS,
        harm=case["harm"],
        corrected=True,
        prior_same_item_36m=case.get("prior_same_item_36m", 0),
    )
    s = hainan.sanction(v, hainan.tolerance(v, b, TODAY), b, TODAY)
    assert s.list_days[0] > 0
    assert bool(s.ban_days[0] > 0) == banned
    assert s.ban_scope[0] == (BanScope.INDUSTRY if banned else BanScope.NONE)


# ---------------------------------------------------------------- repair and objections: (IV), (XXVI)-(XXVII)


def applications(record, fulfilled, recorded="2024-01-01"):
    n = len(fulfilled)
    return RepairApplications.build(
        n,
        enterprise=[0] * n,
        record=[record] * n,
        severity=[Severity.SERIOUS] * n,
        recorded=np.array([recorded] * n, dtype="M8[D]"),
        applied=np.array(["2026-01-01"] * n, dtype="M8[D]"),
        fulfilled=[int(f) for f in fulfilled],
    )


BASE = RepairCondition.RECTIFIED | RepairCondition.COMMITMENT
ROUTES = (
    RepairCondition.CREDIT_CHECK
    | RepairCondition.TRAINING
    | RepairCondition.CREDIT_REPORT
    | RepairCondition.PUBLIC_SERVICE
)


def test_a_listing_is_repaired_through_one_of_the_routes(hainan, enterprises) -> None:
    b = enterprises(1)
    apps = applications(
        RecordKind.DISHONESTY_LIST,
        [
            BASE,
            BASE | RepairCondition.TRAINING,
            BASE | RepairCondition.PUBLIC_SERVICE,
            BASE | RepairCondition.CREDIT_REPORT,
            BASE | RepairCondition.CREDIT_CHECK,
            RepairCondition.RECTIFIED | RepairCondition.TRAINING,
        ],
    )
    r = hainan.repair(apps, b, TODAY)
    assert r.status.tolist() == [RepairStatus.NOT_YET] + [RepairStatus.APPROVED] * 4 + [RepairStatus.NOT_YET]
    assert r.missing[0] == int(ROUTES)  # any one of the routes would do
    assert r.missing[5] == int(RepairCondition.COMMITMENT)  # the repair commitment letter (IV) is required
    assert (r.review_days == 3).all()


def test_a_penalty_is_repaired_by_the_national_rules(hainan, enterprises) -> None:
    b = enterprises(1)
    r = hainan.repair(applications(RecordKind.PENALTY, [BASE, BASE], recorded="2025-10-01"), b, TODAY)
    national = load_jurisdiction("national").repair(
        applications(RecordKind.PENALTY, [BASE, BASE], recorded="2025-10-01"), b, TODAY
    )
    assert r.equals(national)
    assert r.status[0] == RepairStatus.NOT_YET  # a serious penalty is displayed for at least a year


def test_a_wrong_listing_is_withdrawn_on_objection(hainan, enterprises) -> None:
    b = enterprises(1, listed=True, listed_until="2027-01-01")
    o = ObjectionBatch.build(
        3,
        enterprise=[0, 0, 0],
        record=[RecordKind.DISHONESTY_LIST, RecordKind.DISHONESTY_LIST, RecordKind.PENALTY],
        recorded=np.array(["2025-06-01"] * 3, dtype="M8[D]"),
        filed=np.array(["2025-12-01"] * 3, dtype="M8[D]"),
        evidence=[True, False, True],
    )
    d = hainan.objection(o, b, TODAY)
    assert d.upheld.tolist() == [True, False, True]
    rules = hainan.params
    assert d.review_days.tolist() == [rules.objection_rules.listing_review_working_days] * 2 + [
        rules.objection.review_working_days
    ]
    assert d.review_days[0] < d.review_days[2]  # "promptly" for a listing


def test_what_hainan_leaves_to_national(hainan) -> None:
    for hook in (
        "credsup_tolerance",
        "credsup_inspection_probability",
        "credsup_complaint_intensity",
        "credsup_complaint_verification",
        "credsup_demonstration",
    ):
        assert hainan.answered_by(hook) == "national"

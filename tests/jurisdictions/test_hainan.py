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


@pytest.fixture(scope="module")
def explored():
    """Hainan with both exploratory levers on: mutual recognition with, and cross-provincial punishment of,
    Guangdong and Guangxi (seed 004 (VIII), (XVI))."""
    return load_jurisdiction(
        "hainan",
        overrides=[
            ("mutual_recognition.regions", ["guangdong", "guangxi"]),
            ("cross_provincial.regions", ["guangdong", "guangxi"]),
        ],
    )


def test_what_the_text_only_explores_is_off_by_default(hainan, enterprises) -> None:
    """(VIII) "Explore ... mutual recognition ... with Guangdong Province and Guangxi"; (XVI) "actively
    explore ... a cross-provincial breach of trust punishment mechanism": no lists of other provinces count."""
    assert hainan.params.mutual_recognition.regions == () and hainan.params.cross_provincial.regions == ()
    for key in ("mutual_recognition.regions", "cross_provincial.regions"):
        assert "explore" in hainan.sources[key].lower() and "lever" in hainan.sources[key]
    b = enterprises(3, inspections_36m=2, clean_inspections_36m=2, external_listing=["guangdong", "guangxi", None])
    assert hainan.commitment_eligible(b, NOTIFY, TODAY).all()
    assert hainan.grade(b, TODAY).tolist() == [Grade.A] * 3


def test_an_enterprise_listed_in_a_recognised_province_is_barred_until_repaired(explored, enterprises) -> None:
    b = enterprises(4, external_listing=["guangdong", "guangxi", "fujian", None])
    for kind in (NOTIFY, CERTIFY):
        assert explored.commitment_eligible(b, kind, TODAY).tolist() == [False, False, True, True]
    # voluntary and repair commitments stay open: the repair commitment is how it gets off the list
    assert explored.commitment_eligible(b, CommitmentKind.REPAIR, TODAY).all()
    assert explored.commitment_eligible(b, CommitmentKind.VOLUNTARY, TODAY).all()
    repaired = enterprises(1, external_listing=None)  # Guangdong lifted the listing after repair
    assert explored.commitment_eligible(repaired, NOTIFY, TODAY).tolist() == [True]


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


def test_listed_in_a_partner_province_of_cross_provincial_punishment_is_graded_d(explored, enterprises) -> None:
    b = enterprises(3, inspections_36m=2, clean_inspections_36m=2, external_listing=["guangxi", "fujian", None])
    assert explored.grade(b, TODAY).tolist() == [Grade.D, Grade.A, Grade.A]
    milder = load_jurisdiction(
        "hainan", overrides=[("cross_provincial.regions", ["guangxi"]), ("cross_provincial.listed_grade", "C")]
    )
    assert milder.grade(b, TODAY).tolist() == [Grade.C, Grade.A, Grade.A]


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
    assert s.rectify_days[2] == hainan.params.sanction.listed_rectify_days


def test_listed_entities_rectify_within_a_time_limit_and_joint_punishment_is_automatic(
    hainan, enterprises, violations
) -> None:
    b = enterprises(1)
    v = violations(2, item="counterfeit", severity=Severity.SERIOUS, harm=[3.0, 0.5], corrected=True)
    s = hainan.sanction(v, hainan.tolerance(v, b, TODAY), b, TODAY)
    assert (s.list_days > 0).tolist() == [True, False]
    assert s.joint_punishment.tolist() == [True, False]
    assert s.rectify_days.tolist() == [hainan.params.sanction.listed_rectify_days, 0]


@pytest.mark.parametrize(
    ("case", "banned"),
    [
        (dict(harm=6.0), True),  # "cause major losses"
        (
            dict(harm=3.0, prior_same_item_36m=2),
            False,
        ),  # two administrative violations are not "repeatedly commit crimes"
        (dict(harm=3.0, failed=1), False),  # a missed deadline brings "reminders or warnings" (XV), not a ban
        (dict(harm=3.0), False),  # listed, but no major loss
        (dict(harm=6.0, key=False), False),  # outside the fields of life and property safety
    ],
)
def test_market_and_industry_bans_for_serious_cases(hainan, enterprises, violations, case, banned) -> None:
    """(XVII): bans for those who "refuse to implement judicial judgments or administrative penalty
    decisions, repeatedly commit crimes, cause major losses ..."; of these, only major losses are facts of
    an administrative record."""
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


def test_failing_to_rectify_brings_a_warning_on_record_not_a_sanction(hainan, enterprises) -> None:
    """(XV): "For those who fail to rectify within the specified time limit, the identification department
    should give reminders or warnings"; the interview record is pushed to the credit platform: the missed
    deadline stays in the record and weighs in the grade, nothing more."""
    b = enterprises(2, inspections_36m=2, failed_rectifications_36m=[0, 1])
    grades = hainan.grade(b, TODAY)
    assert grades[1] > grades[0]


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
    RepairCondition.COMMITMENT
    | RepairCondition.RECTIFIED
    | RepairCondition.CREDIT_CHECK
    | RepairCondition.TRAINING
    | RepairCondition.CREDIT_REPORT
    | RepairCondition.PUBLIC_SERVICE
)


def test_a_listing_is_repaired_through_any_one_of_the_routes(hainan, enterprises) -> None:
    """(XXVI) lists the routes as alternatives ("can be achieved through ..."); (IV) asks every applicant
    for the credit commitment letter, itself one of the routes: nothing is asked on top of it."""
    b = enterprises(1)
    apps = applications(
        RecordKind.DISHONESTY_LIST,
        [
            RepairCondition.COMMITMENT,
            BASE,
            RepairCondition.COMMITMENT | RepairCondition.TRAINING,
            RepairCondition.RECTIFIED | RepairCondition.TRAINING,
            RepairCondition.NONE,
        ],
    )
    r = hainan.repair(apps, b, TODAY)
    assert r.status.tolist() == [RepairStatus.APPROVED] * 3 + [RepairStatus.NOT_YET] * 2
    assert r.missing[3] == int(RepairCondition.COMMITMENT)  # the repair commitment letter (IV) is required
    assert r.missing[4] == int(ROUTES)  # the letter, and any one route (the letter is one)
    assert (r.review_days == 3).all()
    two = load_jurisdiction("hainan", overrides=[("repair_routes.min_routes", 2)]).repair(apps, b, TODAY)
    assert two.status.tolist() == [RepairStatus.NOT_YET] + [RepairStatus.APPROVED] * 2 + [RepairStatus.NOT_YET] * 2
    assert two.missing[0] == int(ROUTES & ~RepairCondition.COMMITMENT)  # one more route, any of them


def test_a_listing_is_not_repaired_before_its_minimum_period(hainan, enterprises) -> None:
    b = enterprises(1)
    r = hainan.repair(applications(RecordKind.DISHONESTY_LIST, [BASE], recorded="2025-10-01"), b, TODAY)
    assert r.status[0] == RepairStatus.NOT_YET and r.missing[0] == int(RepairCondition.PUBLICITY_PERIOD)


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


# ------------------------------------------------------- the rules that were inert act in a simulation


def _simulated(overrides, world=()):
    from credsup.simulation import run_simulation
    from credsup.simulation.scenario import load_scenario

    result = run_simulation(
        load_scenario("demo", list(world)), load_jurisdiction("hainan", overrides=overrides), seed=1
    )
    return result.summary, result.counts


SMALL = (("population.enterprises", 3000), ("months", 24), ("regulator.inspectors", 5))


@pytest.mark.parametrize(
    "override",
    [("evaluation.industry_weight", 0.0), ("mutual_recognition.regions", ["guangdong", "guangxi"])],
    ids=["industry_weight", "mutual_recognition"],
)
def test_industry_grades_and_listings_elsewhere_change_a_simulation(override) -> None:
    """The population has industry grades (seed 004 (X)) and listings in other provinces ((V), (VIII)):
    the rules reading them change what a simulation measures (they once gave byte-identical metrics)."""
    assert _simulated([], SMALL) != _simulated([override], SMALL)


def test_the_number_of_repair_routes_changes_a_simulation() -> None:
    """Listing repairs draw their routes (training, a credit report, public service) from the scenario:
    asking for two routes instead of one changes what a simulation measures (the demo district: its
    listings are few, a smaller world has too few repairs to show it). That two routes approve fewer
    listing repairs is the hook's test above (same applications, a subset approved); in one run the total
    repairs (penalty records too) move by chance more than the few listing repairs the rule decides
    (seed 1: 1,001 with one route against 1,010 with two once batched runs reordered a day's work)."""
    assert _simulated([]) != _simulated([("repair_routes.min_routes", 2)])

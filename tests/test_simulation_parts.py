"""The simulation's building blocks on small hand-made inputs."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from credsup.core.config import parse_override
from credsup.core.errors import ConfigError
from credsup.core.months import add_months
from credsup.simulation.behaviour import perceived_inspection, violates
from credsup.simulation.clock import month_starts
from credsup.simulation.credit_record import DayWindow
from credsup.simulation.metrics import auc
from credsup.simulation.queues import MemberQueue
from credsup.simulation.scenario import load_scenario
from credsup.simulation.streams import as_seed_sequence, streams


def test_day_window_adds_expires_and_withdraws() -> None:
    target = np.zeros(3, dtype=np.int16)
    w = DayWindow(target, months=2)
    w.add(np.array([0, 0, 2]), day=10)
    w.add(np.array([1]), day=40)
    assert target.tolist() == [2, 1, 1]
    w.withdraw(np.array([0]), day=10)  # an upheld objection
    assert target.tolist() == [1, 1, 1]
    w.expire(9)  # events dated on or before day 9 leave: none
    assert target.tolist() == [1, 1, 1]
    w.expire(10)  # day 10 leaves: its two events of enterprise 0 (one withdrawn) and enterprise 2
    assert target.tolist() == [0, 1, 0]
    w.withdraw(np.array([2]), day=10)  # too late: nothing changes
    w.add(np.array([2]), day=5)  # an event dated before the window is not counted
    assert target.tolist() == [0, 1, 0]
    w.expire(5)  # the cutoff never moves back
    w.add(np.array([2]), day=8)
    assert target.tolist() == [0, 1, 0]


def test_a_queue_pops_within_budget_in_order_and_drops_old_orders() -> None:
    q = MemberQueue("spot", {}, members=1)
    q.push(enterprise=np.array([5, 6, 7]), queued=0, cost=np.array([1.0, 2.0, 1.0]), member=0)
    q.push(enterprise=np.array([8]), queued=31, cost=1.0, member=0)
    got, left = q.pop(np.array([2.5]))
    assert got["enterprise"].tolist() == [5] and len(q) == 3  # 6 costs 2 and does not fit in 1.5
    assert left.tolist() == [1.5]  # the head that does not fit stops the queue: 7 (cost 1) waits behind it
    got, left = q.pop(np.array([10.0]))
    assert got["enterprise"].tolist() == [6, 7, 8] and len(q) == 0 and left.tolist() == [6.0]
    q.push(enterprise=np.array([1, 2]), queued=[0, 40], cost=1.0, member=0)
    assert q.drop_orders_before(31)["enterprise"].tolist() == [1] and q.column("enterprise").tolist() == [2]
    with pytest.raises(ValueError, match="expected columns"):
        q.push(enterprise=np.array([1]), queued=0, member=0)


def test_each_members_orders_are_served_as_if_its_queue_were_alone() -> None:
    """Two members' orders interleaved in one queue: each member gets the head of its own orders that fits
    its own budget (worked out by hand), whatever the other's orders and budget."""
    q = MemberQueue("complaint", {}, members=2)
    q.push(enterprise=np.array([1, 10, 2, 11]), queued=0, cost=np.array([1.0, 3.0, 1.0, 1.0]), member=[0, 1, 0, 1])
    q.push(enterprise=np.array([3, 12]), queued=1, cost=np.array([2.0, 1.0]), member=[0, 1])
    got, left = q.pop(np.array([3.0, 2.0]))  # member 0: 1 + 1 fit, 3 (cost 2) does not; member 1: 10 (3) does not
    assert sorted(got["enterprise"].tolist()) == [1, 2] and left.tolist() == [1.0, 2.0]
    assert q.lengths.tolist() == [1, 3]
    got, left = q.pop(np.array([0.0, 5.0]))  # member 0 has nothing to spend; member 1 takes all three (3+1+1)
    assert sorted(got["enterprise"].tolist()) == [10, 11, 12] and left.tolist() == [0.0, 0.0]
    assert q.lengths.tolist() == [1, 0] and q.column("enterprise").tolist() == [3]


def test_perceived_inspection_is_a_beta_binomial_posterior_mean() -> None:
    # prior worth 10 months at 0.1, then 10 months observed with 5 inspections: (1 + 5) / 20
    assert perceived_inspection(np.array([5.0]), 10.0, 0.1, 10.0)[0] == pytest.approx(0.3)
    assert perceived_inspection(np.array([0.0]), 0.0, 0.05, 0.0)[0] == pytest.approx(0.05)
    assert perceived_inspection(np.array([50.0]), 10.0, 0.1, 0.0)[0] == 1.0  # never above 1


@given(gain=st.floats(0.0, 1e7), p=st.floats(0.0, 1.0), fine=st.floats(0.0, 1e7))
def test_risk_neutral_rule_is_becker(gain: float, p: float, fine: float) -> None:
    decided = violates(np.array([gain]), np.array([0.0]), np.array([p]), np.array([fine]), 0.0, 0.0)[0]
    assert decided == (gain > p * fine)


def test_honesty_and_risk_aversion_deter() -> None:
    g, p, c = np.array([100.0]), np.array([0.1]), np.array([900.0])
    assert violates(g, np.array([0.0]), p, c, 0.0, 0.0)[0]  # 100 > 90
    assert not violates(g, np.array([0.2]), p, c, 0.0, 0.0)[0]  # 80 < 90
    assert not violates(g, np.array([0.0]), p, c, 0.5, 0.0)[0]  # 100 < 90 * (1 + 0.45)


def test_auc_of_grade_tables() -> None:
    perfect = np.array([[10, 0], [0, 0], [0, 0], [0, 5]])
    assert auc(perfect) == 1.0
    assert auc(np.array([[10, 5], [0, 0], [0, 0], [0, 0]])) == 0.5  # one grade for all: ties
    assert auc(np.array([[0, 1], [1, 0], [0, 0], [0, 0]])) == 0.0  # exactly backwards
    assert auc(np.array([[3, 0], [0, 0], [0, 0], [0, 0]])) is None  # nobody violating


def test_streams_are_reproducible_and_independent() -> None:
    a, b = streams(as_seed_sequence(3)), streams(as_seed_sequence(3))
    assert a["behaviour"].random() == b["behaviour"].random()
    assert a["population"].random() != a["spot_checks"].random()
    # spawning other children first does not move a run's streams
    seq = np.random.SeedSequence(3)
    seq.spawn(4)
    assert streams(seq)["complaints"].random() == streams(as_seed_sequence(3))["complaints"].random()
    with pytest.raises(ValueError, match="non-negative integer"):
        as_seed_sequence(-1)


def test_monthly_periods() -> None:
    assert month_starts(dt.date(2025, 1, 1), 3).tolist() == [0, 31, 59, 90]
    assert add_months(dt.date(2025, 1, 31), 1) == dt.date(2025, 2, 28)


def test_scenario_defaults_and_checks() -> None:
    sc = load_scenario("demo")
    assert sc.behaviour.model == "deterrence" and abs(sum(sc.behaviour.items.values()) - 1) < 1e-9
    city = load_scenario("city")
    assert city.population.enterprises == 1_000_000 and city.months == 60
    cases = {
        "behaviour.items={ price_marking = 0.5 }": "behaviour.items: item shares must sum to 1 (they sum to 0.5)",
        "behaviour.items={ bribery = 1.0 }": "behaviour.items: unknown item(s) bribery",
        'behaviour.model="psychic"': "behaviour.model: must be 'deterrence' or 'fixed'",
        'behaviour.types.calculator.honesty={ kind = "gamma", mean = 0.5 }': (
            "behaviour.types.calculator.honesty.kind: unknown distribution 'gamma'"
        ),
        'behaviour.types.incompetent.honesty={ kind = "beta", mean = 1.0, spread = 2.0 }': (
            "behaviour.types.incompetent.honesty.mean: a beta"
        ),
        "behaviour.types.committed.share=0.9": "behaviour.types.committed: committed.share + incompetent.share",
        "regulator.false_positive_rate=2.0": "regulator.false_positive_rate: must be <= 1 (got 2)",
    }
    for text, message in cases.items():
        with pytest.raises(ConfigError) as err:
            load_scenario("demo", [parse_override(text)])
        assert message in str(err.value), (text, str(err.value))
    # an override into a section the file leaves to its defaults
    sc = load_scenario("demo", [parse_override("behaviour.perception.memory=0.5")])
    assert sc.behaviour.perception.memory == 0.5 and sc.behaviour.perception.prior_strength == 6.0

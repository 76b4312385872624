"""Firm entry and exit (docs/model.md, "Entry and exit"): the population keeps its size and renews at the
scenario's yearly rate, a new enterprise is graded when it is founded, and an enterprise that left the
market is never reached again. Oracles: the rate's own arithmetic, the national new-enterprise rule and
the run's event history; tolerances from the sampling error of the exits."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest

from credsup.core import Grade, load_jurisdiction
from credsup.core.config import parse_override
from credsup.experiments.batching import _sizes
from credsup.experiments.tasks import RunTask
from credsup.simulation import population
from credsup.simulation.behaviour import perceived_inspection
from credsup.simulation.population import generate, item_table, rows_of
from credsup.simulation.regulator import Regulator
from credsup.simulation.scenario import Scenario, load_scenario
from credsup.simulation.state import World
from credsup.simulation.streams import streams
from credsup.simulation.turnover import monthly_exit_chance, reserve_rows

N = 3000
RATE = 0.177
MONTHS = 24


def scenario(*extra: str) -> Scenario:
    return load_scenario(
        "demo",
        [
            parse_override(o)
            for o in (
                f"population.enterprises={N}",
                f"population.turnover_per_year={RATE}",
                "warmup_months=0",
                f"months={MONTHS}",
                *extra,
            )
        ],
    )


def play(sc: Scenario, jurisdiction: str = "national", seed: int = 3) -> tuple[Regulator, dict[int, int]]:
    """Run ``sc``; returns the regulator and each exited row's exit day (read off the alive mask)."""
    rngs = streams(np.random.SeedSequence(seed))
    world, probe = generate(sc, rngs["population"], entrants=rngs["entrants"])
    _, shares, severity = item_table(sc)
    regulator = Regulator(world, load_jurisdiction(jurisdiction), sc, rngs, probe, shares, severity)
    exited: dict[int, int] = {}
    renew = regulator.turnover.renew

    def watched(day: int, t: int) -> np.ndarray:
        before = world.alive.copy()
        rows = renew(day, t)
        for row in np.flatnonzero(before & ~world.alive):
            exited[int(row)] = day
        return rows

    regulator.turnover.renew = watched  # type: ignore[method-assign]
    regulator.run()
    return regulator, exited


def test_the_probe_of_perceived_costs_stays_a_sample_of_the_market() -> None:
    """The probe that measures perceived costs follows the market: an exited probe enterprise is replaced
    by the one founded in its place, so the probe never measures enterprises that left."""
    regulator, exited = play(scenario())
    probe = regulator.probe
    assert len(probe) == len(np.unique(probe)) == regulator.ctx.scenario.behaviour.probe_size
    assert regulator.ctx.world.alive[probe].all()
    assert set(exited) & set(np.flatnonzero(~regulator.ctx.world.alive[:N]).tolist())  # some founders left


def test_the_population_keeps_its_size_and_renews_at_the_yearly_rate() -> None:
    """As many enterprises are founded as exit, so ``population.enterprises`` stay in the market; the exits
    over the run are within 4 binomial SDs of ``n x q x months`` (q the monthly chance), and the share of
    the market founded in the last twelve months is within 4 SDs of the yearly rate itself."""
    sc = scenario()
    regulator, _ = play(sc)
    w, tally = regulator.ctx.world, regulator.tally
    assert int(w.alive.sum()) == N
    exits = tally.exits.sum()
    assert exits == tally.entries.sum()
    q = float(monthly_exit_chance(RATE))
    expected = N * q * MONTHS
    assert abs(exits - expected) < 4 * math.sqrt(expected * (1 - q))
    end = w.day64(regulator.ctx.clock.end_day)
    young = w.alive & (w.cols["registered"] > end - np.timedelta64(365, "D"))
    share = young.sum() / N
    assert abs(share - RATE) < 4 * math.sqrt(RATE * (1 - RATE) / N)
    assert regulator.turnover.short.sum() == 0


def test_a_new_enterprise_is_graded_when_founded_and_national_grades_it_B_at_best() -> None:
    """Every enterprise founded during the run was graded on or after its founding day; under national, an
    enterprise under a year old with no inspection is never A (the national new-enterprise rule)."""
    regulator, _ = play(scenario())
    w = regulator.ctx.world
    c = w.cols
    founded = w.alive & (c["registered"] >= w.day64(0))
    assert founded.sum() > 0
    assert (c["graded_on"][founded] >= c["registered"][founded]).all()
    assert (c["grade"][founded] >= 0).all()  # graded, not left ungraded until the next evaluation
    end = w.day64(regulator.ctx.clock.end_day)
    young = founded & (c["registered"] > end - np.timedelta64(300, "D")) & (c["inspections_36m"] == 0)
    assert young.sum() > 0
    assert (c["grade"][young] >= int(Grade.B)).all()


def test_an_enterprise_that_left_the_market_is_never_reached_again() -> None:
    """After its exit day an enterprise is never inspected, penalised, repaired or active again, even when
    a ban it had ends (the ban's end cannot bring it back)."""
    regulator, exited = play(scenario("population.turnover_per_year=0.4"), jurisdiction="hainan")
    w = regulator.ctx.world
    c = w.cols
    rows = np.array(sorted(exited), dtype=np.int64)
    days = np.array([exited[r] for r in rows], dtype=np.int64)
    assert len(rows) > 0
    assert not w.active[rows].any() and not w.alive[rows].any()
    when = w.start + days.astype("timedelta64[D]")
    for name in ("last_inspection", "last_penalty", "last_repair"):
        seen = c[name][rows]
        assert ((seen <= when) | np.isnat(seen)).all(), name


def test_a_ban_that_ends_after_the_exit_leaves_the_enterprise_out() -> None:
    """The credit record keeps ``active`` = alive and not banned: a banned enterprise that exits stays out
    when its ban ends."""
    world = World(3, dt.date(2025, 1, 1), ["retail"], ["x"])
    record = world.record
    record.penalise(np.array([0, 1]), 0, np.array([0, 0]), ban_ends=np.array([10, 10]), severity=np.array([2, 2]))
    world.alive[0] = False
    record.advance(11)
    assert world.active.tolist() == [False, True, True]


def test_the_first_enterprises_are_the_same_with_and_without_turnover() -> None:
    """Entrants come from their own stream after the population: the enterprises in the market at the start
    (and so every run without turnover) are drawn exactly as before."""
    with_, without = scenario(), scenario("population.turnover_per_year=0")
    assert rows_of(without) == N and rows_of(with_) == N + reserve_rows(N, RATE, MONTHS)
    a, _ = generate(
        with_, streams(np.random.SeedSequence(4))["population"], entrants=streams(np.random.SeedSequence(4))["entrants"]
    )
    b, _ = generate(without, streams(np.random.SeedSequence(4))["population"])
    for name in ("sector", "size", "registered", "industry_grade", "minor_36m", "inspections_36m"):
        assert np.array_equal(a.cols[name][:N], b.cols[name]), name
    assert np.array_equal(a.honesty[:N], b.honesty)
    assert not a.alive[N:].any() and np.isnat(a.cols["registered"][N:]).all()


def test_a_used_up_reserve_shrinks_the_population_and_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    """Were the reserve ever used up (eight SDs above the expected exits: it is not, in practice), the
    missing entries are counted and the run goes on with fewer enterprises."""
    monkeypatch.setattr(population, "reserve_rows", lambda n, rate, months: 5)
    regulator, _ = play(scenario())
    short = int(regulator.turnover.short.sum())
    assert short > 0
    assert int(regulator.ctx.world.alive.sum()) == N - short
    assert regulator.tally.entries.sum() == 5


def test_the_reserve_covers_the_exits_with_room_to_spare() -> None:
    """The reserve is the expected exits plus eight SDs (and none without turnover)."""
    assert reserve_rows(1000, 0.0, 120) == 0
    expected = 20000 * float(monthly_exit_chance(RATE)) * 108
    assert (
        expected + 8 * math.sqrt(expected) <= reserve_rows(20000, RATE, 108) <= expected + 8 * math.sqrt(expected) + 9
    )


def test_batch_planning_counts_the_reserve_in_a_members_memory() -> None:
    """Batches are sized on rows, the reserve included, as the simulator allocates them."""
    tasks = [
        RunTask(
            "demo",
            "national",
            seed=1,
            replication=0,
            scenario_overrides=(("population.enterprises", 500), ("population.turnover_per_year", RATE)),
        ),
        RunTask(
            "demo",
            "national",
            seed=1,
            replication=1,
            scenario_overrides=(("population.enterprises", 500), ("population.turnover_per_year", 0.0)),
        ),
    ]
    demo = load_scenario(
        "demo", [parse_override(o) for o in ("population.enterprises=500", f"population.turnover_per_year={RATE}")]
    )
    months = demo.months + demo.warmup_months
    assert _sizes(tasks) == [(500 + reserve_rows(500, RATE, months), months), (500, months)]
    assert rows_of(demo) == 500 + reserve_rows(500, RATE, months)


def test_a_new_enterprise_starts_from_the_perception_prior() -> None:
    """A new enterprise has seen nothing: on its founding day its perceived monthly chance of an inspection
    is the prior, as the first enterprises' was at the start (not the zero its empty memory would give
    against everyone's months of experience)."""
    sc = scenario("months=6")
    rngs = streams(np.random.SeedSequence(8))
    world, probe = generate(sc, rngs["population"], entrants=rngs["entrants"])
    _, shares, severity = item_table(sc)
    regulator = Regulator(world, load_jurisdiction("national"), sc, rngs, probe, shares, severity)
    prior = sc.behaviour.perception.prior_per_year / 12.0
    at_founding: list[np.ndarray] = []
    renew = regulator.turnover.renew

    def watched(day: int, t: int) -> np.ndarray:
        rows = renew(day, t)
        p = perceived_inspection(world.seen[rows], world.experience, prior, world.prior_weight)
        at_founding.append(p)
        return rows

    regulator.turnover.renew = watched  # type: ignore[method-assign]
    regulator.run()
    founded = np.concatenate(at_founding[1:])  # month 0: everyone still has the prior alone
    assert len(founded) > 0 and world.experience > 1.0
    assert np.allclose(founded, prior, rtol=1e-5)

"""Experiments made up for the report tests: realistic ranges, known differences, stored through the
public store API (no simulation), so each test knows the truth its report must tell."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from credsup.results.db import open_database
from credsup.results.store import create_experiment, finish_experiment, record_run

XSS = "<script>window.__credsup_xss = 1</script>"

#: Per jurisdiction: the mean of each run metric, monthly inspections, grading, and two parameters.
PROFILES: dict[str, dict[str, Any]] = {
    "traditional": {
        "metrics": {
            "hit_rate": 0.27,
            "compliant_burden": 90.0,
            "violation_prevalence": 0.13,
            "undetected_exposure": 31.0,
            "inspector_utilisation": 0.55,
            "grade_auc": 0.5,
        },
        "inspections": 120.0,
        "graded": False,
        "params": {
            "inspection.rate_per_year": {"value": 0.05, "source": "gov.cn, 11 June 2018: 5% a year"},
            "penalty.fine.minor": {"value": 2000.0, "source": "assumption: the national fines"},
        },
    },
    "national": {
        "metrics": {
            "hit_rate": 0.21,
            "compliant_burden": 150.0,
            "violation_prevalence": 0.118,
            "undetected_exposure": 27.0,
            "inspector_utilisation": 0.83,
            "grade_auc": 0.57,
        },
        "inspections": 180.0,
        "graded": True,
        "params": {
            "inspection.rate_per_year.B": {"value": 0.05, "source": "seed 003 para 11"},
            "repair.min_publicity_days": {"value": 90, "source": "seed 004 (XV)"},
        },
    },
    "shanghai": {
        "metrics": {
            "hit_rate": 0.17,
            "compliant_burden": 135.0,
            "violation_prevalence": 0.099,
            "undetected_exposure": 21.0,
            "inspector_utilisation": 0.85,
            "grade_auc": 0.56,
        },
        "inspections": 250.0,
        "graded": True,
        "params": {
            "inspection.rate_per_year.B": {"value": 0.08, "source": "assumption: a " + XSS},
            "repair.min_publicity_days": {"value": 90, "source": "seed 004 (XV)"},
            "sandbox.years": {"value": 2, "source": "seed 003 para 12"},
        },
    },
}


#: Five jurisdictions, as in the README's main job (the widest compare page).
FIVE = dict(PROFILES)
FIVE["dalian"] = {
    **PROFILES["national"],
    "inspections": 175.0,
    "params": {"demonstration.max_grade": {"value": "A", "source": "seed 000 (II)"}},
}
FIVE["hainan"] = {
    **PROFILES["national"],
    "inspections": 170.0,
    "params": {"repair.min_routes": {"value": 2, "source": "seed 004 (XV)"}},
}


def store_compare(
    url: str,
    names: tuple[str, ...] = ("traditional", "national", "shanghai"),
    *,
    replications: int = 5,
    months: int = 12,
    enterprises: int = 1000,
    title: str = "District " + XSS,
    profiles: dict[str, dict[str, Any]] | None = None,
    sources: bool = False,
    seed: int = 3,
    settings: dict[str, Any] | None = None,
) -> tuple[Any, int]:
    """A stored compare experiment; every replication shares its noise across jurisdictions (as common
    random numbers do), and each jurisdiction adds a little of its own."""
    profiles = profiles or PROFILES
    engine = open_database(url)
    exp = create_experiment(
        engine,
        kind="compare",
        command="credsup compare --scenario demo " + " ".join(f"-j {j}" for j in names),
        scenario="demo",
        scenario_config={
            "scenario": "demo",
            "title": title,
            "months": months,
            "start": "2025-01-01",
            "population": {"enterprises": enterprises},
        },
        jurisdictions=[
            {
                "name": j,
                "title": f"{j} policy",
                "version": "0.1.0",
                "distribution": "credsup",
                "params": profiles[j]["params"],
            }
            for j in names
        ],
        seed=seed,
        replications=replications,
        **({"settings": settings} if settings else {}),
    )
    rng = np.random.default_rng(seed)
    for rep in range(replications):
        common = rng.normal(0, 1, size=8)
        for j in names:
            p = profiles[j]
            own = rng.normal(0, 0.3, size=8)
            summary = {}
            for k, (m, mean) in enumerate(p["metrics"].items()):
                summary[m] = float(mean * (1 + 0.02 * (common[k] + own[k])))
            periods = []
            for t in range(months):
                insp = float(p["inspections"] * (1 + 0.02 * common[7]) + rng.normal(0, 3))
                metrics = {
                    "violation_prevalence": summary["violation_prevalence"],
                    "inspections": insp,
                    "visits": 1.5 * insp,
                }
                if sources:
                    metrics["inspections.spot"] = 0.7 * insp
                    metrics["inspections.complaint"] = 0.3 * insp
                if p["graded"]:
                    metrics.update(
                        {
                            "grade_share_ungraded": 0.0,
                            "grade_share_A": 0.3,
                            "grade_share_B": 0.5,
                            "grade_share_C": 0.15,
                            "grade_share_D": 0.05,
                        }
                    )
                else:
                    metrics.update(
                        {
                            "grade_share_ungraded": 0.0,
                            "grade_share_A": 0.0,
                            "grade_share_B": 1.0,
                            "grade_share_C": 0.0,
                            "grade_share_D": 0.0,
                        }
                    )
                periods.append(
                    {"period": t, "start": dt.date(2025, 1 + t % 12, 1) if t < 12 else None, "metrics": metrics}
                )
            total = sum(x["metrics"]["inspections"] for x in periods)
            if p["graded"]:
                by_grade = {
                    g: {
                        "inspections": total * s,
                        "detections": total * s * summary["hit_rate"] * f,
                        "hit_rate": summary["hit_rate"] * f,
                    }
                    for g, s, f in (("A", 0.1, 0.5), ("B", 0.4, 0.9), ("C", 0.3, 1.2), ("D", 0.2, 1.5))
                }
                by_grade["ungraded"] = {"inspections": 0.0, "detections": 0.0}
            else:
                by_grade = {
                    "B": {
                        "inspections": total,
                        "detections": total * summary["hit_rate"],
                        "hit_rate": summary["hit_rate"],
                    },
                    "ungraded": {"inspections": 0.0, "detections": 0.0},
                }
            if sources:  # per-source figures as a run stores them (docs/metrics.md, "By source")
                for source, hit in (("spot", 0.5), ("complaint", 2.0)):
                    n = sum(x["metrics"][f"inspections.{source}"] for x in periods)
                    summary[f"inspections.{source}"] = n
                    summary[f"detections.{source}"] = n * summary["hit_rate"] * hit
                    summary[f"hit_rate.{source}"] = summary["hit_rate"] * hit
                    for g, figures in by_grade.items():
                        if g != "ungraded":
                            figures[f"hit_rate.{source}"] = figures["hit_rate"] * hit
            record_run(
                engine,
                exp,
                jurisdiction=j,
                replication=rep,
                seed_key=str(rep),
                summary=summary,
                periods=periods,
                by_grade=by_grade,
            )
    finish_experiment(engine, exp, status="finished")
    return engine, exp


def store_sweep(
    url: str, *, design: str = "grid", replications: int = 2, title: str = "Sweep " + XSS
) -> tuple[Any, int]:
    """A stored sweep over inspectors x D-rate (grid) or a Sobol' design of two ranges, N = 8."""
    engine = open_database(url)
    if design == "grid":
        params = [
            {"key": "scenario.regulator.inspectors", "values": [3, 6, 12], "integer": True},
            {"key": "inspection.rate_per_year.D", "values": [0.3, 1.0], "integer": False},
        ]
        points = [
            {"scenario.regulator.inspectors": a, "inspection.rate_per_year.D": b}
            for a in (3, 6, 12)
            for b in (0.3, 1.0)
        ]
    else:
        params = [
            {"key": "scenario.regulator.inspectors", "low": 2, "high": 10, "integer": True},
            {"key": "inspection.rate_per_year.D", "low": 0.3, "high": 1.0, "integer": False},
        ]
        rng0 = np.random.default_rng(1)
        points = [
            {
                "scenario.regulator.inspectors": int(rng0.integers(2, 11)),
                "inspection.rate_per_year.D": float(rng0.uniform(0.3, 1.0)),
            }
            for _ in range(8 * (2 + 2))
        ]
    outcomes = ["violation_prevalence", "hit_rate"]
    exp = create_experiment(
        engine,
        kind="sweep",
        name="t-sweep",
        command="credsup sweep t.toml --seed 5",
        scenario="demo",
        scenario_config={"scenario": "demo", "title": "demo", "months": 6, "population": {"enterprises": 500}},
        jurisdictions=[
            {"name": "national", "version": "0.1.0", "distribution": "credsup", "params": {}},
            {"name": "shanghai", "version": "0.1.0", "distribution": "credsup", "params": {}},
        ],
        seed=5,
        replications=replications,
        settings={
            "sweep": "t-sweep",
            "title": title,
            "design": design,
            "samples": 8 if design == "sobol" else None,
            "parameters": params,
            "outcomes": outcomes,
            "spec_path": "/tmp/t.toml",
            "spec": {"fixed": {"scenario.months": 6}},
        },
        points=points,
    )
    rng = np.random.default_rng(2)
    for i, pt in enumerate(points):
        for j, shift in (("national", 0.0), ("shanghai", -0.02)):
            for rep in range(replications):
                cap, rate = pt["scenario.regulator.inspectors"], pt["inspection.rate_per_year.D"]
                summary = {
                    "violation_prevalence": 0.15 - 0.004 * cap - 0.01 * rate + shift + rng.normal(0, 0.003),
                    "hit_rate": 0.3 - 0.01 * cap * rate + rng.normal(0, 0.01),
                }
                record_run(
                    engine,
                    exp,
                    jurisdiction=j,
                    replication=rep,
                    seed_key=f"{i}/{rep}",
                    point=i,
                    summary=summary,
                    periods=[],
                    by_grade={},
                )
    finish_experiment(engine, exp, status="finished")
    return engine, exp


def equal_effort_settings(names: tuple[str, ...], statuses: dict[str, str] | None = None) -> dict[str, Any]:
    """``settings["equal_effort"]`` as ``compare --equal-effort`` stores it (every jurisdiction matched unless
    ``statuses`` says otherwise)."""
    statuses = statuses or {}
    factors = {}
    for i, j in enumerate(names[1:]):
        status = statuses.get(j, "matched")
        gap = 0.004 if status == "matched" else 0.25
        factors[j] = {
            "factor": 0.0 if status == "floor" else 0.3 + 0.1 * i,
            "inspections": 1000 * (1 + gap),
            "target": 1000.0,
            "gap": gap,
            "status": status,
            "evaluations": 3,
            "trace": [[1.0, 1400.0], [0.3, 1004.0]],
        }
    return {
        "equal_effort": {
            "baseline": names[0],
            "parameter": "scenario.regulator.random_check_scale",
            "tolerance": 0.01,
            "target": 1000.0,
            "factors": factors,
        }
    }


def store_frontier(url: str, *, replications: int = 3, title: str = "Frontier " + XSS) -> tuple[Any, int]:
    """A stored frontier sweep: three capacities x two jurisdictions, with monthly inspections (the x axis)
    and the four frontier outcomes; more inspectors buy more inspections and lower prevalence."""
    engine = open_database(url)
    caps = [2, 4, 8]
    outcomes = ["violation_prevalence", "undetected_exposure", "hit_rate", "compliant_burden"]
    exp = create_experiment(
        engine,
        kind="sweep",
        name="frontier",
        command="credsup sweep frontier --seed 5",
        scenario="demo",
        scenario_config={"scenario": "demo", "title": "demo", "months": 12, "population": {"enterprises": 1000}},
        jurisdictions=[
            {"name": "traditional", "version": "0.1.0", "distribution": "credsup", "params": {}},
            {"name": "shanghai", "version": "0.1.0", "distribution": "credsup", "params": {}},
        ],
        seed=5,
        replications=replications,
        settings={
            "sweep": "frontier",
            "title": title,
            "design": "grid",
            "samples": None,
            "parameters": [{"key": "scenario.regulator.inspectors", "values": caps, "integer": True}],
            "outcomes": outcomes,
            "spec_path": "/tmp/frontier.toml",
            "spec": {"frontier": True, "fixed": {"scenario.months": 12}},
        },
        points=[{"scenario.regulator.inspectors": c} for c in caps],
    )
    rng = np.random.default_rng(4)
    for i, cap in enumerate(caps):
        for j, shift in (("traditional", 0.0), ("shanghai", -0.02)):
            for rep in range(replications):
                monthly = 5.0 * cap * (1.2 if j == "shanghai" else 1.0) + rng.normal(0, 1.0, size=12)
                summary = {
                    "violation_prevalence": 0.2 - 0.01 * cap + shift + rng.normal(0, 0.003),
                    "undetected_exposure": 80 - 4 * cap + rng.normal(0, 2),
                    "hit_rate": 0.4 - 0.01 * cap + rng.normal(0, 0.01),
                    "compliant_burden": 20 * cap + rng.normal(0, 3),
                }
                record_run(
                    engine,
                    exp,
                    jurisdiction=j,
                    replication=rep,
                    seed_key=f"{i}/{rep}",
                    point=i,
                    summary=summary,
                    periods=[
                        {"period": t, "start": f"2025-{t + 1:02d}-01", "metrics": {"inspections": float(monthly[t])}}
                        for t in range(12)
                    ],
                    by_grade={},
                )
    finish_experiment(engine, exp, status="finished")
    return engine, exp

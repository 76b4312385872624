"""Terminal text of ``credsup fit`` and ``credsup calibrate``: the fit table, the parameters, the verdict."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from credsup.calibration.calibrate import CalibrationResult, FitResult
from credsup.calibration.stats import FitTable


def num(x: float | None, digits: int = 4) -> str:
    if x is None or not math.isfinite(x):
        return "-"
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    return f"{x:.{digits}g}"


def _interval(lo: float, hi: float) -> str:
    return f"[{num(lo)}, {num(hi)}]" if math.isfinite(lo) and math.isfinite(hi) else ""


def fit_lines(table: FitTable) -> list[str]:
    """The fit table, one line per figure, then the overall distance and verdict."""
    pct = round(100 * table.level)
    observed, simulated = f"observed [{pct}%]", f"simulated [{pct}%]"
    head = f"{'outcome':<24} {observed:<28} {simulated:<28} {'z':>7}  verdict"
    lines = [head, "-" * len(head)]
    for r in table.rows:
        obs = f"{num(r.observed)} {_interval(r.observed_low, r.observed_high)}"
        sim = f"{num(r.simulated)} {_interval(r.simulated_low, r.simulated_high)}"
        z = f"{r.z:+.2f}" if math.isfinite(r.z) else "-"
        lines.append(f"{r.outcome:<24} {obs:<28} {sim:<28} {z:>7}  {'MISSED' if r.missed else 'ok'}")
    lines.append("")
    lines.append(
        f"A figure is missed when |z| > {table.critical_z:.2f} (two-sided {pct}%, Bonferroni over "
        f"{len(table.rows)} figures); z = (simulated - observed) / sqrt(observed variance + simulation variance)."
    )
    lines.append(overall(table))
    return lines


def overall(table: FitTable) -> str:
    j = f"J = {num(table.j)} on {table.df} degree(s) of freedom"
    if table.p_value is None:
        test = "no test left (as many fitted directions as independent figures)"
    else:
        test = f"p = {table.p_value:.3g}"
    what = "fits the targets" if table.verdict == "fits" else "misses the targets"
    why = []
    if table.missed:
        why.append(f"missed: {', '.join(table.missed)}")
    if table.rejected:
        why.append(f"the J test rejects at {round(100 * (1 - table.level))}%")
    return f"Overall: {j}, {test}: the scenario {what}" + (f" ({'; '.join(why)})." if why else ".")


def fit_text(result: FitResult) -> str:
    t = result.targets
    lines = [
        f"{result.scenario} under {result.jurisdiction} against {t.path} ({t.spec.title or t.name})",
        f"{result.replications} replications, seed {result.seed}; the figures were observed under "
        f"{t.jurisdiction}" + (f" with {', '.join(f'{k} = {v}' for k, v in t.policy)}" if t.policy else ""),
        "",
        *fit_lines(result.table),
        "",
        f"Reproduce: {result.command}",
    ]
    return "\n".join(lines) + "\n"


def direction_text(loadings: dict[str, float]) -> str:
    parts = []
    for key, w in sorted(loadings.items(), key=lambda kv: -abs(kv[1])):
        parts.append(f"{'-' if w < 0 else '+'} {abs(w):.2f} {key}")
    text = " ".join(parts)
    return text[2:] if text.startswith("+ ") else text


#: A surface whose residuals exceed the noise of a point's mean by this factor does not describe the
#: outcome near the estimate (assumption: twice is well beyond the scatter of a residual sd estimated from
#: ten or more points).
LACK_OF_FIT = 2.0


def surface_text(surface: dict[str, Any]) -> str:
    """One line on the response surface the analysis differentiated."""
    if not surface:
        return "–"
    return (
        f"{surface['degree']}, fitted to the {surface['points']} evaluated points nearest the search's last "
        f"(of {surface['evaluated']})"
    )


def surface_notes(surface: dict[str, Any]) -> list[str]:
    """A warning for each outcome the surface describes worse than the noise of one point's mean."""
    out = []
    for k, r in (surface.get("residual_sd") or {}).items():
        noise = (surface.get("noise_sd") or {}).get(k)
        if r is not None and noise and r > LACK_OF_FIT * noise:
            out.append(
                f"The response surface misses {k} by more than the noise of a point's mean (residual sd {r:.3g} "
                f"against {noise:.3g}): the outcome is not smooth enough near the estimate for a quadratic, and "
                "the intervals of the parameters it depends on may be too narrow."
            )
    return out


def calibration_text(result: CalibrationResult, command: str, extra: Sequence[str] = ()) -> str:
    t = result.targets
    lines = [
        f"Calibration {result.name} (experiment {result.experiment_id}): {len(result.evaluations)} points "
        f"evaluated x {result.replications} replications",
        f"Targets: {t['path']} ({t.get('title') or t['name']}), observed under {t['jurisdiction']}",
        *extra,
        "",
        f"Best parameters (point {result.best_point}) with {round(100 * result.level)}% posterior intervals:",
    ]
    width = max(len(r.key) for r in result.rows)
    for r in result.rows:
        status = {
            "determined": "determined by the targets",
            "weak": "weakly determined",
            "undetermined": "UNDETERMINED by the targets",
            "unknown": "uncertainty not computed (incomplete)",
        }[r.status]
        remaining = f", {100 * r.remaining:.0f}% of the range's uncertainty left" if math.isfinite(r.remaining) else ""
        lines.append(
            f"  {r.key:<{width}}  {num(r.value):>8}  {_interval(r.interval_low, r.interval_high):<22} "
            f"of {num(r.low)}..{num(r.high)}: {status}{remaining}"
        )
    if result.flat:
        lines.append("")
        lines.append("Directions the targets leave undetermined (moving along them barely changes the fit):")
        for d in result.flat:
            lines.append(f"  {direction_text(d['loadings'])}")
    lines += ["", "Fit at the best point:", *fit_lines(result.fit)]
    lines += ["", f"Response surface: {surface_text(result.surface)}.", *surface_notes(result.surface)]
    if not result.complete:
        lines += ["", "Incomplete: the calibration stopped before its search ended; resume it to go on."]
    lines += ["", f"Reproduce: {command}"]
    return "\n".join(lines) + "\n"


__all__ = [
    "calibration_text",
    "direction_text",
    "fit_lines",
    "fit_text",
    "num",
    "overall",
    "surface_notes",
    "surface_text",
]

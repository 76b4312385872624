"""The simulation harness: a population of enterprises, their behaviour, a regulator on SimPy, metrics.

``run_simulation(scenario, jurisdiction, seed)`` plays one jurisdiction against one scenario and returns
a :class:`RunResult`; ``credsup run`` is its command line. docs/model.md describes the model,
docs/metrics.md the metrics.
"""

from credsup.simulation.metrics import METRICS
from credsup.simulation.runner import RunResult, run_simulation
from credsup.simulation.scenario import Scenario, builtin_scenarios, load_scenario

__all__ = ["METRICS", "RunResult", "Scenario", "builtin_scenarios", "load_scenario", "run_simulation"]

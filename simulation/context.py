"""What the parts of one run's regulator share: the world, the jurisdiction, the scenario, the clock,
the random streams and the tally.

One :class:`RunContext` belongs to one run, or to one batch of runs stacked in one world
(:mod:`credsup.simulation.members`: each member keeps its own random streams, counts, capacity and
queues). Everything a run changes lives in objects it owns (the world's columns, the records, the tally,
the parts' queues and capacity), so two runs never share state.
"""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np

from credsup.core.months import add_months
from credsup.simulation.clock import Clock
from credsup.simulation.credit_record import CreditRecord
from credsup.simulation.member_parameters import MemberParameters
from credsup.simulation.members import Members
from credsup.simulation.scenario import Scenario
from credsup.simulation.state import World
from credsup.simulation.tally import Tally


@attrs.define(eq=False)
class RunContext:
    """The shared state of one run (see the module docstring)."""

    world: World
    #: a :class:`credsup.core.Jurisdiction`, or a wrapper with its methods (the runner's timing wrapper)
    jurisdiction: Any
    #: the first member's scenario: what every member shares (the calendar, the vocabularies:
    #: :data:`credsup.simulation.member_parameters.BATCH_KEYS`) is read here; every other scenario
    #: parameter through :attr:`params`, which has each member's
    scenario: Scenario
    clock: Clock
    #: the members stacked in the world, with one generator per purpose each
    #: (:data:`credsup.simulation.streams.STREAMS`): draw with ``members.random(stream, rows)``
    members: Members
    #: counts with a member axis after the period (:func:`credsup.simulation.members.stacked_tally`)
    tally: Tally
    #: share of each item (the run's item vocabulary) among violations enterprises choose (the first
    #: member's: draw items with ``params.categorical``, which uses each member's)
    item_shares: np.ndarray
    #: severity code of each item
    item_severity: np.ndarray
    #: each member's scenario parameters, per row where members differ
    #: (:class:`~credsup.simulation.member_parameters.MemberParameters`)
    params: MemberParameters

    @property
    def record(self) -> CreditRecord:
        """The credit record, which keeps the record summary (the world's)."""
        return self.world.record

    #: the jurisdiction's schedule parameters (grading months, rectification and complaint time limits ...),
    #: read once for the run: a dated ``schedule`` value that changes inside the run is refused with its file and key
    schedule: Any = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        start = self.clock.start  # the simulation's start: the warm-up is simulated under the same calendar
        self.schedule = self.jurisdiction.schedule_during(start, add_months(start, self.clock.months))


__all__ = ["RunContext"]

"""What an inspection finds: detection, false positives, false commitments, and the record they leave.

The inspectorate hands over the orders it served on a day (:meth:`Inspections.visit`). Orders for the
same enterprise on one day make one visit. A visit finds a violation in progress (not already under a
rectification order) with probability ``regulator.detection_probability``, records a violation at a
compliant enterprise with probability ``regulator.false_positive_rate`` (a wrongful record), and a
verified commitment that was false for certain. The visit enters the credit record (an inspection,
the complaints it found founded, the violations it found, a commitment found false), and every violation
found is handed to :class:`credsup.simulation.deadlines.Deadlines` to wait for its rectification deadline.
"""

from __future__ import annotations

import numpy as np

from credsup.core import DetectionSource
from credsup.simulation.context import RunContext
from credsup.simulation.deadlines import Deadlines, Found
from credsup.simulation.inspectorate import Orders
from credsup.simulation.tally import G, S

#: Detection source of the orders of each queue but the complaint queue (whose orders carry their own:
#: a complaint or a referral).
SOURCE_OF_QUEUE = {
    "commitment": DetectionSource.COMMITMENT_CHECK,
    "full": DetectionSource.FULL_COVERAGE,
    "spot": DetectionSource.SPOT_CHECK,
}


class Inspections:
    """Visits of one run: what they find and what they record."""

    def __init__(self, ctx: RunContext, visits: np.ndarray, deadlines: Deadlines):
        self.ctx = ctx
        self.visits = visits  #: department visits one inspection of each enterprise makes
        self.deadlines = deadlines

    def visit(self, orders: Orders, day: int, month: int) -> None:
        """Inspect the enterprises of the day's orders (one visit each) and record what is found."""
        ctx = self.ctx
        w, params, tally, members = ctx.world, ctx.params, ctx.tally, ctx.members
        ids = np.concatenate([o["enterprise"] for _, o in orders])
        source = np.concatenate(
            [
                o["source"]
                if name == "complaint"
                else np.full(len(o["enterprise"]), SOURCE_OF_QUEUE[name], dtype=np.int8)
                for name, o in orders
            ]
        )
        queued = np.concatenate([o["queued"] for _, o in orders])
        for name, o in orders:
            if name == "complaint":  # verifications done after the jurisdiction's time limit
                tally.late_verifications[month] += members.count(o["enterprise"][o["due"] < day])
        false_c = np.concatenate(
            [o["false"] if name == "commitment" else np.zeros(len(o["enterprise"]), bool) for name, o in orders]
        )
        w.spot_queued[ids[(source == DetectionSource.SPOT_CHECK) | (source == DetectionSource.FULL_COVERAGE)]] = False
        # one visit per enterprise and day: orders for the same enterprise are served together; the visit
        # counts under the first order served (queue order), and teaches the enterprise about inspections
        # it did not bring on itself unless every order it served was a complaint (docs/model.md)
        uniq, first, inverse = np.unique(ids, return_index=True, return_inverse=True)
        complaints = (source == DetectionSource.COMPLAINT).astype(np.int64)  # complaints the visit verifies
        untriggered = complaints == 0
        if len(uniq) < len(ids):
            any_false = np.zeros(len(uniq), dtype=bool)
            np.logical_or.at(any_false, inverse, false_c)
            per_visit = np.zeros(len(uniq), dtype=np.int64)
            np.add.at(per_visit, inverse, complaints)
            any_untriggered = np.zeros(len(uniq), dtype=bool)
            np.logical_or.at(any_untriggered, inverse, untriggered)
            keep = np.sort(first)
            ids, source, queued = ids[keep], source[keep], queued[keep]
            false_c, complaints = any_false[inverse[keep]], per_visit[inverse[keep]]
            untriggered = any_untriggered[inverse[keep]]
        alive = w.active[ids]
        ids, source, queued, false_c, complaints, untriggered = (
            a[alive] for a in (ids, source, queued, false_c, complaints, untriggered)
        )
        k = len(ids)
        if k == 0:
            return
        g = w.cols["grade"][ids].astype(np.int64) + 1
        violating = w.violating[ids]
        fresh = violating & ~w.under_order[ids]
        u = members.random("detection", ids)
        found = fresh & (u < params.value("regulator.detection_probability", ids))
        wrong = ~violating & (u < params.value("regulator.false_positive_rate", ids))
        visits = self.visits[ids]
        count = members.bincount  # per member, in its rows' order
        ok, fd = ~violating, ids[found]
        tally.inspections[month] += count(ids, g, G)
        tally.detections[month] += count(fd, g[found], G)
        tally.false_positives[month] += count(ids[wrong], g[wrong], G)
        tally.visits[month] += count(ids, g, G, weights=visits)
        tally.compliant_visits[month] += count(ids[ok], g[ok], G, weights=visits[ok])
        delay = (day - w.v_since[fd]).astype(np.float64)
        tally.delay_days[month] += count(fd, g[found], G, weights=delay)
        tally.delays[month] += count(fd, g[found], G)
        cell = source.astype(np.int64) * G + g  # (source, grade) of each inspection
        by_source = (members.k, S, G)
        tally.source_inspections[month] += count(ids, cell, S * G).reshape(by_source)
        tally.source_detections[month] += count(fd, cell[found], S * G).reshape(by_source)
        tally.source_visits[month] += count(ids, cell, S * G, weights=visits).reshape(by_source)
        tally.source_compliant_visits[month] += count(ids[ok], cell[ok], S * G, weights=visits[ok]).reshape(by_source)
        # the record: the inspections, and the complaints they found founded
        record = ctx.record
        findings = (found | wrong).astype(np.int16) + false_c  # the violations this visit records
        insp = record.inspect(ids, day, findings)
        w.inspected[ids[untriggered]] = True
        founded = (found | wrong) & (complaints > 0)
        if founded.any():
            record.founded(np.repeat(ids[founded], complaints[founded]), day)
        # the violations found, for the rectification deadline
        fp = ids[wrong]
        fp_item = params.categorical(members.random("detection", fp), fp)
        fc = ids[false_c]
        fc_item = np.full(len(fc), len(w.items) - 1, dtype=np.int64)  # "false_commitment", last in the vocabulary
        tv = ids[found]
        enterprise = np.concatenate([tv, fp, fc])
        item = np.concatenate([w.v_item[tv].astype(np.int64), fp_item, fc_item])
        severity = ctx.item_severity[item]
        harm = np.concatenate(
            [
                w.v_harm[tv].astype(np.float64),
                np.zeros(len(fp)),
                params.lookup("harm", lambda sc: sc.behaviour.harm.array(), fc, ctx.item_severity[fc_item])
                * w.harm_factor[fc],
            ]
        )
        committed = np.concatenate([w.v_since[tv], np.full(len(fp), day), queued[false_c]]).astype(np.int64)
        src = np.concatenate(
            [source[found], source[wrong], np.full(len(fc), DetectionSource.COMMITMENT_CHECK, dtype=np.int8)]
        )
        wrongful = np.concatenate([np.zeros(len(tv), bool), np.ones(len(fp), bool), np.zeros(len(fc), bool)])
        is_fc = np.concatenate([np.zeros(len(tv) + len(fp), bool), np.ones(len(fc), bool)])
        by = np.concatenate([insp[found], insp[wrong], insp[false_c]])
        w.under_order[tv] = True
        self._record(enterprise, item, severity, harm, committed, src, wrongful, is_fc, by, day, month)

    def _record(
        self,
        enterprise: np.ndarray,
        item: np.ndarray,
        severity: np.ndarray,
        harm: np.ndarray,
        committed: np.ndarray,
        source: np.ndarray,
        wrongful: np.ndarray,
        is_fc: np.ndarray,
        inspection: np.ndarray,
        day: int,
        month: int,
    ) -> None:
        """Detected violations (found by the ``inspection`` rows) enter the record and wait for their
        rectification deadline."""
        ctx = self.ctx
        w, tally, record = ctx.world, ctx.tally, ctx.record
        if len(enterprise) == 0:
            return
        same, prior = record.prior_counts(enterprise, item)
        rectify_by = day + self.deadlines.rect_days[severity]
        rows = record.detect(
            enterprise, day, severity, item, inspection=inspection, rectify_by=rectify_by, counted=True
        )
        record.found_false(enterprise[is_fc], day)
        tally.false_commitments[month] += ctx.members.count(enterprise[is_fc])
        # recidivism after repair: a real violation found within the follow-up of the last repair
        real = enterprise[~wrongful]
        rep = w.repaired_day[real]
        follow_up = ctx.params.value("metrics.recidivism_days", real, np.int64)
        relapse = real[(rep >= 0) & (day - rep <= follow_up) & ~w.repair_relapsed[real]]
        relapse = np.unique(relapse)
        if len(relapse):
            w.repair_relapsed[relapse] = True
            months = [ctx.clock.month_of(int(d)) for d in w.repaired_day[relapse]]
            np.add.at(tally.relapses, (np.asarray(months, dtype=np.intp), ctx.members.member[relapse]), 1.0)
        self.deadlines.order(
            Found(
                enterprise=enterprise,
                item=item.astype(np.int16),
                severity=severity.astype(np.int8),
                harm=harm,
                committed=committed,
                detected=np.full(len(enterprise), day, np.int64),
                source=source.astype(np.int8),
                same=same,
                prior=prior,
                wrongful=wrongful,
                false_commitment=is_fc,
                month=np.full(len(enterprise), month, np.int32),
                violation=rows,
            ),
            day,
        )


__all__ = ["SOURCE_OF_QUEUE", "Inspections"]

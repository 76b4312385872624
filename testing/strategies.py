"""Hypothesis strategies for hook inputs, for the conformance checks and for a plugin's own property tests.

They are built on :func:`credsup.testing.make_inputs` (and so on :mod:`credsup.core.samples`): hypothesis
draws a seed and a size and shrinks them, so a failing example is reported as the smallest ``n`` and
seed, which :func:`make_inputs` rebuilds exactly::

    from hypothesis import given
    from credsup.testing import strategies

    @given(strategies.hook_inputs("credsup_grade"))
    def test_listed_enterprises_are_graded_d(inputs):
        grades = load_jurisdiction("myregion").grade(**inputs.kwargs)
        assert (grades[inputs.kwargs["batch"].listed] == 3).all()
"""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from credsup.core.batch import EnterpriseBatch
from credsup.core.samples import random_batch
from credsup.testing.inputs import HookInputs, make_inputs

SEEDS = st.integers(0, 2**32 - 1)


def hook_inputs(hook: str, *, min_rows: int = 0, max_rows: int = 40) -> st.SearchStrategy[HookInputs]:
    """Valid calls of ``hook`` with ``min_rows`` .. ``max_rows`` result rows (see :func:`make_inputs`)."""
    # n is drawn first, so that hypothesis shrinks a failing example to the fewest rows first
    return st.builds(make_inputs, st.just(hook), n=st.integers(min_rows, max_rows), seed=SEEDS)


def enterprise_batches(
    *, min_rows: int = 0, max_rows: int = 40, today: dt.date = dt.date(2026, 1, 1)
) -> st.SearchStrategy[EnterpriseBatch]:
    """Valid enterprise batches (varied record summaries) evaluated on ``today``."""
    import numpy as np

    return st.builds(
        lambda seed, n, graded: random_batch(np.random.default_rng(seed), n, today, graded=graded),
        SEEDS,
        st.integers(min_rows, max_rows),
        st.booleans(),
    )

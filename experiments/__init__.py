"""Experiments: many simulation runs (replications, jurisdictions, sweep points), in parallel, stored.

The runner is a few small functions (:mod:`~credsup.experiments.tasks` says what one run is,
:mod:`~credsup.experiments.executors` where it runs, :mod:`~credsup.experiments.runner` ties them to the
results database). ``credsup compare`` and ``credsup sweep`` are built on it.
"""

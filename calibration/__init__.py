"""Calibration and validation against observed figures: ``credsup calibrate`` and ``credsup fit``.

* :mod:`~credsup.calibration.outcomes` is the one place that says which outcome keys exist and how a
  run's value of each is read (``grade_share.A``, ``hit_rate.D``, ``violation_prevalence``, ...);
* :mod:`~credsup.calibration.targets` reads a targets file (observed figures with their source,
  uncertainty and the jurisdiction in force) and checks it;
* :mod:`~credsup.calibration.free` the free parameters (``KEY=LO..HI``) and the calibration spec file;
* :mod:`~credsup.calibration.stats` the fit table, the J statistic, the posterior approximation and the
  directions the targets leave undetermined;
* :mod:`~credsup.calibration.evaluate` evaluates K parameter points x R replications on an executor
  (local workers or Dask), storing every run;
* :mod:`~credsup.calibration.search` the simulated method of moments (a quasi-random start design, then
  the minimum of a response surface, :mod:`~credsup.calibration.surrogate`, refitted as points are added);
* :mod:`~credsup.calibration.calibrate` prepares, stores, resumes and analyses a calibration;
  :mod:`~credsup.calibration.report` writes its page, tables and plots, and
  :mod:`~credsup.calibration.scenario_out` the calibrated scenario file.

docs/calibration.md documents the method, the file formats and how to read the results.
"""

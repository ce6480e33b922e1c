"""Sweeps over scenario parameters and single-failure ("one mistake") fault analysis.

- :mod:`skyshield.analysis.spec` — parameter paths, value specs, grid and Latin-hypercube designs
- :mod:`skyshield.analysis.executor` — running points on a process pool, Ray, or in-process
- :mod:`skyshield.analysis.store` — the resumable DuckDB sweep store
- :mod:`skyshield.analysis.sweep` — ``plan_sweep`` / ``run_sweep``
- :mod:`skyshield.analysis.faults` — N−1 analysis and the sensitivity (tornado) chart
- :mod:`skyshield.analysis.raid_sweep` — the raid-size sweep of a run folder (for the report)

The user guide and the output formats are in ``docs/analysis.md``; the scaling model of the
backends in ``docs/scaling.md``.
"""

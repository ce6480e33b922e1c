"""Results of a Monte Carlo run: summary with intervals, DuckDB/Parquet store, plots."""

from skyshield.results.core import Results
from skyshield.results.stats import mean_interval, paired_difference, wilson_interval

__all__ = ["Results", "mean_interval", "paired_difference", "wilson_interval"]

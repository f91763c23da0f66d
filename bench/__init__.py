"""Benchmarks: measured on this machine, reported as ratios to a baseline run in the same process.

Never asserted in tests (only their structure is). Results go to ``bench/results/`` (git-ignored);
figures worth keeping are written into ``docs/performance.md``.
"""

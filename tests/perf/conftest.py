"""The benchmark is a script (``python tests/perf/bench.py``), not a test: never collect it."""

collect_ignore = ["bench.py"]

"""The benchmark suite: ``./run-bench`` (see README, Performance)."""

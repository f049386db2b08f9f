"""The performance benchmark: `python -m tools.bench` (make bench)."""

"""Two instances behind nginx: `python -m tools.scale` (make scale-test)."""

"""Load and faults against gunicorn: `python -m tools.load` (make load-test)."""

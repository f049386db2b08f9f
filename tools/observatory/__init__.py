"""Mozilla's HTTP Observatory grade, offline: `python -m tools.observatory`."""

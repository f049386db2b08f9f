"""The tools that are not the product, each run from the repository's root as
`python -m tools.<name>`: bench, load, scale, observatory. They share
tools/harness.py with the browser tests."""

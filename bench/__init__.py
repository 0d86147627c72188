"""The benchmark suite: synthetic data (generate.py) and the measurements (run.py)."""

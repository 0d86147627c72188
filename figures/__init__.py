"""Figures computed from the data: pure functions, no Flask, no storage.

The public site (`figures.public`) and, later, the coordinator's reports use them.
Small cells are suppressed so no published figure points to a person (k-anonymity).
"""
from .anonymity import THRESHOLD, Figure, suppress

__all__ = ["THRESHOLD", "Figure", "suppress"]

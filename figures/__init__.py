"""Figures computed from the data: pure functions, no Flask, no storage.

The public site (`figures.public`) and the coordinator's reports (`figures.report`: every figure of a
quarterly or annual report, for a period of `figures.period`) use them; `figures.cases` holds the
definitions per case (dates, outcome, doorlooptijd, intake on time, nazorg done).
Small cells are suppressed so no published figure points to a person (k-anonymity).
"""
from .anonymity import THRESHOLD, Figure, suppress

__all__ = ["THRESHOLD", "Figure", "suppress"]

"""Multi-process safe TinyDB storage: see db/store.py for the design."""

from .errors import StoreError
from .store import ReadView, Store, Transaction

__all__ = ["ReadView", "Store", "StoreError", "Transaction"]

"""Exception type shared by the storage modules."""


class StoreError(Exception):
    """Raised for misuse of the store (writes through a read view, damaged
    files, lock timeouts, failed backup checks)."""

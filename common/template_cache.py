"""Compiled templates shared by the Jinja environments of one process, per kind of environment
(the admin's apps, the public site's builds). Only the test suite turns it on (`share`): it makes
an app per test on a fresh instance folder and builds the public site dozens of times, and
compiling the same templates again was most of a page test's time.

The environments of one kind are made by the same code (the same options and filters), so a
template's code depends only on its name, file and source: the bucket's key and checksum. A
changed source is compiled again."""
from __future__ import annotations

from jinja2 import BytecodeCache
from jinja2.bccache import Bucket

_codes: dict[tuple[str, str], tuple[str, object]] = {}  # (kind, bucket key) -> (source checksum, code)
_sharing = False


def share(on: bool = True) -> None:
    """Environments made from now on in this process share their compiled templates (tests/conftest.py)."""
    global _sharing
    _sharing = on


class SharedTemplateCache(BytecodeCache):
    """In memory for every environment of `kind`, in front of an environment's own cache (which
    still gets what is compiled)."""

    def __init__(self, kind: str, own: BytecodeCache | None = None):
        self.kind, self.own = kind, own

    def load_bytecode(self, bucket: Bucket) -> None:
        checksum, code = _codes.get((self.kind, bucket.key), (None, None))
        if checksum == bucket.checksum:
            bucket.code = code
        elif self.own is not None:
            self.own.load_bytecode(bucket)

    def dump_bytecode(self, bucket: Bucket) -> None:
        _codes[(self.kind, bucket.key)] = (bucket.checksum, bucket.code)
        if self.own is not None:
            self.own.dump_bytecode(bucket)


def for_kind(kind: str, own: BytecodeCache | None = None) -> BytecodeCache | None:
    """The bytecode cache for a new environment of this kind: shared while the process shares
    compiled templates, else its own (None: none)."""
    return SharedTemplateCache(kind, own) if _sharing else own

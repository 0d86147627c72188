"""Rebuild the public site from the admin's data: the "Site publiceren" button and `flask build-site`.

A build that fails keeps the last good site online (sitebuilder.build swaps only a finished,
checked build into place); an item written in the admin that would break it is left out and named.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping


@dataclass
class Outcome:
    pages: int = 0
    skipped: list[str] = field(default_factory=list)  # admin items left out, and why
    error: str = ""  # the build failed: the previous site stays online


def rebuild(config: Mapping[str, Any]) -> Outcome:
    import sitebuilder

    from .. import mail

    try:
        site = sitebuilder.Site(sitebuilder.DEFAULT_ROOT, data_dir=config["DATA_DIR"], mail=mail.enabled(config))
        files = sitebuilder.build(site, config["PUBLIC_DIR"])
    except sitebuilder.BuildError as exc:
        return Outcome(error=str(exc))
    return Outcome(pages=sum(1 for f in files if f.suffix == ".html"), skipped=site.skipped)

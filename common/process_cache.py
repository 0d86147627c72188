"""Where a process that serves one request (CGI: deploy/app.cgi sets it to <instance>/cache) keeps
for the next process what it would otherwise build again from files that seldom change, such as
the checked site settings (sitebuilder.site_config). None in every other process: a worker keeps
such values in memory, and the site builder and the tests read the files themselves."""
from __future__ import annotations

from pathlib import Path

FOLDER: Path | None = None

"""Where this install keeps its data (configuration, secret key, tables, backups, logs).

Decided once, at install, and found by every entry point without the environment: shared hosts
run CGI under suexec, which drops `SetEnv` variables, and cron starts commands with a bare
environment. So `deploy/publish.py --instance DIR` writes the folder into the published
`app.cgi` and into `instance-location` beside the code (git-ignored), where `passenger_wsgi.py`,
every `flask` command and the site builder read it.

A folder that is configured but missing is an error, never a reason to start a fresh, empty
instance somewhere else: that is how reports end up where no backup looks.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
LOCATION_FILE = PROJECT / "instance-location"
ENVIRONMENT = "BUURTBEMIDDELING_INSTANCE"
DEFAULT = PROJECT / "instance"


class InstanceMissing(Exception):
    """The configured instance folder does not exist (the message is Dutch, for the installer)."""


@dataclass(frozen=True)
class Instance:
    """The instance folder and where the choice came from."""

    path: Path
    source: str  # where the choice came from, in Dutch, for `flask doctor` and every command

    def describe(self) -> str:
        return f"Instancemap: {self.path} ({self.source})"


def locate(explicit: str | os.PathLike | None = None, environ: dict | None = None,
           location_file: Path | None = None) -> Instance:
    """The instance folder: an explicit one (tests), the environment, the install's file, or the default."""
    if explicit:
        return Instance(Path(explicit).resolve(), "opgegeven")
    environ = os.environ if environ is None else environ
    location_file = location_file or LOCATION_FILE
    if environ.get(ENVIRONMENT):
        path, source = Path(environ[ENVIRONMENT]).expanduser(), f"omgevingsvariabele {ENVIRONMENT}"
    elif location_file.is_file():
        path, source = Path(location_file.read_text(encoding="utf-8").strip()), f"vastgelegd in {location_file}"
    else:
        return Instance(DEFAULT, "standaard: instance/ naast app.py")
    if not path.is_absolute() or not path.is_dir():
        raise InstanceMissing(
            f"De instancemap {path} ({source}) bestaat niet of is geen volledig pad. Er wordt geen nieuwe, "
            f"lege instancemap gemaakt. Herstel het pad, of publiceer opnieuw met "
            f"`.venv/bin/python deploy/publish.py --instance <map>`.")
    return Instance(path.resolve(), source)


def remember(path: Path, location_file: Path | None = None) -> Path:
    """Create the instance folder (private) if needed and record it for every entry point."""
    path = Path(path).expanduser().resolve()
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    target = location_file or LOCATION_FILE
    temp = target.with_name(target.name + ".tmp")
    temp.write_text(f"{path}\n", encoding="utf-8")
    os.replace(temp, target)
    return path

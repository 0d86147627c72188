"""`flask --app app doctor`: what is wrong with this install, and what to do about each.

Each check looks at the install as a shared host runs it: the instance folder and its rights,
the published app.cgi and whether it points at the same folder, the configuration, mail,
https, the first-run code and the cron lines of the README. Nothing is changed, except that the
first-run code is made when the coordinator account does not exist yet.
"""
from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

OK, WARNING, ERROR = "in orde", "let op", "fout"
# The README's cron lines: what each maintenance command is for.
CRON_COMMANDS = {
    "backup": "een reservekopie elke nacht",
    "retention": "de bewaartermijnen elke dag",
    "send-mail": "e-mail die bleef hangen opnieuw versturen",
}


@dataclass(frozen=True)
class Finding:
    level: str
    subject: str
    detail: str
    advice: str = ""


def check(instance: Path, source: str, config: Mapping[str, Any], public: Path, *,
          has_users: bool, crontab: str | None) -> list[Finding]:
    """Every finding about this install, most fundamental first."""
    return [
        _python(),
        Finding(OK, "Instancemap", f"{instance} ({source})"),
        *_rights(instance),
        *_config_file(instance),
        *_cgi(public, instance),
        _https(config),
        _mail(config),
        *_first_run(instance, has_users),
        *_cron(crontab),
    ]


def _python() -> Finding:
    version = ".".join(map(str, sys.version_info[:3]))
    if sys.version_info < (3, 11):
        return Finding(ERROR, "Python", f"versie {version}", "Nodig is Python 3.11 of nieuwer; kies die in het "
                       "configuratiescherm en maak de virtualenv opnieuw.")
    return Finding(OK, "Python", f"versie {version} ({sys.executable})")


def _rights(instance: Path) -> list[Finding]:
    if not os.access(instance, os.W_OK | os.X_OK):
        return [Finding(ERROR, "Rechten instancemap", f"{instance} is niet schrijfbaar voor dit account",
                        f"Maak uw account eigenaar: chown -R $USER {instance}")]
    open_to_others = [p for p in [instance, *instance.rglob("*")]
                      if not p.is_symlink() and p.stat().st_mode & (stat.S_IRWXO | stat.S_IRWXG)]
    if open_to_others:
        shown = ", ".join(str(p.relative_to(instance)) or "." for p in open_to_others[:3])
        return [Finding(WARNING, "Rechten instancemap",
                        f"{len(open_to_others)} bestand(en) of map(pen) leesbaar voor andere accounts ({shown})",
                        f"chmod -R go-rwx {instance}")]
    return [Finding(OK, "Rechten instancemap", "alleen voor uw account")]


def _config_file(instance: Path) -> list[Finding]:
    path = instance / "config.toml"
    if not path.exists():
        return [Finding(WARNING, "config.toml", "ontbreekt: de standaardinstellingen gelden",
                        f"cp deploy/config.toml {path} en vul naam, adres en e-mail in")]
    try:
        with path.open("rb") as handle:
            tomllib.load(handle)
    except PermissionError:
        return [Finding(ERROR, "config.toml", "niet leesbaar voor dit account", f"chmod 600 {path}")]
    except tomllib.TOMLDecodeError as exc:
        return [Finding(ERROR, "config.toml", f"geen geldige TOML: {exc}", "Herstel de aangegeven regel.")]
    return [Finding(OK, "config.toml", "gelezen")]


def published_instance(script: Path) -> str | None:
    """The instance folder publish.py wrote into app.cgi (None: not set)."""
    match = re.search(r"^INSTANCE = (['\"])(.*)\1$", script.read_text(encoding="utf-8"), re.MULTILINE)
    return match.group(2) if match else None


def _cgi(public: Path, instance: Path) -> list[Finding]:
    script = public / "app.cgi"
    if not script.is_file():
        return [Finding(OK, "CGI", "geen app.cgi in de site (Passenger of ontwikkeling)")]
    findings = []
    python = script.read_text(encoding="utf-8").splitlines()[0].removeprefix("#!").strip()
    if not os.access(python, os.X_OK):
        findings.append(Finding(ERROR, "CGI", f"app.cgi start {python}, dat niet bestaat",
                                "Publiceer opnieuw met .venv/bin/python deploy/publish.py"))
    if published_instance(script) != str(instance):
        findings.append(Finding(ERROR, "CGI", f"app.cgi gebruikt een andere instancemap "
                                f"({published_instance(script) or 'geen'}) dan deze opdracht ({instance})",
                                f".venv/bin/python deploy/publish.py --instance {instance}"))
    script_owner, instance_owner = script.stat().st_uid, instance.stat().st_uid
    if script_owner != instance_owner and not instance.stat().st_mode & stat.S_IRWXO:
        findings.append(Finding(WARNING, "CGI", "app.cgi en de instancemap hebben een andere eigenaar: draait de "
                                "webserver CGI niet als uw account (geen suexec), dan kan het beheer de "
                                "gegevens niet lezen (500).", "Vraag de hoster om suexec, of gebruik Passenger."))
    return findings or [Finding(OK, "CGI", f"{script} gebruikt deze instancemap")]


def _https(config: Mapping[str, Any]) -> Finding:
    if not config.get("SESSION_COOKIE_SECURE"):
        return Finding(WARNING, "Https", "inlogcookies gaan ook over http (SESSION_COOKIE_SECURE = false)",
                       "Zet https aan bij de hoster en SESSION_COOKIE_SECURE = true in config.toml.")
    return Finding(OK, "Https", "inloggen alleen over https")


def _mail(config: Mapping[str, Any]) -> Finding:
    if not config.get("MAIL_SERVER"):
        return Finding(WARNING, "E-mail", "geen mailserver ingesteld: bevestigingen en meldingen blijven wachten",
                       "Zet MAIL_SERVER, MAIL_PORT, MAIL_USERNAME, MAIL_PASSWORD en MAIL_FROM in config.toml "
                       "(zie deploy/config.toml).")
    return Finding(OK, "E-mail", f"via {config['MAIL_SERVER']}")


def _first_run(instance: Path, has_users: bool) -> list[Finding]:
    if has_users:
        return []
    from .auth import setup_code

    return [Finding(WARNING, "Eerste keer", "er is nog geen coördinatoraccount",
                    f"Open /beheer/eerste-keer en typ de eenmalige code {setup_code.ensure(instance)}, "
                    f"of: .venv/bin/flask --app app create-user <e-mail> --role coordinator")]


def read_crontab() -> str | None:
    try:
        done = subprocess.run(["crontab", "-l"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else ""


def _cron(crontab: str | None) -> list[Finding]:
    if crontab is None:
        return [Finding(WARNING, "Cron", "crontab is niet te lezen op deze machine",
                        "Zet de cron-regels uit de README in het configuratiescherm.")]
    missing = [name for name in CRON_COMMANDS if not re.search(rf"flask .*\b{name}\b", crontab)]
    if missing:
        return [Finding(WARNING, "Cron", "ontbreekt: " + "; ".join(f"{n} ({CRON_COMMANDS[n]})" for n in missing),
                        "Neem de cron-regels uit de README over (crontab -e).")]
    return [Finding(OK, "Cron", "reservekopie, bewaartermijnen en e-mail staan ingepland")]

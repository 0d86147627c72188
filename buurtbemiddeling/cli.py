"""Maintenance commands: `flask --app app <command>`. They run outside web requests."""
from __future__ import annotations

import functools
import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import with_appcontext

from db.backup import BackupError, backup, list_backups

from .auth import users
from .restoring import restore_backup
from .store import get_store


@click.command("create-user")
@with_appcontext
@click.argument("email")
@click.option("--role", type=click.Choice(users.ROLES), default="coordinator", show_default=True)
@click.option("--name", default="", help="Naam zoals die in het beheer verschijnt.")
@click.option("--password-stdin", is_flag=True, help="Lees het wachtwoord van standaardinvoer.")
def create_user_command(email: str, role: str, name: str, password_stdin: bool) -> None:
    """Maak een account aan."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Wachtwoord", hide_input=True, confirmation_prompt="Herhaal het wachtwoord")
    try:
        user = users.create_user(get_store(), email, password, role, name)
    except users.AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Account aangemaakt: {user.email} ({user.role})")


@click.command("backup")
@with_appcontext
def backup_command() -> None:
    """Maak een reservekopie van alle gegevens."""
    path = backup(get_store())
    click.echo(f"Reservekopie gemaakt: {path}")


@click.command("restore")
@with_appcontext
@click.argument("name", required=False)
@click.option("--yes", is_flag=True, help="Niet om bevestiging vragen.")
def restore_command(name: str | None, yes: bool) -> None:
    """Zet een reservekopie terug (standaard de nieuwste)."""
    store = get_store()
    backups = list_backups(store)
    if not backups:
        raise click.ClickException("Er zijn nog geen reservekopieën.")
    chosen = next((b for b in backups if b.name == name), None) if name else backups[0]
    if chosen is None:
        names = ", ".join(b.name for b in backups)
        raise click.ClickException(f"Reservekopie {name} bestaat niet. Beschikbaar: {names}")
    if not yes:
        click.confirm(f"De huidige gegevens worden vervangen door {chosen.name}. Doorgaan?", abort=True)
    try:
        restore_backup(store, chosen)
    except BackupError as exc:
        raise click.ClickException(f"{exc} Er is niets veranderd.") from exc
    click.echo(f"Teruggezet: {chosen.name}. Iedereen logt opnieuw in.")


@click.command("demo")
@with_appcontext
@click.option("--seed", default=2026, show_default=True)
@click.option("--url", default="http://127.0.0.1:5000", show_default=True,
              help="Het adres waarop het systeem draait (make demo geeft dat van make run door).")
def demo_command(seed: int, url: str) -> None:
    """Vul het systeem met realistische, verzonnen voorbeeldgegevens."""
    from . import demo

    login = demo.fill(get_store(), seed=seed, url=url)
    click.echo(demo.summary(get_store()))
    click.echo(login)


@click.command("build-site")
@with_appcontext
def build_site_command() -> None:
    """Bouw de publieke site opnieuw, met de actuele keuzelijsten, cijfers en nieuws."""
    from flask import current_app

    from .publicity.site_build import rebuild

    outcome = rebuild(current_app.config)
    if outcome.error:
        raise click.ClickException(f"De site is niet gebouwd; de vorige versie blijft online.\n{outcome.error}")
    for problem in outcome.skipped:
        click.echo(f"Weggelaten (herstel het onder Publiciteit): {problem}", err=True)
    click.echo(f"De site is gebouwd: {outcome.pages} pagina's.")


@click.command("doctor")
@with_appcontext
def doctor_command() -> None:
    """Controleer deze installatie: instancemap, rechten, CGI, e-mail, https, cron."""
    from flask import current_app

    from . import doctor

    findings = doctor.check(Path(current_app.instance_path), current_app.config["INSTANCE_SOURCE"],
                            current_app.config, Path(current_app.config["PUBLIC_DIR"]),
                            has_users=users.has_users(get_store()), crontab=doctor.read_crontab())
    for finding in findings:
        click.echo(f"[{finding.level}] {finding.subject}: {finding.detail}")
        if finding.advice:
            click.echo(f"    wat te doen: {finding.advice}")
    if any(f.level == doctor.ERROR for f in findings):
        raise SystemExit(1)


def init_app(app: Flask) -> None:
    """Called after the areas added their commands: every command then says which instance it uses."""
    for command in (create_user_command, backup_command, restore_command, demo_command, build_site_command,
                    doctor_command):
        app.cli.add_command(command)
    for command in app.cli.commands.values():
        # The commands are module-level objects shared by every app of the process: wrap once.
        if not getattr(command.callback, "announces_instance", False):
            command.callback = with_appcontext(_announcing_instance(command.callback))
            command.callback.announces_instance = True


def _announcing_instance(callback):
    # Only to a person at a terminal: cron and scripts read the commands' own output, and cron
    # mails whatever a command prints. `flask doctor` always names the instance.
    @functools.wraps(callback)
    def run(*args, **kwargs):
        from flask import current_app

        if sys.stdout.isatty():
            click.echo(f"Instancemap: {current_app.instance_path} ({current_app.config['INSTANCE_SOURCE']})")
        return callback(*args, **kwargs)

    return run

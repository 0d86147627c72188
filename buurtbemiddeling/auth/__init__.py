"""Accounts, login security and who may use which view."""
import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from ..store import get_store
from .. import on_demand
from . import sessions, users


@click.command("disable-2fa")
@with_appcontext
@click.argument("email")
def disable_twofactor_command(email: str) -> None:
    """Zet tweestapsverificatie uit voor een account (telefoon kwijt)."""
    from . import twofactor

    store = get_store()
    doc = users.find_by_email(store.read(), email)
    if doc is None:
        raise click.ClickException(f"Geen account met e-mailadres {email}.")
    twofactor.disable(store, str(doc.doc_id))
    click.echo(f"Tweestapsverificatie staat uit voor {doc['email']}.")


@click.command("encrypt-2fa")
@with_appcontext
def encrypt_twofactor_command() -> None:
    """Versleutel tweestapsgeheimen die nog leesbaar in de gegevens staan (van vóór de versleuteling)."""
    from . import twofactor

    changed = twofactor.seal_plain_secrets(get_store(), current_app.config["TOTP_KEY_FILE"])
    click.echo(f"Versleuteld: de tweestapsgeheimen van {changed} account(s).")


def init_app(app: Flask) -> None:
    users.use_test_hashing(app.testing)
    on_demand.add(app, "buurtbemiddeling.auth.views:bp")  # login, setup, invitations (the guards: guard.py)
    on_demand.add(app, "buurtbemiddeling.auth.account:bp")
    on_demand.add(app, "buurtbemiddeling.auth.accounts:bp")
    sessions.init_app(app)
    app.cli.add_command(disable_twofactor_command)
    app.cli.add_command(encrypt_twofactor_command)

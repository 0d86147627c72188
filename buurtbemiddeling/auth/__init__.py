"""Accounts, login security and who may use which view."""
import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from ..store import get_store
from .. import on_demand
from . import users, views  # first: the admin package imports the decorators from views
from . import sessions, twofactor  # noqa: I001


@click.command("disable-2fa")
@with_appcontext
@click.argument("email")
def disable_twofactor_command(email: str) -> None:
    """Zet tweestapsverificatie uit voor een account (telefoon kwijt)."""
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
    changed = twofactor.seal_plain_secrets(get_store(), current_app.config["TOTP_KEY_FILE"])
    click.echo(f"Versleuteld: de tweestapsgeheimen van {changed} account(s).")


def init_app(app: Flask) -> None:
    users.use_test_hashing(app.testing)
    views.init_app(app)
    on_demand.add(app, "buurtbemiddeling.auth.account:bp")
    on_demand.add(app, "buurtbemiddeling.auth.accounts:bp")
    sessions.init_app(app)
    app.cli.add_command(disable_twofactor_command)
    app.cli.add_command(encrypt_twofactor_command)

"""Who may use which view: the decorators every view of the admin and the portals carries, and
where a user lands after logging in. Apart from the login views, so a page imports only these."""
from __future__ import annotations

from functools import wraps

from flask import abort, url_for
from flask_login import current_user, login_required

from . import users


def role_required(*roles: str):
    """Only users with one of these roles may use the view; others get 403, visitors the login."""
    unknown = set(roles) - set(users.ROLES)
    if not roles or unknown:
        raise ValueError(f"unknown roles: {sorted(unknown)}")

    def decorate(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorate


coordinator_required = role_required("coordinator")
coordinator_required.__doc__ = "Only the coordinator role may use this view."


def home_url(user) -> str:
    # Volunteers and partners land on their portal, never on the coordinator's admin.
    return url_for("admin.today") if user.is_coordinator else url_for("portal.home")

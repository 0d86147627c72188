"""Flask extensions, created once and bound in the factory."""
from flask import Flask
from flask_login import LoginManager
from htmx_flask import Htmx

from . import csrf

login_manager = LoginManager()
htmx = Htmx()


def init_app(app: Flask) -> None:
    csrf.init_app(app)  # first: the check runs before every other before_request hook
    htmx.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Log in om deze pagina te zien."
    login_manager.session_protection = "strong"

"""Flask extensions, created once and bound in the factory."""
from flask import Flask
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect
from htmx_flask import Htmx

csrf = CSRFProtect()
login_manager = LoginManager()
htmx = Htmx()


def init_app(app: Flask) -> None:
    csrf.init_app(app)
    htmx.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Log in om deze pagina te zien."
    login_manager.session_protection = "strong"

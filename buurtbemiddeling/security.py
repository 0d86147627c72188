"""Security headers on every response, error pages, and which proxy to believe about the client."""
from flask import Flask, Response, current_app, has_request_context, render_template, request
from werkzeug.exceptions import HTTPException

from .csrf import CSRFError
from .uploads import too_large_message

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


# Dutch pages for errors inside the admin and the portals; the public site has its own 404.
ERRORS = {
    403: ("Geen toegang", "U heeft geen toegang tot deze pagina. Denkt u dat dit niet klopt? "
                          "Vraag het de coördinator."),
    404: ("Pagina niet gevonden", "Deze pagina bestaat niet (meer). Controleer het adres of ga terug."),
    405: ("Dit kan zo niet", "Deze pagina kan niet op deze manier worden geopend. Ga terug en gebruik de knop op de pagina."),
    413: ("Te groot", ""),  # the message names the route's limit (uploads.too_large_message)
    500: ("Er ging iets mis", "Er ging iets mis aan onze kant. Wat u invulde is niet bewaard; probeer het zo nog eens."),
}


def trust_proxies(app: Flask) -> None:
    """Behind N proxies (PROXY_FIX_X_FOR = N) take the client's address and scheme from their headers,
    so the form and login rate limits count each visitor, not the proxy."""
    hops = int(app.config.get("PROXY_FIX_X_FOR") or 0)
    if hops > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix  # only behind a proxy: CGI hosts have none

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)


def https_needed() -> bool:
    """Over plain http a browser drops the Secure session cookie, so no form of the admin can work."""
    return (has_request_context() and bool(current_app.config.get("SESSION_COOKIE_SECURE"))
            and not request.is_secure)


def admin_error(error: HTTPException):
    """A Dutch error page inside the admin and the portals; other paths keep Werkzeug's answer.
    Blueprints with their own handler for a code fall back to this one."""
    if error.code not in ERRORS or not request.path.startswith(("/beheer", "/portaal")):
        return error
    from flask_login import current_user

    from .auth.guard import home_url

    title, message = ERRORS[error.code]
    if error.code == 413:
        message = too_large_message() + " Ga terug: wat u typte staat er dan meestal nog."
    home = home_url(current_user) if current_user.is_authenticated else None
    return render_template("admin/error.html", title=title, message=message, home=home), error.code


def init_app(app: Flask) -> None:
    trust_proxies(app)

    app.register_error_handler(HTTPException, admin_error)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        if https_needed():
            return render_template("admin/error.html", title="Https nodig",
                                   message="Inloggen en formulieren in het beheer werken alleen via https: over "
                                           "http bewaart de browser het cookie niet. Open dit adres met "
                                           "https://, of zet https aan bij de hoster."), 400
        return render_template("admin/error.html", title="Formulier verlopen",
                               message="Dit formulier is verlopen of kwam niet van deze site. "
                                       "Ga terug, vernieuw de pagina en probeer het opnieuw."), 400

    @app.context_processor
    def https_notice() -> dict:
        needed = https_needed()
        return {"https_needed": needed, "https_url": request.url.replace("http://", "https://", 1) if needed else ""}

    @app.after_request
    def set_headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response

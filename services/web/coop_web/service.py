"""The HTTP entrypoints: one Flask view per route of `coop_web.routes`, plus `/health`, the
OpenAPI document and its page (docs/adr/023-http-api.md).

A view finds the caller's credential, reads the payload, makes one RPC call through the pool
and turns the answer (or the typed error) into the response. It checks no role and reads no
database: the services decide who may do what, from the verified credential, exactly as for a
caller on the bus (docs/adr/004-credentials-and-tenancy.md).
"""

from __future__ import annotations

import logging
import secrets

from flask import Flask, current_app, g, render_template, request
from flask_limiter import Limiter
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError, CSRFProtect
from nameko.exceptions import RemoteError
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from coop_shared.errors import CoopError
from coop_web import answers, docs_page, http_errors, i18n, openapi, sessions
from coop_web.authenticators import BearerKey, credential_of
from coop_web.console import NAV as CONSOLE_NAV
from coop_web.console import console
from coop_web.contract import SERVICE_CLASSES
from coop_web.pages import pages
from coop_web.payloads import MAX_BODY_BYTES, BadRequest, payload_of
from coop_web.portal import NAV as PORTAL_NAV
from coop_web.portal import portal
from coop_web.routes import PREFIX, routes
from coop_web.rpc_pool import BrokerUnavailable, CallTimedOut, RpcPool
from coop_web.settings import WebSettings

log = logging.getLogger(__name__)
# the blueprints of pages for people: CSRF-checked forms, errors as pages (not JSON)
PAGE_BLUEPRINTS = frozenset({pages.name, console.name, portal.name})
access = logging.getLogger("coop.web.access")
RETRY_AFTER_UNAVAILABLE = "5"  # seconds: a broker restart takes about that long


def create_app(config=None, *, rpc: RpcPool | None = None, authenticators=None) -> Flask:
    """The WSGI application. `authenticators` are tried in order (by default the session
    cookie, then bearer keys)."""
    settings = WebSettings.load(config)
    app = Flask("coop_web")
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    if settings.trusted_proxies < 0:
        raise ValueError("COOP_HTTP_TRUSTED_PROXIES is a number of proxies: 0 or more.")
    if settings.trusted_proxies:
        # The client's address and scheme as the trusted proxies saw them (coop_web.settings).
        n = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n)
    _configure_sessions(app, settings)
    app.extensions["coop_rpc"] = rpc or RpcPool(
        settings.amqp_uri,
        size=settings.rpc_pool_size,
        timeout=settings.rpc_timeout_seconds,
        ssl=settings.amqp_ssl,
    )
    app.extensions["coop_authenticators"] = tuple(authenticators or (sessions.SessionCookie(), BearerKey()))
    # Registered before the limiter so that it runs after it (Flask runs these last-in first):
    # Flask-Limiter puts its window's Retry-After on every answer; it means something on a 429
    # (the limiter's) and a 503 (ours) only.
    app.after_request(_retry_after_where_it_means_something)
    app.after_request(_access_log)
    limiter = Limiter(
        _rate_key,
        app=app,
        default_limits=[settings.rate_limit],
        headers_enabled=True,  # X-RateLimit-* on every answer, Retry-After on a 429
        storage_uri="memory://",  # per process: docs/adr/023-http-api.md says why that is enough today
        strategy="fixed-window",
    )
    _register_errors(app)
    app.register_blueprint(pages)
    app.register_blueprint(console)
    app.register_blueprint(portal)
    app.context_processor(_menu)
    limiter.exempt(app.view_functions["static"])  # a page's own CSS and scripts count for nothing
    app.add_url_rule("/health", "health", limiter.exempt(_health))
    app.add_url_rule(f"{PREFIX}/openapi.json", "openapi", limiter.exempt(_openapi))
    app.add_url_rule(f"{PREFIX}/docs", "docs", limiter.exempt(_docs))
    # Beside the count per key, one per client address over all routes: unknown keys, each
    # its own bucket, would otherwise make every guess free (each still costs members a lookup).
    per_address = limiter.shared_limit(
        settings.address_rate_limit, scope="address", key_func=_address, override_defaults=False
    )
    for route in routes():
        view = per_address(_view(route))
        app.add_url_rule(route.flask_rule, route.operation_id, view, methods=[route.verb])
    return app


def _configure_sessions(app: Flask, settings: WebSettings) -> None:
    """Flask's signed cookie holds the CSRF token and the language chosen, nothing else; the
    members session token has its own cookie (coop_web.sessions). Both are HttpOnly, Secure
    unless `COOP_WEB_COOKIE_SECURE=false` (plain-http loopback only), SameSite=Lax, path /."""
    app.config.update(
        # unset: random per process, so a form's token holds for this process only (set it
        # when several web replicas share the traffic)
        SECRET_KEY=settings.secret_key or secrets.token_urlsafe(32),
        SESSION_COOKIE_NAME="coop_web",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SECURE=settings.cookie_secure,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_PATH="/",
        # checked by _csrf below: every form of the pages, and the API's unsafe methods only
        # when the cookie is the credential (a bearer key is not sent by a browser by itself)
        WTF_CSRF_CHECK_DEFAULT=False,
    )
    csrf = CSRFProtect(app)
    i18n.install(app)

    @app.before_request
    def _csrf():
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return
        if request.blueprint in PAGE_BLUEPRINTS:
            csrf.protect()
        elif request.path.startswith(PREFIX + "/"):
            credential = _credential()
            if credential is not None and credential.from_cookie:
                csrf.protect()  # the page's <meta name="csrf-token"> in an X-CSRFToken header

    @app.after_request
    def _forget_a_stale_cookie(response):
        already = any(c.startswith(sessions.COOKIE + "=") for c in response.headers.getlist("Set-Cookie"))
        if g.get("stale_session_cookie") and not already:
            sessions.clear_cookie(response)  # an ended session: the browser may forget it
        return response


def _menu():
    """The menu of the side a page belongs to (templates/ui_base.html)."""
    return {"nav": PORTAL_NAV if request.blueprint == portal.name else CONSOLE_NAV}


def _access_log(response):
    # the path without its query string (personal data may be searched for: docs/adr/017)
    access.info("%s %s %s", request.method, request.path, response.status_code)
    return response


def _retry_after_where_it_means_something(response):
    if response.status_code == 503:
        response.headers["Retry-After"] = RETRY_AFTER_UNAVAILABLE
    elif response.status_code == 429 and g.get("retry_after"):
        response.headers["Retry-After"] = g.retry_after  # the service's own wait (a locked login)
    elif response.status_code != 429:
        response.headers.pop("Retry-After", None)
    return response


def _credential():
    if "credential" not in g:
        g.credential = credential_of(current_app.extensions["coop_authenticators"], request)
    return g.credential


def _address() -> str:
    return f"address:{request.remote_addr}"


def _rate_key() -> str:
    credential = _credential()
    return credential.rate_key if credential else _address()


def _view(route):
    method = route.method

    def view(**path_values):
        credential = _credential()
        if method.spec.needs_caller and credential is None:
            status, body = http_errors.gateway(401, "Send your API key: Authorization: Bearer <secret>.")
            return answers.json_response(body, status, {"WWW-Authenticate": "Bearer"})
        payload = payload_of(route, request, path_values)
        result = current_app.extensions["coop_rpc"].call(
            method.service,
            method.name,
            credential.authorization if credential else None,
            payload,
            with_payload=method.spec.schema is not None,
        )
        return answers.answer(route, result, request)

    view.__name__ = route.operation_id.replace(".", "_")
    return view


def _health():
    """The gateway and every service behind it: 200 when all answer, 503 otherwise."""
    pool = current_app.extensions["coop_rpc"]
    services = {}
    for name in SERVICE_CLASSES:
        try:
            services[name] = pool.call(name, "health", None, with_payload=False).get("status", "unknown")
        except (BrokerUnavailable, CallTimedOut, RemoteError, CoopError):
            services[name] = "unavailable"
    ok = all(status == "ok" for status in services.values())
    body = {"status": "ok" if ok else "degraded", "services": services}
    return answers.json_response(body, 200 if ok else 503)


def _openapi():
    return answers.json_response(openapi.document())


def _docs():
    return docs_page.render(openapi.document(), f"{PREFIX}/openapi.json")


def _register_errors(app: Flask) -> None:
    @app.errorhandler(CoopError)
    def typed(error):
        status, body = http_errors.typed(error)
        wait = http_errors.retry_after(error)
        g.retry_after = str(wait) if wait is not None else None
        if request.blueprint in (console.name, portal.name) and g.get("person"):
            # a refusal a page did not handle itself: the status the API gives, as a page
            return render_template("ui_not_allowed.html", title=i18n.gettext(error.message), back="/"), status
        return answers.json_response(body, status)

    @app.errorhandler(CSRFError)
    def no_csrf_token(error):
        if request.blueprint in PAGE_BLUEPRINTS:
            expired = i18n.gettext("This form has expired; please try again.")
            return render_template("message.html", error=expired), 400
        status, body = http_errors.gateway(400, f"CSRF check failed: {error.description}")
        return answers.json_response(body, status)

    @app.errorhandler(BadRequest)
    def unreadable(error):
        status, body = http_errors.gateway(400, str(error))
        return answers.json_response(body, status)

    @app.errorhandler(RateLimitExceeded)
    def too_many(error):
        status, body = http_errors.gateway(429, f"Rate limit exceeded ({error.description}).")
        return answers.json_response(body, status)

    @app.errorhandler(BrokerUnavailable)
    def unavailable(error):
        status, body = http_errors.gateway(503, "The suite is unreachable; retry in a moment.")
        return answers.json_response(body, status, {"Retry-After": RETRY_AFTER_UNAVAILABLE})

    @app.errorhandler(CallTimedOut)
    def timed_out(error):
        message = "The service did not answer in time; retry with the same Idempotency-Key."
        status, body = http_errors.gateway(504, message)
        return answers.json_response(body, status)

    @app.errorhandler(HTTPException)
    def http(error):
        status, body = http_errors.gateway(error.code or 500, error.description or error.name)
        response = answers.json_response(body, status)
        if error.code == 405 and getattr(error, "valid_methods", None):
            response.headers["Allow"] = ", ".join(error.valid_methods)
        return response

    @app.errorhandler(Exception)
    def unexpected(error):
        # RemoteError (an untyped failure inside a service) and bugs here: logged, never shown.
        log.exception("HTTP %s %s failed", request.method, request.path)
        status, body = http_errors.gateway(500, "Something went wrong on our side; it has been logged.")
        return answers.json_response(body, status)

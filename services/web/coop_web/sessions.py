"""The session cookie of a person signed in (docs/adr/023-http-api.md, "Sessions").

The cookie carries the members session token (`sess_…`, docs/adr/024-accounts-for-people.md)
and nothing else: `HttpOnly` (no script reads it), `Secure` (only over HTTPS; off only for
plain-http loopback development and tests, `COOP_WEB_COOKIE_SECURE=false`), `SameSite=Lax`
(another site's form posts come without it; CSRF tokens guard the rest), path `/`. Each request
resolves it with members' `resolve_session`; only a `full` session is a credential, sent on as
`Bearer sess_…` exactly as a key, so the services authorize a person as they authorize a key.
"""

from __future__ import annotations

import hashlib

from flask import current_app, g

from coop_shared.errors import CoopError
from coop_web.authenticators import Credential

COOKIE = "coop_session"
FULL = "full"


def token_of(request) -> str | None:
    token = request.cookies.get(COOKIE, "")
    # members' tokens start with sess_ (docs/adr/024): anything else is not worth a call
    return token if token.startswith("sess_") else None


def state_of(request) -> dict | None:
    """The session's state as members gives it (stage, person, cooperative, roles), once per
    request; None without a cookie or for a session that has ended."""
    if "session_state" not in g:
        token, g.session_state = token_of(request), None
        if token:
            try:
                g.session_state = current_app.extensions["coop_rpc"].call(
                    "members", "resolve_session", None, {"session": token}
                )
            except CoopError:  # ended, expired or idled out: the cookie is stale
                g.stale_session_cookie = True
    return g.session_state


class SessionCookie:
    """The cookie's token as a credential when its session is `full`; a session still waiting
    for its second factor is no credential (the pages lead it to its next step)."""

    def credential(self, request) -> Credential | None:
        state = state_of(request)
        if not state or state.get("stage") != FULL:
            return None
        token = token_of(request)
        digest = hashlib.sha256(token.encode("utf-8")).hexdigest()[:32]
        return Credential(authorization=f"Bearer {token}", rate_key=f"session:{digest}", from_cookie=True)


def set_cookie(response, token: str) -> None:
    response.set_cookie(
        COOKIE,
        token,
        httponly=True,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        samesite="Lax",
        path="/",
        # no max_age: a browser session cookie; members ends the session after 12 h at most
    )


def clear_cookie(response) -> None:
    response.delete_cookie(
        COOKIE, path="/", httponly=True, secure=current_app.config["SESSION_COOKIE_SECURE"], samesite="Lax"
    )

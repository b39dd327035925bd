"""The session pages: sign in, second factor, TOTP enrolment, invitation, password reset,
sessions, change password, sign out (docs/adr/023-http-api.md, "Sessions";
docs/adr/024-accounts-for-people.md).

Each form posts to the page that shows it, with the CSRF token of Flask-WTF; each page makes
one or two RPC calls to members and renders the answer. Rules stay in members: a refusal comes
back as a typed error, shown on the page with the status the API would give it (a locked login
is 429 with `Retry-After`). A full session lands on the staff console or the entrepreneur's
portal (coop_web.console, coop_web.portal); `/signed-in` is the person's account page.
"""

from __future__ import annotations

import segno
from flask import Blueprint, current_app, g, redirect, render_template, request

from coop_shared.errors import CoopError, Forbidden, ValidationError
from coop_web import http_errors, sessions, ui
from coop_web.i18n import gettext as _
from coop_web.service_messages import translated

pages = Blueprint("pages", __name__, template_folder="templates")

# Where a session of each stage belongs (docs/adr/024: only `full` reaches anything else).
NEXT_STEP = {"second_factor": "/second-factor", "enrol_only": "/totp-enrolment", "full": "/"}


def _members(method: str, payload=None, *, as_person: bool = False):
    authorization = None
    if as_person:
        credential = sessions.SessionCookie().credential(request)
        authorization = credential.authorization if credential else None
    with_payload = payload is not None
    rpc = current_app.extensions["coop_rpc"]
    return rpc.call("members", method, authorization, payload, with_payload=with_payload)


def _page(template: str, status: int = 200, **values):
    return render_template(template, **values), status


def _refused(template: str, error: CoopError, **values):
    """The page again, with the service's message and the status the JSON API would answer."""
    status, _body = http_errors.typed(error)
    wait = http_errors.retry_after(error)
    if wait is not None:
        g.retry_after = str(wait)  # coop_web.service puts it in Retry-After
        message = _("Too many failed attempts; try again in %(seconds)s seconds.", seconds=wait)
    else:
        message = translated(error.message)
    if isinstance(error, ValidationError) and error.fields:
        problems = " ".join(ui.problems_of(error).values())
        message = f"{message} {problems}"
    if isinstance(error, Forbidden) and template == "sign_in.html":
        status = 401  # a wrong e-mail or password: not signed in (the same for both, docs/adr/024)
    return _page(template, status, error=message, **values)


def _to(path: str, token: str | None = None, *, clear: bool = False):
    response = redirect(path, 303)
    if token:
        sessions.set_cookie(response, token)
    if clear:
        sessions.clear_cookie(response)
    return response


def _state_or_redirect(*stages: str):
    """(state, None) for a session at one of `stages`; (None, redirect) otherwise."""
    state = sessions.state_of(request)
    if not state:
        return None, _to("/sign-in", clear=sessions.token_of(request) is not None)
    if state["stage"] not in stages:
        return None, _to(NEXT_STEP[state["stage"]])
    return state, None


@pages.get("/")
def home():
    """A full session starts on the console (staff) or the portal (an entrepreneur)."""
    state = sessions.state_of(request)
    if not state:
        return _to("/sign-in")
    return _to(ui.landing(state) if state["stage"] == sessions.FULL else NEXT_STEP[state["stage"]])


@pages.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    if request.method == "GET":
        return _page("sign_in.html")
    email = request.form.get("email", "")
    login = {
        "email": email,
        "password": request.form.get("password", ""),
        "client_address": request.remote_addr,
        "user_agent": request.user_agent.string[:1000] or None,
    }
    try:
        session = _members("authenticate", login)
    except CoopError as error:
        return _refused("sign_in.html", error, email=email)
    return _to(NEXT_STEP[session["stage"]], session["session"])


@pages.route("/second-factor", methods=["GET", "POST"])
def second_factor():
    state, elsewhere = _state_or_redirect("second_factor")
    if elsewhere:
        return elsewhere
    if request.method == "GET":
        return _page("second_factor.html")
    code, recovery = request.form.get("code", "").strip(), request.form.get("recovery_code", "").strip()
    payload = {"session": sessions.token_of(request)}
    payload.update({"recovery_code": recovery} if recovery else {"code": code})
    try:
        _members("verify_second_factor", payload)
    except CoopError as error:
        return _refused("second_factor.html", error)
    return _to("/")


@pages.route("/totp-enrolment", methods=["GET", "POST"])
def totp_enrolment():
    """An admin's first session must come here (docs/adr/024); anyone else may, once signed in.
    Showing the page draws a new secret (members keeps the last one until a code confirms it),
    so the QR code shown is always the one to scan."""
    state, elsewhere = _state_or_redirect("enrol_only", "full")
    if elsewhere:
        return elsewhere
    if state.get("totp_enabled"):
        return _to("/signed-in")
    token = sessions.token_of(request)
    if request.method == "GET":
        try:
            enrolment = _members("begin_totp_enrolment", {"session": token})
        except CoopError as error:
            return _refused("message.html", error)
        qr = segno.make(enrolment["provisioning_uri"], error="m")
        svg = qr.svg_inline(scale=4, title=_("QR code of your second factor"))
        return _page("totp_enrolment.html", uri=enrolment["provisioning_uri"], qr_svg=svg)
    try:
        confirmed = _members("confirm_totp", {"session": token, "code": request.form.get("code", "").strip()})
    except CoopError as error:
        return _refused("totp_enrolment.html", error, uri=None, qr_svg=None)
    return _page("recovery_codes.html", codes=confirmed["recovery_codes"])


@pages.get("/signed-in")
def signed_in():
    state, elsewhere = _state_or_redirect("full")
    return elsewhere or _page("signed_in.html", state=state)


@pages.post("/cooperative")
def select_cooperative():
    state, elsewhere = _state_or_redirect("full")
    if elsewhere:
        return elsewhere
    payload = {"session": sessions.token_of(request), "cooperative": request.form.get("cooperative", "")}
    try:
        _members("select_cooperative", payload)
    except CoopError as error:
        return _refused("signed_in.html", error, state=state)
    return _to("/")  # the new cooperative's side: its role may differ


@pages.route("/invitation", methods=["GET", "POST"])
def invitation():
    token = request.values.get("token", "")
    if request.method == "GET":
        return _page("set_password.html", token=token, title=_("Accept the invitation"))
    payload = {"token": token, "password": request.form.get("password") or None}
    try:
        accepted = _members("accept_invitation", payload)
    except CoopError as error:
        return _refused("set_password.html", error, token=token, title=_("Accept the invitation"))
    done = _("Welcome to %(cooperative)s. You may now sign in.", cooperative=accepted["cooperative"])
    return _page("message.html", message=done)


@pages.route("/password-reset", methods=["GET", "POST"])
def password_reset():
    token = request.values.get("token", "")
    title = _("Choose a new password")
    if not token:
        if request.method == "GET":
            return _page("reset_request.html")
        try:
            # the address too: reset e-mails are throttled per e-mail and per address (docs/adr/024)
            _members(
                "request_password_reset",
                {"email": request.form.get("email", ""), "client_address": request.remote_addr},
            )
        except CoopError as error:
            return _refused("reset_request.html", error)
        # the same answer whether or not the e-mail has an account (docs/adr/024)
        return _page("message.html", message=_("If this address has an account, a link is on its way."))
    if request.method == "GET":
        return _page("set_password.html", token=token, title=title)
    try:
        _members("reset_password", {"token": token, "password": request.form.get("password", "")})
    except CoopError as error:
        return _refused("set_password.html", error, token=token, title=title)
    return _to("/sign-in", clear=True)


@pages.get("/sessions")
def list_sessions():
    state, elsewhere = _state_or_redirect("full")
    if elsewhere:
        return elsewhere
    return _page("sessions.html", items=_members("list_sessions", as_person=True)["items"])


@pages.post("/sessions/<session_id>/revoke")
def revoke_session(session_id: str):
    state, elsewhere = _state_or_redirect("full")
    if elsewhere:
        return elsewhere
    try:
        _members("revoke_session", {"id": session_id}, as_person=True)
    except CoopError as error:
        items = _members("list_sessions", as_person=True)["items"]
        return _refused("sessions.html", error, items=items)
    return _to("/sessions")


@pages.route("/password", methods=["GET", "POST"])
def change_password():
    state, elsewhere = _state_or_redirect("full")
    if elsewhere:
        return elsewhere
    if request.method == "GET":
        return _page("change_password.html")
    payload = {
        "current_password": request.form.get("current_password", ""),
        "new_password": request.form.get("new_password", ""),
    }
    try:
        _members("change_password", payload, as_person=True)
    except CoopError as error:
        return _refused("change_password.html", error)
    # every session ended, this one too (docs/adr/024): sign in again with the new password
    return _to("/sign-in", clear=True)


@pages.post("/sign-out")
def sign_out():
    token = sessions.token_of(request)
    if token:
        _members("sign_out", {"session": token})
    return _to("/sign-in", clear=True)

"""People signing in to the web service over real HTTP on loopback, in front of members and
notifications on the real bus, databases and SMTP server (docs/adr/023-http-api.md, "Sessions";
docs/adr/024-accounts-for-people.md): the invitation page and its CSRF token, an expired
invitation refused, the session cookie and its attributes, sessions listed and all ended by a
password change, login throttling as 429, an admin held to a second factor, and another
cooperative's record answering 404 to a session."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pyotp
import pytest
import requests

from tests import support
from tests.fixtures_data import AMINA, BRUCOOP, DIES
from tests.integration.test_accounts_for_people import change, invitation_token
from tests.integration.test_notifications import Receivers, mail_settings

PASSWORD = "un long mot de passe pour Dies"
NEW_PASSWORD = "een nieuw lang wachtwoord"
ENGLISH = {"Accept-Language": "en"}


@pytest.fixture
def receivers(tmp_path):
    found = Receivers(
        support.free_port(), support.free_port(), tmp_path / "mail", tmp_path / "hooks", tmp_path
    )
    yield found
    if found.smtp is not None:
        support.stop_process(found.smtp, grace=5)


@pytest.fixture
def people(start_services, rpc_client, receivers, http_api):
    """members and notifications with e-mail; two servers of the pages: one with the default
    `Secure` cookies, one for plain http (the browser here would not send a Secure cookie back)."""
    receivers.start_smtp()
    start_services(
        "members", "notifications", settings=mail_settings(receivers, COOP_PUBLIC_URL="https://coop.example")
    )
    keys = support.admin_keys(rpc_client, DIES, BRUCOOP)
    return keys, http_api(), http_api(COOP_WEB_COOKIE_SECURE="false")


class Browser:
    """requests.Session keeping cookies, reading the CSRF token of each page it shows."""

    def __init__(self, base: str):
        self.base, self.http, self.csrf = base, requests.Session(), None
        self.http.headers.update(ENGLISH)

    def get(self, path: str, **kwargs) -> requests.Response:
        page = self.http.get(self.base + path, allow_redirects=False, timeout=60, **kwargs)
        found = re.search(r'name="csrf-token" content="([^"]+)"', page.text)
        self.csrf = found.group(1) if found else self.csrf
        return page

    def submit(self, path: str, form: dict, *, csrf: bool = True) -> requests.Response:
        data = dict(form, csrf_token=self.csrf) if csrf else form
        return self.http.post(self.base + path, data=data, allow_redirects=False, timeout=60)

    def sign_in(self, email: str, password: str) -> requests.Response:
        self.get("/sign-in")
        return self.submit("/sign-in", {"email": email, "password": password})

    def api(self, verb: str, path: str, **kwargs) -> requests.Response:
        return self.http.request(verb, self.base + "/api/v1" + path, timeout=60, **kwargs)


def _invite(secret: str, rpc_client, receivers, cooperative: str, email: str, role: str) -> str:
    rpc_client(secret).members.invite_person(
        {"cooperative": cooperative, "email": email, "role": role, "language": "en"}
    )
    return invitation_token(receivers, email)[1]


def test_an_invitation_the_session_cookie_and_a_password_change_over_http(
    people, rpc_client, receivers, suite_settings
):
    keys, secure_base, base = people
    token = _invite(keys["dies"], rpc_client, receivers, "dies", "lotte@dies.example", "staff")

    # The invitation page: its form is refused without the CSRF token, then sets the password.
    lotte = Browser(base)
    page = lotte.get(f"/invitation?token={token}")
    assert page.status_code == 200 and '<label for="password">' in page.text
    without = lotte.submit(f"/invitation?token={token}", {"token": token, "password": PASSWORD}, csrf=False)
    assert without.status_code == 400
    accepted = lotte.submit(f"/invitation?token={token}", {"token": token, "password": PASSWORD})
    assert accepted.status_code == 200 and "Welcome to dies. You may now sign in." in accepted.text

    # An invitation past its 72 hours is refused, and changes nothing.
    late = _invite(keys["dies"], rpc_client, receivers, "dies", "late@dies.example", "auditor")
    change(
        suite_settings["MEMBERS_DATABASE_URL"],
        "UPDATE account_links SET expires_at = expires_at - interval '73 hours' WHERE role = 'auditor'",
    )
    lotte.get(f"/invitation?token={late}")
    expired = lotte.submit(f"/invitation?token={late}", {"token": late, "password": PASSWORD})
    assert expired.status_code == 422 and "This link has expired; ask for a new one." in expired.text
    assert Browser(base).sign_in("late@dies.example", PASSWORD).status_code == 401

    # With the default settings the cookie is Secure, HttpOnly, SameSite=Lax, path /.
    secure = Browser(secure_base)
    secure.get("/sign-in")
    for cookie in list(secure.http.cookies):  # sent back by hand: this is plain http
        secure.http.cookies.set(cookie.name, cookie.value)
    signed = secure.submit("/sign-in", {"email": "lotte@dies.example", "password": PASSWORD})
    assert signed.status_code == 303 and signed.headers["Location"] == "/"
    cookie = next(c for c in signed.raw.headers.getlist("Set-Cookie") if c.startswith("coop_session="))
    assert re.match(r"coop_session=sess_[A-Za-z0-9_-]{40,};", cookie)
    assert {"HttpOnly", "Secure", "SameSite=Lax", "Path=/"} <= {part.strip() for part in cookie.split(";")}

    # Signed in through the form; the cookie is the credential of the JSON API too.
    assert lotte.sign_in("lotte@dies.example", PASSWORD).headers["Location"] == "/"
    landing = lotte.get("/signed-in")
    assert "Signed in as lotte@dies.example (dies, staff)." in landing.text
    assert lotte.api("GET", "/whoami").json()["role"] == "staff"
    refused = lotte.api("POST", "/members", json=AMINA)  # a browser's request without the header
    assert refused.status_code == 400 and "CSRF" in refused.json()["error"]["message"]
    created = lotte.api("POST", "/members", json=AMINA, headers={"X-CSRFToken": lotte.csrf})
    assert created.status_code == 200 and created.json()["last_name"] == "Diallo"

    # A second browser; the three sessions listed (the Secure server's too); one revoked by its
    # form; a password change ends the two left.
    other = Browser(base)
    assert other.sign_in("lotte@dies.example", PASSWORD).status_code == 303
    listed = lotte.get("/sessions")
    assert listed.text.count('<tr class="session"') == 3 and listed.text.count("This session") == 1
    others = re.findall(r'action="/sessions/([0-9a-f-]+)/revoke"', listed.text)
    assert len(others) == 2
    assert lotte.submit(f"/sessions/{others[0]}/revoke", {}).headers["Location"] == "/sessions"
    assert lotte.get("/sessions").text.count('<tr class="session"') == 2
    lotte.get("/password")
    changed = lotte.submit("/password", {"current_password": PASSWORD, "new_password": NEW_PASSWORD})
    assert changed.status_code == 303 and changed.headers["Location"] == "/sign-in"
    assert other.api("GET", "/whoami").status_code == 401
    assert other.get("/signed-in").headers["Location"] == "/sign-in"
    assert Browser(base).sign_in("lotte@dies.example", NEW_PASSWORD).status_code == 303


def test_throttling_an_admin_held_to_a_second_factor_and_another_cooperatives_record(
    people, rpc_client, receivers, suite_settings
):
    keys, _secure_base, base = people
    token = _invite(keys["brucoop"], rpc_client, receivers, "brucoop", "boss@brucoop.example", "admin")
    rpc_client().members.accept_invitation({"token": token, "password": PASSWORD})

    # Five wrong passwords: 401 each; then 429 with Retry-After, even for the right one.
    boss = Browser(base)
    for _ in range(5):
        wrong = boss.sign_in("boss@brucoop.example", "not the password at all")
        assert wrong.status_code == 401 and "Wrong e-mail or password." in wrong.text
    locked = boss.sign_in("boss@brucoop.example", PASSWORD)
    assert locked.status_code == 429 and 25 <= int(locked.headers["Retry-After"]) <= 30
    assert "Too many failed attempts" in locked.text and "coop_session" not in locked.cookies
    change(suite_settings["MEMBERS_DATABASE_URL"], "UPDATE login_counters SET locked_until = now()")

    # An admin without a second factor reaches nothing but its enrolment.
    assert boss.sign_in("boss@brucoop.example", PASSWORD).headers["Location"] == "/totp-enrolment"
    assert boss.get("/signed-in").headers["Location"] == "/totp-enrolment"
    assert boss.api("GET", "/whoami").status_code == 401
    enrolment = boss.get("/totp-enrolment")
    uri = re.search(r'<code id="provisioning-uri">([^<]+)</code>', enrolment.text).group(1)
    assert "<svg" in enrolment.text and uri.startswith("otpauth://totp/")
    secret = parse_qs(urlparse(uri.replace("&amp;", "&")).query)["secret"][0]
    confirmed = boss.submit("/totp-enrolment", {"code": pyotp.TOTP(secret).now()})
    codes = re.findall(r'<code class="recovery-code">([^<]+)</code>', confirmed.text)
    assert confirmed.status_code == 200 and len(set(codes)) == 10
    assert boss.api("GET", "/whoami").json()["role"] == "admin"

    # Signed out; the next sign-in waits for a code (a recovery code here, each works once).
    assert boss.submit("/sign-out", {}).headers["Location"] == "/sign-in"
    assert boss.api("GET", "/whoami").status_code == 401
    assert boss.sign_in("boss@brucoop.example", PASSWORD).headers["Location"] == "/second-factor"
    boss.get("/second-factor")
    assert boss.submit("/second-factor", {"recovery_code": codes[0]}).headers["Location"] == "/"
    assert "Signed in as boss@brucoop.example (brucoop, admin)." in boss.get("/signed-in").text

    # A Dies record asked for with BRUCOOP's session: 404, as an id that does not exist.
    dies = requests.post(
        f"{base}/api/v1/members", json=AMINA, headers={"Authorization": f"Bearer {keys['dies']}"}, timeout=60
    )
    assert dies.status_code == 200
    assert boss.api("GET", f"/members/{dies.json()['id']}").status_code == 404
    assert boss.api("GET", "/members").json()["total"] == 0

"""The session pages with a stand-in for members (docs/adr/023-http-api.md, "Sessions"): every
page renders in the three languages with its CSRF token, each catalogue translates every text,
and the cookie becomes the credential only for a full session. No broker: these run in a second.
The same pages over the real suite: tests/web/test_sessions_over_http.py."""

import glob

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from coop_web import routes
from coop_web.service import create_app

from coop_shared.errors import Forbidden, ValidationError
from tests.unit.page_text import csrf_of

WEB = routes.__file__.rsplit("/", 1)[0]
TOKEN = "sess_" + "a" * 43
FULL = {
    "stage": "full",
    "email": "lotte@dies.example",
    "cooperative": "dies",
    "role": "staff",
    "totp_enabled": False,
    "cooperatives": [{"cooperative": "dies", "role": "staff"}, {"cooperative": "brucoop", "role": "auditor"}],
}


class Members:
    """Answers by method name; records each call with the credential it carried."""

    def __init__(self, **answers):
        self.answers, self.calls = answers, []

    def call(self, service, method, authorization, payload=None, *, with_payload=True):
        self.calls.append((method, authorization, payload))
        answer = self.answers[method]
        if isinstance(answer, Exception):
            raise answer
        return answer

    def close(self):
        pass


def _client(members, **config):
    app = create_app({"COOP_WEB_COOKIE_SECURE": "false", **config}, rpc=members)
    return app.test_client()


_csrf = csrf_of


def test_every_text_of_the_pages_is_in_the_french_and_dutch_catalogues():
    """Every page's texts (templates, `_()` in the views, `N_()` in the menus) in the merged
    catalogues of the language: `messages.po` and every other `.po` beside it (coop_web.i18n)."""
    method_map = [("templates/**.html", "jinja2.ext:babel_extract"), ("**.py", "python")]
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
    extracted = extract_from_dir(WEB, method_map, keywords=keywords)
    texts = {m if isinstance(m, str) else m[0] for _f, _l, m, _c, _x in extracted}
    assert "Sign in" in texts and "Signed in as %(email)s (%(cooperative)s, %(role)s)." in texts
    assert {"Skip to the content", "Payroll", "What can I pay myself?"} <= texts
    for language in ("fr", "nl"):
        translated = {}
        for po_path in sorted(glob.glob(f"{WEB}/translations/{language}/LC_MESSAGES/*.po")):
            with open(po_path, "rb") as po:
                for message in read_po(po, locale=language):
                    if message.id and message.string:
                        translated[message.id if isinstance(message.id, str) else message.id[0]] = message
        untranslated = sorted(t for t in texts if t not in translated)
        assert untranslated == [], language


def test_the_menus_and_amounts_speak_the_chosen_language():
    app = create_app({"COOP_WEB_COOKIE_SECURE": "false"}, rpc=Members())
    expected = {
        "fr": ("Paie", "1\u202f234,50\xa0€"),
        "nl": ("Loon", "€\xa01.234,50"),
        "en": ("Payroll", "1.234,50\xa0€"),
    }
    for language, (payroll, amount) in expected.items():
        with app.test_request_context(f"/sign-in?lang={language}"):
            from coop_web import i18n

            assert (i18n.gettext("Payroll"), i18n.money("1234.5")) == (payroll, amount)
            assert i18n.money(None) == "–"
        with app.test_request_context("/sign-in?lang=fr"):
            # a moment the services keep in UTC is shown at Brussels' hour (summer: UTC+2)
            assert i18n.day("2026-07-01T10:00:00+00:00") == "1 juil. 2026 12:00"
            assert (i18n.day("2026-12-01"), i18n.month("2026-11")) == ("1 déc. 2026", "novembre 2026")


@pytest.mark.parametrize(
    "language, heading", [("fr", "Se connecter"), ("nl", "Aanmelden"), ("en", "Sign in")]
)
def test_the_sign_in_page_speaks_the_browser_language_with_labels_and_a_csrf_token(language, heading):
    page = _client(Members()).get("/sign-in", headers={"Accept-Language": f"{language},en;q=0.5"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f'<html lang="{language}">' in html and f"<h1>{heading}</h1>" in html
    assert '<label for="email">' in html and '<label for="password">' in html and "<main" in html
    assert len(_csrf(html)) > 20


def test_a_form_without_its_csrf_token_is_refused_before_any_call():
    members = Members()
    refused = _client(members).post("/sign-in", data={"email": "a@b.example", "password": "x" * 12})
    assert refused.status_code == 400 and members.calls == []


def test_signing_in_sets_the_session_cookie_and_leads_to_the_stage_page():
    members = Members(authenticate={"stage": "enrol_only", "session": TOKEN})
    client = _client(members, COOP_WEB_COOKIE_SECURE="true")
    token = _csrf(client.get("/sign-in").get_data(as_text=True))
    signed = client.post(
        "/sign-in", data={"email": "boss@brucoop.example", "password": "p" * 14, "csrf_token": token}
    )
    assert signed.status_code == 303 and signed.headers["Location"] == "/totp-enrolment"
    cookie = next(c for c in signed.headers.getlist("Set-Cookie") if c.startswith("coop_session="))
    assert cookie.startswith(f"coop_session={TOKEN};")
    assert {"HttpOnly", "Secure", "SameSite=Lax", "Path=/"} <= {p.strip() for p in cookie.split(";")}
    method, authorization, payload = members.calls[0]
    assert (method, authorization, payload["client_address"]) == ("authenticate", None, "127.0.0.1")


@pytest.mark.parametrize(
    "trusted, forwarded, seen",
    [
        ("0", "203.0.113.9", "127.0.0.1"),  # no proxy trusted: a client's header is ignored
        ("1", "203.0.113.9", "203.0.113.9"),  # behind an ingress: the address it received from
        ("1", "198.51.100.7, 203.0.113.9", "203.0.113.9"),  # what the client wrote itself is not
        ("2", "198.51.100.7, 203.0.113.9", "198.51.100.7"),  # two proxies: the first one's
    ],
)
def test_behind_trusted_proxies_the_throttles_see_the_clients_address(trusted, forwarded, seen):
    """Sign-in attempts and reset e-mails are throttled per client address (docs/adr/024): behind
    an ingress every request would come from the ingress's address without
    COOP_HTTP_TRUSTED_PROXIES, and with it a client still cannot choose its address."""
    members = Members(authenticate={"stage": "enrol_only", "session": TOKEN})
    client = _client(members, COOP_HTTP_TRUSTED_PROXIES=trusted)
    token = _csrf(client.get("/sign-in").get_data(as_text=True))
    client.post(
        "/sign-in",
        data={"email": "boss@brucoop.example", "password": "p" * 14, "csrf_token": token},
        headers={"X-Forwarded-For": forwarded},
    )
    assert members.calls[0][2]["client_address"] == seen


def test_a_negative_number_of_trusted_proxies_is_refused_at_start():
    with pytest.raises(ValueError, match="COOP_HTTP_TRUSTED_PROXIES"):
        _client(Members(), COOP_HTTP_TRUSTED_PROXIES="-1")


def test_only_a_full_session_is_a_credential_and_its_unsafe_api_calls_need_the_csrf_header():
    members = Members(resolve_session=dict(FULL, stage="second_factor"), whoami={"role": "staff"})
    client = _client(members)
    client.set_cookie("coop_session", TOKEN)
    assert client.get("/api/v1/whoami").status_code == 401  # the code is still to give
    assert client.get("/signed-in").headers["Location"] == "/second-factor"

    members.answers["resolve_session"] = FULL
    assert client.get("/api/v1/whoami").status_code == 200
    assert members.calls[-1] == ("whoami", f"Bearer {TOKEN}", None)
    refused = client.post("/api/v1/members", json={})  # no X-CSRFToken header
    assert refused.status_code == 400 and "CSRF" in refused.json["error"]["message"]
    assert members.calls[-1][0] == "resolve_session"  # nothing was called
    html = client.get("/signed-in", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Signed in as lotte@dies.example (dies, staff)." in html
    assert '<option value="brucoop"' in html  # the person may act for BRUCOOP too


def test_an_ended_session_sends_the_browser_back_to_sign_in_and_forgets_the_cookie():
    client = _client(Members(resolve_session=Forbidden("Unknown or ended session.")))
    client.set_cookie("coop_session", TOKEN)
    page = client.get("/sessions")
    assert page.status_code == 303 and page.headers["Location"] == "/sign-in"
    assert any(c.startswith("coop_session=;") for c in page.headers.getlist("Set-Cookie"))


def test_a_reset_is_asked_with_the_same_answer_for_any_address_and_its_refusals_shown():
    members = Members(request_password_reset={"requested": True})
    client = _client(members)
    # Dutch chosen once with ?lang=, kept for the next requests (no Accept-Language: French else)
    token = _csrf(client.get("/password-reset?lang=nl").get_data(as_text=True))
    asked = client.post("/password-reset", data={"email": "nobody@dies.example", "csrf_token": token})
    assert asked.status_code == 200
    assert "Als dit adres een account heeft, is er een link onderweg." in asked.get_data(as_text=True)
    reset = {"email": "nobody@dies.example", "client_address": "127.0.0.1"}  # throttled per address too
    assert members.calls[-1] == ("request_password_reset", None, reset)

    members.answers["reset_password"] = ValidationError(fields={"password": ["At least 12 characters."]})
    link = "/password-reset?token=rst_" + "b" * 43
    weak = client.post(link, data={"password": "court", "csrf_token": token})
    html = weak.get_data(as_text=True)
    assert weak.status_code == 422 and "Ongeldige gegevens. Minstens 12 tekens." in html
    assert members.calls[-1][2] == {"token": "rst_" + "b" * 43, "password": "court"}


def test_the_pager_of_a_console_list_keeps_its_filters_and_leaves_empty_ones_out():
    app = create_app({"COOP_WEB_COOKIE_SECURE": "false"}, rpc=Members())
    with app.test_request_context("/console/members?lang=en"):
        pager = app.jinja_env.get_template("_pager.html").module.pager
        html = str(pager({"items": [], "total": 93}, 20, 20, {"status": "failed", "q": ""}))
    assert "21 to 40 of 93" in html
    assert 'href="?status=failed&amp;offset=0" rel="prev"' in html
    assert 'href="?status=failed&amp;offset=40" rel="next"' in html
    assert "q=" not in html
    with app.test_request_context("/console/members?lang=en"):
        assert str(pager({"items": [], "total": 20}, 0, 20, {})).strip() == ""  # one page: no pager

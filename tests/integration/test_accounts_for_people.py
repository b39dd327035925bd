"""Accounts for people over the real bus, databases and SMTP server (aiosmtpd on loopback):
the invitation e-mailed in the person's language and its link used once, an expired one
refused, a session accepted by another service as a credential, sessions ended by a password
change, logins throttled, and an admin held to a second factor
(docs/adr/024-accounts-for-people.md)."""

from __future__ import annotations

import re

import pyotp
import pytest
import sqlalchemy as sa

from coop_shared.errors import BusinessRuleViolation, Forbidden
from tests import support
from tests.fixtures_data import BRUCOOP, DIES
from tests.integration.test_notifications import Receivers, mail_settings

PASSWORD = "un long mot de passe pour Dies"
LINK = re.compile(r"https://coop\.example/invitation\?token=(inv_[A-Za-z0-9_-]+)")


@pytest.fixture
def receivers(tmp_path):
    found = Receivers(
        support.free_port(), support.free_port(), tmp_path / "mail", tmp_path / "hooks", tmp_path
    )
    yield found
    if found.smtp is not None:
        support.stop_process(found.smtp, grace=5)


def change(url: str, statement: str) -> None:
    """An UPDATE committed (the clock moved on, for the rows concerned)."""
    engine = sa.create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(sa.text(statement))
    finally:
        engine.dispose()


def plain(mail) -> str:
    return mail.get_body(preferencelist=("plain",)).get_content()


@pytest.fixture
def suite(start_services, rpc_client, receivers):
    receivers.start_smtp()
    start_services(
        "members",
        "billing",
        "notifications",
        settings=mail_settings(receivers, COOP_PUBLIC_URL="https://coop.example"),
    )
    keys = support.admin_keys(rpc_client, DIES, BRUCOOP)
    return keys


def invitation_token(receivers, to: str) -> tuple[object, str]:
    mail = support.wait_for(lambda: receivers.mails(to=to), message=f"the invitation to {to}")[0]
    return mail, LINK.search(plain(mail)).group(1)


def test_an_invitation_in_dutch_is_used_once_and_the_session_it_opens_ends_with_a_password_change(
    suite, rpc_client, receivers, suite_settings
):
    admin = rpc_client(suite["dies"]).members
    public = rpc_client().members
    invited = admin.invite_person(
        {"cooperative": "dies", "email": "Lotte@Dies.example", "role": "staff", "language": "nl"}
    )
    mail, token = invitation_token(receivers, "lotte@dies.example")
    assert mail["Subject"] == "Uitnodiging van Dies"
    assert "72 uur geldig, één keer te gebruiken" in plain(mail)
    # The token never rests in clear: neither in members' outbox nor in notifications' log.
    for url in (suite_settings["MEMBERS_DATABASE_URL"], suite_settings["NOTIFICATIONS_DATABASE_URL"]):
        assert (
            support.count(url, "SELECT count(*) FROM outbox WHERE CAST(body AS TEXT) LIKE :t", t=f"%{token}%")
            == 0
        )
    assert (
        support.count(
            suite_settings["NOTIFICATIONS_DATABASE_URL"],
            "SELECT count(*) FROM deliveries WHERE CAST(event AS TEXT) LIKE :t",
            t=f"%{token}%",
        )
        == 0
    )

    with pytest.raises(Exception) as weak:
        public.accept_invitation({"token": token, "password": "lotte@dies.example"})
    assert "Not your e-mail address." in str(weak.value)
    accepted = public.accept_invitation({"token": token, "password": PASSWORD})
    assert accepted == {
        "person_id": invited["person_id"],
        "email": "lotte@dies.example",
        "cooperative": "dies",
        "role": "staff",
    }
    with pytest.raises(BusinessRuleViolation, match="already been used"):
        public.accept_invitation({"token": token, "password": PASSWORD})

    # An invitation past its 72 hours is refused.
    admin.invite_person(
        {"cooperative": "dies", "email": "late@dies.example", "role": "auditor", "language": "fr"}
    )
    late_mail, late_token = invitation_token(receivers, "late@dies.example")
    assert late_mail["Subject"] == "Invitation à Dies"
    change(
        suite_settings["MEMBERS_DATABASE_URL"],
        "UPDATE account_links SET expires_at = expires_at - interval '73 hours' WHERE role = 'auditor'",
    )
    with pytest.raises(BusinessRuleViolation, match="expired"):
        public.accept_invitation({"token": late_token, "password": PASSWORD})

    # The session is a credential for every service, billing included.
    session = public.authenticate(
        {
            "email": "LOTTE@dies.example",
            "password": PASSWORD,
            "client_address": "127.0.0.1",
            "user_agent": "pytest",
        }
    )
    assert session["stage"] == "full" and session["role"] == "staff"
    as_lotte = rpc_client(session["session"])
    seen = as_lotte.billing.whoami()
    assert (seen["role"], seen["cooperative"], seen["person_id"]) == ("staff", "dies", invited["person_id"])
    assert as_lotte.members.list_sessions()["items"][0]["user_agent"] == "pytest"

    assert as_lotte.members.change_password(
        {"current_password": PASSWORD, "new_password": "een nieuw lang wachtwoord"}
    ) == {"sessions_ended": 1}
    with pytest.raises(Forbidden):
        rpc_client(session["session"]).members.whoami()
    # billing cached the identity; the broadcast makes it forget at once (not after 30 s)
    support.wait_for(
        lambda: _refused(lambda: rpc_client(session["session"]).billing.whoami()),
        timeout=5,
        message="billing refusing the ended session",
    )


def _refused(call) -> bool:
    try:
        call()
    except Forbidden:
        return True
    return False


def test_logins_are_throttled_and_an_admin_must_set_up_a_second_factor(
    suite, rpc_client, receivers, suite_settings
):
    admin = rpc_client(suite["brucoop"]).members
    public = rpc_client().members
    admin.invite_person(
        {"cooperative": "brucoop", "email": "boss@brucoop.example", "role": "admin", "language": "en"}
    )
    mail, token = invitation_token(receivers, "boss@brucoop.example")
    assert mail["Subject"] == "Invitation from BRUCOOP SC"
    assert "valid for 72 hours, once" in plain(mail)
    public.accept_invitation({"token": token, "password": PASSWORD})

    # Five wrong passwords, the same answer as an unknown e-mail; then a wait, even for the right one.
    login = {"email": "boss@brucoop.example", "password": "not the password", "client_address": "127.0.0.1"}
    with pytest.raises(Forbidden) as unknown:
        public.authenticate(dict(login, email="nobody@brucoop.example"))
    for _ in range(5):
        with pytest.raises(Forbidden) as wrong:
            public.authenticate(login)
    assert wrong.value.args == unknown.value.args == ("Wrong e-mail or password.", {})
    with pytest.raises(BusinessRuleViolation) as throttled:
        public.authenticate(dict(login, password=PASSWORD))
    assert 25 <= int(throttled.value.details["retry_after_seconds"]) <= 30  # details cross as text
    # (the 30 seconds pass)
    change(suite_settings["MEMBERS_DATABASE_URL"], "UPDATE login_counters SET locked_until = now()")

    # The admin's first session can only enrol a second factor.
    session = public.authenticate(dict(login, password=PASSWORD))
    assert session["stage"] == "enrol_only"
    with pytest.raises(Forbidden):
        rpc_client(session["session"]).billing.whoami()
    enrolment = public.begin_totp_enrolment({"session": session["session"]})
    totp = pyotp.TOTP(enrolment["secret"])
    confirmed = public.confirm_totp({"session": session["session"], "code": totp.now()})
    assert confirmed["stage"] == "full" and len(set(confirmed["recovery_codes"])) == 10
    assert rpc_client(session["session"]).billing.whoami()["role"] == "admin"
    stored = support.sql(suite_settings["MEMBERS_DATABASE_URL"], "SELECT totp_secret FROM people")
    assert enrolment["secret"] not in str(stored)  # sealed at rest

    # The next login waits for a code; a recovery code works once.
    again = public.authenticate(dict(login, password=PASSWORD))
    assert again["stage"] == "second_factor"
    code = confirmed["recovery_codes"][0]
    assert (
        public.verify_second_factor({"session": again["session"], "recovery_code": code})["stage"] == "full"
    )
    third = public.authenticate(dict(login, password=PASSWORD))
    with pytest.raises(Forbidden):
        public.verify_second_factor({"session": third["session"], "recovery_code": code})

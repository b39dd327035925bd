"""Accounts for people (docs/adr/024-accounts-for-people.md): the rules one by one (passwords,
throttle, link expiry, the TOTP window, recovery codes), then the use cases on the fake unit of
work: invitation, login, the second factor, sessions and password changes."""

from datetime import UTC, datetime, timedelta

import marshmallow
import pyotp
import pytest
from argon2 import PasswordHasher

from coop_members.domain import account_links, login_throttle, passwords, people, second_factor
from coop_members.domain.account_links import LinkKind
from coop_members.handlers import accounts, api_keys, cooperatives, members
from coop_members.orm import Base
from coop_members.repository import MembersRepository
from coop_members.schemas import (
    AuthenticateSchema,
    CreateCooperativeSchema,
    InvitePersonSchema,
    PasswordResetRequestSchema,
    RegisterMemberSchema,
)
from coop_shared import link_sealing
from coop_shared.credentials import ADMIN, MEMBER, PLATFORM, SERVICE, STAFF, Identity
from coop_shared.errors import BusinessRuleViolation, Conflict, Forbidden, NotFound, ValidationError
from tests.fixtures_data import AMINA, BRUCOOP, DIES
from tests.unit.fake_uow import FakeUnitOfWork

NOW = datetime(2026, 12, 1, 9, 0, 0, tzinfo=UTC)
PLATFORM_IDENTITY = Identity(role=PLATFORM)
LINKS = accounts.LinkSender("https://coop.example", link_sealing.ring("unit-test-service-key"))
GOOD_PASSWORD = "correct horse battery staple"


# Passwords (NIST SP 800-63B §5.1.1.2)


def test_a_password_needs_twelve_characters_and_nothing_else_of_its_composition():
    assert passwords.problems("short-pass1", "sarah@dies.example") == ["At least 12 characters."]
    assert passwords.problems("only lowercase words", "sarah@dies.example") == []  # no composition rule
    assert passwords.problems("x" * 129, "s@dies.example") != []


def test_a_password_may_be_neither_the_email_nor_a_common_one():
    assert passwords.problems("sarah.janssens@dies.example", "Sarah.Janssens@dies.example") == [
        "Not your e-mail address."
    ]
    assert passwords.problems("sarahjanssens", "sarahjanssens@dies.example") == ["Not your e-mail address."]
    assert passwords.problems("Password1234", "s@dies.example") == [
        "This password is among the most common ones; choose another."
    ]
    assert passwords.problems("abababababab", "s@dies.example") != []  # two characters repeated


def test_passwords_are_hashed_with_argon2id_and_rehashed_when_the_parameters_change():
    stored = passwords.hash_password(GOOD_PASSWORD)
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert passwords.verify(stored, GOOD_PASSWORD)
    assert not passwords.verify(stored, GOOD_PASSWORD + "!")
    assert not passwords.verify(None, GOOD_PASSWORD)  # no account: still False, after one verification
    assert not passwords.needs_rehash(stored)
    older = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(GOOD_PASSWORD)
    assert passwords.verify(older, GOOD_PASSWORD) and passwords.needs_rehash(older)


# Throttle


def test_five_failures_lock_the_account_for_a_delay_that_doubles_up_to_fifteen_minutes():
    counter, moment = login_throttle.Counter(), NOW
    for _ in range(4):
        counter = login_throttle.after_failure(counter, login_throttle.ACCOUNT, moment)
        assert login_throttle.retry_after(counter, moment) == 0
    delays = []
    for _ in range(7):
        counter = login_throttle.after_failure(counter, login_throttle.ACCOUNT, moment)
        delays.append(login_throttle.retry_after(counter, moment))
        moment = counter.locked_until  # the next attempt once the lock is over
    assert delays == [30, 60, 120, 240, 480, 900, 900]


def test_a_lock_counts_down_and_a_quiet_day_forgets_the_failures():
    counter = login_throttle.Counter(5, NOW, NOW + timedelta(seconds=30))
    assert login_throttle.retry_after(counter, NOW + timedelta(seconds=12.5)) == 18
    assert login_throttle.retry_after(counter, NOW + timedelta(seconds=30)) == 0
    assert login_throttle.current(counter, login_throttle.ACCOUNT, NOW + timedelta(hours=23)).failures == 5
    assert login_throttle.current(counter, login_throttle.ACCOUNT, NOW + timedelta(hours=24)).failures == 0


def test_an_address_gets_twenty_failures_before_its_first_delay():
    assert login_throttle.delay_after(19, login_throttle.ADDRESS) == 0
    assert login_throttle.delay_after(20, login_throttle.ADDRESS) == 30


# Links


def test_three_reset_requests_an_hour_per_email_then_none_until_the_window_ends():
    window, quota = login_throttle.Window(), login_throttle.RESET_PER_ACCOUNT
    for minutes in (0, 10, 20):
        assert login_throttle.has_room(window, quota, NOW + timedelta(minutes=minutes))
        window = login_throttle.after_request(window, quota, NOW + timedelta(minutes=minutes))
    assert window == login_throttle.Window(3, NOW + timedelta(hours=1))  # the hour counts from the first
    assert not login_throttle.has_room(window, quota, NOW + timedelta(minutes=59))
    assert login_throttle.has_room(window, quota, NOW + timedelta(hours=1))
    assert login_throttle.after_request(window, quota, NOW + timedelta(hours=1)) == login_throttle.Window(
        1, NOW + timedelta(hours=2)
    )
    assert (login_throttle.RESET_PER_ADDRESS.per_window, login_throttle.RESET_PER_ADDRESS.window) == (
        20,
        timedelta(hours=1),
    )


def test_an_invitation_lasts_72_hours_and_a_reset_link_one_hour():
    invited = account_links.expiry(LinkKind.INVITATION, NOW)
    assert invited == datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
    assert account_links.refusal(None, invited, invited - timedelta(seconds=1)) is None
    assert account_links.refusal(None, invited, invited) == "This link has expired; ask for a new one."
    assert account_links.expiry(LinkKind.PASSWORD_RESET, NOW) == NOW + timedelta(hours=1)
    assert account_links.refusal(NOW, invited, NOW) == "This link has already been used."


def test_a_link_carries_a_long_random_token_and_only_its_hash_is_kept():
    token = account_links.new_token(LinkKind.INVITATION)
    assert token.startswith("inv_") and len(token) == 4 + 43
    assert account_links.token_hash(token) != token and len(account_links.token_hash(token)) == 64
    assert account_links.link_url("https://coop.example/", LinkKind.PASSWORD_RESET, "rst_x") == (
        "https://coop.example/password-reset?token=rst_x"
    )


# TOTP (RFC 6238) and recovery codes


def test_a_code_of_the_step_before_or_after_is_accepted_not_two_steps_away():
    secret = second_factor.new_secret()
    totp = pyotp.TOTP(secret)
    step = second_factor.step_of(NOW)
    for offset in (-1, 0, 1):
        code = totp.at(NOW + timedelta(seconds=30 * offset))
        assert second_factor.accepted_step(secret, code, NOW, None) == step + offset
    for offset in (-2, 2):
        assert (
            second_factor.accepted_step(secret, totp.at(NOW + timedelta(seconds=30 * offset)), NOW, None)
            is None
        )
    assert second_factor.accepted_step(secret, "12345", NOW, None) is None
    assert second_factor.accepted_step(secret, "abcdef", NOW, None) is None


def test_a_code_once_used_is_refused_within_its_window_and_so_is_an_older_one():
    secret = second_factor.new_secret()
    totp = pyotp.TOTP(secret)
    step = second_factor.accepted_step(secret, totp.at(NOW), NOW, None)
    assert second_factor.accepted_step(secret, totp.at(NOW), NOW + timedelta(seconds=20), step) is None
    earlier = totp.at(NOW - timedelta(seconds=30))
    assert second_factor.accepted_step(secret, earlier, NOW, step) is None
    later = NOW + timedelta(seconds=30)
    assert second_factor.accepted_step(secret, totp.at(later), later, step) == step + 1


def test_ten_recovery_codes_distinct_and_hashed_whatever_the_typing():
    codes = second_factor.new_recovery_codes()
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(len(code) == 12 and code[4] == "-" and code[9] == "-" for code in codes)
    assert second_factor.recovery_hash(codes[0].upper().replace("-", " ")) == second_factor.recovery_hash(
        codes[0]
    )


def test_the_provisioning_uri_names_the_issuer_and_the_account():
    secret = second_factor.new_secret()
    assert len(secret) == 32  # 160 bits in base32
    uri = second_factor.provisioning_uri(secret, "sarah@dies.example")
    assert uri.startswith(f"otpauth://totp/Coop%20back%20office:sarah%40dies.example?secret={secret}")


def test_a_link_sealed_under_the_service_key_opens_after_its_rotation_and_nowhere_else():
    sealed = link_sealing.ring("the service key before").seal("https://coop.example/x", link_sealing.PURPOSE)
    assert "coop.example" not in sealed
    rotated = link_sealing.ring("the service key after", previous="the service key before")
    assert rotated.open(sealed, link_sealing.PURPOSE) == "https://coop.example/x"
    with pytest.raises(Exception):  # noqa: B017 (DataKeyError: another column's purpose)
        rotated.open(sealed, "members.national_number")
    assert link_sealing.ring(None) is None


def test_emails_are_compared_trimmed_and_lower_cased():
    assert people.normalise_email("  Sarah.Janssens@Dies.Example ") == "sarah.janssens@dies.example"


# Use cases on the fake unit of work


@pytest.fixture
def uow():
    return FakeUnitOfWork(Base.metadata, repository=MembersRepository)


def key_of(uow, slug, role, member_id=None):
    key = api_keys.issue_api_key(
        uow, PLATFORM_IDENTITY, {"cooperative": slug, "role": role, "label": role, "member_id": member_id}
    )
    return api_keys.identity_for_secret(uow, key["secret"])


@pytest.fixture
def admins(uow):
    cooperatives.create_cooperative(uow, PLATFORM_IDENTITY, CreateCooperativeSchema().load(DIES))
    cooperatives.create_cooperative(uow, PLATFORM_IDENTITY, CreateCooperativeSchema().load(BRUCOOP))
    return {"dies": key_of(uow, "dies", ADMIN), "brucoop": key_of(uow, "brucoop", ADMIN)}


def invite(uow, admin, email, role, language="fr", cooperative="dies", member_id=None, now=NOW):
    data = {"cooperative": cooperative, "email": email, "role": role, "language": language}
    if member_id:
        data["member_id"] = member_id
    answer = accounts.invite_person(uow, admin, InvitePersonSchema().load(data), now, LINKS)
    link = opened(uow.events_of("person_invited")[-1]["link_sealed"])
    return answer, link.partition("token=")[2]


def opened(sealed: str) -> str:
    return LINKS.ring.open(sealed, link_sealing.PURPOSE)


def sign_in(uow, email, password=GOOD_PASSWORD, address="192.0.2.10", now=NOW, **extra):
    data = AuthenticateSchema().load(
        dict({"email": email, "password": password, "client_address": address}, **extra)
    )
    return accounts.authenticate(uow, data, now)


def staff_account(uow, admins, email="sarah@dies.example", now=NOW):
    _, token = invite(uow, admins["dies"], email, STAFF)
    accounts.accept_invitation(uow, {"token": token, "password": GOOD_PASSWORD}, now)
    return email


def test_an_invitation_is_announced_with_its_link_sealed_and_works_once(uow, admins):
    answer, token = invite(uow, admins["dies"], "Sarah@Dies.Example", STAFF, language="nl")
    event = uow.events_of("person_invited")[-1]
    assert answer["email"] == "sarah@dies.example" and answer["expires_at"] == "2026-12-04T09:00:00+00:00"
    assert token not in str(event) and token.startswith("inv_")  # the bus never carries it in clear
    assert event["person_id"] == answer["person_id"] and event["role"] == STAFF
    with pytest.raises(ValidationError) as refused:
        accounts.accept_invitation(uow, {"token": token, "password": "too short"}, NOW)
    assert refused.value.fields == {"password": ["At least 12 characters."]}
    accepted = accounts.accept_invitation(uow, {"token": token, "password": GOOD_PASSWORD}, NOW)
    assert accepted == {
        "person_id": answer["person_id"],
        "email": "sarah@dies.example",
        "cooperative": "dies",
        "role": STAFF,
    }
    with pytest.raises(BusinessRuleViolation, match="already been used"):
        accounts.accept_invitation(uow, {"token": token, "password": GOOD_PASSWORD}, NOW)
    with pytest.raises(BusinessRuleViolation, match="not valid"):
        accounts.accept_invitation(uow, {"token": token + "x", "password": GOOD_PASSWORD}, NOW)


def test_an_invitation_older_than_72_hours_is_refused(uow, admins):
    _, token = invite(uow, admins["dies"], "late@dies.example", STAFF)
    with pytest.raises(BusinessRuleViolation, match="expired"):
        accounts.accept_invitation(
            uow, {"token": token, "password": GOOD_PASSWORD}, NOW + timedelta(hours=72)
        )


def test_only_an_admin_invites_and_an_entrepreneur_is_linked_to_a_member_of_the_cooperative(uow, admins):
    staff = key_of(uow, "dies", STAFF)
    with pytest.raises(Forbidden):
        invite(uow, staff, "x@dies.example", STAFF)
    with pytest.raises(NotFound):
        invite(uow, admins["dies"], "x@dies.example", STAFF, cooperative="brucoop")
    with pytest.raises(ValidationError):
        invite(uow, admins["dies"], "amina@example.org", MEMBER)
    amina = members.register_member(uow, admins["dies"], RegisterMemberSchema().load(AMINA))
    _, token = invite(uow, admins["dies"], "amina@example.org", MEMBER, member_id=amina["id"])
    accounts.accept_invitation(uow, {"token": token, "password": GOOD_PASSWORD}, NOW)
    session = sign_in(uow, "amina@example.org")
    identity = accounts.identity_for_session(uow, session["session"], NOW)
    assert (identity.role, identity.cooperative, identity.member_id) == (MEMBER, "dies", amina["id"])
    with pytest.raises(Conflict):
        invite(uow, admins["dies"], "amina@example.org", STAFF)
    uow.repo.member_by_id(amina["id"]).lifecycle = "exited"  # as change_lifecycle records an exit
    with pytest.raises(Forbidden):  # an exited member's account stops at once, as their keys
        accounts.identity_for_session(uow, session["session"], NOW)


def test_a_session_gives_the_identity_of_the_role_in_the_cooperative_selected(uow, admins):
    email = staff_account(uow, admins)
    _, token = invite(uow, admins["brucoop"], email, "auditor", language="en", cooperative="brucoop")
    accounts.accept_invitation(uow, {"token": token}, NOW)  # no password needed: the account has one
    session = sign_in(uow, email, user_agent="Firefox")
    assert session["stage"] == "full" and session["cooperative"] == "dies" and session["role"] == STAFF
    assert [c["cooperative"] for c in session["cooperatives"]] == ["dies", "brucoop"]
    identity = accounts.identity_for_session(uow, session["session"], NOW)
    assert identity == Identity(
        role=STAFF,
        cooperative_id=identity.cooperative_id,
        cooperative="dies",
        key_id=session["session_id"],
        person_id=session["person_id"],
    )
    switched = accounts.select_cooperative(
        uow, {"session": session["session"], "cooperative": "brucoop"}, NOW
    )
    assert (switched["cooperative"], switched["role"]) == ("brucoop", "auditor")
    assert accounts.identity_for_session(uow, session["session"], NOW).cooperative == "brucoop"
    assert uow.events_of("api_key_revoked")[-1] == {"key_id": session["session_id"]}  # caches forget it
    with pytest.raises(NotFound):
        accounts.select_cooperative(uow, {"session": session["session"], "cooperative": "nowhere"}, NOW)


def test_an_unknown_email_and_a_wrong_password_get_the_same_answer_then_both_are_throttled(uow, admins):
    email = staff_account(uow, admins)
    answers = []
    for who in ("nobody@dies.example", email):
        with pytest.raises(Forbidden) as refused:
            sign_in(uow, who, "not the password at all")
        answers.append(refused.value.args)
    assert answers[0] == answers[1] == ("Wrong e-mail or password.", {})
    for _ in range(4):
        with pytest.raises(Forbidden):
            sign_in(uow, email, "not the password at all", now=NOW + timedelta(seconds=1))
    with pytest.raises(BusinessRuleViolation) as throttled:
        sign_in(uow, email, now=NOW + timedelta(seconds=11))  # even the right password waits
    assert throttled.value.details == {"retry_after_seconds": 20}
    assert sign_in(uow, email, now=NOW + timedelta(seconds=31))["stage"] == "full"
    # a success clears the account's counter: four more failures do not lock it
    for _ in range(4):
        with pytest.raises(Forbidden):
            sign_in(uow, email, "not the password at all", now=NOW + timedelta(seconds=32))
    assert sign_in(uow, email, now=NOW + timedelta(seconds=33))["stage"] == "full"


def test_one_address_failing_on_many_accounts_is_throttled(uow, admins):
    for n in range(20):
        with pytest.raises(Forbidden):
            sign_in(uow, f"guess{n}@dies.example", "not the password at all", address="198.51.100.7")
    with pytest.raises(BusinessRuleViolation) as throttled:
        sign_in(uow, "guess99@dies.example", "whatever it is", address="198.51.100.7")
    assert throttled.value.details == {"retry_after_seconds": 30}


def test_an_admin_without_a_second_factor_gets_a_session_that_can_only_enrol(uow, admins):
    _, token = invite(uow, admins["dies"], "boss@dies.example", ADMIN)
    accounts.accept_invitation(uow, {"token": token, "password": GOOD_PASSWORD}, NOW)
    session = sign_in(uow, "boss@dies.example")
    assert session["stage"] == "enrol_only"
    with pytest.raises(Forbidden, match="second factor"):
        accounts.identity_for_session(uow, session["session"], NOW)
    enrolment = accounts.begin_totp_enrolment(uow, {"session": session["session"]}, NOW)
    assert enrolment["provisioning_uri"].startswith("otpauth://totp/")
    totp = pyotp.TOTP(enrolment["secret"])
    with pytest.raises(Forbidden):
        accounts.confirm_totp(uow, {"session": session["session"], "code": "000000"}, NOW)
    confirmed = accounts.confirm_totp(uow, {"session": session["session"], "code": totp.at(NOW)}, NOW)
    assert confirmed["stage"] == "full" and len(confirmed["recovery_codes"]) == 10
    assert accounts.identity_for_session(uow, session["session"], NOW).role == ADMIN
    stored = [row.code_hash for row in uow.repo.recovery_codes(session["person_id"])]
    assert second_factor.recovery_hash(confirmed["recovery_codes"][0]) in stored
    assert confirmed["recovery_codes"][0] not in stored

    # Next login: the password, then a code; the code just used is refused (a replay).
    later = NOW + timedelta(seconds=10)
    again = sign_in(uow, "boss@dies.example", now=later)
    assert again["stage"] == "second_factor"
    with pytest.raises(Forbidden, match="Wrong code"):
        accounts.verify_second_factor(uow, {"session": again["session"], "code": totp.at(NOW)}, later)
    recovery = confirmed["recovery_codes"][3]
    full = accounts.verify_second_factor(uow, {"session": again["session"], "recovery_code": recovery}, later)
    assert full["stage"] == "full" and full["recovery_codes_left"] == 9
    third = sign_in(uow, "boss@dies.example", now=later)
    with pytest.raises(Forbidden):  # each recovery code works once
        accounts.verify_second_factor(uow, {"session": third["session"], "recovery_code": recovery}, later)
    next_step = NOW + timedelta(seconds=30)
    code = totp.at(next_step)
    assert (
        accounts.verify_second_factor(uow, {"session": third["session"], "code": code}, next_step)["stage"]
        == "full"
    )


def test_a_person_with_a_second_factor_must_give_it_even_when_not_an_admin(uow, admins):
    email = staff_account(uow, admins)
    session = sign_in(uow, email)
    enrolment = accounts.begin_totp_enrolment(uow, {"session": session["session"]}, NOW)
    accounts.confirm_totp(
        uow, {"session": session["session"], "code": pyotp.TOTP(enrolment["secret"]).at(NOW)}, NOW
    )
    assert sign_in(uow, email)["stage"] == "second_factor"
    stored = uow.repo.person(session["person_id"]).totp_secret
    assert stored == enrolment["secret"]  # read back in clear; sealed in the table (EncryptedString)


def test_sessions_are_listed_revoked_by_their_owner_and_all_end_on_a_password_change(uow, admins):
    email = staff_account(uow, admins)
    first = sign_in(uow, email, user_agent="Firefox")
    second = sign_in(uow, email, address="2001:db8::1", user_agent="Safari")
    me = accounts.identity_for_session(uow, first["session"], NOW)
    listed = accounts.list_sessions(uow, me)
    assert [(s["user_agent"], s["client_address"], s["current"]) for s in listed["items"]] == [
        ("Firefox", "192.0.2.10", True),
        ("Safari", "2001:db8::1", False),
    ]
    accounts.revoke_session(uow, me, {"id": second["session_id"]}, NOW)
    with pytest.raises(Forbidden):
        accounts.identity_for_session(uow, second["session"], NOW)
    with pytest.raises(NotFound):  # another person's session reads as missing
        other = staff_account(uow, admins, "tom@dies.example")
        accounts.revoke_session(
            uow,
            accounts.identity_for_session(uow, sign_in(uow, other)["session"], NOW),
            {"id": first["session_id"]},
            NOW,
        )
    third = sign_in(uow, email)
    with pytest.raises(Forbidden):
        accounts.change_password(
            uow, me, {"current_password": "wrong password!", "new_password": "another long passphrase"}, NOW
        )
    ended = accounts.change_password(
        uow, me, {"current_password": GOOD_PASSWORD, "new_password": "another long passphrase"}, NOW
    )
    assert ended == {"sessions_ended": 2}
    for token in (first["session"], third["session"]):
        with pytest.raises(Forbidden):
            accounts.identity_for_session(uow, token, NOW)
    assert sign_in(uow, email, "another long passphrase")["stage"] == "full"


def test_a_session_ends_after_thirty_idle_minutes_and_after_twelve_hours(uow, admins):
    email = staff_account(uow, admins)
    token = sign_in(uow, email)["session"]
    accounts.identity_for_session(uow, token, NOW + timedelta(minutes=29))
    accounts.identity_for_session(uow, token, NOW + timedelta(minutes=58))  # each use postpones the idle end
    with pytest.raises(Forbidden):
        accounts.identity_for_session(uow, token, NOW + timedelta(minutes=89))
    busy = sign_in(uow, email)["session"]
    for minutes in range(20, 12 * 60, 20):
        accounts.identity_for_session(uow, busy, NOW + timedelta(minutes=minutes))
    with pytest.raises(Forbidden):
        accounts.identity_for_session(uow, busy, NOW + timedelta(hours=12))


def test_a_password_reset_answers_the_same_for_an_unknown_email_and_ends_every_session(uow, admins):
    email = staff_account(uow, admins)
    session = sign_in(uow, email)["session"]
    assert accounts.request_password_reset(uow, {"email": "nobody@dies.example"}, NOW, LINKS) == {
        "requested": True
    }
    assert uow.events_of("password_reset_requested") == []
    assert accounts.request_password_reset(uow, {"email": email.upper()}, NOW, LINKS) == {"requested": True}
    sealed = uow.events_of("password_reset_requested")[-1]["link_sealed"]
    token = opened(sealed).partition("token=")[2]
    with pytest.raises(BusinessRuleViolation, match="expired"):
        accounts.reset_password(
            uow, {"token": token, "password": "a brand new passphrase"}, NOW + timedelta(hours=1)
        )
    assert (
        accounts.reset_password(uow, {"token": token, "password": "a brand new passphrase"}, NOW)[
            "sessions_ended"
        ]
        == 1
    )
    with pytest.raises(Forbidden):
        accounts.identity_for_session(uow, session, NOW)
    with pytest.raises(BusinessRuleViolation, match="already been used"):
        accounts.reset_password(uow, {"token": token, "password": "yet another passphrase"}, NOW)


def test_reset_emails_stop_past_three_an_hour_per_email_and_twenty_per_address_with_the_same_answer(
    uow, admins
):
    email = staff_account(uow, admins)

    def ask(address, when, who=email):
        data = PasswordResetRequestSchema().load({"email": who, "client_address": address})
        return accounts.request_password_reset(uow, data, when, LINKS)

    def sent():
        return len(uow.events_of("password_reset_requested"))

    for minutes in range(3):
        assert ask("192.0.2.10", NOW + timedelta(minutes=minutes)) == {"requested": True}
    assert sent() == 3
    third_link = opened(uow.events_of("password_reset_requested")[-1]["link_sealed"]).partition("token=")[2]
    # A fourth within the hour, even from another address: the same answer, no e-mail, and the
    # link already e-mailed still works (a flood does not void it).
    assert ask("198.51.100.7", NOW + timedelta(minutes=30), who=email.upper()) == {"requested": True}
    assert sent() == 3
    accounts.reset_password(
        uow, {"token": third_link, "password": "a brand new passphrase"}, NOW + timedelta(minutes=31)
    )
    assert ask("192.0.2.10", NOW + timedelta(hours=1)) == {"requested": True}  # the hour is over
    assert sent() == 4
    # One address asking for twenty e-mails, known or not, has used its hour: nothing more from
    # it, whatever the e-mail; the same person from elsewhere is served.
    later = NOW + timedelta(hours=3)
    for n in range(20):
        assert ask("203.0.113.5", later, who=f"nobody{n}@dies.example") == {"requested": True}
    assert ask("203.0.113.5", later + timedelta(minutes=1)) == {"requested": True}
    assert sent() == 4
    assert ask("192.0.2.10", later + timedelta(minutes=2)) == {"requested": True}
    assert sent() == 5
    with pytest.raises(marshmallow.ValidationError):
        PasswordResetRequestSchema().load({"email": email})  # the address is required, as for a login


def test_notifications_reads_a_persons_address_only_for_a_cooperative_that_knows_them(uow, admins):
    email = staff_account(uow, admins)
    person_id = uow.repo.person_by_email(email).id
    dies, brucoop = (uow.repo.cooperative_by_slug(slug) for slug in ("dies", "brucoop"))
    service = Identity(role=SERVICE, cooperative_id=dies.id, cooperative="dies")
    assert accounts.person_contact(uow, service, {"id": person_id}) == {
        "email": email,
        "language": "fr",
        "name": email,
    }
    with pytest.raises(NotFound):
        accounts.person_contact(
            uow, Identity(role=SERVICE, cooperative_id=brucoop.id, cooperative="brucoop"), {"id": person_id}
        )

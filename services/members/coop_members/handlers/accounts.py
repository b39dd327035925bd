"""Accounts for people: invitations, password resets, logins, sessions and the second factor
(docs/adr/024-accounts-for-people.md).

A session is a credential like an API key: `identity_for_session` gives the same `Identity`, so
every method's authorization works unchanged for a person. Only a session at stage `full` is a
credential; one still waiting for a TOTP code (or, for an admin, an enrolment) can only finish
that step, through the methods here that take the session token in their payload.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from coop_members.domain import account_links, login_throttle, passwords, people, second_factor
from coop_members.domain.account_links import LinkKind
from coop_members.domain.lifecycle import Lifecycle
from coop_members.domain.people import Stage
from coop_members.handlers.cooperatives import administered_cooperative
from coop_members.orm import AccountLink, LoginCounter, Person, PersonRole, PersonSession, RecoveryCode
from coop_shared import audit, link_sealing
from coop_shared.credentials import ADMIN, MEMBER, SERVICE, STAFF, Identity, require_role
from coop_shared.errors import BusinessRuleViolation, Conflict, Forbidden, NotFound, ValidationError
from coop_shared.personal_data import KeyRing

if TYPE_CHECKING:
    from coop_members.repository import MembersRepository
    from coop_shared.unit_of_work import UnitOfWork

    Uow = UnitOfWork[MembersRepository]


@dataclass(frozen=True)
class LinkSender:
    """Where the links of the e-mails point (`COOP_PUBLIC_URL`) and the ring sealing them into
    the event (coop_shared.link_sealing)."""

    base_url: str
    ring: KeyRing | None


WRONG_LOGIN = "Wrong e-mail or password."
LAST_SEEN_GRANULARITY = timedelta(minutes=1)  # a session's use is written at most once a minute


# Invitations and password resets


def invite_person(uow: Uow, identity: Identity, data: dict, now: datetime, links: LinkSender) -> dict:
    """An invitation e-mailed in the person's language; the person is created on the first one."""
    cooperative = administered_cooperative(uow, identity, data["cooperative"])
    role, member_id = data["role"], str(data["member_id"]) if data.get("member_id") else None
    if (role == MEMBER) != bool(member_id):
        raise ValidationError(
            fields={"member_id": ["An entrepreneur's account (role member) names its member."]}
        )
    if member_id:
        uow.repo.member(cooperative.id, member_id)  # a member of this cooperative
    email = people.normalise_email(data["email"])
    person = uow.repo.person_by_email(email, for_update=True)
    if person is None:
        person = Person(email=email, language=data["language"])
        uow.repo.add(person)
        uow.repo.flush()
    elif uow.repo.person_role(person.id, cooperative.id) is not None:
        raise Conflict(f"{email} already holds a role in this cooperative.")
    token = account_links.new_token(LinkKind.INVITATION)
    link = AccountLink(
        kind=LinkKind.INVITATION,
        token_hash=account_links.token_hash(token),
        person_id=person.id,
        cooperative_id=cooperative.id,
        role=role,
        member_id=member_id,
        created_by=audit.actor(identity),
        expires_at=account_links.expiry(LinkKind.INVITATION, now),
    )
    uow.repo.add(link)
    uow.repo.flush()
    _announce_link(uow, "person_invited", link, cooperative, token, links, {"role": role})
    audit.record(
        uow,
        identity,
        "members.person_invited",
        person.id,
        {"role": role, "member_id": member_id},
        cooperative_id=cooperative.id,
        cooperative=cooperative.slug,
    )
    return {
        "invitation_id": link.id,
        "person_id": person.id,
        "email": email,
        "cooperative": cooperative.slug,
        "role": role,
        "expires_at": link.expires_at.isoformat(),
    }


def _announce_link(uow: Uow, event_type: str, link, cooperative, token: str, links: LinkSender, extra: dict):
    """The event notifications turns into the e-mail. The link travels sealed
    (coop_shared.link_sealing), so the outbox, the bus and notifications' delivery log never
    hold a usable token; notifications opens it only to write the e-mail."""
    if links.ring is None:
        raise BusinessRuleViolation("No link can be e-mailed: COOP_SERVICE_KEY is not set.")
    url = account_links.link_url(links.base_url, LinkKind(link.kind), token)
    payload = {
        "person_id": link.person_id,
        "link_id": link.id,
        "expires_at": link.expires_at.isoformat(),
        link_sealing.FIELD: links.ring.seal(url, link_sealing.PURPOSE),
        **extra,
    }
    uow.emit(event_type, cooperative.id, cooperative.slug, payload)


def accept_invitation(uow: Uow, data: dict, now: datetime) -> dict:
    """The invitation used: the role granted, the password set when the person has none yet."""
    link = _usable_link(uow, data["token"], LinkKind.INVITATION, now)
    person = uow.repo.person(link.person_id, for_update=True)
    if person.password_hash is None:
        _set_password(uow, person, data.get("password"), now)
    if uow.repo.person_role(person.id, link.cooperative_id) is None:
        uow.repo.add(
            PersonRole(
                person_id=person.id,
                cooperative_id=link.cooperative_id,
                role=link.role,
                member_id=link.member_id,
                granted_by=link.created_by,
            )
        )
    link.used_at = now
    cooperative = uow.repo.cooperative_by_id(link.cooperative_id)
    return {"person_id": person.id, "email": person.email, "cooperative": cooperative.slug, "role": link.role}


def request_password_reset(uow: Uow, data: dict, now: datetime, links: LinkSender) -> dict:
    """The same answer whether or not the e-mail has an account (nothing is learnt from it),
    and whether or not the request is beyond its quota, when nothing is sent
    (domain/login_throttle.py: 3 an hour per e-mail, 20 per client address)."""
    email = people.normalise_email(data["email"])
    address = str(data["client_address"]) if data.get("client_address") else None
    # Counted for every e-mail, known or not, so the counters are no clue either.
    quotas = [
        (_counter_row(uow, "reset:" + _account_key(email)), login_throttle.RESET_PER_ACCOUNT),
        (_counter_row(uow, "reset:" + _address_key(address)), login_throttle.RESET_PER_ADDRESS),
    ]
    if not all(login_throttle.has_room(_window(row), quota, now) for row, quota in quotas):
        return {"requested": True}
    for row, quota in quotas:
        window = login_throttle.after_request(_window(row), quota, now)
        # The login counter's row: `failures` holds the requests served in the window,
        # `locked_until` when the window ends (the orm's LoginCounter).
        row.failures, row.last_failure_at, row.locked_until = window.used, now, window.ends_at
    person = uow.repo.person_by_email(email, for_update=True)
    roles = uow.repo.person_roles(person.id) if person is not None else []
    if person is not None and person.password_hash is not None and roles:
        for older in uow.repo.open_links(person.id, LinkKind.PASSWORD_RESET):
            older.used_at = now  # one reset link at a time: the newest
        token = account_links.new_token(LinkKind.PASSWORD_RESET)
        link = AccountLink(
            kind=LinkKind.PASSWORD_RESET,
            token_hash=account_links.token_hash(token),
            person_id=person.id,
            cooperative_id=roles[0].cooperative_id,  # the e-mail speaks for the oldest role's cooperative
            expires_at=account_links.expiry(LinkKind.PASSWORD_RESET, now),
        )
        uow.repo.add(link)
        uow.repo.flush()
        cooperative = uow.repo.cooperative_by_id(link.cooperative_id)
        _announce_link(uow, "password_reset_requested", link, cooperative, token, links, {})
    return {"requested": True}


def reset_password(uow: Uow, data: dict, now: datetime) -> dict:
    """The new password set; every session of the person ends."""
    link = _usable_link(uow, data["token"], LinkKind.PASSWORD_RESET, now)
    person = uow.repo.person(link.person_id, for_update=True)
    _set_password(uow, person, data.get("password"), now)
    link.used_at = now
    ended = _end_sessions(uow, person, now, "password_reset")
    counter = uow.repo.login_counter(_account_key(person.email))
    if counter is not None:
        counter.failures, counter.locked_until = 0, None
    return {"person_id": person.id, "sessions_ended": ended}


def _usable_link(uow: Uow, token: str, kind: LinkKind, now: datetime) -> AccountLink:
    link = uow.repo.account_link_by_hash(account_links.token_hash(token or ""))
    if link is None or link.kind != kind:
        raise BusinessRuleViolation("This link is not valid.")
    why = account_links.refusal(link.used_at, _aware(link.expires_at), now)
    if why:
        raise BusinessRuleViolation(why)
    return link


def _set_password(uow: Uow, person: Person, password: str | None, now: datetime) -> None:
    problems = passwords.problems(password or "", person.email)
    if problems:
        raise ValidationError(fields={"password": problems})
    person.password_hash = passwords.hash_password(password)
    person.password_changed_at = now


# Login and sessions


def _account_key(email: str) -> str:
    return "account:" + hashlib.sha256(people.normalise_email(email).encode()).hexdigest()


def _address_key(address: str | None) -> str:
    return "address:" + (address or "unknown")[:45]


def _counter_row(uow: Uow, key: str) -> LoginCounter:
    row = uow.repo.login_counter(key)
    if row is None:
        row = LoginCounter(key=key, failures=0)
        uow.repo.add(row)
    return row


def _window(row: LoginCounter) -> login_throttle.Window:
    return login_throttle.Window(row.failures or 0, _aware(row.locked_until))


def _counter(uow: Uow, key: str, policy, now: datetime) -> LoginCounter:
    row = _counter_row(uow, key)
    state = login_throttle.current(_counter_state(row), policy, now)
    row.failures, row.last_failure_at, row.locked_until = (
        state.failures,
        state.last_failure_at,
        state.locked_until,
    )
    return row


def _counter_state(row: LoginCounter) -> login_throttle.Counter:
    return login_throttle.Counter(row.failures or 0, _aware(row.last_failure_at), _aware(row.locked_until))


def _refuse_if_locked(counters, now: datetime) -> None:
    wait = max(login_throttle.retry_after(_counter_state(row), now) for row, _ in counters)
    if wait:
        raise BusinessRuleViolation(
            "Too many failed attempts; try again later.", {"retry_after_seconds": wait}
        )


def _count_failure(uow: Uow, counters, now: datetime, message: str):
    for row, policy in counters:
        state = login_throttle.after_failure(_counter_state(row), policy, now)
        row.failures, row.last_failure_at, row.locked_until = (
            state.failures,
            state.last_failure_at,
            state.locked_until,
        )
    uow.commit()  # the failure is kept although the call fails
    raise Forbidden(message)


def authenticate(uow: Uow, data: dict, now: datetime) -> dict:
    """A session for the right e-mail and password; the same Forbidden for an unknown e-mail
    and a wrong password; a typed refusal with `retry_after_seconds` while throttled."""
    email = people.normalise_email(data["email"])
    address = str(data["client_address"]) if data.get("client_address") else None
    counters = [
        (_counter(uow, _account_key(email), login_throttle.ACCOUNT, now), login_throttle.ACCOUNT),
        (_counter(uow, _address_key(address), login_throttle.ADDRESS, now), login_throttle.ADDRESS),
    ]
    _refuse_if_locked(counters, now)
    person = uow.repo.person_by_email(email, for_update=True)
    roles = uow.repo.person_roles(person.id) if person is not None else []
    if not passwords.verify(person.password_hash if person else None, data["password"]) or not roles:
        _count_failure(uow, counters, now, WRONG_LOGIN)
    account_counter = counters[0][0]
    account_counter.failures, account_counter.locked_until = 0, None
    if passwords.needs_rehash(person.password_hash):
        person.password_hash = passwords.hash_password(data["password"])
    selected = _selected_role(uow, roles, data.get("cooperative"))
    stage = people.stage_after_password(
        any(role.role == ADMIN for role in roles), person.totp_confirmed_at is not None
    )
    token = people.new_session_token()
    session = PersonSession(
        person_id=person.id,
        token_hash=people.session_hash(token),
        stage=stage,
        cooperative_id=selected.cooperative_id,
        client_address=address,
        user_agent=(data.get("user_agent") or "")[:300] or None,
        created_at=now,
        last_seen_at=now,
        expires_at=now + people.SESSION_LIFETIME,
    )
    uow.repo.add(session)
    uow.repo.flush()
    return dict(_session_state(uow, session, person, roles), session=token)


def _selected_role(uow: Uow, roles: list[PersonRole], slug: str | None) -> PersonRole:
    if not slug:
        return roles[0]
    cooperatives = uow.repo.cooperatives_by_ids(role.cooperative_id for role in roles)
    for role in roles:
        if cooperatives[role.cooperative_id].slug == slug:
            return role
    raise NotFound(f"No cooperative '{slug}'.")


def _session_state(uow: Uow, session: PersonSession, person: Person, roles: list[PersonRole]) -> dict:
    cooperatives = uow.repo.cooperatives_by_ids(role.cooperative_id for role in roles)
    selected = next((r for r in roles if r.cooperative_id == session.cooperative_id), None)
    return {
        "session_id": session.id,
        "stage": session.stage,
        "expires_at": _aware(session.expires_at).isoformat(),
        "idle_timeout_seconds": int(people.SESSION_IDLE.total_seconds()),
        "person_id": person.id,
        "email": person.email,
        "language": person.language,
        "totp_enabled": person.totp_confirmed_at is not None,
        "cooperative": cooperatives[selected.cooperative_id].slug if selected else None,
        "role": selected.role if selected else None,
        "member_id": selected.member_id if selected else None,
        "cooperatives": [
            {"cooperative": cooperatives[r.cooperative_id].slug, "role": r.role, "member_id": r.member_id}
            for r in roles
        ],
    }


def _live_session(uow: Uow, token: str, now: datetime) -> PersonSession:
    """The session of `token` if it has not ended, expired or idled out; Forbidden otherwise."""
    session = uow.repo.session_by_hash(people.session_hash(token or ""))
    if session is None or people.session_ended(
        _aware(session.expires_at), _aware(session.last_seen_at), session.ended_at, now
    ):
        raise Forbidden("Unknown or ended session.")
    if now - _aware(session.last_seen_at) >= LAST_SEEN_GRANULARITY:
        session.last_seen_at = now
    return session


def identity_for_session(uow: Uow, token: str, now: datetime) -> Identity:
    """The identity a full session gives: the role the person holds in the cooperative selected."""
    session = _live_session(uow, token, now)
    if session.stage != Stage.FULL:
        raise Forbidden("This session must first complete its second factor.")
    role = uow.repo.person_role(session.person_id, session.cooperative_id)
    if role is None or _member_has_left(uow, role):
        raise Forbidden("Unknown or ended session.")
    cooperative = uow.repo.cooperative_by_id(role.cooperative_id)
    uow.commit()  # the session's use (resolution happens before the method runs)
    return Identity(
        role=role.role,
        cooperative_id=cooperative.id,
        cooperative=cooperative.slug,
        member_id=role.member_id,
        key_id=session.id,
        person_id=session.person_id,
    )


def _member_has_left(uow: Uow, role: PersonRole) -> bool:
    """An exited member's account stops working at once, as their keys do
    (docs/adr/021-nothing-run-twice-and-the-trail.md)."""
    if not role.member_id:
        return False
    member = uow.repo.member_by_id(role.member_id)
    return member is None or member.lifecycle == Lifecycle.EXITED


def resolve_session(uow: Uow, data: dict, now: datetime) -> dict:
    """What the web service needs to know of a session token, at any stage."""
    session = _live_session(uow, data["session"], now)
    person = uow.repo.person(session.person_id)
    return _session_state(uow, session, person, uow.repo.person_roles(person.id))


def select_cooperative(uow: Uow, data: dict, now: datetime) -> dict:
    """Act for another cooperative the person holds a role in (the same session)."""
    session = _live_session(uow, data["session"], now)
    person = uow.repo.person(session.person_id)
    roles = uow.repo.person_roles(person.id)
    session.cooperative_id = _selected_role(uow, roles, data["cooperative"]).cooperative_id
    _forget_everywhere(uow, session)  # other services cached the identity of the former choice
    return _session_state(uow, session, person, roles)


def _forget_everywhere(uow: Uow, session: PersonSession) -> None:
    """Other services cache an identity for a few seconds (docs/adr/004-credentials-and-tenancy.md);
    the broadcast that makes them forget a revoked key makes them forget this session too."""
    if session.cooperative_id:
        cooperative = uow.repo.cooperative_by_id(session.cooperative_id)
        uow.emit("api_key_revoked", cooperative.id, cooperative.slug, {"key_id": session.id})


def _person_of(identity: Identity) -> str:
    if not identity.person_id:
        raise Forbidden("Only a person signed in has sessions and a password.")
    return identity.person_id


def list_sessions(uow: Uow, identity: Identity) -> dict:
    """{"items", "total"}: the caller's sessions not ended, the current one marked."""
    sessions = uow.repo.live_sessions(_person_of(identity))
    items = [
        {
            "id": s.id,
            "stage": s.stage,
            "client_address": s.client_address,
            "user_agent": s.user_agent,
            "created_at": _aware(s.created_at).isoformat(),
            "last_seen_at": _aware(s.last_seen_at).isoformat(),
            "expires_at": _aware(s.expires_at).isoformat(),
            "current": s.id == identity.key_id,
        }
        for s in sessions
    ]
    return {"items": items, "total": len(items)}


def revoke_session(uow: Uow, identity: Identity, data: dict, now: datetime) -> dict:
    """End one of the caller's own sessions (another person's reads as missing)."""
    person_id = _person_of(identity)
    session = next((s for s in uow.repo.live_sessions(person_id) if s.id == str(data["id"])), None)
    if session is None:
        raise NotFound(f"No session '{data['id']}'.")
    _end(uow, session, now, "revoked")
    return {"id": session.id, "ended": True}


def sign_out(uow: Uow, data: dict, now: datetime) -> dict:
    """End the session of this token, whatever its stage (signing out twice is fine)."""
    session = uow.repo.session_by_hash(people.session_hash(data["session"] or ""))
    if session is not None and session.ended_at is None:
        _end(uow, session, now, "signed_out")
    return {"ended": True}


def change_password(uow: Uow, identity: Identity, data: dict, now: datetime) -> dict:
    """The current password checked, the new one set; every session of the person ends, this one too."""
    person = uow.repo.person(_person_of(identity), for_update=True)
    if not passwords.verify(person.password_hash, data["current_password"]):
        raise Forbidden("The current password is wrong.")
    _set_password(uow, person, data["new_password"], now)
    return {"sessions_ended": _end_sessions(uow, person, now, "password_changed")}


def _end(uow: Uow, session: PersonSession, now: datetime, why: str) -> None:
    session.ended_at, session.ended_why = now, why
    _forget_everywhere(uow, session)


def _end_sessions(uow: Uow, person: Person, now: datetime, why: str) -> int:
    sessions = uow.repo.live_sessions(person.id)
    for session in sessions:
        _end(uow, session, now, why)
    return len(sessions)


# Second factor


def begin_totp_enrolment(uow: Uow, data: dict, now: datetime) -> dict:
    """A new TOTP secret and its provisioning URI (for a QR code); confirmed by a first code."""
    session = _live_session(uow, data["session"], now)
    if session.stage == Stage.SECOND_FACTOR:
        raise Forbidden("Give the code of your authenticator first.")
    person = uow.repo.person(session.person_id, for_update=True)
    if person.totp_confirmed_at is not None:
        raise Conflict("A second factor is already set up.")
    person.totp_secret = second_factor.new_secret()
    return {
        "secret": person.totp_secret,
        "provisioning_uri": second_factor.provisioning_uri(person.totp_secret, person.email),
    }


def confirm_totp(uow: Uow, data: dict, now: datetime) -> dict:
    """The second factor confirmed by a first code; ten recovery codes, shown this once."""
    session = _live_session(uow, data["session"], now)
    person = uow.repo.person(session.person_id, for_update=True)
    if person.totp_confirmed_at is not None:
        raise Conflict("A second factor is already set up.")
    if not person.totp_secret:
        raise BusinessRuleViolation("Start the enrolment first.")
    step = second_factor.accepted_step(person.totp_secret, data["code"], now, person.totp_last_step)
    if step is None:
        raise Forbidden("Wrong code.")
    person.totp_confirmed_at, person.totp_last_step = now, step
    codes = second_factor.new_recovery_codes()
    uow.repo.delete_recovery_codes(person.id)
    uow.repo.add_all(
        RecoveryCode(person_id=person.id, code_hash=second_factor.recovery_hash(c)) for c in codes
    )
    session.stage = Stage.FULL
    return dict(_session_state(uow, session, person, uow.repo.person_roles(person.id)), recovery_codes=codes)


def verify_second_factor(uow: Uow, data: dict, now: datetime) -> dict:
    """The session made full by a TOTP code (once per code) or an unused recovery code;
    failures count towards the account's throttle."""
    session = _live_session(uow, data["session"], now)
    if session.stage != Stage.SECOND_FACTOR:
        raise BusinessRuleViolation("This session does not wait for a code.")
    person = uow.repo.person(session.person_id, for_update=True)
    counters = [
        (_counter(uow, _account_key(person.email), login_throttle.ACCOUNT, now), login_throttle.ACCOUNT)
    ]
    _refuse_if_locked(counters, now)
    if data.get("recovery_code"):
        wanted = second_factor.recovery_hash(data["recovery_code"])
        code = next(
            (c for c in uow.repo.recovery_codes(person.id) if c.code_hash == wanted and c.used_at is None),
            None,
        )
        if code is None:
            _count_failure(uow, counters, now, "Wrong code.")
        code.used_at = now
    else:
        step = second_factor.accepted_step(
            person.totp_secret, data.get("code") or "", now, person.totp_last_step
        )
        if step is None:
            _count_failure(uow, counters, now, "Wrong code.")
        person.totp_last_step = step
    counters[0][0].failures, counters[0][0].locked_until = 0, None
    session.stage = Stage.FULL
    left = sum(1 for c in uow.repo.recovery_codes(person.id) if c.used_at is None)
    return dict(
        _session_state(uow, session, person, uow.repo.person_roles(person.id)), recovery_codes_left=left
    )


# What notifications asks to write the e-mail


def person_contact(uow: Uow, identity: Identity, data: dict) -> dict:
    """{"email", "language", "name"} of a person known to the caller's cooperative (a role or a
    link there); another cooperative's person reads as missing."""
    require_role(identity, SERVICE, ADMIN, STAFF)
    person = uow.repo.person(str(data["id"]))
    known = uow.repo.person_role(person.id, identity.cooperative_id) is not None or any(
        link.cooperative_id == identity.cooperative_id
        for kind in LinkKind
        for link in uow.repo.open_links(person.id, kind)
    )
    if not known:
        raise NotFound(f"No person '{data['id']}'.")
    return {"email": person.email, "language": person.language, "name": person.email}


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite gives naive datetimes back (unit tests); PostgreSQL aware ones. Both are UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)

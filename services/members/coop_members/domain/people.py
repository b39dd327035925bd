"""People who sign in: e-mail normalisation, sessions' lifetimes, the identity a session gives
(docs/adr/024-accounts-for-people.md)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from enum import StrEnum

# A session lives at most 12 hours and ends after 30 minutes without use: OWASP's Session
# Management Cheat Sheet suggests 15-30 minutes idle for applications handling personal data.
SESSION_LIFETIME = timedelta(hours=12)
SESSION_IDLE = timedelta(minutes=30)
SESSION_PREFIX = "sess_"
LANGUAGES = ("fr", "nl", "en")


class Stage(StrEnum):
    """How far a session has got: only a `full` session is a credential for other methods."""

    FULL = "full"
    SECOND_FACTOR = "second_factor"  # password right, TOTP code still to give
    ENROL_ONLY = "enrol_only"  # an admin without a confirmed TOTP: may only enrol


def normalise_email(email: str) -> str:
    """Trimmed and lower-cased: one account per address whatever the case typed (the local part
    is case-sensitive by RFC 5321 §2.4, but no provider the suite meets treats it so)."""
    return (email or "").strip().lower()


def new_session_token() -> str:
    return SESSION_PREFIX + secrets.token_urlsafe(32)


def is_session_token(secret: str) -> bool:
    return secret.startswith(SESSION_PREFIX)


def session_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def session_ended(
    expires_at: datetime, last_seen_at: datetime, ended_at: datetime | None, now: datetime
) -> bool:
    return ended_at is not None or now >= expires_at or now - last_seen_at >= SESSION_IDLE


def stage_after_password(holds_admin_role: bool, totp_confirmed: bool) -> Stage:
    """Admins must have a second factor; anyone with one confirmed must give it."""
    if totp_confirmed:
        return Stage.SECOND_FACTOR
    if holds_admin_role:
        return Stage.ENROL_ONLY
    return Stage.FULL

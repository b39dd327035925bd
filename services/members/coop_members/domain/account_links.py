"""Single-use links sent by e-mail: an invitation and a password reset (docs/adr/024-accounts-for-people.md).

The link carries a 256-bit random token; only its SHA-256 is stored (there is nothing to guess,
so no stretching is needed, as for API keys: docs/adr/004-credentials-and-tenancy.md). A link
works once and until its expiry.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from enum import StrEnum


class LinkKind(StrEnum):
    INVITATION = "invitation"
    PASSWORD_RESET = "password_reset"


# An invitation waits three days (a weekend); a reset link an hour, as OWASP's Forgot Password
# Cheat Sheet advises a short life for reset tokens.
LIFETIMES = {LinkKind.INVITATION: timedelta(hours=72), LinkKind.PASSWORD_RESET: timedelta(hours=1)}

TOKEN_PREFIX = {LinkKind.INVITATION: "inv_", LinkKind.PASSWORD_RESET: "rst_"}


def new_token(kind: LinkKind) -> str:
    return TOKEN_PREFIX[kind] + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def expiry(kind: LinkKind, now: datetime) -> datetime:
    return now + LIFETIMES[kind]


def refusal(used_at: datetime | None, expires_at: datetime, now: datetime) -> str | None:
    """Why a link no longer works (None while it does): used, or expired."""
    if used_at is not None:
        return "This link has already been used."
    if now >= expires_at:
        return "This link has expired; ask for a new one."
    return None


def link_url(base_url: str, kind: LinkKind, token: str) -> str:
    """The address the e-mail shows; the web service serves both pages."""
    page = "invitation" if kind == LinkKind.INVITATION else "password-reset"
    return f"{base_url.rstrip('/')}/{page}?token={token}"

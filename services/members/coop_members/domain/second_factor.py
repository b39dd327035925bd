"""TOTP second factor and recovery codes (docs/adr/024-accounts-for-people.md).

TOTP is RFC 6238 with its defaults (SHA-1, 6 digits, 30-second steps), which every
authenticator app reads from the provisioning URI. A code of the step before or after is
accepted (clock drift, RFC 6238 §5.2); a code is accepted once: the step last used is kept and
a code of that step or an earlier one is refused (RFC 6238 §5.2, "MUST NOT accept the second
attempt of the same OTP"). Ten recovery codes, shown once, stored as SHA-256 (random, 50 bits
each: NIST SP 800-63B §5.1.2 asks at least 20 bits for a look-up secret), each usable once.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

import pyotp

ISSUER = "Coop back office"
STEP_SECONDS = 30
VALID_WINDOW = 1  # one step either side
RECOVERY_CODES = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read aloud, typed by hand


def new_secret() -> str:
    return pyotp.random_base32()  # 160 bits, RFC 4226 §4 R6 recommends at least that


def provisioning_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def step_of(moment: datetime) -> int:
    return int(moment.timestamp()) // STEP_SECONDS


def accepted_step(secret: str, code: str, now: datetime, last_used_step: int | None) -> int | None:
    """The time step `code` belongs to if it is valid now and newer than the last one used;
    None otherwise (wrong, too old, or a replay)."""
    code = (code or "").strip().replace(" ", "")
    if not code.isdigit() or len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    current = step_of(now)
    for step in range(current - VALID_WINDOW, current + VALID_WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            if last_used_step is not None and step <= last_used_step:
                return None
            return step
    return None


def new_recovery_codes() -> list[str]:
    """Ten codes like 'k7cq-9wht-m2' (10 characters of a 31-letter alphabet, about 50 bits)."""
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:4]}-{raw[4:8]}-{raw[8:]}")
    return codes


def recovery_hash(code: str) -> str:
    normal = (code or "").strip().lower().replace("-", "").replace(" ", "")
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()

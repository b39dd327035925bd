"""Passwords of people: argon2id hashes and the rule a new password must meet.

Hashing: argon2id (RFC 9106) with the parameters OWASP's Password Storage Cheat Sheet lists
first for argon2id — 19 MiB of memory, 2 passes, 1 lane — stated here so that a change of them
is a change of this file; a hash made with other parameters is rewritten at the next successful
login (`needs_rehash`). The choice of rule follows NIST SP 800-63B §5.1.1.2 (docs/adr/024-accounts-for-people.md):
a minimum length, no composition rules, refuse what is known to be guessable (here: the e-mail
itself and passwords found in breach corpora most often), no periodic change.
"""

from __future__ import annotations

import unicodedata

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

ARGON2_TIME_COST = 2
ARGON2_MEMORY_KIB = 19 * 1024
ARGON2_PARALLELISM = 1
MIN_LENGTH = 12  # NIST SP 800-63B §5.1.1.2 asks at least 8; the suite asks 12 (ADR 024)
MAX_LENGTH = 128  # "at least 64" must be accepted (§5.1.1.2); a bound keeps hashing cheap

HASHER = PasswordHasher(
    time_cost=ARGON2_TIME_COST, memory_cost=ARGON2_MEMORY_KIB, parallelism=ARGON2_PARALLELISM
)

# The most frequent passwords of public breach corpora that are 12 characters or longer: a
# short local list instead of a call to an outside service (nothing leaves the installation).
COMMON_PASSWORDS = frozenset(
    {
        "123456789012",
        "1234567890123",
        "12345678901234",
        "qwertyuiopasdfgh",
        "qwertyuiop123",
        "passwordpassword",
        "password1234",
        "password12345",
        "motdepasse123",
        "wachtwoord123",
        "azertyuiop123",
        "iloveyou1234",
        "aaaaaaaaaaaa",
        "111111111111",
        "000000000000",
        "abcdefghijkl",
        "abc123abc123",
        "welcome12345",
        "changeme1234",
    }
)


def normalised(password: str) -> str:
    """NFKC, as SP 800-63B §5.1.1.2 recommends before hashing, so a password typed on another
    keyboard layout compares equal."""
    return unicodedata.normalize("NFKC", password)


def problems(password: str, email: str) -> list[str]:
    """Why `password` may not be chosen (empty when it may): length, the e-mail, the common list."""
    password = normalised(password or "")
    found = []
    if len(password) < MIN_LENGTH:
        found.append(f"At least {MIN_LENGTH} characters.")
    if len(password) > MAX_LENGTH:
        found.append(f"At most {MAX_LENGTH} characters.")
    lowered = password.casefold()
    local_part = (email or "").split("@")[0].casefold()
    if email and (lowered == email.casefold() or (len(local_part) >= 4 and lowered == local_part)):
        found.append("Not your e-mail address.")
    if lowered in COMMON_PASSWORDS or len(set(lowered)) <= 2:
        found.append("This password is among the most common ones; choose another.")
    return found


def hash_password(password: str) -> str:
    return HASHER.hash(normalised(password))


def verify(stored_hash: str | None, password: str) -> bool:
    """True when `password` matches; a missing hash still costs one verification, so an unknown
    e-mail takes as long as a wrong password (ADR 024)."""
    try:
        return HASHER.verify(stored_hash or _DUMMY_HASH, normalised(password or "")) and bool(stored_hash)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """A hash made with other parameters than today's (rewritten at the next successful login)."""
    return HASHER.check_needs_rehash(stored_hash)


_DUMMY_HASH = HASHER.hash("a password no account has, to spend the same time")

"""Personal data at rest: national numbers (and the history of rectified fields) encrypted with
AES-256-GCM under a key from the environment, a keyed hash (HMAC-SHA256) to find a number
without decrypting every row, and the mask shown to whoever does not need the full number.

Why (docs/adr/017-personal-data-at-rest-and-rectification.md, docs/domain/personal-data.md):
GDPR art. 32 asks for encryption of personal data "as appropriate to the risk", and the national
register number may only be used where a law allows it (law of 8 August 1983 on the National
Register, art. 8; the law of 30 July 2018 on data protection): a database dump or a staff screen must not
carry it in clear.

A sealed value reads `v1:<key id>:<base64url(nonce | ciphertext | tag)>`: the key id beside the
ciphertext lets the key rotate (a new `COOP_DATA_KEY`, the previous one moved to
`COOP_DATA_OLD_KEYS` until `coop data-key reseal` — or any rewrite of the rows — has
re-encrypted them).
The purpose of the value (its column) is authenticated data: a ciphertext copied into another
column does not open there.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import threading

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from coop_shared import settings

VERSION = "v1"
NONCE_BYTES = 12  # the GCM nonce size NIST SP 800-38D recommends; random per value
MIN_SECRET_CHARS = 32


class DataKeyError(RuntimeError):
    """A key that is missing, malformed or unknown: the service must not start or go on."""


def _derive(secret: str, label: bytes) -> bytes:
    # One secret per key in the environment, two independent keys derived from it (RFC 5869):
    # one encrypts, the other computes the search hashes.
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"coop-personal-data/" + label).derive(
        secret.encode("utf-8")
    )


class DataKey:
    """One key of the ring: its id, its encryption key and its hashing key."""

    def __init__(self, text: str):
        key_id, sep, secret = text.partition(":")
        key_id, secret = key_id.strip(), secret.strip()
        if not sep or not key_id or ":" in key_id or len(key_id) > 32:
            raise DataKeyError("A data key reads '<key id>:<secret>' (an id of at most 32 characters).")
        if len(secret) < MIN_SECRET_CHARS:
            raise DataKeyError(f"A data key's secret has at least {MIN_SECRET_CHARS} characters.")
        self.key_id = key_id
        self._aead = AESGCM(_derive(secret, b"aes-256-gcm"))
        self._mac_key = _derive(secret, b"hmac-sha256")

    def seal(self, text: str, purpose: str) -> str:
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, text.encode("utf-8"), purpose.encode("utf-8"))
        return f"{VERSION}:{self.key_id}:{base64.urlsafe_b64encode(nonce + sealed).decode('ascii')}"

    def open(self, blob: bytes, purpose: str) -> str:
        try:
            return self._aead.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], purpose.encode("utf-8")).decode(
                "utf-8"
            )
        except InvalidTag:
            raise DataKeyError(
                f"A value sealed under key '{self.key_id}' does not open: wrong key or column."
            ) from None

    def index(self, text: str) -> str:
        return hmac.new(self._mac_key, text.encode("utf-8"), hashlib.sha256).hexdigest()


class KeyRing:
    """The current key (encrypts and hashes) and the retired ones (decrypt, and find)."""

    def __init__(self, current: str, old: tuple[str, ...] = ()):
        self.current = DataKey(current)
        self.keys = {self.current.key_id: self.current}
        # The development key is public, so what it sealed is as good as clear: it always
        # opens (never seals, outside development) so that rows sealed with it by mistake — a
        # migration run without the production key — are read, flagged by `needs_reseal` and
        # resealed by `coop data-key reseal`.
        for text in (*old, settings.DEVELOPMENT_DATA_KEY):
            key = DataKey(text)
            self.keys.setdefault(key.key_id, key)

    @classmethod
    def from_config(cls, config=None) -> KeyRing:
        """The ring of `COOP_DATA_KEY` and `COOP_DATA_OLD_KEYS` (nameko config first, then the
        environment; coop_shared.settings.data_keys refuses the development key in production)."""
        current, old = settings.data_keys(config)
        return cls(current, old)

    def seal(self, text: str | None, purpose: str) -> str | None:
        if text is None:
            return None
        return self.current.seal(str(text), purpose)

    def open(self, value: str | None, purpose: str) -> str | None:
        """The clear text of a sealed value. A value that is not sealed (written before the
        migration that encrypts its column) reads as itself."""
        if value is None or not is_sealed(value):
            return value
        _, key_id, encoded = value.split(":", 2)
        key = self.keys.get(key_id)
        if key is None:
            raise DataKeyError(f"No data key '{key_id}': add it to COOP_DATA_OLD_KEYS.")
        return key.open(base64.urlsafe_b64decode(encoded.encode("ascii")), purpose)

    def index(self, text: str | None) -> str | None:
        """The search hash of `text` under the current key."""
        return None if text is None else self.current.index(str(text))

    def indexes(self, text: str) -> list[str]:
        """The search hashes of `text` under every key of the ring, so that rows hashed before a
        rotation are still found until they are rewritten."""
        return [key.index(str(text)) for key in self.keys.values()]

    def needs_reseal(self, value: str | None) -> bool:
        """True for a clear value or one sealed under a retired key."""
        if value is None:
            return False
        return not is_sealed(value) or value.split(":", 2)[1] != self.current.key_id


def is_sealed(value) -> bool:
    return isinstance(value, str) and value.startswith(VERSION + ":") and value.count(":") >= 2


_lock = threading.Lock()
_ring: KeyRing | None = None


def install(ring: KeyRing) -> None:
    """Make `ring` the one the column types use (a service container does it when it starts)."""
    global _ring
    with _lock:
        _ring = ring


def keyring() -> KeyRing:
    """The installed ring, else the one of the environment (migrations, the command line)."""
    global _ring
    with _lock:
        if _ring is None:
            _ring = KeyRing.from_config(None)
        return _ring


def mask_national_number(number: str | None) -> str | None:
    """'85073003328' -> '85.07.30-***.**': the date part identifies nobody alone and lets a
    person check it is their record; the serial and check digits, which make the number, stay
    hidden (docs/domain/personal-data.md)."""
    if not number:
        return number
    digits = "".join(c for c in str(number) if c.isdigit())
    if len(digits) != 11:
        return "***"
    return f"{digits[0:2]}.{digits[2:4]}.{digits[4:6]}-***.**"

"""Who is calling: each authenticator reads a request and may name its credential.

`BearerKey` reads a bearer API key (`Authorization: Bearer <secret>`, the keys of
`members.issue_api_key`); `coop_web.sessions.SessionCookie`, tried before it, reads the session
cookie of a person signed in (docs/adr/023-http-api.md, "Sessions"). What an authenticator
returns is the value the services verify: the `authorization` entry of the RPC context data
(docs/adr/004-credentials-and-tenancy.md). The gateway itself decides nothing about roles or
tenancy: the services do, from the verified credential.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Credential:
    authorization: str  # sent as the RPC context data's `authorization`
    rate_key: str  # what the rate limit counts by: never the secret itself
    from_cookie: bool = False  # a browser sends it by itself: unsafe methods need the CSRF token


class Authenticator(Protocol):
    def credential(self, request) -> Credential | None: ...


class BearerKey:
    """`Authorization: Bearer <secret>`, forwarded as it is."""

    def credential(self, request) -> Credential | None:
        scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
        secret = secret.strip()
        if scheme.lower() != "bearer" or not secret:
            return None
        digest = hashlib.sha256(secret.encode("utf-8")).hexdigest()[:32]
        return Credential(authorization=f"Bearer {secret}", rate_key=f"key:{digest}")


def credential_of(authenticators, request) -> Credential | None:
    for authenticator in authenticators:
        found = authenticator.credential(request)
        if found is not None:
            return found
    return None

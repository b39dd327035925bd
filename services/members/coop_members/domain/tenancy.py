"""Which cooperative a call acts on, and what a key of a given role may see.

A credential belongs to one cooperative; nothing of another is visible to it, not even
whether an id exists (rpc-contract.md, 'Credentials and roles'), hence NotFound, not Forbidden.
"""

from coop_shared.credentials import MEMBER, Identity
from coop_shared.errors import Forbidden, NotFound


def acting_cooperative(identity: Identity, requested_slug: str | None = None) -> str:
    """The cooperative id the call acts on; naming another cooperative reads as NotFound."""
    if identity.is_platform:
        raise Forbidden("The platform credential administers cooperatives; use a cooperative's key.")
    if requested_slug is not None and requested_slug != identity.cooperative:
        raise NotFound(f"No cooperative '{requested_slug}'.")
    return identity.cooperative_id


def may_see_member(identity: Identity, member_id: str) -> bool:
    """A `member` key sees only its own member record."""
    return identity.role != MEMBER or identity.member_id == member_id


def activity_code(number: int) -> str:
    """Human code of the n-th activity of a cooperative: 'A0001', 'A0002', ..."""
    return f"A{number:04d}"

"""Rectification of a member's identity, address and IBAN (GDPR art. 16), each change kept in
the member's history with who made it and when (GDPR art. 5 §2, accountability), and the full
national number handed to the one service that prints it on legal documents.

docs/adr/017-personal-data-at-rest-and-rectification.md says who may do what and why.
"""

from __future__ import annotations

import functools
import logging
from typing import TYPE_CHECKING

from coop_members.domain import rectification as rules
from coop_members.orm import MemberChange
from coop_members.views import member_change_out, member_out
from coop_shared import rectification
from coop_shared.credentials import ADMIN, OPERATORS, SERVICE, Identity, acting_cooperative, require_role
from coop_shared.errors import NotFound
from coop_shared.personal_data import mask_national_number

if TYPE_CHECKING:
    from coop_members.repository import MembersRepository
    from coop_shared.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)


def update_member_identity(uow: UnitOfWork[MembersRepository], identity: Identity, data: dict) -> dict:
    """Names, birth date, national number (an operator of the cooperative)."""
    return _rectify(uow, identity, data, rules.IDENTITY_FIELDS)


def update_member_address(uow: UnitOfWork[MembersRepository], identity: Identity, data: dict) -> dict:
    return _rectify(uow, identity, data, rules.ADDRESS_FIELDS)


def update_member_iban(uow: UnitOfWork[MembersRepository], identity: Identity, data: dict) -> dict:
    """The account the member is paid on (validated by schwifty in the schema)."""
    return _rectify(uow, identity, data, rules.IBAN_FIELDS)


def _rectify(uow, identity: Identity, data: dict, fields: tuple[str, ...]) -> dict:
    # Staff and admins rectify; a member asks them (an IBAN changed by a member's own key would
    # be the classic way to divert pay, so it goes through the cooperative).
    require_role(identity, *OPERATORS)
    cooperative_id = acting_cooperative(identity)
    member = uow.repo.member_for_update(cooperative_id, str(data["member_id"]))
    history_row = functools.partial(MemberChange, cooperative_id=cooperative_id, member_id=member.id)
    changed = rectification.rectify(uow, identity, member, data, fields, history_row)
    if changed:
        # Services that keep a copy re-read the member; the values themselves (a national
        # number, an IBAN) never travel in an event.
        uow.emit(
            "member_details_changed",
            cooperative_id,
            identity.cooperative,
            {
                "member_id": member.id,
                "fields": changed,
                "first_name": member.first_name,
                "last_name": member.last_name,
                "email": member.email,
                "language": member.language,
            },
        )
    return dict(member_out(member), changed=changed)


def list_member_changes(uow: UnitOfWork[MembersRepository], identity: Identity, data: dict) -> dict:
    """{"items", "total"}: the member's rectifications, oldest first (admins)."""
    require_role(identity, ADMIN)
    member = uow.repo.member(acting_cooperative(identity), str(data["member_id"]))
    items = [
        member_change_out(c, _shown(c.field, c.old_value), _shown(c.field, c.new_value))
        for c in uow.repo.member_changes(member.id)
    ]
    return {"items": items, "total": len(items)}


def _shown(field: str, text: str | None):
    value = rectification.from_text(text)
    return mask_national_number(value) if field in rules.MASKED_FIELDS else value


def get_national_numbers(uow: UnitOfWork[MembersRepository], identity: Identity, data: dict) -> dict:
    """The full national numbers of these members, for a service of the suite only (the service
    credential, one cooperative): payroll prints them on payslips and tax forms, where the law
    requires them (docs/adr/017-personal-data-at-rest-and-rectification.md). An id that is not
    the cooperative's answers NotFound; every disclosure is logged, never the number."""
    require_role(identity, SERVICE)
    cooperative_id = acting_cooperative(identity)
    wanted = list(dict.fromkeys(str(i) for i in data["member_ids"]))
    found = {m.id: m for m in uow.repo.members_by_ids(cooperative_id, wanted)}
    missing = [i for i in wanted if i not in found]
    if missing:
        raise NotFound(f"No member '{missing[0]}'.")
    log.info(
        "national numbers disclosed",
        extra={"members": len(wanted), "purpose": data["purpose"], "cooperative": identity.cooperative},
    )
    return {
        "purpose": data["purpose"],
        "items": [{"member_id": i, "national_number": found[i].national_number} for i in wanted],
    }

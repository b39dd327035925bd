"""Payslips: read one, list them, render one as PDF. A member key sees its own only."""

from __future__ import annotations

from coop_payroll.orm import Payslip
from coop_payroll.render import payslip_pdf
from coop_payroll.repository import ANY_MEMBER
from coop_payroll.views import payslip_out, rendered_payslip_out
from coop_shared.credentials import MEMBER, READERS, acting_cooperative, may_see_member, require_role
from coop_shared.errors import NotFound


def _payslip(uow, identity, data: dict) -> Payslip:
    require_role(identity, *READERS)
    payslip = uow.repo.payslip(acting_cooperative(identity), data["id"])
    if not may_see_member(identity, payslip.member_id):
        raise NotFound(f"No payslip '{data['id']}'.")
    return payslip


def get_payslip(uow, identity, data: dict) -> dict:
    return payslip_out(_payslip(uow, identity, data))


def list_payslips(uow, identity, data: dict) -> dict:
    require_role(identity, *READERS)
    rows, total = uow.repo.payslips(
        acting_cooperative(identity),
        limit=data["limit"],
        offset=data["offset"],
        own_member_id=identity.member_id if identity.role == MEMBER else ANY_MEMBER,
        member_id=data.get("member_id"),
        run_id=data.get("run_id"),
        period=data.get("period"),
    )
    return {"items": [payslip_out(p) for p in rows], "total": total}


def render_payslip(uow, identity, members, data: dict) -> dict:
    """The payslip as a PDF in the member's language, headed with the cooperative's name
    (`members`: the MembersClient of the caller)."""
    payslip = _payslip(uow, identity, data)
    cooperative = members.cooperative()
    content = payslip_pdf.render(payslip_out(payslip), payslip.member, cooperative["name"])
    return rendered_payslip_out(payslip, content)

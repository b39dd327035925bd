"""The yearly individual account of a member: the payslips of the cooperative's closed runs of
one calendar year, as figures or as a PDF in the member's language."""

from __future__ import annotations

import base64

from coop_payroll.domain import individual_account as rules
from coop_payroll.render import individual_account_pdf
from coop_payroll.views import individual_account_out, payslip_out
from coop_shared.credentials import READERS, acting_cooperative, may_see_member, require_role
from coop_shared.errors import NotFound


def get_individual_account(uow, identity, members, data: dict) -> dict:
    """`members`: the MembersClient of the caller (the member must be the cooperative's, and a
    member key reads its own account only)."""
    require_role(identity, *READERS)
    member_id = str(data["member_id"])
    if not may_see_member(identity, member_id):
        raise NotFound(f"No member '{member_id}'.")
    member = members.member(member_id)  # NotFound for another cooperative's member
    slips = uow.repo.member_payslips_of_year(acting_cooperative(identity), member_id, data["year"])
    rows, totals = rules.account([payslip_out(p) for p in slips])
    out = individual_account_out(
        data["year"], member, members.cooperative(), rows, totals, slips[-1].rules_version if slips else None
    )
    if data.get("format") != "pdf":
        return out
    content = individual_account_pdf.render(out, member.get("language") or "fr")
    return {
        "filename": f"individual-account-{data['year']}-{member_id[:8]}.pdf",
        "content_type": "application/pdf",
        "content": base64.b64encode(content).decode("ascii"),
    }

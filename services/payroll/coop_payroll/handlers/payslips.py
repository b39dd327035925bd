"""Payslips: read one, list them, render one as PDF. A member key sees its own only."""

from __future__ import annotations

from coop_payroll.domain import payslip_mentions
from coop_payroll.orm import Payslip
from coop_payroll.render import payslip_pdf
from coop_payroll.repository import ANY_MEMBER
from coop_payroll.views import payslip_out, rendered_payslip_out
from coop_shared import personal_data
from coop_shared.credentials import MEMBER, READERS, acting_cooperative, may_see_member, require_role
from coop_shared.errors import NotFound
from coop_shared.formatting import amount_text
from coop_shared.status_models import PAYSLIP

# The purpose a payslip's national number is sealed with in its member snapshot (runs.py).
SEALED_NATIONAL_NUMBER = "payroll.payslips.member.national_number"


def snapshot_national_number(payslip: Payslip) -> str | None:
    """The clear national number of the payslip's member snapshot: sealed since payroll seals
    it (and since migration 0007 for older payslips), in clear in a snapshot not yet migrated."""
    return personal_data.keyring().open(payslip.member.get("national_number"), SEALED_NATIONAL_NUMBER)


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


def render_payslip(uow, identity, members, data: dict, models: dict | None = None) -> dict:
    """The payslip as a PDF in the member's language, headed with the cooperative's name
    (`members`: the MembersClient of the caller), in the words of its status model (`models`:
    the installed ones; a company director's statement in a director's words)."""
    payslip = _payslip(uow, identity, data)
    cooperative = members.cooperative()
    model = (models or {}).get(payslip.status_model)
    vocabulary, document = (model.vocabulary, model.document_kind) if model else ({}, PAYSLIP)
    out = payslip_out(payslip)
    # The printed payslip carries the full national number (a mandatory mention); the snapshot
    # keeps it sealed (docs/adr/017-personal-data-at-rest-and-rectification.md).
    member = dict(payslip.member, national_number=snapshot_national_number(payslip))
    language = member.get("language") or "fr"
    paid_on = payslip_paid_on(uow, payslip)
    rows = None
    if document == PAYSLIP:  # an employee's payslip carries the mentions of art. 15, law of 12 April 1965
        rows = payslip_mentions.mentions(
            dict(out, parameters=payslip.parameters),
            member,
            cooperative,
            language,
            paid_on,
            amount_text,
        )
    content = payslip_pdf.render(out, member, cooperative["name"], vocabulary, mentions=rows)
    return rendered_payslip_out(payslip, content, document)


def payslip_paid_on(uow, payslip: Payslip) -> str | None:
    """The payment date printed on the payslip: the day its run closed (the net leaves in that
    run's bank file), none while the run is a draft."""
    run = uow.repo.run(payslip.cooperative_id, payslip.run_id)
    return run.closed_at.date().isoformat() if run.closed_at else None

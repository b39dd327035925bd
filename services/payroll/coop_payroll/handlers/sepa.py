"""The bank file of a closed run: one SEPA credit transfer (pain.001.001.09) paying each net
from the cooperative's IBAN, and, for directors, the social contributions to their fund
(docs/domain/payments-and-bank-statements.md). Built with sepaxml, which validates against
the official XSD."""

from __future__ import annotations

import base64
from datetime import date
from decimal import Decimal

from sepaxml import SepaTransfer

from coop_payroll.domain.runs import RunStatus
from coop_shared.credentials import OPERATORS, acting_cooperative, require_role
from coop_shared.errors import BusinessRuleViolation
from coop_shared.money import Money

SCHEMA = "pain.001.001.09"


def cents(amount: Money) -> int:
    """sepaxml takes integer cents: no float anywhere on the way to the bank."""
    return int(amount.amount * 100)


def transfers(run, settings) -> list[dict]:
    """(creditor, IBAN, amount, description) of every transfer the run makes."""
    items = []
    for p in run.payslips:
        items.append(
            {
                "name": p.member["name"][:70],
                "IBAN": p.member["iban"],
                "amount": cents(p.net_to_pay),
                "description": f"{run.cooperative_slug.upper()} {run.period} net {p.member['name']}"[:140],
            }
        )
        for payment in p.payments:
            if payment["to"] == "social_insurance_fund":
                if not settings.social_fund_iban:
                    raise BusinessRuleViolation(
                        "Set the social insurance fund's IBAN (set_payroll_settings) "
                        "before exporting directors' contributions."
                    )
                items.append(
                    {
                        "name": (settings.social_fund_name or "Social insurance fund")[:70],
                        "IBAN": settings.social_fund_iban,
                        "amount": cents(Money.of(payment["amount"])),
                        "description": f"Cotisations sociales {run.period} {p.member['name']}"[:140],
                    }
                )
    return items


def export_sepa(uow, identity, data: dict, execution_date: date) -> dict:
    require_role(identity, *OPERATORS)
    run = uow.repo.run(acting_cooperative(identity), data["id"])
    if run.status != RunStatus.CLOSED:
        raise BusinessRuleViolation("Close the run before paying it.")
    items = transfers(run, uow.repo.settings_of(run.cooperative_id))
    config = {
        "name": run.payer["name"][:70],
        "IBAN": run.payer["iban"],
        "BIC": run.payer.get("bic") or "NOTPROVIDED",
        "batch": True,
        "currency": "EUR",
    }
    sepa = SepaTransfer(config, schema=SCHEMA, clean=True)
    for item in items:
        sepa.add_payment(dict(item, execution_date=execution_date))
    document = sepa.export(validate=True)
    total = Money(Decimal(sum(i["amount"] for i in items)) / 100)  # integer cents, summed exactly
    return {
        "filename": f"{run.cooperative_slug}-{run.period}-payroll.xml",
        "content_type": "application/xml",
        "schema": SCHEMA,
        "content": base64.b64encode(document).decode("ascii"),
        "transfers": len(items),
        "control_sum": str(total),
    }

"""The bank file of a closed run: one SEPA credit transfer (pain.001.001.09) paying each net
from the cooperative's IBAN and, in the run that closes a quarter, each director's quarterly
provisional social contributions to their fund, once (docs/domain/payments-and-bank-statements.md,
docs/domain/payroll-directors.md). Built with sepaxml, which validates against the official XSD;
a fund transfer carries the fund's structured communication for the director as a structured
creditor reference (SCOR, issuer BBA), and the file is validated again after it is set."""

from __future__ import annotations

import base64
from datetime import date
from decimal import Decimal
from functools import cache
from importlib import resources

import xmlschema
from lxml import etree
from sepaxml import SepaTransfer

from coop_payroll.domain.runs import RunStatus
from coop_payroll.orm import PaymentInstruction
from coop_payroll.views import fund_payment_out, payments_instructed
from coop_shared import xml_input
from coop_shared.credentials import OPERATORS, acting_cooperative, require_role
from coop_shared.errors import BusinessRuleViolation
from coop_shared.money import Money

SCHEMA = "pain.001.001.09"
NS = {"p": f"urn:iso:std:iso:20022:tech:xsd:{SCHEMA}"}
FUND_PREFIX = "FUND-"  # end-to-end id of a transfer to the fund: FUND-<quarter>-<payment id>


def cents(amount: Money) -> int:
    """sepaxml takes integer cents: no float anywhere on the way to the bank."""
    return int(amount.amount * 100)


def transfers(run, settings, fund_payments) -> list[dict]:
    """(creditor, IBAN, amount, description) of every transfer the run makes: each net, then
    the quarter's payments to the fund that closing this run recorded."""
    items = [
        {
            "name": p.member["name"][:70],
            "IBAN": p.member["iban"],
            "amount": cents(p.net_to_pay),
            "description": f"{run.cooperative_slug.upper()} {run.period} net {p.member['name']}"[:140],
        }
        for p in run.payslips
    ]
    if fund_payments and not settings.social_fund_iban:
        raise BusinessRuleViolation(
            "Set the social insurance fund's IBAN (set_payroll_settings) "
            "before exporting directors' contributions."
        )
    for f in fund_payments:
        items.append(
            {
                "name": (settings.social_fund_name or "Social insurance fund")[:70],
                "IBAN": settings.social_fund_iban,
                "amount": cents(f.amount),
                "description": f"Cotisations sociales provisoires {f.quarter} {f.member_name}"[:140],
                "endtoend_id": f"{FUND_PREFIX}{f.quarter}-{f.id[:8]}",
                "reference": f.reference,
            }
        )
    return items


def with_structured_references(document: bytes, references: dict[str, str]) -> bytes:
    """Replace the free-text remittance of each fund transfer that has a structured
    communication (end-to-end id -> 12 digits) by the structured creditor reference the banks
    read (RmtInf/Strd/CdtrRefInf, type SCOR, issuer BBA), then validate the file against the XSD."""
    if not references:
        return document
    tree = xml_input.parse(document)  # our own file, just built; every XML read goes through xml_input
    for tx in tree.iterfind(".//p:CdtTrfTxInf", NS):
        reference = references.get(tx.findtext("p:PmtId/p:EndToEndId", namespaces=NS))
        if not reference:
            continue
        remittance = tx.find("p:RmtInf", NS)
        for child in list(remittance):
            remittance.remove(child)
        q = "{" + NS["p"] + "}"
        strd = etree.SubElement(remittance, q + "Strd")
        ref_info = etree.SubElement(strd, q + "CdtrRefInf")
        kind = etree.SubElement(etree.SubElement(ref_info, q + "Tp"), q + "CdOrPrtry")
        etree.SubElement(kind, q + "Cd").text = "SCOR"
        etree.SubElement(ref_info.find(q + "Tp"), q + "Issr").text = "BBA"
        etree.SubElement(ref_info, q + "Ref").text = reference
    out = etree.tostring(tree, xml_declaration=True, encoding="UTF-8")
    _xsd().validate(out)
    return out


@cache
def _xsd():
    return xmlschema.XMLSchema(str(resources.files("sepaxml").joinpath("schemas", f"{SCHEMA}.xsd")))


def export_sepa(uow, identity, data: dict, execution_date: date) -> dict:
    require_role(identity, *OPERATORS)
    run = uow.repo.run(acting_cooperative(identity), data["id"])
    if run.status != RunStatus.CLOSED:
        raise BusinessRuleViolation("Close the run before paying it.")
    fund_payments = uow.repo.fund_payments_of_run(run.cooperative_id, run.id)
    items = transfers(run, uow.repo.settings_of(run.cooperative_id), fund_payments)
    config = {
        "name": run.payer["name"][:70],
        "IBAN": run.payer["iban"],
        "BIC": run.payer.get("bic") or "NOTPROVIDED",
        "batch": True,
        "currency": "EUR",
    }
    sepa = SepaTransfer(config, schema=SCHEMA, clean=True)
    for item in items:
        payment = {k: v for k, v in item.items() if k != "reference"}
        sepa.add_payment(dict(payment, execution_date=execution_date))
    references = {i["endtoend_id"]: i["reference"] for i in items if i.get("reference")}
    document = with_structured_references(sepa.export(validate=True), references)
    total = Money(Decimal(sum(i["amount"] for i in items)) / 100)  # integer cents, summed exactly
    _instructed_once(uow, run, fund_payments, execution_date, len(items), total)
    return {
        "filename": f"{run.cooperative_slug}-{run.period}-payroll.xml",
        "content_type": "application/xml",
        "schema": SCHEMA,
        "content": base64.b64encode(document).decode("ascii"),
        "transfers": len(items),
        "control_sum": str(total),
        "fund_payments": [fund_payment_out(f) for f in fund_payments],
    }


def _instructed_once(uow, run, fund_payments, execution_date: date, transfers: int, total: Money) -> None:
    """The first file of a run hands its payments to the bank: a row and its event, together
    (outbox), so the books move each net and fund payment to the transfers account once; a file
    exported again is the same payments (docs/adr/015-accounting-from-events.md)."""
    if uow.repo.payment_instruction(run.cooperative_id, run.id) is not None:
        return
    uow.repo.add(
        PaymentInstruction(
            cooperative_id=run.cooperative_id,
            run_id=run.id,
            execution_date=execution_date,
            transfers=transfers,
            control_sum=total,
        )
    )
    uow.emit(
        "payroll_payments_instructed",
        run.cooperative_id,
        run.cooperative_slug,
        payments_instructed(run, fund_payments, execution_date),
    )

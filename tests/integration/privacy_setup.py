"""A member with something in every service, for the right of access and retention tests:
Amina at Dies invoices a private customer, is paid a salary, is accompanied with a coaching
note, and receives e-mails (a real SMTP server on loopback)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tests import support
from tests.fixtures_data import AMINA, BRUCOOP, DIES
from tests.integration.billing_setup import FR_PERSON
from tests.integration.payroll_setup import PERIOD, salaried

NOTE = "Confided a debt of 3,000 euros to a cousin in Conakry."
SERVICES = ("members", "billing", "payroll", "notifications", "accounting")


@dataclass
class Person:
    keys: dict
    admin: object  # the cooperative's admin, on every service
    member: dict
    activity: dict
    customer: dict
    invoice: dict
    payslip: dict
    enrolment: dict
    member_secret: str


def smtp_settings(tmp_path: Path) -> tuple[dict, object]:
    port = support.free_port()
    process = support.start_receiver("smtp", port, tmp_path / "mail", tmp_path / "smtp.log")
    return {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(port), "COOP_DELIVERY_POLL_SECONDS": "0.2"}, process


def build(rpc_client) -> Person:
    keys = support.admin_keys(rpc_client, DIES, BRUCOOP)
    admin = rpc_client(keys["dies"], timeout=60)
    member = admin.members.register_member(AMINA)
    activity = admin.members.add_activity(
        {"member_id": member["id"], "name": "Vélo-livraisons", "trade_name": "Amina Cargo"}
    )
    customer = admin.billing.create_customer(FR_PERSON)
    invoice = admin.billing.issue_invoice(
        admin.billing.create_invoice(
            {
                "activity_id": activity["id"],
                "customer_id": customer["id"],
                "vat_regime": "standard",
                "lines": [
                    {
                        "description": "Livraisons pour Claire",
                        "quantity": "1",
                        "unit_price": "4444.44",
                        "vat_rate": "0.21",
                    }
                ],
            }
        )["id"]
    )
    admin.billing.record_payment(
        {
            "amount": invoice["total_incl_vat"],
            "value_date": invoice["issue_date"],
            "bank_reference": "PAY-CLAIRE-1",
            "invoice_id": invoice["id"],
        }
    )

    class World:  # what payroll_setup.salaried expects
        dies_members = admin.members

    World.member = member
    salaried(World)
    run = admin.payroll.prepare_run(
        {
            "period": PERIOD,
            "items": [
                {
                    "member_id": member["id"],
                    "activity_id": activity["id"],
                    "mode": "budget",
                    "amount": "3000.00",
                }
            ],
        }
    )
    assert run["problems"] == [], run["problems"]
    admin.payroll.close_run(run["id"])
    coach = admin.members.issue_api_key({"cooperative": "dies", "role": "staff", "label": "Coach Sarah"})
    programme = admin.members.create_programme(
        {
            "name": "From asylum to enterprise 2026",
            "funders": ["ESF+"],
            "eligibility": ["international_protection_applicant"],
            "capacity": 20,
            "coach_key_ids": [coach["key_id"]],
            "starts_on": "2026-01-01",
        }
    )
    enrolment = admin.members.enrol_member(
        {
            "programme_id": programme["id"],
            "member_id": member["id"],
            "coach_key_id": coach["key_id"],
            "entered_on": "2026-02-01",
            "language": "fr",
            "interpreter": "Pular",
            "profile": {"labour_situation": "international_protection_applicant", "languages": ["fr", "ff"]},
            "protection_applied_on": "2026-01-10",
        }
    )
    rpc_client(coach["secret"]).members.add_coaching_note({"enrolment_id": enrolment["id"], "text": NOTE})
    own = admin.members.issue_api_key(
        {"cooperative": "dies", "role": "member", "member_id": member["id"], "label": "Amina's phone"}
    )
    return Person(
        keys, admin, member, activity, customer, invoice, run["payslips"][0], enrolment, own["secret"]
    )

"""An activity with money on it and a salaried entrepreneur allowed to work: ready for a payroll run."""

from datetime import date, timedelta

from tests.integration import billing_setup

PERIOD = date.today().strftime("%Y-%m")
NEXT_YEAR = (date.today() + timedelta(days=365)).isoformat()


def fund_activity(world, amount_excl_vat: str) -> None:
    """Invoice and collect it: the activity earns 90 % of `amount_excl_vat` (10 % contribution)."""
    invoice = world.dies.issue_invoice(
        world.dies.create_invoice(
            billing_setup.two_line_invoice(
                world,
                lines=[
                    {
                        "description": "Mission",
                        "quantity": "1",
                        "unit_price": amount_excl_vat,
                        "vat_rate": "0.21",
                    }
                ],
            )
        )["id"]
    )
    world.dies.record_payment(
        {
            "amount": invoice["total_incl_vat"],
            "value_date": invoice["issue_date"],
            "bank_reference": f"FUND-{invoice['number']}",
            "invoice_id": invoice["id"],
        }
    )


def salaried(world, **document):
    world.dies_members.set_status_model(
        {
            "member_id": world.member["id"],
            "status_model": "be_salaried",
            "valid_from": f"{PERIOD}-01",
            "parameters": {"household": "single"},
        }
    )
    world.dies_members.record_document(
        dict(
            {
                "member_id": world.member["id"],
                "kind": "residence_card",
                "reference": "B1234567",
                "valid_from": "2025-06-01",
                "valid_until": NEXT_YEAR,
                "labour_market": "unlimited",
            },
            **document,
        )
    )

"""A salaried member's year over the real bus, PostgreSQL and a real SMTP server: a 4/5 contract
paid monthly sets provisions aside on its activity; the May double holiday pay, the December
end-of-year premium and the exit holiday pay are paid from them and each provision returns to
zero; the payslip e-mail carries its PDF with the mandatory mentions; the individual account
adds the year up. Figures: docs/domain/payroll-employees.md and tests/unit/test_payroll_employees.py."""

import base64

import pypdfium2
import pytest

from coop_shared.money import Money
from tests.integration import billing_setup
from tests.integration.payroll_setup import NEXT_YEAR, fund_activity
from tests.integration.test_notifications import mail_settings, receivers  # noqa: F401 (fixture)
from tests.support import wait_for

CONTRACT = {
    "household": "single",
    "weekly_hours": 30.4,
    "function": "Coursière à vélo",
    "start_date": "2025-01-01",
}


@pytest.fixture
def world(start_services, rpc_client, receivers):  # noqa: F811
    receivers.start_smtp()
    start_services("members", "billing", "payroll", "notifications", settings=mail_settings(receivers))
    world = billing_setup.build(rpc_client)
    world.dies_members.update_cooperative({"onss_number": "1234567-89"})
    fund_activity(world, "22222.22")  # 22,222.22 − 2,222.22 contribution = 20,000.00
    world.dies_members.set_status_model(
        {
            "member_id": world.member["id"],
            "status_model": "be_salaried",
            "valid_from": "2026-01-01",
            "parameters": CONTRACT,
        }
    )
    world.dies_members.record_document(
        {
            "member_id": world.member["id"],
            "kind": "residence_card",
            "reference": "B1234567",
            "valid_from": "2025-01-01",
            "valid_until": NEXT_YEAR,
            "labour_market": "unlimited",
        }
    )
    return world


def run(world, payroll, period, *kinds, amount="2400.00"):
    """Prepare and close the run of `period`: one item of each kind, gross `amount`."""
    items = [
        {
            "member_id": world.member["id"],
            "activity_id": world.activity["id"],
            "mode": "gross",
            "amount": amount,
            "kind": kind,
        }
        for kind in kinds
    ]
    draft = payroll.prepare_run({"period": period, "items": items})
    assert draft["problems"] == []
    payroll.close_run(draft["id"])
    return {slip["kind"]: slip for slip in draft["payslips"]}


def test_a_year_of_a_four_fifths_member_with_its_provisions_paid_out(world, rpc_client, receivers):  # noqa: F811
    payroll = rpc_client(world.keys["dies"]).payroll
    account = lambda: world.dies.get_activity_account(world.activity["id"])  # noqa: E731
    spent = []

    # April: 2,400.00 at 4/5 costs 3,338.35 (April rows: structural reduction 115.13), of which
    # 184.08 + 251.40 set aside.
    april = run(world, payroll, "2026-04", "monthly")["monthly"]
    assert (april["total_cost"], april["provisions"]) == (
        "3338.35",
        {"double_holiday_pay": "184.08", "year_end_premium": "251.40"},
    )
    spent.append(april["total_cost"])
    wait_for(lambda: account()["provision_balance"] == "435.48", message="April's provisions")
    assert account()["balance"] == "16661.65"  # 20,000.00 − 3,338.35: provisions are not available

    # May: the double holiday pay, 92 % × 2,400 = 2,208.00, empties the holiday provision
    # (April's 184.08 and May's 184.08); the other 1,839.84 come from the balance.
    may = run(world, payroll, "2026-05", "monthly", "double_holiday_pay")
    holiday = may["double_holiday_pay"]
    assert (holiday["gross"], holiday["total_cost"], holiday["from_provision"]) == (
        "2208.00",
        "2208.00",
        "368.16",
    )
    spent += [may["monthly"]["total_cost"], "1839.84"]
    wait_for(
        lambda: account()["provisions"] == {"double_holiday_pay": "0.00", "year_end_premium": "502.80"},
        message="the holiday provision paid out",
    )

    # December: the end-of-year premium, a full December salary after 12 months' presence,
    # costs 2,400 + 25.75 % = 3,018.00; the premium provision (3 × 251.40) pays 754.20 of it.
    december = run(world, payroll, "2026-12", "monthly", "year_end_premium")
    premium = december["year_end_premium"]
    assert (premium["gross"], premium["total_cost"], premium["from_provision"]) == (
        "2400.00",
        "3018.00",
        "754.20",
    )
    spent += [december["monthly"]["total_cost"], "2263.80"]
    wait_for(lambda: account()["provisions"]["year_end_premium"] == "0.00", message="the premium paid out")

    # The member leaves: 15.34 % of the year's gross (3 × 2,400 = 7,200.00) = 1,104.48, from
    # December's holiday provision (184.08) and the balance.
    exit_pay = run(world, payroll, "2026-12", "exit_holiday_pay")["exit_holiday_pay"]
    assert (exit_pay["gross"], exit_pay["from_provision"]) == ("1104.48", "184.08")
    spent.append(str(Money.of(exit_pay["total_cost"]) - Money.of("184.08")))
    wait_for(lambda: account()["provision_balance"] == "0.00", message="every provision paid out")
    expected = Money.of("20000.00") - sum((Money.of(x) for x in spent), Money.zero())
    assert account()["balance"] == str(expected)

    # The April payslip e-mail has the payslip attached, with the mentions the law requires.
    [mail] = wait_for(
        lambda: receivers.mails(to=world.member["email"], subject="Votre fiche de paie 2026-04"),
        message="the April payslip e-mail",
    )
    [attached] = list(mail.iter_attachments())
    assert attached.get_content_type() == "application/pdf"
    text = "".join(
        page.get_textpage().get_text_range() for page in pypdfium2.PdfDocument(attached.get_content())
    )
    for mention in (
        "Dies",
        "Rue de la Loi 16",
        "0403170701",
        "123456789",
        "Commission paritaire",
        "200",
        "Amina Diallo",
        "90031400036",
        "Coursière à vélo",
        "30.4 h / semaine",
        "2026-04",
        "Date de paiement",
        "be_salaried/2026-04-01+withholding/2026-01-01",
    ):
        assert mention in text, mention

    # The individual account adds up the year's five payslips.
    year = payroll.get_individual_account({"member_id": world.member["id"], "year": 2026})
    assert [(m["period"], m["kind"]) for m in year["months"]] == [
        ("2026-04", "monthly"),
        ("2026-05", "monthly"),
        ("2026-05", "double_holiday_pay"),
        ("2026-12", "monthly"),
        ("2026-12", "year_end_premium"),
        ("2026-12", "exit_holiday_pay"),
    ]
    assert year["totals"]["gross"] == "12912.48"  # 3 × 2,400 + 2,208 + 2,400 + 1,104.48
    assert year["months"][0] == {
        "period": "2026-04",
        "kind": "monthly",
        "payslip_id": april["id"],
        "gross": "2400.00",
        "contributions": "252.50",  # 313.68 − 73.82 (April work bonus) + 12.64
        "withholding": "211.09",  # 235.55 − 24.46
        "net_to_pay": "1936.41",
    }
    pdf = payroll.get_individual_account({"member_id": world.member["id"], "year": 2026, "format": "pdf"})
    page = pypdfium2.PdfDocument(base64.b64decode(pdf["content"]))[0].get_textpage().get_text_range()
    assert "Compte individuel 2026" in page and "12 912,48" in page.replace("\u202f", " ")


def test_a_contract_under_one_third_and_a_gross_under_the_minimum_are_refused(world, rpc_client):
    payroll = rpc_client(world.keys["dies"]).payroll
    item = {"member_id": world.member["id"], "activity_id": world.activity["id"], "mode": "gross"}
    low = payroll.prepare_run({"period": "2026-11", "items": [dict(item, amount="1500.00")]})
    assert low["payslips"] == []
    assert [(p["code"], p["message"]) for p in low["problems"]] == [
        (
            "not_eligible",
            "Gross 1500.00 is under the minimum wage for 30.4 h a week (1751.85, GMMI of CCT 43).",
        )
    ]
    world.dies_members.set_status_model(
        {
            "member_id": world.member["id"],
            "status_model": "be_salaried",
            "valid_from": "2026-11-01",
            "parameters": dict(CONTRACT, weekly_hours=12),
        }
    )
    short = payroll.prepare_run({"period": "2026-11", "items": [dict(item, amount="1500.00")]})
    assert short["problems"][0]["message"].startswith(
        "A contract of 12 h a week is under one third of full time"
    )

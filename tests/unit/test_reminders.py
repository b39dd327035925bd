"""Reminders by the law that applies (docs/domain/late-payment.md).

Consumers (Book XIX CDE): a free first reminder with 14 days to pay, nothing charged before
they run out; then interest at most the rate of art. 5 of the law of 2 August 2002 (10.50 % in
2026) and, where the cooperative's terms provide it, a lump sum within the caps. Businesses (law of
2 August 2002): the half-year rate (10.50 % in H1 2026) and the flat €40.
"""

from datetime import date
from decimal import Decimal

import pytest

from coop_billing.domain import late_payment
from coop_billing.handlers import customers, invoices, issuing, overdue
from coop_billing.schemas import BillingSettingsSchema, CreateCustomerSchema, CreateInvoiceSchema
from coop_notifications.domain import templates
from coop_shared.errors import Forbidden
from coop_shared.money import Money
from tests.unit.test_billing_handlers import (  # noqa: F401
    ACTIVITY_ID,
    ADMIN,
    AMINA,
    CUSTOMER,
    FakeMembers,
    uow,
)

ALL_TERMS = late_payment.ConsumerTerms(interest=True, lump_sum=True)
DUE, FIRST_REMINDER, SECOND_REMINDER = date(2026, 3, 2), date(2026, 3, 3), date(2026, 4, 16)


@pytest.mark.parametrize(
    "principal, interest, lump_sum, total",
    [
        # 100 × 10.50 % × 30 / 365 = 0.86; up to €150 the lump sum is at most €20
        ("100.00", "0.86", "20.00", "120.86"),
        # 400 × 10.50 % × 30 / 365 = 3.45; €30 + 10 % × (400 − 150) = €55
        ("400.00", "3.45", "55.00", "458.45"),
        # 5000 × 10.50 % × 30 / 365 = 43.15; €65 + 5 % × (5000 − 500) = €290
        ("5000.00", "43.15", "290.00", "5333.15"),
    ],
)
def test_worked_consumer_reminders(principal, interest, lump_sum, total):
    """Due 2 March 2026, free reminder on 3 March (pay by 17 March), second reminder on
    16 April: interest for the 30 days from 18 March to 16 April."""
    terms = late_payment.consumer_terms(Money.of(principal), DUE, FIRST_REMINDER, SECOND_REMINDER, ALL_TERMS)
    assert (str(terms.pay_by), str(terms.interest_from)) == ("2026-03-17", "2026-03-18")
    assert terms.annual_rate == Decimal("0.105")
    assert (str(terms.interest), str(terms.indemnity)) == (interest, lump_sum)
    assert str(Money.of(principal) + terms.interest + terms.indemnity) == total


def test_no_consumer_interest_or_cost_before_the_14_days_run_out():
    for day in (FIRST_REMINDER, date(2026, 3, 10), date(2026, 3, 17)):
        terms = late_payment.consumer_terms(Money.of("5000.00"), DUE, FIRST_REMINDER, day, ALL_TERMS)
        assert (str(terms.interest), str(terms.indemnity)) == ("0.00", "0.00")
    # The first reminder still says what will be claimed afterwards (art. XIX.2 CDE).
    assert str(terms.lump_sum_if_unpaid) == "290.00"
    assert late_payment.consumer_levels(DUE, FIRST_REMINDER, date(2026, 3, 17)) == [1]
    assert late_payment.consumer_levels(DUE, FIRST_REMINDER, date(2026, 3, 18)) == [1, 2]
    assert late_payment.consumer_levels(DUE, None, date(2026, 4, 30)) == [1]  # never both at once


def test_the_lump_sum_caps():
    caps = [
        (a, str(late_payment.consumer_lump_sum(Money.of(a))))
        for a in ("150.00", "150.01", "500.00", "500.01")
    ]
    assert caps == [("150.00", "20.00"), ("150.01", "30.00"), ("500.00", "65.00"), ("500.01", "65.00")]
    assert str(late_payment.consumer_lump_sum(Money.of("100000.00"))) == "2000.00"  # 65 + 4975 capped


def test_without_terms_a_consumer_owes_only_the_amount():
    terms = late_payment.consumer_terms(
        Money.of("400.00"), DUE, FIRST_REMINDER, SECOND_REMINDER, late_payment.ConsumerTerms(False, False)
    )
    assert (str(terms.interest), str(terms.indemnity), terms.annual_rate) == ("0.00", "0.00", Decimal(0))


def test_b2b_interest_at_the_half_year_rate_and_40_euros():
    terms = late_payment.late_terms(Money.of("1180.01"), date(2026, 5, 1), date(2026, 5, 21))
    # 1180.01 × 10.50 % × 20 / 365 = 6.79
    assert (terms.days_late, str(terms.interest), str(terms.indemnity), terms.law) == (
        20,
        "6.79",
        "40.00",
        "law_2002_08_02",
    )
    assert terms.rate_certain is True
    across = late_payment.late_terms(Money.of("1000.00"), date(2026, 6, 20), date(2026, 7, 10))
    assert (str(across.interest), across.rate_certain) == ("5.75", False)  # 20 days; H2 2026 unconfirmed


PERSON = dict(CUSTOMER, name="Claire Dubois", kind="person", vat_number=None, language="fr")


def consumer_invoice(uow, amount: str) -> dict:  # noqa: F811
    customer = customers.create_customer(uow, ADMIN, CreateCustomerSchema().load(PERSON))
    payload = {
        "activity_id": ACTIVITY_ID,
        "customer_id": customer["id"],
        "vat_regime": "standard",
        "due_date": "2026-03-02",
        "issue_date": "2026-02-02",
        "lines": [
            {"description": "Réparation de vélo", "quantity": "1", "unit_price": amount, "vat_rate": "0"}
        ],
    }
    draft = invoices.create_invoice(uow, ADMIN, FakeMembers(), CreateInvoiceSchema().load(payload))
    return issuing.issue_invoice(uow, ADMIN, FakeMembers(), {"id": draft["id"]}, date(2026, 2, 2))


def test_a_consumer_gets_a_free_reminder_then_what_the_terms_provide(uow):  # noqa: F811
    settings = overdue.set_billing_settings(
        uow, ADMIN, BillingSettingsSchema().load({"consumer_interest": True, "consumer_lump_sum": True})
    )
    assert settings == {"consumer_interest": True, "consumer_lump_sum": True}
    consumer_invoice(uow, "400.00")
    assert overdue.check_all(uow, FIRST_REMINDER) == 1
    assert overdue.check_all(uow, date(2026, 3, 17)) == 0  # the 14 days are not over
    assert overdue.check_all(uow, SECOND_REMINDER) == 1
    first, second = uow.events_of("invoice_overdue")
    assert (first["law"], first["level"], first["pay_by"]) == ("cdeb_book_xix", 1, "2026-03-17")
    assert (first["interest_to_date"], first["recovery_indemnity"], first["total_claimed"]) == (
        "0.00",
        "0.00",
        "400.00",
    )
    assert (first["iban"], first["enterprise_number"], first["service"]) == (
        "BE05 0681 2345 6775",
        "0403.170.701",
        "Réparation de vélo",
    )
    assert (
        second["level"],
        second["interest_to_date"],
        second["recovery_indemnity"],
        second["total_claimed"],
    ) == (
        2,
        "3.45",
        "55.00",
        "458.45",
    )
    text = templates.email(templates.default("invoice_overdue", "fr"), dict(first, cooperative="Dies")).text
    assert "Premier rappel gratuit" not in text  # the subject says it
    for expected in (
        "400,00 €",
        "2026-03-02",
        "au plus tard le 2026-03-17",
        "Réparation de vélo",
        "n° d'entreprise 0403.170.701",
        "BE05 0681 2345 6775",
        first["structured_communication_display"],
        "10.50 %",
        "55,00 €",
    ):
        assert expected in text, expected
    subject = templates.email(
        templates.default("invoice_overdue", "nl"), dict(first, cooperative="Dies")
    ).subject
    assert subject == f"Eerste kosteloze herinnering: factuur {first['number']}"
    later = templates.email(templates.default("invoice_overdue", "en"), dict(second, cooperative="Dies")).text
    assert "€458.45 in all" in later and "€3.45 late interest since 2026-03-18" in later


def test_a_business_reminder_names_the_half_year_rate_and_40_euros(uow):  # noqa: F811
    customer = customers.create_customer(uow, ADMIN, CreateCustomerSchema().load(CUSTOMER))
    payload = {
        "activity_id": ACTIVITY_ID,
        "customer_id": customer["id"],
        "vat_regime": "standard",
        "issue_date": "2026-04-01",
        "due_date": "2026-05-01",
        "lines": [{"description": "Livraisons", "quantity": "1", "unit_price": "1180.01", "vat_rate": "0"}],
    }
    draft = invoices.create_invoice(uow, ADMIN, FakeMembers(), CreateInvoiceSchema().load(payload))
    issuing.issue_invoice(uow, ADMIN, FakeMembers(), {"id": draft["id"]}, date(2026, 4, 1))
    assert overdue.check_all(uow, date(2026, 5, 21)) == 2  # 1 and 15 days late
    first = uow.events_of("invoice_overdue")[0]
    assert (first["law"], first["annual_interest_rate_percent"], first["interest_to_date"]) == (
        "law_2002_08_02",
        "10.50",
        "6.79",
    )
    assert (first["recovery_indemnity"], first["total_claimed"]) == ("40.00", "1226.80")
    text = templates.email(templates.default("invoice_overdue", "nl"), dict(first, cooperative="Dies")).text
    for expected in (
        "wet van 2 augustus 2002",
        "10.50 % per jaar",
        "6,79 €",
        "40,00 €",
        "BE05 0681 2345 6775",
    ):
        assert expected in text, expected


def test_only_an_admin_sets_the_consumer_terms(uow):  # noqa: F811
    with pytest.raises(Forbidden):
        overdue.set_billing_settings(
            uow, AMINA, BillingSettingsSchema().load({"consumer_interest": False, "consumer_lump_sum": True})
        )
    assert overdue.get_billing_settings(uow, ADMIN) == {"consumer_interest": True, "consumer_lump_sum": False}

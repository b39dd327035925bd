"""Billing rules in microseconds: VAT, numbering, structured communication, ledger, late terms."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.be import ogm_vcs

from coop_billing.domain import late_payment, ledger, numbering, payments, structured_communication, vat
from coop_billing.domain.epc_qr import epc_payload
from coop_shared.errors import BusinessRuleViolation, ValidationError
from coop_shared.money import Money


def line(qty, price, rate):
    return vat.Line("x", Decimal(qty), Money.of(price), Decimal(rate))


def test_each_line_is_rounded_once_and_totals_are_sums():
    lines = [line("3", "0.35", "0.21"), line("3", "0.35", "0.21")]  # 1.05 net, 0.2205 → 0.22 VAT each
    totals = vat.totals(vat.STANDARD, lines)
    assert (str(totals.excl_vat), str(totals.vat), str(totals.incl_vat)) == ("2.10", "0.44", "2.54")
    assert [(c, str(r), str(t), str(v)) for c, r, t, v in totals.breakdown] == [("S", "0.21", "2.10", "0.44")]


def test_zero_rate_is_category_z_and_regimes_have_their_codes():
    assert vat.category(vat.STANDARD, Decimal("0")) == "Z"
    assert [
        vat.category(r, Decimal(0))
        for r in (vat.REVERSE_CHARGE_CONSTRUCTION, vat.INTRA_EU_SERVICES, vat.EXEMPT)
    ] == ["AE", "AE", "E"]  # intra-EU services: reverse charge AE (art. 196 Directive 2006/112/EC)


@pytest.mark.parametrize(
    "regime, rate, field",
    [(vat.STANDARD, "0.19", "lines.0.vat_rate"), (vat.EXEMPT, "0.21", "lines.0.vat_rate")],
)
def test_rates_and_regimes(regime, rate, field):
    with pytest.raises(ValidationError) as error:
        vat.check_lines(regime, [line("1", "10.00", rate)])
    assert field in error.value.fields


def test_customers_of_reverse_charge_regimes():
    vat.check_customer(vat.REVERSE_CHARGE_CONSTRUCTION, "BE0202239951")
    vat.check_customer(vat.INTRA_EU_SERVICES, "DE136695976")
    for regime, number in (
        (vat.REVERSE_CHARGE_CONSTRUCTION, None),
        (vat.REVERSE_CHARGE_CONSTRUCTION, "DE136695976"),
        (vat.INTRA_EU_SERVICES, "BE0202239951"),
        (vat.INTRA_EU_SERVICES, None),
    ):
        with pytest.raises(ValidationError):
            vat.check_customer(regime, number)


def test_every_regime_has_a_mention_in_three_languages():
    for regime in (vat.REVERSE_CHARGE_CONSTRUCTION, vat.INTRA_EU_SERVICES, vat.EXEMPT):
        assert set(vat.MENTIONS[regime]) == {"fr", "nl", "en"}
    assert vat.MENTIONS[vat.REVERSE_CHARGE_CONSTRUCTION]["fr"].startswith("Autoliquidation : En l'absence")


def test_numbers_and_chronology():
    assert numbering.format_number("dies", numbering.INVOICE, 2026, 1) == "DIES-2026-00001"
    assert numbering.format_number("brucoop", numbering.CREDIT_NOTE, 2026, 12) == "BRUCOOP-CN-2026-00012"
    numbering.check_chronology(date(2026, 11, 2), date(2026, 11, 2))
    with pytest.raises(BusinessRuleViolation):
        numbering.check_chronology(date(2026, 11, 1), date(2026, 11, 2))


def test_structured_communication():
    digits = structured_communication.for_invoice(2026, 1)
    assert digits == "260000000170" and ogm_vcs.is_valid(digits)
    assert structured_communication.display(digits) == "+++260/0000/00170+++"
    assert structured_communication.normalise("***010/8068/17183***") == "010806817183"  # section 5.1 example
    assert structured_communication.normalise("+++010/8068/17184+++") is None
    assert structured_communication.normalise("invoice 12") is None


@given(st.integers(1, 99), st.integers(1, 99_999_999))
def test_every_invoice_communication_is_valid_and_distinct_per_year(year, sequence):
    digits = structured_communication.for_invoice(2000 + year, sequence)
    assert ogm_vcs.is_valid(digits) and digits[:2] == f"{year:02d}"


def test_epc_payload_follows_epc069_12():
    payload = epc_payload("Dies", "BE05068123456775", Money.of("1180.01"), "260000000170", bic="GKCCBEBB")
    assert payload.split("\n") == [
        "BCD",
        "002",
        "1",
        "SCT",
        "GKCCBEBB",
        "Dies",
        "BE05068123456775",
        "EUR1180.01",
        "",
        "260000000170",
    ]
    with pytest.raises(ValueError):
        epc_payload("Dies", "BE05068123456775", Money.of("0.00"), "260000000170")


def test_late_terms_b2b_and_consumer():
    b2b = late_payment.late_terms(Money.of("1000.00"), date(2026, 3, 1), date(2026, 3, 31), True)
    assert (b2b.days_late, str(b2b.interest), str(b2b.indemnity)) == (
        30,
        "8.63",
        "40.00",
    )  # 1000 × 10.5 % × 30/365
    # A consumer owes nothing before the free reminder's 14 days have run out (Book XIX CDE).
    terms = late_payment.ConsumerTerms(interest=True, lump_sum=False)
    consumer = late_payment.consumer_terms(
        Money.of("1000.00"), date(2026, 3, 1), date(2026, 3, 2), date(2026, 3, 16), terms
    )
    assert (str(consumer.interest), str(consumer.indemnity), str(consumer.pay_by)) == (
        "0.00",
        "0.00",
        "2026-03-16",
    )
    assert (
        late_payment.late_terms(Money.of("1"), date(2026, 8, 1), date(2026, 9, 1), True).rate_certain is False
    )
    assert late_payment.due_levels(date(2026, 3, 1), date(2026, 3, 1)) == []
    assert late_payment.due_levels(date(2026, 3, 1), date(2026, 3, 2)) == [1]
    assert late_payment.due_levels(date(2026, 3, 1), date(2026, 3, 16)) == [1, 2]


def test_invoice_status():
    total = Money.of("100.00")
    assert payments.invoice_status(total, Money.zero(), Money.zero()) == "issued"
    assert payments.invoice_status(total, Money.of("40.00"), Money.zero()) == "partially_paid"
    assert payments.invoice_status(total, Money.of("100.00"), Money.zero()) == "paid"
    assert payments.invoice_status(total, Money.of("40.00"), Money.of("60.00")) == "credited"
    assert payments.allocate(Money.of("120.00"), Money.of("100.00")) == payments.Allocation(
        Money.of("100.00"), Money.of("20.00")
    )


def test_an_unbalanced_transaction_cannot_be_built():
    with pytest.raises(ledger.UnbalancedTransaction):
        ledger.Transaction((ledger.Posting(ledger.BANK, Money.of("-1.00"), "x"),))


amounts = st.integers(1, 10_000_00).map(lambda c: Money(Decimal(c) / 100))


@given(
    excl=amounts,
    rate=st.sampled_from([Decimal("0.21"), Decimal("0.12"), Decimal("0.06"), Decimal("0")]),
    cuts=st.lists(st.integers(1, 100), min_size=1, max_size=6),
    contribution_rate=st.sampled_from([Decimal("0.08"), Decimal("0.10"), Decimal("0.135")]),
)
def test_partial_payments_book_exactly_the_invoice_and_every_transaction_balances(
    excl, rate, cuts, contribution_rate
):
    incl = excl + excl.times(rate)
    parts = incl.allocate(cuts)
    paid = revenue = contribution = Money.zero()
    for part in parts:
        if part == Money.zero():
            continue
        earned = ledger.revenue_share(excl, incl, paid, part)
        taken = ledger.contribution_on(revenue, earned, contribution_rate)
        transaction = ledger.payment_received("a1", part, earned, taken)  # raises if unbalanced
        assert transaction.moved_on("activity:a1") == earned - taken
        paid, revenue, contribution = paid + part, revenue + earned, contribution + taken
    assert paid == incl
    assert revenue == excl  # not a cent more or less than the invoice
    assert contribution == excl.times(contribution_rate)

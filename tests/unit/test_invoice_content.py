"""What an invoice says beyond its figures, and its VAT computed per rate (AR n°1 art. 5 §1;
docs/domain/vat-and-invoices.md): rounding once per rate, units, countries, legal form and
register court in the document's language, supply date or period, the regimes' rules."""

from decimal import Decimal

import pytest

from coop_billing.domain import content, vat
from coop_billing.handlers import invoices, issuing
from coop_billing.schemas import CreateCreditNoteSchema, CreateInvoiceSchema
from coop_shared.errors import ValidationError
from coop_shared.money import Money
from tests.unit.test_billing_handlers import ACTIVITY_ID, ADMIN, TODAY, FakeMembers, customer, uow  # noqa: F401


def line(qty, price, rate):
    return vat.Line("x", Decimal(qty), Money.of(price), Decimal(rate))


def test_vat_is_rounded_once_on_the_total_of_each_rate_not_line_by_line():
    # Two lines of 0.50 at 21 %: 0.105 each would round to 0.11 + 0.11 = 0.22 line by line;
    # on the rate's total, 1.00 × 21 % = 0.21. The law asks for the VAT per rate (AR n°1 art. 5 §1).
    totals = vat.totals(vat.STANDARD, [line("1", "0.50", "0.21"), line("1", "0.50", "0.21")])
    assert (str(totals.excl_vat), str(totals.vat), str(totals.incl_vat)) == ("1.00", "0.21", "1.21")
    assert [str(share) for share in totals.line_vats] == ["0.11", "0.10"]  # shares add up to 0.21
    assert [(c, str(r), str(t), str(v)) for c, r, t, v in totals.breakdown] == [("S", "0.21", "1.00", "0.21")]


def test_each_rate_is_rounded_on_its_own_total():
    lines = [
        line("3", "0.35", "0.21"),
        line("1", "0.50", "0.06"),
        line("1", "0.50", "0.06"),
        line("1", "0.50", "0.21"),
    ]
    totals = vat.totals(vat.STANDARD, lines)
    # 21 %: 1.05 + 0.50 = 1.55 → 0.3255 → 0.33; 6 %: 1.00 → 0.06.
    assert [(str(r), str(t), str(v)) for _, r, t, v in totals.breakdown] == [
        ("0.21", "1.55", "0.33"),
        ("0.06", "1.00", "0.06"),
    ]
    assert str(totals.vat) == "0.39"
    assert sum((share for share in totals.line_vats), Money.zero()) == totals.vat


def test_an_invoice_and_its_credit_note_carry_the_vat_per_rate(uow, customer):  # noqa: F811
    payload = {
        "activity_id": ACTIVITY_ID,
        "customer_id": customer["id"],
        "vat_regime": "standard",
        "lines": [
            {"description": "Réparation", "quantity": "1", "unit_price": "0.50", "vat_rate": "0.21"},
            {"description": "Pièce", "quantity": "1", "unit_price": "0.50", "vat_rate": "0.21"},
        ],
    }
    draft = invoices.create_invoice(uow, ADMIN, FakeMembers(), CreateInvoiceSchema().load(payload))
    assert (draft["total_vat"], draft["total_incl_vat"]) == ("0.21", "1.21")
    assert [entry["vat_amount"] for entry in draft["lines"]] == ["0.11", "0.10"]
    issued = issuing.issue_invoice(uow, ADMIN, FakeMembers(), {"id": draft["id"]}, TODAY)
    note = issuing.create_credit_note(
        uow, ADMIN, CreateCreditNoteSchema().load({"invoice_id": issued["id"], "reason": "Annulée"}), TODAY
    )
    assert (note["total_excl_vat"], note["total_vat"], note["total_incl_vat"]) == ("1.00", "0.21", "1.21")


def test_units_supply_period_and_renovation_declaration_are_kept(uow, customer):  # noqa: F811
    payload = {
        "activity_id": ACTIVITY_ID,
        "customer_id": customer["id"],
        "vat_regime": "renovation",
        "renovation_declaration": True,
        "period_start": "2026-10-01",
        "period_end": "2026-10-31",
        "lines": [
            {
                "description": "Carrelage",
                "quantity": "12.5",
                "unit": "MTK",
                "unit_price": "40.00",
                "vat_rate": "0.06",
            },
            {
                "description": "Main d'œuvre",
                "quantity": "8",
                "unit": "HUR",
                "unit_price": "45.00",
                "vat_rate": "0.06",
                "supply_date": "2026-10-20",
            },
        ],
    }
    draft = invoices.create_invoice(uow, ADMIN, FakeMembers(), CreateInvoiceSchema().load(payload))
    assert (draft["period_start"], draft["period_end"], draft["renovation_declaration"]) == (
        "2026-10-01",
        "2026-10-31",
        True,
    )
    assert [(entry["unit"], entry["supply_date"]) for entry in draft["lines"]] == [
        ("MTK", None),
        ("HUR", "2026-10-20"),
    ]
    assert [entry["vat_category"] for entry in draft["lines"]] == ["S", "S"]
    # 500.00 + 360.00 = 860.00 at 6 % = 51.60
    assert (draft["total_vat"], draft["total_incl_vat"]) == ("51.60", "911.60")


@pytest.mark.parametrize(
    "change, field",
    [
        ({"period_start": "2026-10-01"}, "period_end"),
        ({"period_start": "2026-10-31", "period_end": "2026-10-01"}, "period_end"),
        (
            {"supply_date": "2026-10-01", "period_start": "2026-10-01", "period_end": "2026-10-02"},
            "supply_date",
        ),
    ],
)
def test_a_supply_is_a_date_or_a_whole_period(change, field):
    payload = {
        "activity_id": ACTIVITY_ID,
        "customer_id": ACTIVITY_ID,
        "vat_regime": "standard",
        "lines": [{"description": "x", "quantity": "1", "unit_price": "1.00", "vat_rate": "0.21"}],
        **change,
    }
    from marshmallow import ValidationError as SchemaError

    with pytest.raises(SchemaError) as error:
        CreateInvoiceSchema().load(payload)
    assert field in error.value.messages


def test_the_renovation_rate_needs_the_customer_declaration_and_goods_an_eu_vat_number():
    with pytest.raises(ValidationError) as error:
        vat.check_lines(vat.RENOVATION, [line("1", "100.00", "0.06")])
    assert "renovation_declaration" in error.value.fields
    vat.check_lines(vat.RENOVATION, [line("1", "100.00", "0.06")], renovation_declaration=True)
    vat.check_customer(vat.INTRA_EU_GOODS, "DE136695976")
    for number in (None, "BE0202239951", "CHE123456789"):
        with pytest.raises(ValidationError):
            vat.check_customer(vat.INTRA_EU_GOODS, number)
    for regime in (vat.INTRA_EU_GOODS, vat.EXPORT, vat.OUTSIDE_SCOPE):
        with pytest.raises(ValidationError):
            vat.check_lines(regime, [line("1", "100.00", "0.21")])


def test_every_regime_has_its_category_code_and_mention():
    assert {r: vat.category(r, Decimal(0)) for r in vat.REGIMES} == {
        "standard": "Z",
        "reverse_charge_construction": "AE",
        "intra_eu_services": "AE",
        "exempt": "E",
        "intra_eu_goods": "K",
        "export": "G",
        "outside_scope": "O",
        "renovation": "Z",
    }
    assert vat.EXEMPTION_CODES == {
        "AE": "VATEX-EU-AE",
        "K": "VATEX-EU-IC",
        "G": "VATEX-EU-G",
        "O": "VATEX-EU-O",
    }
    for regime in set(vat.REGIMES) - {vat.STANDARD}:
        assert set(vat.MENTIONS[regime]) == {"fr", "nl", "en"}
    assert "art. 21, § 2 du Code de la TVA" in vat.MENTIONS[vat.INTRA_EU_SERVICES]["fr"]
    assert "art. 196 de la directive 2006/112/CE" in vat.MENTIONS[vat.INTRA_EU_SERVICES]["fr"]
    assert "rubriek XXXI" in vat.MENTIONS[vat.RENOVATION]["nl"]


def test_words_of_the_document_in_its_language():
    assert [
        content.unit_name(code, "nl") for code in ("C62", "HUR", "DAY", "KGM", "MTK", "LTR", "KMT", "MTR")
    ] == [
        "stuk",
        "uur",
        "dag",
        "kg",
        "m²",
        "liter",
        "km",
        "m",
    ]
    assert (
        content.country_name("BE", "fr"),
        content.country_name("BE", "nl"),
        content.country_name("DE", "en"),
    ) == (
        "Belgique",
        "België",
        "Germany",
    )
    assert content.country_name("ZZ", "fr") == "ZZ"
    assert (
        content.legal_form("SC", "nl"),
        content.legal_form("SC", "fr"),
        content.legal_form("SC", "en"),
    ) == (
        "CV",
        "SC",
        "SC",
    )
    assert (
        content.register("RPM Bruxelles", "nl"),
        content.register("RPM Bruxelles", "fr"),
        content.register("RPM Bruxelles", "en"),
    ) == ("RPR Brussel", "RPM Bruxelles", "RLE Brussels")


def test_an_issued_invoice_reads_back_as_recorded_whatever_the_rule_of_its_day():
    """An invoice issued with VAT rounded per line (0.11 + 0.11) keeps its 0.22: documents
    never change once issued (docs/domain/vat-and-invoices.md, "Numbering")."""
    half = Money.of("0.50")
    recorded = vat.recorded_totals(
        [("S", Decimal("0.21"), half, Money.of("0.11")), ("S", Decimal("0.2100"), half, Money.of("0.11"))]
    )
    assert [(c, str(t), str(v)) for c, _, t, v in recorded.breakdown] == [("S", "1.00", "0.22")]
    assert str(recorded.incl_vat) == "1.22"

"""Names and free texts print as typed in every PDF (issue 16, point 8): reportlab's Paragraph
reads its text as markup, so a `<` or `&` in a member's or customer's name must be escaped
(coop_shared.pdf_text) — else it vanishes, restyles the page, or the document fails to build.
Each PDF is rendered through its handler (or its renderer) and its text read back."""

import base64
from datetime import date

import pypdfium2
import pytest

from coop_billing.handlers import customers, invoices, issuing, rendering
from coop_billing.orm import Base as BillingBase
from coop_billing.repository import BillingRepository
from coop_billing.schemas import CreateCreditNoteSchema, CreateCustomerSchema, CreateInvoiceSchema
from coop_members.render import funder_report_pdf
from coop_payroll.domain.tax_forms import Fiche
from coop_payroll.handlers import individual_account, payslips, runs
from coop_payroll.orm import Base as PayrollBase
from coop_payroll.render import tax_forms as tax_form_pdf
from coop_payroll.repository import PayrollRepository
from coop_payroll.schemas import IndividualAccountSchema
from coop_shared.pdf_text import escape
from tests.unit import test_billing_handlers as billing
from tests.unit.fake_uow import FakeUnitOfWork
from tests.unit.test_payroll_employees_runs import CONTRACT, MODELS, Members, prepare
from tests.unit.test_payroll_handlers import AMINA, AMINA_ACTIVITY, identity, person

# Markup reportlab would otherwise obey or choke on: a tag, an unclosed tag, an entity.
HOSTILE_NAME = "Bakkerij <De Zon> & Zonen"
HOSTILE_TEXT = '<font size="40">Réparation</font> & <b pièce &amp; co'
FIRST, LAST = "Amina <b>", "Diallo & Co"


def text_of(content: bytes) -> str:
    document = pypdfium2.PdfDocument(content)
    return " ".join(" ".join(page.get_textpage().get_text_range().split()) for page in document)


def decoded(rendered: dict) -> bytes:
    return base64.b64decode(rendered["content"])


def test_escape_turns_markup_characters_into_entities_and_leaves_the_rest():
    assert escape("a < b & c > d") == "a &lt; b &amp; c &gt; d"
    assert escape("&amp;") == "&amp;amp;"  # typed as such, printed as such
    assert escape(42) == "42" and escape("Coöperatie") == "Coöperatie"


def test_an_invoice_and_its_credit_note_print_the_customers_name_and_the_line_as_typed():
    uow = FakeUnitOfWork(BillingBase.metadata, repository=BillingRepository)
    customer = customers.create_customer(
        uow, billing.ADMIN, CreateCustomerSchema().load(dict(billing.CUSTOMER, name=HOSTILE_NAME))
    )
    payload = {
        "activity_id": billing.ACTIVITY_ID,
        "customer_id": customer["id"],
        "vat_regime": "standard",
        "lines": [{"description": HOSTILE_TEXT, "quantity": "1", "unit_price": "100.00", "vat_rate": "0.21"}],
    }
    draft = invoices.create_invoice(
        uow, billing.ADMIN, billing.FakeMembers(), CreateInvoiceSchema().load(payload)
    )
    issued = issuing.issue_invoice(
        uow, billing.ADMIN, billing.FakeMembers(), {"id": draft["id"]}, billing.TODAY
    )
    rendered = rendering.render_invoice(uow, billing.ADMIN, {"invoice_id": issued["id"], "format": "pdf"})
    text = text_of(decoded(rendered))
    assert HOSTILE_NAME in text
    assert " ".join(HOSTILE_TEXT.split()) in text

    reason = CreateCreditNoteSchema().load({"invoice_id": issued["id"], "reason": "Erreur <prix> & quantité"})
    note = issuing.create_credit_note(uow, billing.ADMIN, reason, billing.TODAY)
    credit = text_of(
        decoded(rendering.render_invoice(uow, billing.ADMIN, {"invoice_id": note["id"], "format": "pdf"}))
    )
    assert HOSTILE_NAME in credit and " ".join(HOSTILE_TEXT.split()) in credit


@pytest.fixture
def payroll_uow():
    return FakeUnitOfWork(PayrollBase.metadata, repository=PayrollRepository)


def hostile_members():
    amina = person(AMINA, AMINA_ACTIVITY, parameters=dict(CONTRACT), first_name=FIRST, last_name=LAST)
    return Members(dict(amina, national_number="90031400036"))


def test_a_payslip_and_the_individual_account_print_the_members_name_as_typed(payroll_uow):
    people = hostile_members()
    run = prepare(payroll_uow, "2026-11", ("monthly", "2400.00"), people=people)
    payroll_uow.commit()
    runs.close_run(payroll_uow, identity(), {"id": run["id"]}, MODELS)
    slip = payslips.render_payslip(payroll_uow, identity(), people, {"id": run["payslips"][0]["id"]}, MODELS)
    assert f"{FIRST} {LAST}" in text_of(decoded(slip))

    data = IndividualAccountSchema().load({"member_id": AMINA, "year": 2026, "format": "pdf"})
    account = individual_account.get_individual_account(payroll_uow, identity(), people, data)
    assert f"{FIRST} {LAST}" in text_of(decoded(account))


def test_a_tax_form_prints_the_beneficiary_and_the_debtor_as_typed():
    fiche = Fiche("281.20", "m-1", "Yonas <Tesfaye> & fils", 1, {"f20_2060_periodieke": 900000})
    text = text_of(tax_form_pdf.render(2026, fiche, "fr", "BRU<COOP> & co", "0403170701"))
    assert "Yonas <Tesfaye> & fils" in text and "BRU<COOP> & co (0403170701)" in text


def test_a_funder_report_prints_the_programme_and_the_names_as_typed():
    report = {
        "programme": "Starters <Brussel> & Co",
        "from": date(2026, 1, 1),
        "to": date(2026, 12, 31),
        "funders": ["Actiris & FSE"],
        "participants": 1,
        "participants_by_phase": {"test": 1},
        "entries": 1,
        "exits": 0,
        "exit_outcomes": {},
        "hours_of_accompaniment": "3.0",
        "turnover": "0.00",
        "rules_version": "2026",
        "nominative": True,
        "rows": [{"name": "Yonas <b>Tesfaye", "phase": "test", "entered_on": "2026-01-05"}],
    }
    text = text_of(funder_report_pdf.render(report))
    assert "Starters <Brussel> & Co" in text and "Yonas <b>Tesfaye" in text and "Actiris & FSE" in text

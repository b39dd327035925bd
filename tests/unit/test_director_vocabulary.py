"""A company director is not an employee (docs/domain/payroll-directors.md, "Vocabulary"):
none of a director's documents, in French, Dutch or English, uses an employee's words. Every
director document is read back: the statement PDF (text via pypdfium2), its file name, the
e-mail, the status model's labels and vocabulary, the 281.20 PDF and the 274 category."""

import base64
import re

import pypdfium2
import pytest

from coop_notifications.domain import reactions, templates
from coop_payroll.domain.tax_forms import CATEGORY_LABELS, DIRECTORS, Fiche
from coop_payroll.handlers import payslips, runs
from coop_payroll.orm import Base
from coop_payroll.render import tax_forms as tax_form_pdf
from coop_payroll.repository import PayrollRepository
from coop_payroll.schemas import PrepareRunSchema
from coop_shared.credentials import ADMIN, Identity
from coop_shared.money import Money
from coop_shared.status_models import PayRequest, load_status_models
from tests.unit.fake_uow import FakeUnitOfWork
from tests.unit.payroll_fakes import BatchBilling, BatchMembers

MODELS = load_status_models()
LANGUAGES = ("fr", "nl", "en")
FORBIDDEN = re.compile(
    r"worker|travailleur|werknemer|loonbrief|fiche de paie|salaire|\bloon|contrat de travail|employee|payslip",
    re.IGNORECASE,
)
COOP_ID = "00000000-0000-4000-8000-0000000000b2"
MEMBER_ID, ACTIVITY = "00000000-0000-4000-8000-00000000c001", "00000000-0000-4000-8000-00000000c0a1"
ADMIN_KEY = Identity(role=ADMIN, cooperative_id=COOP_ID, cooperative="brucoop")


class Members(BatchMembers):
    def __init__(self, language, model):
        self.language, self.model = language, model

    def cooperative(self):
        return {"name": "BRUCOOP", "iban": "BE05068123456775", "bic": "GKCCBEBB"}

    def member(self, member_id):
        return {
            "id": MEMBER_ID,
            "first_name": "Yonas",
            "last_name": "Tesfaye",
            "email": "yonas@example.org",
            "language": self.language,
            "nationality": "BE",
            "iban": "BE35310123456737",
            "activities": [{"id": ACTIVITY}],
            "status_history": [
                {
                    "status_model": self.model,
                    "valid_from": "2026-01-01",
                    "valid_until": None,
                    "parameters": {},
                }
            ],
        }

    def national_numbers(self, member_ids, purpose):
        """members' full numbers, as the service credential gets them (the member's answer is masked)."""
        return {i: self.member(i).get("national_number") for i in member_ids}

    def right_to_work(self, member_id, on):
        return {"allowed": True, "reasons": []}


class Billing(BatchBilling):
    def balance(self, activity_id):
        return Money.of("9000.00")

    def provisions(self, activity_id):
        return {}


def statement(language, model="be_director"):
    """A closed November 2026 statement of 3,000 rendered as the member reads it: (file name, text)."""
    uow = FakeUnitOfWork(Base.metadata, repository=PayrollRepository)
    members = Members(language, model)
    data = PrepareRunSchema().load(
        {
            "period": "2026-11",
            "items": [
                {"member_id": MEMBER_ID, "activity_id": ACTIVITY, "mode": "gross", "amount": "3000.00"}
            ],
        }
    )
    run = runs.prepare_run(uow, ADMIN_KEY, MODELS, members, Billing(), data)
    runs.close_run(uow, ADMIN_KEY, {"id": run["id"]}, MODELS)
    issued = uow.events_of("payslip_issued")[0]
    rendered = payslips.render_payslip(uow, ADMIN_KEY, members, {"id": run["payslips"][0]["id"]}, MODELS)
    document = pypdfium2.PdfDocument(base64.b64decode(rendered["content"]))
    text = " ".join(" ".join(page.get_textpage().get_text_range().split()) for page in document)
    return rendered["filename"], text, issued


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_directors_statement_pdf_uses_a_directors_words_only(language):
    filename, text, issued = statement(language)
    title = MODELS["be_director"].vocabulary[language]["title"]
    assert title in text and "1" in text  # the page was read
    assert FORBIDDEN.findall(text) == []
    assert FORBIDDEN.findall(filename) == [] and filename.startswith("director-statement-2026-11-")
    assert issued["document"] == "director_statement"


def test_the_check_finds_the_words_on_an_employees_payslip():
    """The same reading finds the employee words on a salaried member's payslip: the check can fail."""
    filename, text, issued = statement("nl", model="be_salaried")
    assert "Loonbrief" in text and FORBIDDEN.search(text)
    assert filename.startswith("payslip-") and issued["document"] == "payslip"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_directors_email_uses_a_directors_words_only(language):
    event = {
        "event_type": "payslip_issued",
        "cooperative_id": COOP_ID,
        "payload": {"member_id": MEMBER_ID, "document": "director_statement"},
    }
    [(_, reaction)] = reactions.recipients_for(event)
    assert reaction.template == "director_statement_issued"
    assert reactions.reaction_for("payslip_issued", "member", "director_statement_issued") is not None
    mail = templates.email(
        templates.default(reaction.template, language), templates.SAMPLES[reaction.template]
    )
    assert "192712" in re.sub(r"\D", "", mail.text)  # the sample's net, 1,927.12, was rendered
    assert FORBIDDEN.findall(mail.subject + mail.text) == []


def test_an_employees_payslip_still_gets_the_payslip_email():
    event = {
        "event_type": "payslip_issued",
        "cooperative_id": COOP_ID,
        "payload": {"member_id": MEMBER_ID, "document": "payslip"},
    }
    assert [r.template for _, r in reactions.recipients_for(event)] == ["payslip_issued"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_labels_vocabulary_tax_form_and_274_category_use_a_directors_words_only(language):
    model = MODELS["be_director"]
    words = [
        model.label[language],
        *model.vocabulary[language].values(),
        CATEGORY_LABELS[DIRECTORS][language],
    ]
    assert FORBIDDEN.findall(" ".join(words)) == []
    fiche = Fiche(
        "281.20",
        MEMBER_ID,
        "Yonas Tesfaye",
        1,
        {
            "f20_2060_periodieke": 900000,
            "f20_2063_totaal": 900000,
            "f20_2066_totaalbedrijfsvoorheffing": 168030,
        },
    )
    content = tax_form_pdf.render(2026, fiche, language, "BRUCOOP", "0403170701")
    text = " ".join(
        " ".join(p.get_textpage().get_text_range().split()) for p in pypdfium2.PdfDocument(content)
    )
    assert "281.20" in text and FORBIDDEN.findall(text) == []


def test_a_directors_statement_lines_and_notes_use_a_directors_words_only():
    result = MODELS["be_director"].compute(
        PayRequest("2026-11", "gross", Money.of("3000.00"), {"cooperative_pays_social_contributions": False})
    )
    texts = [line.label for line in result.lines] + list(result.notes)
    assert texts and FORBIDDEN.findall(" ".join(texts)) == []

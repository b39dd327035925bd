"""The entrepreneur's portal (coop_web.portal.pages) with a stand-in for the services: what each
page shows as the entrepreneur reads it (amounts in the page's language, statuses as words), the
payload each form sends, the 404 page of somebody else's invoice, the pay simulation answered
without a reload (htmx), and staff sent to their console. No broker: these run in a second."""

import base64
import re
from datetime import timedelta

import pytest
from coop_web.portal import pages
from coop_web.service import create_app

from coop_shared.dates import brussels_today
from coop_shared.errors import BusinessRuleViolation, NotFound, ValidationError
from tests.unit.page_text import csrf_of

TOKEN = "sess_" + "m" * 43
AMINA = "5a0b3c1d-2222-4e6f-9a8b-000000000001"
CARGO = "3f2e1d0c-3333-4b4a-8c7d-000000000001"
PEETERS = "7c1e4d2a-1111-4a5b-8c9d-000000000001"
INVOICE = "9e8d7c6b-4444-4a3b-9c8d-000000000001"
DRAFT = "9e8d7c6b-4444-4a3b-9c8d-000000000002"
PAYSLIP = "6d5c4b3a-7777-4a1b-8c2d-000000000001"
ENROLMENT = "2b3c4d5e-8888-4f6a-9b0c-000000000001"
MEMBER_STATE = {
    "stage": "full",
    "email": "amina.diallo@demo.example",
    "cooperative": "dies",
    "role": "member",
    "member_id": AMINA,
    "language": "fr",
    "totp_enabled": False,
    "cooperatives": [{"cooperative": "dies", "role": "member", "member_id": AMINA}],
}
TODAY = brussels_today()


def _period(months_back: int) -> str:
    year, month = TODAY.year, TODAY.month - months_back
    while month < 1:
        year, month = year - 1, month + 12
    return f"{year:04d}-{month:02d}"


ME = {
    "id": AMINA,
    "first_name": "Amina",
    "last_name": "Diallo",
    "email": "amina.diallo@demo.example",
    "language": "fr",
    "lifecycle": "active",
    "status_model": "be_salaried",
    "status_parameters": {"household": "single", "dependent_children": 1, "weekly_hours": 13},
    "status_history": [],
    "activities": [
        {
            "id": CARGO,
            "member_id": AMINA,
            "code": "A0001",
            "name": "Vélo-livraisons",
            "sector": "bike delivery",
        }
    ],
}
# Two months ago an invoice paid 1 000, its contribution; this month the pay
HISTORY = {
    "activity_id": CARGO,
    "activity_code": "A0001",
    "opening_balance": "250.00",
    "balance": "4650.00",
    "provisions": {"double_holiday_pay": "120.50"},
    "provision_balance": "120.50",
    "entries": [
        {
            "date": f"{_period(2)}-10",
            "kind": "revenue",
            "amount": "5000.00",
            "reference": "DIES-2026-00001",
            "balance_after": "5250.00",
        },
        {
            "date": f"{_period(2)}-10",
            "kind": "contribution",
            "amount": "-500.00",
            "reference": "DIES-2026-00001",
            "balance_after": "4750.00",
        },
        {
            "date": f"{_period(0)}-01",
            "kind": "payroll",
            "amount": "-100.00",
            "reference": f"payslip {_period(0)}",
            "balance_after": "4650.00",
        },
    ],
    "page": {"limit": 1000, "offset": 0, "more": False},
}
LATEST = dict(HISTORY, page={"limit": 20, "offset": 0, "more": True})
ENROLLED = {
    "id": ENROLMENT,
    "programme": "Cap Entreprendre",
    "member_id": AMINA,
    "phase": "test",
    "phase_history": [{"phase": "intake", "on": "2026-09-01"}, {"phase": "test", "on": "2026-11-01"}],
    "appointments": [
        {
            "id": "a1",
            "kind": "appointment",
            "title": "Bilan du mois",
            "starts_at": (TODAY + timedelta(days=9)).isoformat() + "T09:30:00+00:00",
            "duration_minutes": 60,
            "attended": None,
        },
        {
            "id": "a0",
            "kind": "workshop",
            "title": "Atelier TVA",
            "starts_at": (TODAY - timedelta(days=20)).isoformat() + "T13:00:00+00:00",
            "duration_minutes": 120,
            "attended": True,
        },
    ],
    "hours_attended": "2.00",
    "goals": ["Trouver trois clients réguliers"],
    "milestones": [],
    "test_phase_ends_on": "2028-05-01",
    "right_to_work": None,
}
CARD = {
    "id": "d1",
    "member_id": AMINA,
    "kind": "residence_card",
    "reference": "B0123456",
    "valid_from": "2025-06-01",
    "valid_until": (TODAY + timedelta(days=20)).isoformat(),
    "labour_market": "unlimited",
}
CUSTOMER = {"id": PEETERS, "name": "Bakkerij Peeters BV", "kind": "company", "language": "nl"}


def _invoice(**changes):
    invoice = {
        "id": INVOICE,
        "kind": "invoice",
        "status": "issued",
        "number": "DIES-2026-00007",
        "activity_id": CARGO,
        "member_id": AMINA,
        "customer_id": PEETERS,
        "vat_regime": "standard",
        "issue_date": "2026-11-02",
        "due_date": "2026-11-20",
        "buyer_reference": None,
        "supply_date": None,
        "structured_communication": "+++090/9337/55493+++",
        "lines": [
            {
                "id": "l1",
                "description": "Livraisons à vélo — octobre",
                "quantity": "22",
                "unit_price": "45.00",
                "vat_rate": "0.21",
                "vat_category": "S",
                "net_amount": "990.00",
                "vat_amount": "207.90",
                "unit": "C62",
            }
        ],
        "total_excl_vat": "990.00",
        "total_vat": "207.90",
        "total_incl_vat": "1197.90",
        "vat_breakdown": [],
        "amount_paid": "200.00",
        "amount_credited": "0.00",
        "amount_due": "997.90",
        "credit_notes": [],
        "delivery": {"channel": "peppol", "status": "delivered", "reason": None},
    }
    invoice.update(changes)
    return invoice


SIMULATED = {
    "gross": "3512.09",
    "net_to_pay": "2405.71",
    "total_cost": "5000.00",
    "lines": [
        {
            "code": "employee_social_security",
            "label": "Cotisation personnelle ONSS / RSZ-werknemersbijdrage",
            "base": "3512.09",
            "rate": "0.1307",
            "amount": "459.03",
            "borne_by": "member",
        },
        {
            "code": "withholding_tax",
            "label": "Précompte professionnel / Bedrijfsvoorheffing",
            "base": "3053.06",
            "rate": None,
            "amount": "622.48",
            "borne_by": "member",
        },
        {
            "code": "special_social_security",
            "label": "Cotisation spéciale de sécurité sociale / BBSZ",
            "base": "3512.09",
            "rate": None,
            "amount": "24.87",
            "borne_by": "member",
        },
        {
            "code": "employer_basic",
            "label": "Cotisation patronale de base / Basiswerkgeversbijdrage",
            "base": "3512.09",
            "rate": "0.1988",
            "amount": "850.62",
            "borne_by": "cooperative",
        },
        {
            "code": "provision_year_end_premium",
            "label": "Provision prime de fin d'année / Provisie eindejaarspremie",
            "base": "3512.09",
            "rate": "0.0833",
            "amount": "637.29",
            "borne_by": "cooperative",
        },
    ],
    "rules_version": "be_salaried/2026-09-01+withholding/2026-01-01",
    "payments": [],
    "notes": [],
    "kind": "monthly",
    "provisions": {"year_end_premium": "637.29"},
    "draws_on": None,
    "status_model": "be_salaried",
}


class Services:
    """Answers by method name (a callable answer is given the payload); records each call."""

    def __init__(self, **answers):
        self.answers = {
            "resolve_session": MEMBER_STATE,
            "get_member": ME,
            "get_activity_account": lambda payload: HISTORY if payload.get("from") else LATEST,
            "list_member_enrolments": {"items": [ENROLLED], "total": 1},
            "list_expiring_documents": {"items": [dict(CARD, days_left=20)], "total": 1},
            "list_member_documents": {"items": [CARD], "total": 1},
            "list_customers": {"items": [CUSTOMER], "total": 1},
            "get_customer": CUSTOMER,
            **answers,
        }
        self.calls = []

    def call(self, service, method, authorization, payload=None, *, with_payload=True):
        self.calls.append((service, method, authorization, payload))
        answer = self.answers[method]
        if callable(answer):
            answer = answer(payload)
        if isinstance(answer, Exception):
            raise answer
        return answer

    def sent(self, method):
        return [payload for _s, m, _a, payload in self.calls if m == method]

    def close(self):
        pass


def _client(services, language="fr"):
    client = create_app({"COOP_WEB_COOKIE_SECURE": "false"}, rpc=services).test_client()
    client.set_cookie("coop_session", TOKEN)
    client.get(f"/portal/documents?lang={language}")  # the language kept in the signed cookie
    return client


_csrf = csrf_of


def _text(html: str) -> str:
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", html))


def test_my_account_shows_the_balance_the_months_the_entries_the_phase_and_expiring_documents():
    services = Services()
    page = _client(services, "en").get("/portal")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    text = _text(html)
    assert "4.650,00\xa0€" in html and 'id="balance"' in html  # en_BE: 4.650,00 €
    assert "Set aside for pay you will be owed: 120,50\xa0€" in text
    # the chart's table: one row per month, the month-end balance in data-value
    values = re.findall(r'<td class="amount" data-value="([^"]+)">', html)
    assert len(values) == 12 and values[-3:] == ["4750.00", "4750.00", "4650.00"] and values[0] == "250.00"
    assert 'data-chart="line" data-table="balance-months"' in html and "chart-4.6.1.umd.min.js" in html
    # the latest entries, newest first, with their kind in words; more pages are offered
    assert (
        text.index("Pay · payslip")
        < text.index("Contribution to the cooperative")
        < text.index("Invoice paid")
    )
    assert 'href="?page=1" rel="next"' in html
    assert "Cap Entreprendre" in text and "Test phase" in text and "Next appointment: Bilan du mois" in text
    assert "Residence card B0123456: expires on" in text
    # the calls an entrepreneur's key would make, each with the session as Bearer
    assert {a for _s, _m, a, _p in services.calls if _m != "resolve_session"} == {f"Bearer {TOKEN}"}
    assert services.sent("get_member")[-1] == {"id": AMINA}
    chart, latest = services.sent("get_activity_account")[-2:]
    assert chart == {"activity_id": CARGO, "from": f"{_period(11)}-01", "limit": 1000}
    assert latest == {"activity_id": CARGO, "limit": 20, "offset": 0}
    assert services.sent("list_member_enrolments")[-1] == {"member_id": AMINA}


def test_the_month_end_balances_carry_the_last_entry_of_each_month_forward():
    periods = [_period(n) for n in (3, 2, 1, 0)]
    assert pages.month_end_balances(HISTORY, periods) == [
        (periods[0], "250.00"),
        (periods[1], "4750.00"),
        (periods[2], "4750.00"),
        (periods[3], "4650.00"),
    ]


def test_amounts_and_words_follow_the_language_of_the_page():
    html = _client(Services(), "nl").get("/portal").get_data(as_text=True)
    assert "€\xa04.650,00" in html and "Mijn saldo" in html
    html = _client(Services(), "fr").get("/portal").get_data(as_text=True)
    assert "4\u202f650,00\xa0€" in html and "Phase de test" in html


def test_my_invoices_name_the_customer_status_delivery_and_what_is_overdue():
    draft = _invoice(id=DRAFT, status="draft", number=None, amount_due=None, delivery=None)
    services = Services(list_invoices={"items": [draft, _invoice()], "total": 2})
    page = _client(services, "en").get("/portal/invoices?status=issued")
    html = page.get_data(as_text=True)
    text = _text(html)
    assert page.status_code == 200 and '<option value="issued" selected>' in html
    assert "Draft, waiting for the staff to issue it" in text and "Not sent: a draft" in text
    assert "DIES-2026-00007" in text and "Bakkerij Peeters BV" in text
    assert "Issued · overdue" in text and "Peppol: Delivered" in text
    assert "1.197,90\xa0€" in text and "997,90\xa0€" in text
    assert services.sent("list_invoices")[-1] == {"limit": 25, "offset": 0, "status": "issued"}
    assert f'href="/portal/invoices/{DRAFT}"' in html


def test_an_invoice_of_somebody_else_is_the_404_page():
    services = Services(get_invoice=NotFound(f"No invoice '{INVOICE}'."))
    page = _client(services, "en").get(f"/portal/invoices/{INVOICE}")
    assert page.status_code == 404 and "<main" in page.get_data(as_text=True)
    assert services.sent("get_invoice")[-1] == {"id": INVOICE}
    typed = _client(services, "en").get("/portal/invoices/DIES-2026-00001")  # not an id: no record either
    assert typed.status_code == 404 and "<main" in typed.get_data(as_text=True)
    assert len(services.sent("get_invoice")) == 1


def test_an_issued_invoice_shows_what_is_paid_and_due_and_offers_its_pdf():
    services = Services(
        get_invoice=_invoice(),
        render_invoice={
            "filename": "DIES-2026-00007.pdf",
            "content_type": "application/pdf",
            "content": base64.b64encode(b"%PDF-1.7 facture").decode(),
        },
    )
    client = _client(services, "en")
    text = _text(client.get(f"/portal/invoices/{INVOICE}").get_data(as_text=True))
    assert "Invoice DIES-2026-00007" in text and "Still due 997,90\xa0€" in text and "21%" in text
    pdf = client.get(f"/portal/invoices/{INVOICE}/pdf")
    assert pdf.data.startswith(b"%PDF") and "DIES-2026-00007.pdf" in pdf.headers["Content-Disposition"]
    assert services.sent("render_invoice")[-1] == {"invoice_id": INVOICE, "format": "pdf"}


def test_drafting_an_invoice_sends_the_lines_to_billing_and_leads_to_the_draft():
    services = Services(create_invoice=_invoice(id=DRAFT, status="draft", number=None))
    client = _client(services, "en")
    form = client.get("/portal/invoices/new").get_data(as_text=True)
    assert '<label for="customer_id">' in form and '<label for="lines-0-unit_price">' in form
    key = re.search(r'name="idempotency_key" value="([^"]+)"', form).group(1)
    sent = client.post(
        "/portal/invoices/new",
        data={
            "csrf_token": _csrf(form),
            "idempotency_key": key,
            "activity_id": CARGO,
            "customer_id": PEETERS,
            "vat_regime": "standard",
            "buyer_reference": "PO-77",
            "lines-0-description": "Livraisons à vélo — novembre",
            "lines-0-quantity": "22",
            "lines-0-unit": "C62",
            "lines-0-unit_price": "1.045,00",  # as typed in Belgium
            "lines-0-vat_rate": "0.21",
            "lines-1-description": "",
            "lines-1-quantity": "1",
            "lines-1-unit_price": "",
            "lines-1-vat_rate": "0.21",
        },
    )
    assert sent.status_code == 303 and sent.headers["Location"] == f"/portal/invoices/{DRAFT}?drafted=1"
    assert services.sent("create_invoice")[-1] == {
        "activity_id": CARGO,
        "customer_id": PEETERS,
        "vat_regime": "standard",
        "buyer_reference": "PO-77",
        "idempotency_key": key,
        "lines": [
            {
                "description": "Livraisons à vélo — novembre",
                "quantity": "22",
                "unit": "C62",
                "unit_price": "1045.00",
                "vat_rate": "0.21",
            }
        ],
    }
    services.answers["get_invoice"] = _invoice(id=DRAFT, status="draft", number=None, delivery=None)
    text = _text(client.get(f"/portal/invoices/{DRAFT}?drafted=1").get_data(as_text=True))
    assert "Your draft is saved: the staff will check and issue it." in text and "Delete this draft" in text


def _draft_priced_douze(client, token: str):
    """The new-invoice form sent with a unit price a service refuses."""
    return client.post(
        "/portal/invoices/new",
        data={
            "csrf_token": token,
            "activity_id": CARGO,
            "customer_id": PEETERS,
            "vat_regime": "standard",
            "lines-0-description": "Cours de vélo",
            "lines-0-unit_price": "douze",
        },
    )


def test_a_refused_draft_shows_the_message_under_its_line_and_keeps_what_was_typed():
    # marshmallow nests a list's items: {"lines": {0: {"unit_price": [...]}}}
    refusal = ValidationError(fields={"lines": {0: {"unit_price": ["Not a valid amount."]}}})
    services = Services(create_invoice=refusal)
    client = _client(services, "en")
    token = _csrf(client.get("/portal/invoices/new").get_data(as_text=True))
    page = _draft_priced_douze(client, token)
    html = page.get_data(as_text=True)
    assert page.status_code == 422 and "Some fields need correcting." in html
    assert 'id="lines-0-unit_price-error">Not a valid amount.' in html and 'value="douze"' in html
    nothing = client.post("/portal/invoices/new", data={"csrf_token": token, "customer_id": PEETERS})
    assert nothing.status_code == 422 and len(services.sent("create_invoice")) == 1


def test_a_refused_amount_reads_in_the_entrepreneurs_language_with_what_was_typed():
    """The services answer in English; the portal shows their message in the reader's language
    (coop_web.service_messages), the value typed kept as it was."""
    refusal = ValidationError(fields={"lines": {0: {"unit_price": ["Not a decimal amount: 'douze'."]}}})
    client = _client(Services(create_invoice=refusal), "fr")
    page = _draft_priced_douze(client, _csrf(client.get("/portal/invoices/new").get_data(as_text=True)))
    assert page.status_code == 422
    assert 'id="lines-0-unit_price-error">Ce n&#39;est pas un montant décimal : &#39;douze&#39;.' in (
        page.get_data(as_text=True)
    )


def test_add_a_line_gives_the_next_numbered_line_for_htmx():
    html = _client(Services(), "en").get("/portal/invoices/new/line?n=3").get_data(as_text=True)
    assert 'id="line-3"' in html and '<label for="lines-3-description">' in html and "Line 4" in html
    assert 'hx-get="/portal/invoices/new/line?n=4"' in html and 'hx-swap-oob="true"' in html


def test_my_payslips_list_with_their_pdf():
    services = Services(
        list_payslips={
            "items": [
                {
                    "id": PAYSLIP,
                    "period": "2026-11",
                    "kind": "monthly",
                    "gross": "2104.12",
                    "net_to_pay": "1620.40",
                    "total_cost": "3500.00",
                }
            ],
            "total": 1,
        },
        render_payslip={
            "filename": "payslip-2026-11-6d5c4b3a.pdf",
            "content_type": "application/pdf",
            "content": base64.b64encode(b"%PDF-1.7 fiche").decode(),
        },
    )
    client = _client(services, "fr")
    text = _text(client.get("/portal/payslips").get_data(as_text=True))
    assert "novembre 2026" in text and "1\u202f620,40\xa0€" in text and "Salaire mensuel" in text
    pdf = client.get(f"/portal/payslips/{PAYSLIP}/pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert services.sent("render_payslip")[-1] == {"id": PAYSLIP}


def test_the_pay_simulation_starts_from_my_balance_and_answers_without_a_reload():
    services = Services(simulate=SIMULATED)
    client = _client(services, "en")
    form = client.get("/portal/pay").get_data(as_text=True)
    assert 'name="amount" type="text" inputmode="decimal" value="4650.00"' in form
    assert 'hx-post="/portal/pay" hx-target="#pay-result"' in form and "Salaried entrepreneur" in form
    answer = client.post(
        "/portal/pay",
        data={"csrf_token": _csrf(form), "mode": "budget", "amount": "5000,00", "activity": CARGO},
        headers={"HX-Request": "true"},
    )
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "<html" not in html  # the fragment alone
    figures = dict(re.findall(r'<td class="amount" id="pay-(\w+)">(?:<strong>)?([^<]+)<', html))
    assert figures == {
        "gross": "3.512,09\xa0€",
        "social": "483,90\xa0€",
        "withholding": "622,48\xa0€",
        "net": "2.405,71\xa0€",
        "employer": "850,62\xa0€",
        "provisions": "637,29\xa0€",
        "cost": "5.000,00\xa0€",
        "remains": "-350,00\xa0€",
    }
    assert "This costs more than your balance today" in html
    assert "Personal social security contribution" in html and "13,07%" in html
    assert services.sent("simulate")[-1] == {
        "status_model": "be_salaried",
        "period": TODAY.strftime("%Y-%m"),
        "mode": "budget",
        "amount": "5000.00",
        "parameters": {"household": "single", "dependent_children": 1, "weekly_hours": 13},
    }


def test_a_refused_simulation_says_why_in_the_fragment_and_on_the_whole_page():
    trial = dict(ME, status_model="trial", status_parameters={})
    refusal = BusinessRuleViolation(
        "Trial status: the activity may invoice, but no remuneration is paid during the test phase."
    )
    services = Services(get_member=trial, simulate=refusal)
    client = _client(services, "en")
    token = _csrf(client.get("/portal/pay").get_data(as_text=True))
    fragment = client.post(
        "/portal/pay",
        data={"csrf_token": token, "mode": "gross", "amount": "1000"},
        headers={"HX-Request": "true"},
    )
    assert fragment.status_code == 200 and 'role="alert"' in fragment.get_data(as_text=True)
    assert "no remuneration is paid during the test phase" in fragment.get_data(as_text=True)
    whole = client.post("/portal/pay", data={"csrf_token": token, "mode": "gross", "amount": "1000"})
    assert whole.status_code == 422 and "<main" in whole.get_data(as_text=True)


def test_my_documents_say_when_they_expire_in_words():
    expired = dict(CARD, id="d0", kind="id_card", reference="592-1234567-89", valid_until="2026-01-31")
    services = Services(list_member_documents={"items": [expired, CARD], "total": 2})
    text = _text(_client(services, "en").get("/portal/documents").get_data(as_text=True))
    assert "Identity card 592-1234567-89" in text and "Expired" in text
    assert "Residence card B0123456" in text and "Expires in 20 days" in text
    assert "Unlimited access to work" in text
    assert services.sent("list_member_documents")[-1] == {"member_id": AMINA}


def test_my_programme_shows_the_phase_its_history_and_the_next_appointment():
    text = _text(_client(Services(), "en").get("/portal/programme").get_data(as_text=True))
    assert "Cap Entreprendre" in text and "Phase Test phase" in text
    assert "Bilan du mois" in text and "60 minutes" in text and "Atelier TVA" in text and "attended" in text
    assert "Trouver trois clients réguliers" in text
    none = _text(
        _client(Services(list_member_enrolments={"items": [], "total": 0}), "en")
        .get("/portal/programme")
        .get_data(as_text=True)
    )
    assert "You are not enrolled in a programme." in none


@pytest.mark.parametrize("path", ["/portal", "/portal/invoices", "/portal/pay"])
def test_staff_opening_the_portal_land_on_their_console(path):
    staff = dict(MEMBER_STATE, role="staff", member_id=None)
    client = create_app(
        {"COOP_WEB_COOKIE_SECURE": "false"}, rpc=Services(resolve_session=staff)
    ).test_client()
    client.set_cookie("coop_session", TOKEN)
    answer = client.get(path)
    assert answer.status_code == 303 and answer.headers["Location"] == "/console"

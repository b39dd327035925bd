"""The console's customers, invoices and credit notes (coop_web.console.billing) with a stand-in
for the services: what each page shows as a person reads it (amounts in the page's language,
statuses as text), the payload each form sends to billing, the 404 page of another
cooperative's invoice, and an auditor who sees no form. No broker: these run in a second."""

import base64
import re

import pytest
from coop_web.service import create_app

from coop_shared.errors import BusinessRuleViolation, NotFound, ValidationError
from tests.unit.page_text import csrf_of

TOKEN = "sess_" + "b" * 43
STAFF = {
    "stage": "full",
    "email": "lotte@dies.example",
    "cooperative": "dies",
    "role": "staff",
    "member_id": None,
    "language": "en",
    "totp_enabled": True,
    "cooperatives": [{"cooperative": "dies", "role": "staff"}],
}
AUDITOR = dict(STAFF, role="auditor", cooperatives=[{"cooperative": "dies", "role": "auditor"}])

PEETERS = "7c1e4d2a-1111-4a5b-8c9d-000000000001"
DUBOIS = "7c1e4d2a-1111-4a5b-8c9d-000000000002"
AMINA = "5a0b3c1d-2222-4e6f-9a8b-000000000001"
CARGO = "3f2e1d0c-3333-4b4a-8c7d-000000000001"
INVOICE = "9e8d7c6b-4444-4a3b-9c8d-000000000001"
DRAFT = "9e8d7c6b-4444-4a3b-9c8d-000000000002"
NOTE = "9e8d7c6b-4444-4a3b-9c8d-000000000003"
LINE = "1a2b3c4d-5555-4e6f-8a9b-000000000001"

CUSTOMER = {
    "id": PEETERS,
    "name": "Bakkerij Peeters BV",
    "kind": "company",
    "vat_number": "BE0412345614",
    "enterprise_number": "0412345614",
    "email": "boekhouding@peeters.example",
    "address": {"street": "Vlaamsesteenweg 20", "postal_code": "1000", "city": "Brussel", "country": "BE"},
    "language": "nl",
    "peppol_id": None,
}
CONSUMER = dict(
    CUSTOMER, id=DUBOIS, name="Claire Dubois", kind="person", vat_number=None, enterprise_number=None
)


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
        "issue_date": "2026-11-30",
        "due_date": "2026-12-30",
        "buyer_reference": None,
        "supply_date": None,
        "period_start": None,
        "period_end": None,
        "renovation_declaration": False,
        "structured_communication": "+++090/9337/55493+++",
        "lines": [
            {
                "id": LINE,
                "description": "Livraisons à vélo — novembre",
                "quantity": "22",
                "unit_price": "45.00",
                "vat_rate": "0.21",
                "vat_category": "S",
                "net_amount": "990.00",
                "vat_amount": "207.90",
                "unit": "C62",
                "supply_date": None,
                "period_start": None,
                "period_end": None,
            }
        ],
        "total_excl_vat": "990.00",
        "total_vat": "207.90",
        "total_incl_vat": "1197.90",
        "vat_breakdown": [
            {"category": "S", "rate": "0.21", "taxable_amount": "990.00", "vat_amount": "207.90"}
        ],
        "amount_paid": "0.00",
        "amount_credited": "0.00",
        "amount_due": "1197.90",
        "credit_notes": [],
        "delivery": {
            "channel": "peppol",
            "status": "delivered",
            "reason": None,
            "receiver": "0208:0412345614",
            "access_point": "loopback",
            "attempts": 1,
            "queued_at": "2026-11-30T10:00:00+00:00",
            "sent_at": "2026-11-30T10:00:01+00:00",
            "delivered_at": "2026-11-30T10:00:02+00:00",
            "updated_at": "2026-11-30T10:00:02+00:00",
        },
    }
    invoice.update(changes)
    return invoice


DRAFT_INVOICE = _invoice(
    id=DRAFT, status="draft", number=None, structured_communication=None, amount_due=None, delivery=None
)
MEMBERS = {"items": [{"id": AMINA, "first_name": "Amina", "last_name": "Diallo"}], "total": 1}
DETAILED = {
    "items": [
        {
            "id": AMINA,
            "first_name": "Amina",
            "last_name": "Diallo",
            "activities": [{"id": CARGO, "member_id": AMINA, "code": "A0001", "name": "Vélo-livraisons"}],
        }
    ]
}
ACTIVITY = {"id": CARGO, "member_id": AMINA, "code": "A0001", "name": "Vélo-livraisons", "trade_name": None}


class Suite:
    """Answers by method name (a callable is called with the payload); records each call."""

    def __init__(self, state=STAFF, **answers):
        self.answers = {
            "resolve_session": state,
            "list_customers": {"items": [CUSTOMER, CONSUMER], "total": 2},
            "get_customer": CUSTOMER,
            "list_members": MEMBERS,
            "get_members": DETAILED,
            "get_activity": ACTIVITY,
            "list_invoices": {"items": [_invoice(), DRAFT_INVOICE], "total": 2},
            "get_invoice": _invoice(),
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


def _client(suite):
    client = create_app({"COOP_WEB_COOKIE_SECURE": "false"}, rpc=suite).test_client()
    client.set_cookie("coop_session", TOKEN)
    return client


_csrf = csrf_of


def _page(client, path, **headers):
    page = client.get(path, headers={"Accept-Language": "en", **headers})
    return page, page.get_data(as_text=True)


def test_the_invoice_list_shows_amounts_statuses_and_sends_the_filters():
    suite = Suite()
    page, html = _page(_client(suite), "/console/invoices?status=issued&delivery_status=delivered&overdue=1")
    assert page.status_code == 200
    assert "DIES-2026-00007" in html and "Bakkerij Peeters BV" in html and "A0001" in html
    assert "1.197,90\xa0€" in html  # Belgian English
    assert ">Issued<" in html and "Delivered" in html and ">Draft<" in html
    sent = suite.sent("list_invoices")[0]
    assert sent["status"] == "issued" and sent["delivery_status"] == "delivered"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", sent["overdue_on"]) and sent["offset"] == 0
    assert all(authorization == f"Bearer {TOKEN}" for _s, _m, authorization, _p in suite.calls[1:])


def test_the_invoice_list_speaks_french_and_dutch():
    _page_fr, fr = _page(_client(Suite(dict(STAFF, language="fr"))), "/console/invoices?lang=fr")
    assert "1\u202f197,90\xa0€" in fr and "Émise" in fr
    _page_nl, nl = _page(_client(Suite(dict(STAFF, language="nl"))), "/console/invoices?lang=nl")
    assert "€\xa01.197,90" in nl and "Uitgereikt" in nl


def test_an_invoice_shows_its_lines_totals_payment_delivery_and_the_credit_form():
    suite = Suite()
    page, html = _page(_client(suite), f"/console/invoices/{INVOICE}")
    assert page.status_code == 200
    assert "Invoice DIES-2026-00007" in html and "Livraisons à vélo — novembre" in html
    assert "45,00\xa0€" in html and "21 %" in html and "207,90\xa0€" in html
    assert "+++090/9337/55493+++" in html and "0208:0412345614" in html
    assert 'id="delivery-status"' in html and "Delivered" in html and "hx-trigger" not in html
    assert f"/console/invoices/{INVOICE}/pdf" in html and f"/console/invoices/{INVOICE}/ubl" in html
    assert f'action="/console/invoices/{INVOICE}/credit"' in html
    assert "Issue the invoice" not in html


def test_a_delivery_still_on_its_way_is_asked_again_by_htmx():
    queued = _invoice(delivery=dict(_invoice()["delivery"], status="queued", delivered_at=None))
    _page_, html = _page(_client(Suite(get_invoice=queued)), f"/console/invoices/{INVOICE}")
    assert f'hx-get="/console/invoices/{INVOICE}/delivery"' in html and "Queued" in html
    part, fragment = _page(_client(Suite()), f"/console/invoices/{INVOICE}/delivery")
    assert part.status_code == 200 and "<html" not in fragment and "Delivered" in fragment


def test_another_cooperatives_invoice_is_the_404_page():
    suite = Suite(get_invoice=NotFound(f"No invoice '{INVOICE}'."))
    page, html = _page(_client(suite), f"/console/invoices/{INVOICE}")
    assert page.status_code == 404 and "<main" in html and "DIES-2026" not in html


def test_a_draft_is_issued_with_its_id_and_the_page_says_so():
    suite = Suite(get_invoice=DRAFT_INVOICE, issue_invoice=_invoice(id=DRAFT))
    client = _client(suite)
    _page_, html = _page(client, f"/console/invoices/{DRAFT}")
    assert "Issue the invoice" in html and f"/console/invoices/{DRAFT}/edit" in html
    assert "Download the PDF" not in html
    issued = client.post(f"/console/invoices/{DRAFT}/issue", data={"csrf_token": _csrf(html)})
    assert issued.status_code == 303 and issued.headers["Location"].endswith(
        f"/console/invoices/{DRAFT}?done=issued"
    )
    assert suite.sent("issue_invoice") == [{"id": DRAFT}]
    suite.answers["get_invoice"] = _invoice(id=DRAFT)
    _page_, html = _page(client, issued.headers["Location"])
    assert "The invoice was issued." in html


def test_a_refused_issue_is_shown_on_the_invoice():
    refused = BusinessRuleViolation("Only a draft can be issued.")
    suite = Suite(get_invoice=DRAFT_INVOICE, issue_invoice=refused)
    client = _client(suite)
    token = _csrf(_page(client, f"/console/invoices/{DRAFT}")[1])
    page = client.post(f"/console/invoices/{DRAFT}/issue", data={"csrf_token": token})
    assert page.status_code == 409 and "Only a draft can be issued." in page.get_data(as_text=True)


def test_a_new_draft_sends_its_non_empty_lines_with_amounts_as_billing_reads_them():
    suite = Suite(create_invoice=DRAFT_INVOICE)
    client = _client(suite)
    page, html = _page(client, f"/console/invoices/new?customer_id={PEETERS}")
    assert page.status_code == 200 and f'<option value="{PEETERS}" selected>' in html
    assert '<label for="description-0"' in html and '<label for="vat_rate-2"' in html
    assert "A0001 Vélo-livraisons (Amina Diallo)" in html
    form = {
        "csrf_token": _csrf(html),
        "rows": "3",
        "customer_id": PEETERS,
        "activity_id": CARGO,
        "vat_regime": "standard",
        "due_date": "2026-12-31",
        "description-0": "Livraisons à vélo — novembre",
        "quantity-0": "22",
        "unit_price-0": "1 234,50",
        "vat_rate-0": "0.21",
        "description-2": "Emballage",
        "quantity-2": "1,5",
        "unit_price-2": "10",
        "vat_rate-2": "0.06",
        "action": "save",
    }
    created = client.post("/console/invoices/new", data=form)
    assert created.status_code == 303 and created.headers["Location"].endswith(
        f"/console/invoices/{DRAFT}?done=created"
    )
    assert suite.sent("create_invoice") == [
        {
            "customer_id": PEETERS,
            "activity_id": CARGO,
            "vat_regime": "standard",
            "due_date": "2026-12-31",
            "lines": [
                {
                    "description": "Livraisons à vélo — novembre",
                    "quantity": "22",
                    "unit_price": "1234.50",
                    "vat_rate": "0.21",
                },
                {"description": "Emballage", "quantity": "1.5", "unit_price": "10", "vat_rate": "0.06"},
            ],
        }
    ]


def test_add_a_line_shows_the_form_again_with_one_more_row_and_sends_nothing():
    suite = Suite()
    client = _client(suite)
    token = _csrf(_page(client, "/console/invoices/new")[1])
    form = {"csrf_token": token, "rows": "3", "description-1": "Pose", "action": "add_line"}
    page = client.post("/console/invoices/new", data=form)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="description-3"' in html and 'value="Pose"' in html
    assert suite.sent("create_invoice") == []


def test_a_refused_line_is_shown_beside_its_own_row():
    refused = ValidationError(fields={"lines.1.quantity": ["A quantity is greater than zero."]})
    suite = Suite(create_invoice=refused)
    client = _client(suite)
    token = _csrf(_page(client, "/console/invoices/new")[1])
    form = {
        "csrf_token": token,
        "rows": "3",
        "customer_id": PEETERS,
        "activity_id": CARGO,
        "description-0": "Pose",
        "quantity-0": "1",
        "unit_price-0": "55.00",
        "description-2": "Vis",
        "quantity-2": "0",
        "unit_price-2": "1.00",
    }
    page = client.post("/console/invoices/new", data=form)
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    assert 'id="quantity-2-problem">A quantity is greater than zero.' in html  # row 3, line 2 sent
    assert 'value="Vis"' in html


def test_a_draft_is_edited_with_update_invoice():
    suite = Suite(get_invoice=DRAFT_INVOICE, update_invoice=DRAFT_INVOICE)
    client = _client(suite)
    page, html = _page(client, f"/console/invoices/{DRAFT}/edit")
    assert (
        page.status_code == 200 and 'value="Livraisons à vélo — novembre"' in html and 'value="45.00"' in html
    )
    form = {
        "csrf_token": _csrf(html),
        "rows": "2",
        "customer_id": PEETERS,
        "activity_id": CARGO,
        "vat_regime": "standard",
        "description-0": "Livraisons à vélo — novembre",
        "quantity-0": "23",
        "unit_price-0": "45.00",
        "vat_rate-0": "0.21",
    }
    saved = client.post(f"/console/invoices/{DRAFT}/edit", data=form)
    assert saved.status_code == 303
    (sent,) = suite.sent("update_invoice")
    assert sent["id"] == DRAFT and sent["lines"][0]["quantity"] == "23"


def test_an_issued_invoice_is_credited_whole_or_by_line():
    note = _invoice(id=NOTE, kind="credit_note", number="DIES-CN-2026-00001")
    suite = Suite(create_credit_note=note)
    client = _client(suite)
    token = _csrf(_page(client, f"/console/invoices/{INVOICE}")[1])
    whole = client.post(f"/console/invoices/{INVOICE}/credit", data={"csrf_token": token, "reason": "Double"})
    assert whole.status_code == 303 and f"/console/invoices/{NOTE}?done=credited" in whole.headers["Location"]
    client.post(
        f"/console/invoices/{INVOICE}/credit",
        data={"csrf_token": token, "reason": "Deux livraisons en trop", f"credit-{LINE}": "2"},
    )
    assert suite.sent("create_credit_note") == [
        {"invoice_id": INVOICE, "reason": "Double"},
        {
            "invoice_id": INVOICE,
            "reason": "Deux livraisons en trop",
            "lines": [{"line_id": LINE, "quantity": "2"}],
        },
    ]


def test_a_credit_note_names_the_invoice_it_credits():
    note = _invoice(
        id=NOTE, kind="credit_note", number="DIES-CN-2026-00001", credited_invoice_id=INVOICE, reason="Double"
    )
    for key in ("amount_paid", "amount_credited", "amount_due", "credit_notes"):
        note.pop(key)
    invoices = {NOTE: note, INVOICE: _invoice()}
    suite = Suite(get_invoice=lambda payload: invoices[payload["id"]])
    _page_, html = _page(_client(suite), f"/console/invoices/{NOTE}")
    assert "Credit note DIES-CN-2026-00001" in html and "DIES-2026-00007" in html and "Double" in html
    assert "Credit this invoice" not in html


@pytest.mark.parametrize(
    "file_format, filename, content_type",
    [("pdf", "DIES-2026-00007.pdf", "application/pdf"), ("ubl", "DIES-2026-00007.xml", "application/xml")],
)
def test_the_pdf_and_the_ubl_are_downloaded(file_format, filename, content_type):
    body = b"%PDF-1.7 ..." if file_format == "pdf" else b"<Invoice/>"
    rendered = {
        "filename": filename,
        "content_type": content_type,
        "content": base64.b64encode(body).decode(),
    }
    suite = Suite(render_invoice=rendered)
    page = _client(suite).get(f"/console/invoices/{INVOICE}/{file_format}")
    assert page.status_code == 200 and page.data == body and page.content_type == content_type
    assert page.headers["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert suite.sent("render_invoice") == [{"invoice_id": INVOICE, "format": file_format}]


def test_an_auditor_reads_invoices_and_customers_without_any_form():
    suite = Suite(AUDITOR, get_invoice=DRAFT_INVOICE)
    client = _client(suite)
    for path in (f"/console/invoices/{DRAFT}", f"/console/invoices/{INVOICE}", "/console/invoices"):
        _page_, html = _page(client, path)
        assert "<main" in html
        assert 'method="post" action="/console/invoices' not in html and "New invoice" not in html
    suite.answers["get_invoice"] = _invoice()
    _page_, html = _page(client, f"/console/invoices/{INVOICE}")
    assert "Credit this invoice" not in html and "Download the PDF" in html
    _page_, html = _page(client, f"/console/customers/{PEETERS}")
    assert "Bakkerij Peeters BV" in html and "Edit the customer" not in html
    _page_, html = _page(client, "/console/invoices/new")
    assert 'id="invoice-form"' not in html


def test_the_customer_list_searches_and_shows_each_customer():
    suite = Suite()
    page, html = _page(_client(suite), "/console/customers?q=peeters&kind=company")
    assert page.status_code == 200 and "Bakkerij Peeters BV" in html and "BE0412345614" in html
    assert suite.sent("list_customers") == [{"limit": 25, "offset": 0, "q": "peeters", "kind": "company"}]
    assert '<label for="q">' in html and '<th scope="col">' in html


def test_a_customer_is_created_with_its_address_and_peppol_id():
    suite = Suite(create_customer=CUSTOMER)
    client = _client(suite)
    page, html = _page(client, "/console/customers/new")
    assert (
        page.status_code == 200
        and '<label for="address_street">' in html
        and '<label for="peppol_id">' in html
    )
    form = {
        "csrf_token": _csrf(html),
        "name": "Bakkerij Peeters BV",
        "kind": "company",
        "vat_number": "BE0412345614",
        "peppol_id": "0208:0412345614",
        "email": "",
        "language": "nl",
        "address_street": "Vlaamsesteenweg 20",
        "address_postal_code": "1000",
        "address_city": "Brussel",
        "address_country": "be",
    }
    created = client.post("/console/customers/new", data=form)
    assert created.status_code == 303 and created.headers["Location"].endswith(
        f"/console/customers/{PEETERS}?done=customer_created"
    )
    assert suite.sent("create_customer") == [
        {
            "name": "Bakkerij Peeters BV",
            "kind": "company",
            "vat_number": "BE0412345614",
            "peppol_id": "0208:0412345614",
            "language": "nl",
            "address": {
                "street": "Vlaamsesteenweg 20",
                "postal_code": "1000",
                "city": "Brussel",
                "country": "BE",
            },
        }
    ]


def test_a_refused_customer_shows_the_problem_beside_its_field():
    refused = ValidationError(
        fields={"vat_number": ["Not a valid VAT number."], "address.city": ["Missing."]}
    )
    suite = Suite(create_customer=refused)
    client = _client(suite)
    token = _csrf(_page(client, "/console/customers/new")[1])
    page = client.post(
        "/console/customers/new",
        data={"csrf_token": token, "name": "X", "kind": "company", "vat_number": "BE1"},
    )
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    assert (
        'id="vat_number-problem">Not a valid VAT number.' in html
        and 'id="address_city-problem">Missing.' in html
    )
    assert 'value="BE1"' in html


def test_a_customer_edit_sends_only_what_changed_with_the_reason():
    suite = Suite(update_customer=dict(CUSTOMER, email="compta@peeters.example", changed=["email"]))
    client = _client(suite)
    page, html = _page(client, f"/console/customers/{PEETERS}")
    assert page.status_code == 200 and "Edit the customer" in html and "DIES-2026-00007" in html
    form = {
        "csrf_token": _csrf(html),
        "name": CUSTOMER["name"],
        "vat_number": CUSTOMER["vat_number"],
        "enterprise_number": CUSTOMER["enterprise_number"],
        "email": "compta@peeters.example",
        "language": "nl",
        "address_street": "Vlaamsesteenweg 20",
        "address_postal_code": "1000",
        "address_city": "Brussel",
        "address_country": "BE",
        "reason": "New accountant",
    }
    saved = client.post(f"/console/customers/{PEETERS}", data=form)
    assert saved.status_code == 303 and "done=customer_updated" in saved.headers["Location"]
    assert suite.sent("update_customer") == [
        {"customer_id": PEETERS, "email": "compta@peeters.example", "reason": "New accountant"}
    ]

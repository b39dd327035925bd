"""The console's bank page (coop_web.console.bank) with a stand-in for billing: a statement file
uploaded is sent as base64 with its format, what became of each credit is shown, and an
unmatched payment is matched by hand to the invoice chosen. No broker: these run in a second."""

import base64
import io

from coop_web.service import create_app

from coop_shared.errors import BusinessRuleViolation, ValidationError
from tests.unit.page_text import csrf_of

TOKEN = "sess_" + "c" * 43
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
PAYMENT = "2b3c4d5e-6666-4a7b-8c9d-000000000001"
INVOICE = "9e8d7c6b-4444-4a3b-9c8d-000000000001"
OTHER = "9e8d7c6b-4444-4a3b-9c8d-000000000009"
UNMATCHED = {
    "payment_id": PAYMENT,
    "status": "unmatched",
    "amount": "74.00",
    "value_date": "2026-11-30",
    "bank_reference": "0001-0002",
    "invoice_id": None,
    "applied": "0.00",
    "unallocated": "74.00",
    "structured_communication": None,
    "counterparty_name": "Claire Dubois",
    "counterparty_iban": "BE68539007547034",
}
OPEN = {
    "id": INVOICE,
    "kind": "invoice",
    "status": "issued",
    "number": "DIES-2026-00002",
    "amount_due": "89.54",
    "total_incl_vat": "89.54",
}
IMPORTED = {
    "statement_id": "8a7b6c5d-7777-4e3f-9a1b-000000000001",
    "format": "coda",
    "account_iban": "BE05068123456775",
    "number": "312",
    "opening_balance": "1000.00",
    "closing_balance": "2271.90",
    "movements": 2,
    "credits": 2,
    "debits": 0,
    "matched": 1,
    "unmatched": 1,
    "duplicates": 0,
    "warnings": [],
    "lines": [
        {
            "line": 1,
            "reference": "0001",
            "amount": "1197.90",
            "status": "matched",
            "payment_id": "2b3c4d5e-6666-4a7b-8c9d-000000000002",
            "invoice_id": OTHER,
            "counterparty_name": "Bakkerij Peeters BV",
            "communication": "+++090/9337/55493+++",
        },
        {
            "line": 2,
            "reference": "0002",
            "amount": "74.00",
            "status": "unmatched",
            "payment_id": PAYMENT,
            "invoice_id": None,
            "counterparty_name": "Claire Dubois",
            "communication": "courses novembre",
        },
    ],
}


class Billing:
    def __init__(self, state=STAFF, **answers):
        self.answers = {
            "resolve_session": state,
            "list_unmatched_payments": {"items": [UNMATCHED], "total": 1},
            "list_invoices": lambda payload: {
                "items": [OPEN]
                if payload["status"] == "issued"
                else [dict(OPEN, id=OTHER, number="DIES-2026-00001")]
                if payload["status"] == "paid"
                else [],
                "total": 1,
            },
            **answers,
        }
        self.calls = []

    def call(self, service, method, authorization, payload=None, *, with_payload=True):
        self.calls.append((method, payload))
        answer = self.answers[method]
        answer = answer(payload) if callable(answer) else answer
        if isinstance(answer, Exception):
            raise answer
        return answer

    def sent(self, method):
        return [payload for m, payload in self.calls if m == method]

    def close(self):
        pass


def _client(billing):
    client = create_app({"COOP_WEB_COOKIE_SECURE": "false"}, rpc=billing).test_client()
    client.set_cookie("coop_session", TOKEN)
    return client


def _get(client, path="/console/bank"):
    page = client.get(path, headers={"Accept-Language": "en"})
    return page, page.get_data(as_text=True)


_csrf = csrf_of


def test_the_bank_page_lists_the_unmatched_payments_with_a_form_to_match_each():
    page, html = _get(_client(Billing()))
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in html and '<label for="statement">' in html
    assert "Claire Dubois" in html and "74,00\xa0€" in html and "Unmatched" in html
    assert f'<label for="invoice-for-{PAYMENT}">' in html
    assert f'<option value="{INVOICE}">DIES-2026-00002 · 89,54\xa0€</option>' in html


def test_a_coda_file_is_sent_as_base64_and_what_became_of_each_credit_is_shown():
    billing = Billing(import_bank_statement=IMPORTED)
    client = _client(billing)
    token = _csrf(_get(client)[1])
    coda = b"0000001122620005        00000000  DIES" + b" " * 90 + b"\r\n"
    page = client.post(
        "/console/bank/import",
        data={"csrf_token": token, "format": "", "statement": (io.BytesIO(coda), "dies-312.cod")},
        content_type="multipart/form-data",
    )
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert billing.sent("import_bank_statement") == [
        {"format": "coda", "content": base64.b64encode(coda).decode(), "filename": "dies-312.cod"}
    ]
    assert "Statement imported: 1 matched, 1 unmatched, 0 duplicates." in html
    assert 'id="count-matched">1<' in html and "1.197,90\xa0€" in html and "Matched" in html
    assert f'<a href="/console/invoices/{OTHER}">DIES-2026-00001</a>' in html  # paid by its communication
    assert "courses novembre" in html


def test_an_xml_file_is_read_as_camt053_and_a_refused_file_is_shown():
    refused = ValidationError(fields={"content": ["Not a CODA or camt.053 statement: line 1."]})
    billing = Billing(import_bank_statement=refused)
    client = _client(billing)
    token = _csrf(_get(client)[1])
    page = client.post(
        "/console/bank/import",
        data={"csrf_token": token, "statement": (io.BytesIO(b"<Document/>"), "nov.xml")},
        content_type="multipart/form-data",
    )
    html = page.get_data(as_text=True)
    assert page.status_code == 422 and "Not a CODA or camt.053 statement: line 1." in html
    assert billing.sent("import_bank_statement")[0]["format"] == "camt053"


def test_no_file_is_refused_before_any_call():
    billing = Billing()
    client = _client(billing)
    token = _csrf(_get(client)[1])
    page = client.post("/console/bank/import", data={"csrf_token": token}, content_type="multipart/form-data")
    assert page.status_code == 422 and "Choose the statement file to upload." in page.get_data(as_text=True)
    assert billing.sent("import_bank_statement") == []


def test_an_unmatched_payment_is_matched_by_hand_to_the_chosen_invoice():
    matched = dict(UNMATCHED, status="matched", invoice_id=INVOICE, applied="74.00", unallocated="0.00")
    billing = Billing(match_payment=matched, get_invoice=dict(OPEN, status="partially_paid"))
    client = _client(billing)
    token = _csrf(_get(client)[1])
    done = client.post(
        "/console/bank/match", data={"csrf_token": token, "payment_id": PAYMENT, "invoice_id": INVOICE}
    )
    assert done.status_code == 303 and done.headers["Location"].endswith(f"/console/bank?matched={INVOICE}")
    assert billing.sent("match_payment") == [{"payment_id": PAYMENT, "invoice_id": INVOICE}]
    billing.answers["list_unmatched_payments"] = {"items": [], "total": 0}
    _page, html = _get(client, done.headers["Location"])
    assert "The payment was matched to invoice DIES-2026-00002." in html
    assert "No payment waits to be matched." in html


def test_a_refused_match_is_shown_beside_its_payment():
    billing = Billing(match_payment=BusinessRuleViolation("This invoice has nothing left to pay."))
    client = _client(billing)
    token = _csrf(_get(client)[1])
    page = client.post(
        "/console/bank/match", data={"csrf_token": token, "payment_id": PAYMENT, "invoice_id": INVOICE}
    )
    html = page.get_data(as_text=True)
    assert page.status_code == 409 and f'id="problem-{PAYMENT}">This invoice has nothing left to pay.' in html


def test_an_auditor_reads_the_unmatched_payments_without_any_form():
    billing = Billing(AUDITOR)
    _page, html = _get(_client(billing))
    assert "Claire Dubois" in html and "Upload a bank statement" not in html
    assert 'action="/console/bank/match"' not in html
    assert billing.sent("list_invoices") == []  # no choice of invoices to offer


def test_the_bank_page_speaks_french_and_dutch():
    _page, fr = _get(_client(Billing(dict(STAFF, language="fr"))), "/console/bank?lang=fr")
    assert "Paiements non rapprochés" in fr and "74,00\xa0€" in fr
    _page, nl = _get(_client(Billing(dict(STAFF, language="nl"))), "/console/bank?lang=nl")
    assert "Niet-gekoppelde betalingen" in nl and "€\xa074,00" in nl

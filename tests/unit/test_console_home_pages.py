"""The console's home page with a stand-in for the services (the pattern of
tests/unit/test_web_pages.py): what needs doing, each block from the calls an integrator would
make, counts and amounts as a person reads them in their language, each block linking to the
page where it is handled. No broker: these run in a second."""

from coop_web.service import create_app

from coop_shared.dates import brussels_today
from coop_shared.errors import Forbidden
from tests.unit.page_text import text_of

TOKEN = "sess_" + "h" * 43
MEMBER_ID = "5b1c3a52-3f0e-4d59-9a53-0a4f3c2b6d11"
RUN_ID = "9f0d6c1e-1111-4b2a-8c3d-2e5f6a7b8c90"
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


def _invoice(number, amount_due, due_date="2026-10-31", delivery=None):
    return {
        "id": f"00000000-0000-4000-8000-{number[-5:]:0>12}",
        "kind": "invoice",
        "status": "issued",
        "number": number,
        "due_date": due_date,
        "total_incl_vat": "1180.01",
        "amount_due": amount_due,
        "delivery": delivery,
    }


def _answers(**overrides):
    this_month = brussels_today().isoformat()[:7]
    months = [{"period": this_month, "invoiced_incl_vat": "1234.50", "received": "500.00"}]
    answers = {
        "resolve_session": STAFF,
        "list_invoices": {"items": [_invoice("DIES-2026-00007", "1180.01")], "total": 3},
        "list_unmatched_payments": {
            "items": [
                {
                    "payment_id": "p1",
                    "status": "unmatched",
                    "amount": "20.00",
                    "value_date": "2026-11-15",
                    "unallocated": "20.00",
                    "counterparty_name": "Bakkerij Peeters BV",
                }
            ],
            "total": 1,
        },
        "list_expiring_documents": {
            "items": [
                {
                    "id": "d1",
                    "member_id": MEMBER_ID,
                    "kind": "residence_card",
                    "reference": "AI-20",
                    "valid_from": None,
                    "valid_until": "2026-12-04",
                    "labour_market": "unlimited",
                    "member_name": "Amina Diallo",
                    "days_left": 3,
                }
            ],
            "total": 1,
        },
        "list_runs": {
            "items": [
                {"id": RUN_ID, "period": "2026-12", "status": "draft", "payslips": 1, "problems": 2},
                {"id": "other", "period": "2026-11", "status": "draft", "payslips": 4, "problems": 0},
            ],
            "total": 2,
        },
        "get_run": {
            "id": RUN_ID,
            "period": "2026-12",
            "status": "draft",
            "payslips": [],
            "problems": [
                {
                    "member_id": MEMBER_ID,
                    "activity_id": None,
                    "code": "no_right_to_work",
                    "message": "No right to work.",
                },
                {
                    "member_id": MEMBER_ID,
                    "activity_id": None,
                    "code": "budget",
                    "message": "Budget exceeded.",
                },
            ],
        },
        "monthly_totals": {"items": months, "total": 1},
    }
    answers.update(overrides)
    return answers


class Services:
    """Answers by method name (a callable answers from the payload); records every call."""

    def __init__(self, **answers):
        self.answers, self.calls = answers, []

    def call(self, service, method, authorization, payload=None, *, with_payload=True):
        self.calls.append((service, method, authorization, payload))
        answer = self.answers[method]
        if callable(answer):
            answer = answer(payload)
        if isinstance(answer, Exception):
            raise answer
        return answer

    def close(self):
        pass


def _home(services, language="en"):
    client = create_app({"COOP_WEB_COOKIE_SECURE": "false"}, rpc=services).test_client()
    client.set_cookie("coop_session", TOKEN)
    return client.get(f"/console?lang={language}")


_text = text_of


def test_the_home_page_lists_what_needs_doing_with_counts_amounts_and_links():
    services = Services(**_answers())
    page = _home(services)
    html = page.get_data(as_text=True)
    text = _text(html)
    assert page.status_code == 200
    assert "<h1>What needs doing</h1>" in html
    assert "3 invoices overdue" in text and "DIES-2026-00007" in text
    assert "1.180,01\xa0€" in text  # amount due, Belgian English
    assert 'href="/console/invoices?overdue=1"' in html
    assert "3 deliveries rejected" in text and 'href="/console/invoices?delivery_status=rejected"' in html
    assert 'href="/console/invoices?delivery_status=failed"' in html
    assert "1 payment to match" in text and "Bakkerij Peeters BV" in text and 'href="/console/bank"' in html
    assert "1 document expiring" in text and "Amina Diallo" in text and "Residence card" in text
    assert "3 days left" in text and f'href="/console/members/{MEMBER_ID}#documents"' in html
    assert "Run of December 2026" in text and "2 problems" in text and "No right to work." in text
    assert f'href="/console/payroll/{RUN_ID}"' in html
    # the chart is drawn from a table that stays for screen readers
    assert 'data-chart="bar" data-table="monthly-totals"' in html and '<table id="monthly-totals">' in html
    assert 'data-value="1234.50"' in html and "1.234,50\xa0€" in text
    assert "/static/vendor/chart-4.6.1.umd.min.js" in html


def test_each_block_makes_the_call_an_integrator_would_make_with_the_persons_session():
    services = Services(**_answers())
    _home(services)
    calls = {(service, method): payload for service, method, _a, payload in services.calls}
    today = brussels_today()
    assert calls[("members", "list_expiring_documents")] == {"within_days": 30, "limit": 5}
    assert calls[("billing", "list_unmatched_payments")] == {"limit": 5}
    assert calls[("payroll", "list_runs")] == {"status": "draft", "limit": 5}
    assert calls[("payroll", "get_run")] == {"id": RUN_ID}  # only the run with problems is read
    invoice_filters = [p for s, m, _a, p in services.calls if m == "list_invoices"]
    assert {"overdue_on": today.isoformat(), "limit": 5} in invoice_filters
    assert {"delivery_status": "rejected", "limit": 5} in invoice_filters
    assert {"delivery_status": "failed", "limit": 5} in invoice_filters
    totals = calls[("billing", "monthly_totals")]
    assert totals["to_period"] == today.isoformat()[:7]
    year, month = (int(p) for p in totals["to_period"].split("-"))
    first = year * 12 + month - 1 - 11
    assert totals["from_period"] == f"{first // 12}-{first % 12 + 1:02d}"  # 12 months in all
    assert {a for s, m, a, p in services.calls if m != "resolve_session"} == {f"Bearer {TOKEN}"}


def test_nothing_to_do_is_said_in_words_and_a_refused_block_does_not_hide_the_others():
    services = Services(
        **_answers(
            list_invoices={"items": [], "total": 0},
            list_unmatched_payments={"items": [], "total": 0},
            list_expiring_documents={"items": [], "total": 0},
            list_runs=Forbidden("Your role may not do this."),
        )
    )
    page = _home(services)
    text = _text(page.get_data(as_text=True))
    assert page.status_code == 200
    assert "No invoice is overdue." in text and "Every delivery went through." in text
    assert "Every payment is matched." in text and "No document expires soon." in text
    assert "This could not be read for your role just now." in text  # payroll's block only


def test_the_home_page_speaks_french_and_dutch_with_their_formats():
    french = _text(_home(Services(**_answers()), "fr").get_data(as_text=True))
    assert "Ce qu'il y a à faire" in french
    assert "3 factures en retard" in french and "1\u202f180,01\xa0€" in french
    dutch = _text(_home(Services(**_answers()), "nl").get_data(as_text=True))
    assert "3 facturen te laat" in dutch and "€\xa01.180,01" in dutch


def test_an_entrepreneur_is_sent_to_the_portal_and_no_session_to_sign_in():
    services = Services(**_answers(resolve_session=dict(STAFF, role="member", member_id=MEMBER_ID)))
    page = _home(services)
    assert page.status_code == 303 and page.headers["Location"] == "/portal"
    anonymous = create_app({"COOP_WEB_COOKIE_SECURE": "false"}, rpc=Services()).test_client().get("/console")
    assert anonymous.status_code == 303 and anonymous.headers["Location"] == "/sign-in"

"""The console's payroll pages with a stand-in for the services (no broker): the runs listed,
a run prepared from the active members' activities with the payload payroll receives, a run's
payslips with their amounts as Belgians write them and its problems in words, closing it, the
SEPA file and a payslip's PDF as downloads; an auditor sees no form; another cooperative's run
is the 404 page."""

import base64

from coop_web.service import create_app

from coop_shared.errors import BusinessRuleViolation, NotFound, ValidationError
from tests.unit.page_text import csrf_of

TOKEN = "sess_" + "c" * 43
RUN_ID = "5d8c1b6e-3f0a-4c57-9a52-7c1e4f1a0001"
SLIP_ID = "5d8c1b6e-3f0a-4c57-9a52-7c1e4f1a0002"
AMINA, YONAS = "0b7a7f4e-2a51-4d1c-8f35-7b2d4c6a0001", "0b7a7f4e-2a51-4d1c-8f35-7b2d4c6a0002"
AMINA_ACTIVITY, YONAS_ACTIVITY = (
    "7c2e1a90-5b3d-4e8f-a1c6-9d0e2f3a0001",
    "7c2e1a90-5b3d-4e8f-a1c6-9d0e2f3a0002",
)


def state(role="staff"):
    return {
        "stage": "full",
        "email": "lotte@dies.example",
        "cooperative": "dies",
        "role": role,
        "member_id": None,
        "language": "en",
        "totp_enabled": True,
        "cooperatives": [{"cooperative": "dies", "role": role}],
    }


RUN = {
    "id": RUN_ID,
    "period": "2026-12",
    "status": "draft",
    "payslip_count": 1,
    "problem_count": 1,
    "payslips": [
        {
            "id": SLIP_ID,
            "run_id": RUN_ID,
            "period": "2026-12",
            "member_id": AMINA,
            "activity_id": AMINA_ACTIVITY,
            "member_name": "Amina Diallo",
            "status_model": "be_salaried",
            "mode": "budget",
            "amount": "3500.00",
            "gross": "2458.46",
            "net_to_pay": "1889.37",
            "total_cost": "3500.00",
        }
    ],
    "problems": [
        {
            "member_id": YONAS,
            "activity_id": YONAS_ACTIVITY,
            "code": "no_right_to_work",
            "message": "Residence card B1234567 expired on 2026-11-30.",
        }
    ],
    "total_cost": "3500.00",
    "total_net_to_pay": "1889.37",
}


class Services:
    """Answers by "service.method" (an answer, an error to raise, or a function of the payload);
    records each call with its payload. The console's notifications and accounting tests use it too."""

    def __init__(self, answers=None, role="staff"):
        self.answers = {"members.resolve_session": state(role), **(answers or {})}
        self.calls = []

    def call(self, service, method, authorization, payload=None, *, with_payload=True):
        self.calls.append((service, method, payload))
        answer = self.answers[f"{service}.{method}"]
        if callable(answer):
            answer = answer(payload)
        if isinstance(answer, Exception):
            raise answer
        return answer

    def close(self):
        pass

    def payloads(self, name):
        return [p for s, m, p in self.calls if f"{s}.{m}" == name]


def client(services):
    app = create_app({"COOP_WEB_COOKIE_SECURE": "false"}, rpc=services)
    c = app.test_client()
    c.set_cookie("coop_session", TOKEN)
    return c


csrf = csrf_of


def test_the_runs_are_listed_with_their_month_status_and_totals():
    runs = {
        "items": [
            {
                "id": RUN_ID,
                "period": "2026-11",
                "status": "closed",
                "payslips": 4,
                "problems": 1,
                "total_cost": "14000.00",
                "total_net_to_pay": "7561.20",
                "created_at": "2026-11-30T09:00:00+00:00",
                "closed_at": "2026-11-30T09:05:00+00:00",
            }
        ],
        "total": 1,
    }
    services = Services({"payroll.list_runs": runs})
    page = client(services).get("/console/payroll?lang=fr&status=closed")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "novembre 2026" in html and "Clôturé" in html
    assert "14\u202f000,00\xa0€" in html and "7\u202f561,20\xa0€" in html
    assert f'href="/console/payroll/{RUN_ID}"' in html and 'href="/console/payroll/new"' in html
    assert services.payloads("payroll.list_runs") == [{"limit": 50, "offset": 0, "status": "closed"}]


def _members_answers():
    return {
        "payroll.list_runs": {"items": [{"period": "2026-11", "status": "closed"}], "total": 1},
        "members.list_members": {
            "items": [
                {"id": AMINA, "first_name": "Amina", "last_name": "Diallo", "lifecycle": "active"},
                {"id": YONAS, "first_name": "Yonas", "last_name": "Tesfaye", "lifecycle": "exited"},
            ],
            "total": 1,
        },
        "members.get_members": {
            "items": [
                {
                    "id": AMINA,
                    "first_name": "Amina",
                    "last_name": "Diallo",
                    "status_model": "be_salaried",
                    "activities": [{"id": AMINA_ACTIVITY, "code": "A0001", "name": "Atelier vélo"}],
                }
            ]
        },
        "billing.get_balances": {
            "items": [{"activity_id": AMINA_ACTIVITY, "balance": "8250.40", "provisions": {}}]
        },
    }


def test_a_run_is_prepared_from_the_activities_and_their_balances_with_the_amount_as_typed(monkeypatch):
    from coop_web.console import payroll

    monkeypatch.setattr(payroll, "brussels_today", lambda: __import__("datetime").date(2026, 11, 30))
    services = Services({**_members_answers(), "payroll.prepare_run": RUN})
    c = client(services)
    form = c.get("/console/payroll/new?lang=nl")
    html = form.get_data(as_text=True)
    assert form.status_code == 200
    assert 'value="2026-12"' in html  # November is closed: December is suggested
    assert f'<label for="amount-{AMINA_ACTIVITY}">A0001 · Atelier vélo</label>' in html
    assert "€\xa08.250,40" in html and "Amina Diallo" in html
    assert services.payloads("members.list_members") == [{"limit": 500}]
    assert services.payloads("members.get_members") == [{"ids": [AMINA]}]  # Yonas has left
    assert services.payloads("billing.get_balances") == [{"activity_ids": [AMINA_ACTIVITY]}]

    prepared = c.post(
        "/console/payroll/new",
        data={
            "csrf_token": csrf(html),
            "period": "2026-12",
            "mode": "budget",
            f"member-{AMINA_ACTIVITY}": AMINA,
            f"amount-{AMINA_ACTIVITY}": "3.500,00",
        },
    )
    assert (
        prepared.status_code == 303
        and prepared.headers["Location"] == f"/console/payroll/{RUN_ID}?notice=prepared"
    )
    assert services.payloads("payroll.prepare_run") == [
        {
            "period": "2026-12",
            "items": [
                {"member_id": AMINA, "activity_id": AMINA_ACTIVITY, "mode": "budget", "amount": "3500.00"}
            ],
        }
    ]


def test_a_refused_preparation_shows_the_service_s_reasons_on_the_form():
    refusal = ValidationError(fields={"period": ["A period reads YYYY-MM."]})
    services = Services({**_members_answers(), "payroll.prepare_run": refusal})
    c = client(services)
    token = csrf(c.get("/console/payroll/new").get_data(as_text=True))
    page = c.post(
        "/console/payroll/new",
        data={
            "csrf_token": token,
            "period": "2026-13",
            f"member-{AMINA_ACTIVITY}": AMINA,
            f"amount-{AMINA_ACTIVITY}": "10",
        },
    )
    assert page.status_code == 422
    assert 'id="period-error"' in page.get_data(as_text=True)
    empty = c.post("/console/payroll/new", data={"csrf_token": token, "period": "2026-12"})
    assert empty.status_code == 422 and "Give an amount for at least one activity." in empty.get_data(
        as_text=True
    )
    assert len(services.payloads("payroll.prepare_run")) == 1  # the empty form asked nothing


def test_a_run_shows_its_payslips_in_belgian_amounts_and_its_problems_in_words():
    services = Services(
        {
            "payroll.get_run": RUN,
            "members.get_members": {"items": [{"id": YONAS, "first_name": "Yonas", "last_name": "Tesfaye"}]},
        }
    )
    page = client(services).get(f"/console/payroll/{RUN_ID}?lang=fr")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Paie de décembre 2026" in html and "Brouillon" in html
    assert "2\u202f458,46\xa0€" in html and "1\u202f889,37\xa0€" in html and "3\u202f500,00\xa0€" in html
    assert "<strong>Yonas Tesfaye</strong>: Pas de droit au travail" in html
    assert "Residence card B1234567 expired on 2026-11-30." in html
    assert f'action="/console/payroll/{RUN_ID}/close"' in html
    assert f'href="/console/payroll/payslips/{SLIP_ID}/pdf"' in html
    assert 'id="sepa"' not in html  # a draft has no bank file yet
    assert services.payloads("members.get_members") == [{"ids": [YONAS]}]


def test_a_large_run_shows_its_first_50_payslips_then_the_next_ones_page_by_page():
    """The run's answer carries its first 50 payslips (docs/adr/026-a-run-answers-its-first-payslips.md):
    the first page asks payroll nothing more, the next ones list the run's payslips."""
    slip = RUN["payslips"][0]
    many = [dict(slip, id=f"{SLIP_ID[:-4]}{n:04d}", member_name=f"Member {n}") for n in range(1, 121)]
    run = dict(RUN, payslips=many[:50], payslip_count=120, problems=[], problem_count=0)
    services = Services(
        {"payroll.get_run": run, "payroll.list_payslips": {"items": many[50:100], "total": 120}}
    )
    c = client(services)
    first = c.get(f"/console/payroll/{RUN_ID}?lang=en").get_data(as_text=True)
    assert '<dd id="payslip-count">120</dd>' in first
    assert "Member 50<" in first and "Member 51<" not in first
    assert "1 to 50 of 120" in first and 'href="?offset=50"' in first
    assert services.payloads("payroll.list_payslips") == []
    second = c.get(f"/console/payroll/{RUN_ID}?lang=en&offset=50").get_data(as_text=True)
    assert "Member 51<" in second and "Member 100<" in second and "Member 50<" not in second
    assert "51 to 100 of 120" in second and 'href="?offset=0"' in second and 'href="?offset=100"' in second
    assert services.payloads("payroll.list_payslips") == [{"run_id": RUN_ID, "limit": 50, "offset": 50}]


def test_closing_a_run_leads_back_to_it_and_a_refusal_is_shown_on_it():
    closed = dict(RUN, status="closed", problems=[])
    services = Services({"payroll.get_run": closed, "payroll.close_run": closed})
    c = client(services)
    token = csrf(c.get(f"/console/payroll/{RUN_ID}").get_data(as_text=True))
    done = c.post(f"/console/payroll/{RUN_ID}/close", data={"csrf_token": token})
    assert done.status_code == 303 and done.headers["Location"] == f"/console/payroll/{RUN_ID}?notice=closed"
    assert services.payloads("payroll.close_run") == [{"id": RUN_ID}]
    html = c.get(done.headers["Location"]).get_data(as_text=True)
    assert "The run is closed: its payslips are final and issued." in html
    assert f'href="/console/payroll/{RUN_ID}/sepa"' in html and 'id="close"' not in html

    services.answers["payroll.close_run"] = BusinessRuleViolation("This run has no payslip to close.")
    services.answers["payroll.get_run"] = dict(RUN, payslips=[], payslip_count=0)
    services.answers["members.get_members"] = {"items": []}
    refused = c.post(f"/console/payroll/{RUN_ID}/close", data={"csrf_token": token})
    assert refused.status_code == 409 and "This run has no payslip to close." in refused.get_data(
        as_text=True
    )


def test_the_sepa_file_and_a_payslip_pdf_are_downloads():
    xml = b'<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"/>'
    sepa = {
        "filename": "dies-2026-12-payroll.xml",
        "content_type": "application/xml",
        "content": base64.b64encode(xml).decode(),
    }
    pdf = {
        "filename": "payslip-2026-12-5d8c1b6e.pdf",
        "content_type": "application/pdf",
        "content": base64.b64encode(b"%PDF-1.7").decode(),
    }
    services = Services({"payroll.export_sepa": sepa, "payroll.render_payslip": pdf})
    c = client(services)
    bank_file = c.get(f"/console/payroll/{RUN_ID}/sepa")
    assert bank_file.status_code == 200 and bank_file.data == xml
    assert bank_file.headers["Content-Disposition"] == 'attachment; filename="dies-2026-12-payroll.xml"'
    slip = c.get(f"/console/payroll/payslips/{SLIP_ID}/pdf")
    assert slip.data == b"%PDF-1.7" and slip.headers["Content-Type"] == "application/pdf"
    assert services.payloads("payroll.render_payslip") == [{"id": SLIP_ID}]


def test_an_auditor_reads_the_run_without_any_form():
    services = Services({"payroll.get_run": RUN, "members.get_members": {"items": []}}, "auditor")
    c = client(services)
    html = c.get(f"/console/payroll/{RUN_ID}").get_data(as_text=True)
    assert "Amina Diallo" in html and 'id="close"' not in html
    services.answers["payroll.list_runs"] = {"items": [], "total": 0}
    assert 'href="/console/payroll/new"' not in c.get("/console/payroll").get_data(as_text=True)
    assert c.get("/console/payroll/new").headers["Location"] == "/console/payroll"


def test_another_cooperative_s_run_is_the_404_page():
    services = Services({"payroll.get_run": NotFound(f"No payroll run '{RUN_ID}'.")})
    page = client(services).get(f"/console/payroll/{RUN_ID}")
    assert page.status_code == 404 and "<main" in page.get_data(as_text=True)

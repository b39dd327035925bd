"""The integrator's story over HTTP (issue 19): customer, invoice, issue, payment, the activity
account, then the error mapping, tenancy and the rate limit, on loopback against the suite."""

import base64
from datetime import date
from decimal import Decimal

from coop_cli.statement_files import Line, coda
from tests import support
from tests.fixtures_data import AMINA, BRUCOOP, DIES
from tests.integration.billing_setup import NL_CUSTOMER
from tests.web.conftest import Client, ok

INVOICE_LINES = [{"description": "Livraisons", "quantity": "1", "unit_price": "800.00", "vat_rate": "0.21"}]


def _cooperatives(base: str) -> dict[str, str]:
    platform = Client(base, support.PLATFORM_KEY)
    secrets = {}
    for cooperative in (DIES, BRUCOOP):
        assert ok(platform.post("/cooperatives", json=cooperative))["slug"] == cooperative["slug"]
        key = {"cooperative": cooperative["slug"], "role": "admin", "label": "first admin"}
        secrets[cooperative["slug"]] = ok(platform.post("/api-keys", json=key))["secret"]
    return secrets


def test_the_integrator_story_and_the_error_mapping_over_http(suite_api):
    secrets = _cooperatives(suite_api)
    dies, brucoop = Client(suite_api, secrets["dies"]), Client(suite_api, secrets["brucoop"])

    member = ok(dies.post("/members", json=AMINA))
    activity = ok(dies.post("/activities", json={"member_id": member["id"], "name": "Vélo-livraisons"}))
    customer = ok(dies.post("/customers", json=NL_CUSTOMER, headers={"Idempotency-Key": "peeters-1"}))
    again = ok(dies.post("/customers", json=NL_CUSTOMER, headers={"Idempotency-Key": "peeters-1"}))
    assert again["id"] == customer["id"]  # the same key: the first answer, nothing created
    assert ok(dies.get("/customers", params={"limit": 10}))["total"] == 1

    draft = ok(
        dies.post(
            "/invoices",
            json={
                "activity_id": activity["id"],
                "customer_id": customer["id"],
                "vat_regime": "standard",
                "lines": INVOICE_LINES,
            },
        )
    )
    invoice = ok(dies.post(f"/invoices/{draft['id']}/issue"))
    assert invoice["number"].startswith("DIES-")
    assert invoice["amount_due"] == "968.00"  # 800.00 + 21 % VAT, a decimal string
    pdf = dies.get(f"/invoices/{invoice['id']}/document", params={"format": "pdf"})
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    ubl = dies.get(f"/invoices/{invoice['id']}/document", params={"format": "ubl"})
    assert ubl.headers["Content-Type"] == "application/xml"
    assert b"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" in ubl.content
    as_json = dies.get(
        f"/invoices/{invoice['id']}/document",
        params={"format": "pdf"},
        headers={"Accept": "application/json"},
    )
    assert base64.b64decode(ok(as_json)["content"]) == pdf.content

    payment = {
        "amount": "968.00",
        "value_date": invoice["issue_date"],
        "bank_reference": "2026-11-001",
        "structured_communication": invoice["structured_communication"],
    }
    ok(dies.post("/payments", json=payment))
    account = ok(dies.get(f"/activities/{activity['id']}/account"))
    assert account["balance"] == "720.00"  # 800.00 less the 10 % contribution

    # Another cooperative's ids answer 404, as ids that do not exist.
    for path in (
        f"/invoices/{invoice['id']}",
        f"/members/{member['id']}",
        f"/activities/{activity['id']}/account",
    ):
        answer = brucoop.get(path)
        assert answer.status_code == 404 and answer.json()["error"]["code"] == "not_found", path

    # The typed errors as statuses with their JSON body.
    invalid = dies.post("/members", json=dict(AMINA, email="x@example.org", iban="BE00 0000 0000 0000"))
    assert invalid.status_code == 422
    assert (
        invalid.json()["error"]["code"] == "validation_error" and "iban" in invalid.json()["error"]["fields"]
    )
    float_amount = dies.post("/payments", json=dict(payment, amount=968.0, bank_reference="float"))
    assert float_amount.status_code == 422 and "amount" in float_amount.json()["error"]["fields"]
    taken = Client(suite_api, support.PLATFORM_KEY).post("/cooperatives", json=DIES)
    assert taken.status_code == 409 and taken.json()["error"]["code"] == "conflict"
    assert ok(dies.post(f"/invoices/{invoice['id']}/issue"))["number"] == invoice["number"]  # idempotent
    deleted = dies.request("DELETE", f"/invoices/{invoice['id']}")  # issued: it never changes
    assert deleted.status_code == 422 and deleted.json()["error"]["code"] == "business_rule_violation"
    assert Client(suite_api).get(f"/members/{member['id']}").status_code == 401
    unknown_key = Client(suite_api, "not-a-key").get(f"/members/{member['id']}")
    assert unknown_key.status_code == 403 and unknown_key.json()["error"]["code"] == "forbidden"
    not_json = dies.post("/members", data="first_name=Amina", headers={"Content-Type": "text/plain"})
    assert not_json.status_code == 400 and not_json.json()["error"]["code"] == "bad_request"
    assert dies.get("/no-such-thing").json()["error"]["code"] == "not_found"
    clash = dies.post(
        "/customers", json=dict(NL_CUSTOMER, idempotency_key="a"), headers={"Idempotency-Key": "b"}
    )
    assert clash.status_code == 422 and "idempotency_key" in clash.json()["error"]["fields"]


def test_a_coda_file_is_uploaded_as_itself_and_comes_back_byte_for_byte(suite_api):
    secrets = _cooperatives(suite_api)
    dies = Client(suite_api, secrets["dies"])
    today = date.today()
    lines = [Line(Decimal("125.00"), text="Facture inconnue", name="Claire Dubois", reference="R1")]
    raw = coda("BE05068123456775", "DIES", 1, Decimal("0.00"), lines, today).encode("latin-1")
    answer = dies.post(
        "/bank-statements",
        params={"format": "coda", "filename": "dies-001.cod"},
        data=raw,
        headers={"Content-Type": "application/octet-stream"},
    )
    statement = ok(answer)
    assert statement["movements"] == 1 and statement["closing_balance"] == "125.00"
    files = ok(dies.get("/bank-statements", params={"period": today.strftime("%Y-%m")}))
    assert [f["filename"] for f in files["items"]] == ["dies-001.cod"]
    back = dies.get(f"/bank-statements/{statement['statement_id']}/file")
    assert back.headers["Content-Type"] == "text/plain"
    assert back.content == raw  # byte for byte as received
    malformed = dies.post("/bank-statements", params={"format": "coda"}, data=b"not a statement")
    assert malformed.status_code == 422 and malformed.json()["error"]["code"] == "validation_error"


def test_health_the_document_and_its_page(suite_api):
    import requests
    from openapi_spec_validator import validate

    health = requests.get(f"{suite_api}/health", timeout=30)
    assert health.status_code == 200 and set(health.json()["services"].values()) == {"ok"}
    document = requests.get(f"{suite_api}/api/v1/openapi.json", timeout=30).json()
    validate(document)
    assert document["openapi"] == "3.1.0"
    page = requests.get(f"{suite_api}/api/v1/docs", timeout=30)
    assert page.headers["Content-Type"].startswith("text/html")
    assert "POST" in page.text and "/api/v1/invoices/{id}/issue" in page.text


def test_the_rate_limit_answers_429_with_retry_after(start_services, http_api):
    start_services("members")
    base = http_api(COOP_HTTP_RATE_LIMIT="3 per minute")
    platform = Client(base, support.PLATFORM_KEY)
    statuses = [platform.get("/cooperatives/dies").status_code for _ in range(3)]
    assert statuses == [404, 404, 404]
    limited = platform.get("/cooperatives/dies")
    assert limited.status_code == 429
    assert limited.json()["error"]["code"] == "too_many_requests"
    assert 0 < int(limited.headers["Retry-After"]) <= 60
    other = Client(base, "another-key").get("/cooperatives/dies")  # counted per key
    assert other.status_code == 403


def test_an_unreachable_broker_answers_503(start_services, http_api, suite_settings):
    closed = support.free_port()  # nothing listens there: loopback, refused at once
    base = http_api(AMQP_URI=f"amqp://guest:guest@127.0.0.1:{closed}/")
    answer = Client(base, "some-key").get("/invoices")
    assert answer.status_code == 503, answer.text
    assert answer.json()["error"]["code"] == "unavailable" and answer.headers["Retry-After"] == "5"
    import requests

    assert requests.get(f"{base}/health", timeout=30).status_code == 503


def test_coop_serve_web_serves_the_api_as_a_container_does(start_services, suite_settings, tmp_path):
    import requests

    start_services("members")
    port = support.free_port()
    settings = dict(suite_settings, COOP_HTTP_HOST="127.0.0.1", COOP_HTTP_PORT=str(port))
    log = tmp_path / "coop-serve-web.log"
    process = support.start_process(support.coop_command() + ["serve", "web"], settings, log)
    base = f"http://127.0.0.1:{port}"

    def listening():
        assert process.poll() is None, log.read_text()
        try:
            return requests.get(f"{base}/api/v1/openapi.json", timeout=2).status_code == 200
        except requests.ConnectionError:
            return False

    try:
        support.wait_for(listening, timeout=60, interval=0.3, message="coop serve web")
        whoami = ok(Client(base, support.PLATFORM_KEY).get("/whoami"))
        assert whoami["role"] == "platform"
    finally:
        support.stop_process(process)

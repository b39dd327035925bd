"""The HTTP API's route table against the services' declarations (docs/adr/023-http-api.md),
and its error mapping with a stand-in for the bus. No broker: these run in a second."""

import json
import re
from collections import Counter

import pytest
from coop_web import routes
from coop_web.contract import public_methods
from coop_web.openapi import document
from coop_web.rpc_pool import BrokerUnavailable, CallTimedOut
from coop_web.service import create_app
from marshmallow import fields
from openapi_spec_validator import validate

from coop_shared.errors import BusinessRuleViolation, Conflict, Forbidden, NotFound, ValidationError


def test_every_public_rpc_method_has_a_route_or_a_stated_reason():
    assert routes.unrouted() == [], "add each method to coop_web/routes.py ROUTES (or NOT_ROUTED, with why)"


def test_every_route_names_a_method_that_exists():
    assert sorted(set(routes.ROUTES) - set(public_methods())) == []
    assert sorted(set(routes.NOT_ROUTED) & set(routes.ROUTES)) == []


def test_routes_are_unique_and_resource_style():
    lines = [line.replace("{", "<").replace("}", ">") for line in routes.ROUTES.values()]
    duplicated = [line for line, n in Counter(re.sub(r"<[a-z_]+>", "<>", x) for x in lines).items() if n > 1]
    assert duplicated == []
    for qualified, line in routes.ROUTES.items():
        verb, path = line.split(" ", 1)
        assert verb in ("GET", "POST", "PUT", "PATCH", "DELETE"), qualified
        assert re.fullmatch(r"(/([a-z0-9-]+|\{[a-z_]+\}))+", path), (qualified, path)


def _load_keys(schema) -> dict:
    return {field.data_key or name: field for name, field in schema.load_fields.items()}


def test_path_parameters_are_fields_of_the_payload():
    for route in routes.routes():
        spec = route.method.spec
        known = set(_load_keys(spec.schema())) if spec.schema else set()
        assert set(route.path_parameters) <= known, (route.operation_id, route.path_parameters)


def _scalar(field) -> bool:
    if isinstance(field, fields.List):
        return _scalar(field.inner)
    return not isinstance(field, (fields.Nested, fields.Dict, fields.Mapping))


def test_a_query_string_can_carry_every_field_of_a_get_or_delete():
    for route in routes.routes():
        if not route.takes_body and route.method.spec.schema is not None:
            objects = [k for k, f in _load_keys(route.method.spec.schema()).items() if not _scalar(f)]
            assert objects == [], f"{route.operation_id}: use POST for a payload with objects ({objects})"


def test_the_openapi_document_is_valid_3_1_and_lists_every_route():
    spec = document()
    validate(spec)
    assert spec["openapi"] == "3.1.0"
    operations = {op["operationId"] for path in spec["paths"].values() for op in path.values()}
    assert operations == {route.operation_id for route in routes.routes()}
    invoice = spec["paths"]["/api/v1/invoices"]["post"]
    body = invoice["requestBody"]["content"]["application/json"]["schema"]
    assert {"activity_id", "customer_id", "lines"} <= set(body["required"])
    assert "idempotency_key" not in body["properties"]  # the Idempotency-Key header instead
    assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in invoice["parameters"])
    issue = spec["paths"]["/api/v1/invoices/{id}/issue"]["post"]
    assert [(p["name"], p["in"]) for p in issue["parameters"]] == [("id", "path")]
    assert spec["components"]["schemas"]["billing.Line"]["properties"]["unit_price"]["type"] == "string"


class FakePool:
    """Answers as the bus would: a typed error, the broker down, or the payload echoed."""

    def __init__(self, outcome=None):
        self.outcome, self.calls = outcome, []

    def call(self, service, method, authorization, payload=None, *, with_payload=True):
        self.calls.append((service, method, authorization, payload))
        if isinstance(self.outcome, BaseException):
            raise self.outcome
        return self.outcome if self.outcome is not None else {"echo": payload}

    def close(self):
        pass


def _client(outcome=None, **config):
    pool = FakePool(outcome)
    app = create_app({"COOP_HTTP_RATE_LIMIT": "1000 per minute", **config}, rpc=pool)
    return app.test_client(), pool


BEARER = {"Authorization": "Bearer s3cret"}


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [
        (ValidationError(fields={"iban": ["Not a valid IBAN."]}), 422, "validation_error"),
        (NotFound("No invoice 'x'."), 404, "not_found"),
        (Forbidden("Revoked."), 403, "forbidden"),
        (Conflict("Taken."), 409, "conflict"),
        (BusinessRuleViolation("An issued invoice never changes."), 422, "business_rule_violation"),
        (BrokerUnavailable(), 503, "unavailable"),
        (CallTimedOut(), 504, "timeout"),
        (RuntimeError("password=hunter2 at db.internal"), 500, "internal_error"),
    ],
)
def test_each_error_has_its_status_and_a_typed_body(error, status, code):
    client, _ = _client(error)
    answer = client.get("/api/v1/invoices/7d1a0b0e-4f4e-4a59-9d0f-0d7a0c3c1e11", headers=BEARER)
    assert answer.status_code == status
    assert answer.json["error"]["code"] == code
    assert "hunter2" not in answer.get_data(as_text=True)  # no internals in a 500
    if code == "validation_error":
        assert answer.json["error"]["fields"] == {"iban": ["Not a valid IBAN."]}
    assert ("Retry-After" in answer.headers) == (status == 503)


def test_a_rule_that_refuses_for_a_while_is_429_with_its_wait():
    locked = BusinessRuleViolation(
        "Too many failed attempts; try again later.", {"retry_after_seconds": "120"}
    )
    client, _ = _client(locked)
    answer = client.get("/api/v1/invoices", headers=BEARER)
    assert answer.status_code == 429 and answer.json["error"]["code"] == "business_rule_violation"
    assert answer.headers["Retry-After"] == "120"


def test_the_request_becomes_the_payload_and_the_key_its_credential():
    client, pool = _client()
    client.post("/api/v1/invoices/abc/issue", headers=BEARER)
    client.get("/api/v1/invoices?limit=2&offset=4&status=issued", headers=BEARER)
    client.post(
        "/api/v1/customers", json={"name": "Peeters"}, headers=dict(BEARER, **{"Idempotency-Key": "k-1"})
    )
    client.get("/api/v1/status-models")  # public: no credential needed
    assert pool.calls == [
        ("billing", "issue_invoice", "Bearer s3cret", {"id": "abc"}),
        ("billing", "list_invoices", "Bearer s3cret", {"limit": "2", "offset": "4", "status": "issued"}),
        ("billing", "create_customer", "Bearer s3cret", {"name": "Peeters", "idempotency_key": "k-1"}),
        ("payroll", "list_status_models", None, None),
    ]


def test_no_key_is_401_and_an_unreadable_body_400_before_any_call():
    client, pool = _client()
    assert client.get("/api/v1/invoices").status_code == 401
    assert client.get("/api/v1/invoices").headers["WWW-Authenticate"] == "Bearer"
    not_object = client.post("/api/v1/customers", json=["a"], headers=BEARER)
    assert not_object.status_code == 400 and not_object.json["error"]["code"] == "bad_request"
    assert pool.calls == []
    clash = client.post("/api/v1/invoices/abc/issue", json={"id": "other"}, headers=BEARER)
    assert clash.status_code == 422 and "id" in clash.json["error"]["fields"]


def test_a_file_answer_is_the_file_unless_json_is_asked_for():
    pdf = {"filename": "DIES-2026-00001.pdf", "content_type": "application/pdf", "content": "JVBERi0xLjQ="}
    client, _ = _client(pdf)
    path = "/api/v1/invoices/abc/document?format=pdf"
    answer = client.get(path, headers=BEARER)
    assert answer.headers["Content-Type"] == "application/pdf" and answer.data == b"%PDF-1.4"
    assert answer.headers["Content-Disposition"] == 'attachment; filename="DIES-2026-00001.pdf"'
    as_json = client.get(path, headers=dict(BEARER, Accept="application/json"))
    assert json.loads(as_json.data) == pdf


def test_a_statement_upload_is_read_as_bytes_into_its_field():
    client, pool = _client({"statement_id": "s"})
    client.post(
        "/api/v1/bank-statements?format=coda&filename=a.cod",
        data=b"0000001",
        headers=dict(BEARER, **{"Content-Type": "application/octet-stream"}),
    )
    assert pool.calls[0][3] == {"format": "coda", "filename": "a.cod", "content": "MDAwMDAwMQ=="}


def test_the_rate_limit_counts_per_key_and_answers_429_with_retry_after():
    client, _ = _client(COOP_HTTP_RATE_LIMIT="2 per minute")
    assert [client.get("/api/v1/invoices", headers=BEARER).status_code for _ in range(2)] == [200, 200]
    limited = client.get("/api/v1/invoices", headers=BEARER)
    assert limited.status_code == 429 and limited.json["error"]["code"] == "too_many_requests"
    assert 0 < int(limited.headers["Retry-After"]) <= 60
    other = client.get("/api/v1/invoices", headers={"Authorization": "Bearer another"})
    assert other.status_code == 200 and "Retry-After" not in other.headers


def test_guessing_keys_from_one_address_is_limited_too():
    client, pool = _client(COOP_HTTP_RATE_LIMIT="100 per minute", COOP_HTTP_ADDRESS_RATE_LIMIT="3 per minute")
    answers = [
        client.get("/api/v1/invoices", headers={"Authorization": f"Bearer guess-{n}"}) for n in range(4)
    ]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert len(pool.calls) == 3  # the fourth guess never reached the bus

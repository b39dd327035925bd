"""schemathesis against the served OpenAPI document (issue 19): every public operation is sent
a few generated requests with an admin key of a real cooperative; none may answer 5xx, and every
4xx answer carries the typed error body the document declares.

Bounded: a handful of examples per operation, no shrinking, no example database, so that the
run stays well under two minutes on the shared machine. Generated URLs never name a host: a
`url` or `base_url` field is pointed at a closed loopback port before the request is sent, so
that no webhook registration or access point resolves a generated name (tests/README rule:
traffic to loopback only).
"""

import json

import hypothesis
import pytest
import requests
import schemathesis
from coop_web.http_errors import CODES
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests import support
from tests.fixtures_data import AMINA, DIES
from tests.web.conftest import Client, ok

EXAMPLES_PER_OPERATION = 3
URL_FIELDS = ("url", "base_url")


def _loopback_urls(body, closed_port: int):
    if isinstance(body, dict):
        for name in URL_FIELDS:
            if isinstance(body.get(name), str):
                body[name] = f"https://127.0.0.1:{closed_port}/hook"
    return body


def _typed_4xx(response) -> str | None:
    if 400 <= response.status_code < 500:
        try:
            code = response.json()["error"]["code"]
        except (ValueError, KeyError, TypeError):
            return f"{response.status_code} without a typed body: {response.text[:200]}"
        if code not in CODES:
            return f"{response.status_code} with an unknown code {code!r}"
    return None


@pytest.fixture
def admin(start_services, http_api):
    start_services(*support.SERVICES)
    base = http_api(
        COOP_HTTP_RATE_LIMIT="100000 per minute", COOP_HTTP_ADDRESS_RATE_LIMIT="100000 per minute"
    )
    platform = Client(base, support.PLATFORM_KEY)
    ok(platform.post("/cooperatives", json=DIES))
    key = {"cooperative": "dies", "role": "admin", "label": "fuzz"}
    secret = ok(platform.post("/api-keys", json=key))["secret"]
    dies = Client(base, secret)
    member = ok(dies.post("/members", json=AMINA))
    ok(dies.post("/activities", json={"member_id": member["id"], "name": "Ébénisterie"}))
    return base, secret


def test_every_operation_answers_no_5xx_and_typed_4xx(admin):
    base, secret = admin
    document = requests.get(f"{base}/api/v1/openapi.json", timeout=30).json()
    schema = schemathesis.openapi.from_dict(document)
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {secret}"
    closed_port = support.free_port()
    problems, exercised = [], []

    for result in schema.get_all_operations():
        operation = result.ok()
        exercised.append(operation.definition.raw["operationId"])

        @given(case=operation.as_strategy(generation_mode=GenerationMode.POSITIVE))
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[hypothesis.Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def exercise(case):
            case.body = _loopback_urls(case.body, closed_port)
            response = case.call(base_url=base, session=session, timeout=60)
            problem = _typed_4xx(response)
            if problem:
                problems.append(f"{case.method} {case.formatted_path}: {problem}")
            try:
                case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
            except (Exception, BaseExceptionGroup) as failure:  # a failure group: kept, reported together
                problems.append(f"{case.method} {case.formatted_path}: {str(failure)[:300]}")

        exercise()

    operations = {op["operationId"] for path in document["paths"].values() for op in path.values()}
    assert set(exercised) == operations and len(operations) > 100
    assert problems == [], json.dumps(problems[:20], indent=1, ensure_ascii=False)

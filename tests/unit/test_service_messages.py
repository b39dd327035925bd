"""The services' validation messages as a French or Dutch reader of the console and the portal
reads them (coop_web.service_messages): marshmallow's own texts, as the installed marshmallow
writes them, and the suite's field messages, with the values they carry kept."""

from decimal import Decimal

import marshmallow
import pytest
from coop_web import ui
from coop_web.service import create_app
from marshmallow import fields, validate

from coop_shared.errors import ValidationError
from coop_shared.schema_fields import Amount
from tests.unit.test_web_pages import Members


class Sample(marshmallow.Schema):
    """Fields as the services declare them, to get marshmallow's real messages."""

    name = fields.String(required=True, validate=validate.Length(min=2, max=5))
    code = fields.String(validate=validate.Length(equal=4))
    email = fields.Email()
    hours = fields.Decimal(validate=validate.Range(min=Decimal("0"), max=Decimal("38")))
    count = fields.Integer(validate=validate.Range(min=1))
    regime = fields.String(validate=validate.OneOf(["standard", "reverse_charge"]))
    amount = Amount()
    when = fields.Date()


def _problems(payload: dict) -> dict:
    with pytest.raises(marshmallow.ValidationError) as refused:
        Sample().load(payload)
    messages = refused.value.messages
    return {field: texts for field, texts in messages.items()}


@pytest.fixture
def app():
    return create_app({"COOP_WEB_COOKIE_SECURE": "false"}, rpc=Members())


def _read(app, language: str, fields_: dict) -> dict:
    with app.test_request_context("/", headers={"Accept-Language": language}):
        return ui.problems_of(ValidationError(fields=fields_))


def test_marshmallows_messages_read_in_french_and_dutch_with_their_values(app):
    problems = _problems(
        {
            "code": "12345",
            "email": "not an address",
            "hours": "40",
            "count": "0",
            "regime": "export",
            "amount": "12.345",
            "when": "31/12/2026",
        }
    )
    assert _read(app, "fr", problems) == {
        "name": "Ce champ est obligatoire.",
        "code": "Exactement 4 caractères.",
        "email": "Ce n'est pas une adresse e-mail valide.",
        "hours": "Doit être compris entre 0 et 38.",
        "count": "Doit être au moins 1.",
        "regime": "Doit être l'une de ces valeurs : standard, reverse_charge.",
        "amount": "Deux décimales au plus (les cents).",
        "when": "Ce n'est pas une date valide.",
    }
    assert _read(app, "nl", _problems({"name": "Anna-Maria"})) == {"name": "Tussen 2 en 5 tekens."}
    assert _read(app, "en", _problems({"name": "A"})) == {"name": "Between 2 and 5 characters."}


def test_a_text_the_web_does_not_know_is_shown_as_the_service_wrote_it(app):
    unknown = {"iban": ["Not a Belgian IBAN: BE00 0000."], "x": ["Must be greater than or equal to 1 or so."]}
    assert _read(app, "fr", unknown) == {
        "iban": "Not a Belgian IBAN: BE00 0000.",
        "x": "Must be greater than or equal to 1 or so.",
    }


def test_a_refused_sign_in_shows_the_services_message_in_the_readers_language():
    members = Members(authenticate=ValidationError(fields={"email": ["Not a valid email address."]}))
    client = create_app({"COOP_WEB_COOKIE_SECURE": "false"}, rpc=members).test_client()
    page = client.get("/sign-in", headers={"Accept-Language": "nl"}).get_data(as_text=True)
    from tests.unit.page_text import csrf_of

    refused = client.post(
        "/sign-in",
        data={"email": "x", "password": "p" * 14, "csrf_token": csrf_of(page)},
        headers={"Accept-Language": "nl"},
    )
    assert refused.status_code == 422
    assert "Geen geldig e-mailadres." in refused.get_data(as_text=True)

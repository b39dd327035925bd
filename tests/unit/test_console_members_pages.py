"""The console's members pages with a stand-in for the services (the pattern of
tests/unit/test_web_pages.py): the list with its search and pages, the registration form, the
member's page with its small forms, each sending members the payload an integrator would send;
a refusal shown at its form, another cooperative's member a 404 page, an auditor no form."""

import re

import pytest
from coop_web.service import create_app

from coop_shared.errors import BusinessRuleViolation, NotFound, ValidationError
from tests.unit.page_text import csrf_of, text_of

TOKEN = "sess_" + "m" * 43
MEMBER_ID = "5b1c3a52-3f0e-4d59-9a53-0a4f3c2b6d11"
ENROLMENT_ID = "7c2d4b63-4a1f-4e6a-8b64-1b5a4d3c7e22"
PROGRAMME_ID = "8d3e5c74-5b2a-4f7b-9c75-2c6b5e4d8f33"
COACH_KEY = "9e4f6d85-6c3b-4a8c-8d86-3d7c6f5e9a44"
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
AMINA = {
    "id": MEMBER_ID,
    "cooperative_id": "c0",
    "first_name": "Amina",
    "last_name": "Diallo",
    "email": "amina@example.org",
    "language": "fr",
    "birth_date": "1990-03-14",
    "national_number": "90.03.14-xxx.xx",
    "nationality": "GN",
    "iban": "BE46735123456736",
    "address": {"street": "Rue Haute 1", "postal_code": "1000", "city": "Bruxelles", "country": "BE"},
    "lifecycle": "candidate",
    "status_model": "be_salaried",
    "status_parameters": {"weekly_hours": 19},
    "status_history": [
        {
            "status_model": "be_salaried",
            "parameters": {"weekly_hours": 19},
            "valid_from": "2026-01-01",
            "valid_until": None,
        }
    ],
    "activities": [
        {
            "id": "a1",
            "member_id": MEMBER_ID,
            "code": "A0001",
            "name": "Vélo-livraisons",
            "trade_name": "Amina Cargo",
            "sector": None,
        }
    ],
}
ENROLMENT = {
    "id": ENROLMENT_ID,
    "programme_id": PROGRAMME_ID,
    "programme": "Test your business",
    "member_id": MEMBER_ID,
    "coach_key_id": COACH_KEY,
    "phase": "test",
    "phase_history": [{"phase": "intake", "on": "2026-02-01"}, {"phase": "test", "on": "2026-03-01"}],
    "appointments": [
        {
            "id": "ap0",
            "title": "Intake talk",
            "starts_at": "2026-02-01T10:00:00+01:00",
            "duration_minutes": 60,
        },
        {
            "id": "ap1",
            "title": "Business plan review",
            "starts_at": "2099-01-15T14:00:00+01:00",
            "duration_minutes": 90,
        },
    ],
}


class Services:
    """Answers by method name (a callable answers from the payload); records every call."""

    def __init__(self, **answers):
        self.answers, self.calls = answers, []

    def call(self, service, method, authorization, payload=None, *, with_payload=True):
        self.calls.append((service, method, payload))
        answer = self.answers[method]
        if callable(answer):
            answer = answer(payload)
        if isinstance(answer, Exception):
            raise answer
        return answer

    def close(self):
        pass

    def payload_of(self, method):
        return [payload for _s, m, payload in self.calls if m == method][-1]


def _services(role="staff", **overrides):
    answers = {
        "resolve_session": dict(STAFF, role=role),
        "list_members": {"items": [AMINA], "total": 60},
        "get_member": AMINA,
        "list_member_documents": {
            "items": [
                {
                    "id": "d1",
                    "member_id": MEMBER_ID,
                    "kind": "residence_card",
                    "reference": "AI-20",
                    "valid_from": None,
                    "valid_until": "2000-01-01",
                    "labour_market": "unlimited",
                }
            ],
            "total": 1,
        },
        "list_member_enrolments": {"items": [ENROLMENT], "total": 1},
        "get_enrolment": ENROLMENT,
        "list_programmes": {
            "items": [{"id": PROGRAMME_ID, "name": "Test your business", "coach_key_ids": [COACH_KEY]}],
            "total": 1,
        },
        "list_api_keys": {"items": [{"key_id": COACH_KEY, "label": "Coach Sarah"}], "total": 1},
        "list_status_models": {
            "items": [
                {
                    "key": "be_salaried",
                    "label": {
                        "fr": "Entrepreneur salarié",
                        "nl": "Ondernemer-werknemer",
                        "en": "Salaried entrepreneur",
                    },
                },
                {
                    "key": "be_director",
                    "label": {
                        "fr": "Dirigeant",
                        "nl": "Bedrijfsleider",
                        "en": "Independent company director",
                    },
                },
            ],
            "total": 2,
        },
    }
    answers.update(overrides)
    return Services(**answers)


def _client(services):
    client = create_app({"COOP_WEB_COOKIE_SECURE": "false"}, rpc=services).test_client()
    client.set_cookie("coop_session", TOKEN)
    return client


def _csrf(client) -> str:
    return csrf_of(client.get("/console/members/new?lang=en").get_data(as_text=True))


_text = text_of


def test_the_list_searches_by_name_pages_and_links_each_member():
    services = _services()
    page = _client(services).get("/console/members?q=diallo&offset=25&lang=en")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert services.payload_of("list_members") == {"limit": 25, "offset": 25, "q": "diallo"}
    assert f'<a href="/console/members/{MEMBER_ID}">Diallo, Amina</a>' in html
    assert "60 members" in _text(html) and "Candidate" in _text(html)
    assert 'rel="prev"' in html and 'rel="next"' in html and "offset=50" in html
    assert '<label for="q">' in html and 'href="/console/members/new"' in html


def test_registering_sends_the_fields_filled_in_and_opens_the_new_member():
    services = _services(register_member=dict(AMINA, activities=[]))
    client = _client(services)
    form = client.get("/console/members/new?lang=en").get_data(as_text=True)
    for field in ("first_name", "last_name", "email", "language", "birth_date", "national_number", "iban"):
        assert f'<label for="{field}">' in form and f'id="{field}"' in form
    done = client.post(
        "/console/members/new",
        data={
            "csrf_token": _csrf(client),
            "first_name": " Amina ",
            "last_name": "Diallo",
            "email": "amina@example.org",
            "language": "fr",
            "birth_date": "1990-03-14",
            "national_number": "",
            "nationality": "gn",
            "iban": "BE46 7351 2345 6736",
            "address_street": "Rue Haute 1",
            "address_postal_code": "1000",
            "address_city": "Bruxelles",
            "address_country": "be",
        },
    )
    assert done.status_code == 303
    assert done.headers["Location"].endswith(f"/console/members/{MEMBER_ID}?done=registered")
    assert services.payload_of("register_member") == {
        "first_name": "Amina",
        "last_name": "Diallo",
        "email": "amina@example.org",
        "language": "fr",
        "birth_date": "1990-03-14",
        "nationality": "GN",
        "iban": "BE46 7351 2345 6736",
        "address": {"street": "Rue Haute 1", "postal_code": "1000", "city": "Bruxelles", "country": "BE"},
    }
    shown = client.get(done.headers["Location"] + "&lang=en").get_data(as_text=True)
    assert "The member was registered." in shown


def test_a_refused_registration_shows_the_form_again_with_the_problem_at_its_field():
    refused = ValidationError(fields={"email": ["Not a valid email address."]})
    services = _services(register_member=refused)
    client = _client(services)
    page = client.post(
        "/console/members/new?lang=en",
        data={
            "csrf_token": _csrf(client),
            "first_name": "A",
            "last_name": "B",
            "email": "nope",
            "language": "fr",
        },
    )
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    assert 'aria-invalid="true" aria-describedby="email-problem"' in html
    assert 'value="nope"' in html and 'role="alert"' in html


def test_the_members_page_shows_identity_activities_status_documents_and_accompaniment():
    services = _services()
    page = _client(services).get(f"/console/members/{MEMBER_ID}?lang=en")
    html = page.get_data(as_text=True)
    text = _text(html)
    assert page.status_code == 200
    assert "<h1>Amina Diallo</h1>" in html
    assert "14 Mar 1990" in text and "90.03.14-xxx.xx" in text and "BE46735123456736" in text
    assert "A0001" in text and "Amina Cargo" in text
    assert "be_salaried" in text and "weekly_hours: 19" in text
    assert "Residence card" in text and "AI-20" in text and "1 Jan 2000" in text and "(expired)" in text
    assert "Test your business" in text and "Phase: Test" in text
    assert "Business plan review" in text  # the next appointment, not the past one
    assert f'<option value="{PROGRAMME_ID}|{COACH_KEY}">Test your business – Coach Sarah</option>' in html
    assert '<option value="be_salaried">Salaried entrepreneur</option>' in html
    for action in (
        "identity",
        "address",
        "iban",
        "activities",
        "status-model",
        "lifecycle",
        "documents",
        "enrolments",
    ):
        assert f'action="/console/members/{MEMBER_ID}/{action}"' in html
    # every field of every form has its own label
    ids = re.findall(r'<(?:input|select) id="([^"]+)"', html)
    assert len(ids) == len(set(ids))
    assert all(f'<label for="{i}">' in html for i in ids)


def test_an_auditor_reads_the_member_and_is_shown_no_form():
    services = _services(role="auditor")
    html = _client(services).get(f"/console/members/{MEMBER_ID}?lang=en").get_data(as_text=True)
    assert "Amina Diallo" in html and "AI-20" in html
    assert f'action="/console/members/{MEMBER_ID}/' not in html.replace("/right-to-work", "")
    assert "list_programmes" not in [m for _s, m, _p in services.calls]
    listed = _client(_services(role="auditor")).get("/console/members?lang=en").get_data(as_text=True)
    assert 'href="/console/members/new"' not in listed


def test_another_cooperatives_member_is_the_404_page():
    services = _services(get_member=NotFound("No member 'x'."))
    page = _client(services).get(f"/console/members/{MEMBER_ID}?lang=en")
    assert page.status_code == 404 and "Amina" not in page.get_data(as_text=True)


def test_a_document_is_recorded_with_its_expiry_and_the_page_comes_back_to_it():
    services = _services(record_document={"id": "d2"})
    client = _client(services)
    done = client.post(
        f"/console/members/{MEMBER_ID}/documents",
        data={
            "csrf_token": _csrf(client),
            "kind": "work_authorisation",
            "reference": "WA-5",
            "valid_from": "",
            "valid_until": "2027-06-30",
            "labour_market": "limited",
        },
    )
    assert done.status_code == 303 and done.headers["Location"].endswith("?done=document#documents")
    assert services.payload_of("record_document") == {
        "member_id": MEMBER_ID,
        "kind": "work_authorisation",
        "reference": "WA-5",
        "valid_until": "2027-06-30",
        "labour_market": "limited",
    }


def test_a_refused_form_is_shown_again_at_its_section_with_the_message():
    refused = BusinessRuleViolation("A new status starts after the current one.")
    services = _services(set_status_model=refused)
    client = _client(services)
    page = client.post(
        f"/console/members/{MEMBER_ID}/status-model?lang=en",
        data={
            "csrf_token": _csrf(client),
            "status_model": "be_salaried",
            "valid_from": "2025-01-01",
            "weekly_hours": "19",
            "joint_committee": "200",
            "function": "",
            "start_date": "",
        },
    )
    html = page.get_data(as_text=True)
    assert page.status_code == 409 and "A new status starts after the current one." in html
    assert 'value="2025-01-01"' in html  # what was typed is kept
    assert services.payload_of("set_status_model") == {
        "member_id": MEMBER_ID,
        "status_model": "be_salaried",
        "valid_from": "2025-01-01",
        "parameters": {"weekly_hours": 19, "joint_committee": "200"},
    }


def test_only_the_identity_fields_changed_are_sent():
    services = _services(update_member_identity=AMINA)
    client = _client(services)
    done = client.post(
        f"/console/members/{MEMBER_ID}/identity",
        data={
            "csrf_token": _csrf(client),
            "first_name": "Amina",
            "last_name": "Diallo-Barry",
            "birth_date": "1990-03-14",
            "national_number": "",
            "reason": "Marriage",
        },
    )
    assert done.status_code == 303 and "done=identity" in done.headers["Location"]
    assert services.payload_of("update_member_identity") == {
        "member_id": MEMBER_ID,
        "last_name": "Diallo-Barry",
        "reason": "Marriage",
    }


@pytest.mark.parametrize("htmx", [False, True])
def test_the_right_to_work_on_a_date_is_answered_in_words(htmx):
    answer = {
        "member_id": MEMBER_ID,
        "on": "2026-12-01",
        "allowed": False,
        "reasons": ["No valid residence document on 2026-12-01."],
        "status_model": "be_salaried",
    }
    services = _services(check_right_to_work=answer)
    headers = {"HX-Request": "true"} if htmx else {}
    page = _client(services).get(
        f"/console/members/{MEMBER_ID}/right-to-work?on=2026-12-01&lang=en", headers=headers
    )
    text = _text(page.get_data(as_text=True))
    assert page.status_code == 200
    assert services.payload_of("check_right_to_work") == {"member_id": MEMBER_ID, "on": "2026-12-01"}
    assert "Not allowed to work on 01 Dec 2026." in text and "No valid residence document" in text
    assert ("<h1>" in page.get_data(as_text=True)) is not htmx  # htmx gets the answer only


def test_enrolling_and_scheduling_send_the_accompaniments_payloads():
    services = _services(enrol_member=ENROLMENT, schedule_appointment={"id": "ap2"})
    client = _client(services)
    token = _csrf(client)
    enrolled = client.post(
        f"/console/members/{MEMBER_ID}/enrolments",
        data={
            "csrf_token": token,
            "programme": f"{PROGRAMME_ID}|{COACH_KEY}",
            "entered_on": "2026-12-01",
            "language": "fr",
            "interpreter": "",
            "labour_situation": "job_seeker",
        },
    )
    assert enrolled.status_code == 303 and "done=enrolled" in enrolled.headers["Location"]
    assert services.payload_of("enrol_member") == {
        "member_id": MEMBER_ID,
        "programme_id": PROGRAMME_ID,
        "coach_key_id": COACH_KEY,
        "entered_on": "2026-12-01",
        "language": "fr",
        "profile": {"labour_situation": "job_seeker"},
    }
    scheduled = client.post(
        f"/console/members/{MEMBER_ID}/enrolments/{ENROLMENT_ID}/appointments",
        data={
            "csrf_token": token,
            "kind": "appointment",
            "title": "Follow-up",
            "starts_at": "2026-12-10T14:30",
            "duration_minutes": "45",
        },
    )
    assert scheduled.status_code == 303
    assert services.payload_of("schedule_appointment") == {
        "enrolment_id": ENROLMENT_ID,
        "kind": "appointment",
        "title": "Follow-up",
        "starts_at": "2026-12-10T14:30:00+01:00",  # Brussels time, winter
        "duration_minutes": 45,
    }


def test_an_enrolment_of_another_member_is_refused_as_not_found():
    services = _services(get_enrolment=dict(ENROLMENT, member_id="someone-else"))
    client = _client(services)
    page = client.post(
        f"/console/members/{MEMBER_ID}/enrolments/{ENROLMENT_ID}/phase",
        data={"csrf_token": _csrf(client), "to": "launch", "on": "2026-12-01"},
    )
    assert page.status_code == 404 and "move_phase" not in [m for _s, m, _p in services.calls]


def test_the_members_pages_speak_french_and_dutch():
    french = _text(_client(_services()).get(f"/console/members/{MEMBER_ID}?lang=fr").get_data(as_text=True))
    assert (
        "Carte de séjour" in french and "Droit au travail à une date" in french and "14 mars 1990" in french
    )
    dutch = _text(_client(_services()).get("/console/members?lang=nl").get_data(as_text=True))
    assert "60 leden" in dutch and "Kandidaat" in dutch

"""An appointment reminder over the bus to a real SMTP server on loopback: the member in their
language with the interpreter noted, the cooperative's office for the coach
(docs/domain/accompaniment.md)."""

from datetime import UTC, datetime, timedelta

import pytest

from tests import support
from tests.fixtures_data import AMINA, DIES
from tests.integration.test_notifications import Receivers, mail_settings, plain


@pytest.fixture
def receivers(tmp_path):
    found = Receivers(
        support.free_port(), support.free_port(), tmp_path / "mail", tmp_path / "hooks", tmp_path
    )
    yield found
    if found.smtp is not None:
        support.stop_process(found.smtp, grace=5)


def test_an_appointment_reminder_reaches_the_member_and_the_office(start_services, rpc_client, receivers):
    receivers.start_smtp()
    start_services("members", "payroll", "notifications", settings=mail_settings(receivers))
    keys = support.admin_keys(rpc_client, DIES)
    admin = rpc_client(keys["dies"]).members
    member = admin.register_member(AMINA)
    coach = admin.issue_api_key({"cooperative": "dies", "role": "staff", "label": "Sarah"})
    programme = admin.create_programme(
        {
            "name": "Entreprendre 2026",
            "capacity": 5,
            "coach_key_ids": [coach["key_id"]],
            "starts_on": "2026-01-01",
        }
    )
    enrolment = admin.enrol_member(
        {
            "programme_id": programme["id"],
            "member_id": member["id"],
            "coach_key_id": coach["key_id"],
            "entered_on": "2026-02-01",
            "language": "fr",
            "interpreter": "peul",
            "profile": {"labour_situation": "job_seeker"},
        }
    )
    starts = (datetime.now(UTC) + timedelta(hours=24)).replace(minute=0, second=0, microsecond=0)
    admin.schedule_appointment(
        {
            "enrolment_id": enrolment["id"],
            "title": "Plan d'affaires",
            "starts_at": starts.isoformat(),
            "duration_minutes": 60,
        }
    )
    assert admin.run_appointment_reminders()["reminders"] == 1
    assert admin.run_appointment_reminders()["reminders"] == 0
    [to_member] = support.wait_for(
        lambda: [m for m in receivers.mails(to=AMINA["email"]) if m["Subject"].startswith("Rendez-vous le ")],
        message="the member's reminder",
    )
    [to_office] = support.wait_for(lambda: receivers.mails(to=DIES["email"]), message="the office's reminder")
    assert "Plan d'affaires" in to_member["Subject"]
    assert "Un interprète (peul) sera présent." in plain(to_member)
    assert to_office["Subject"].startswith("Rendez-vous de Amina Diallo le ")
    assert "Bonjour Sarah" in plain(to_office) and "Interprète à prévoir : peul." in plain(to_office)

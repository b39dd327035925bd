"""Accompaniment of newcomers on the fake unit of work (docs/domain/accompaniment.md): the
four-month wait of an applicant, programme capacity and eligibility, the launch gate, coaching
notes for the coach and admins only with every read logged, dated contribution rates, the
funder report's counts."""

import base64
from datetime import UTC, date

import pytest

from coop_members.domain import accompaniment
from coop_members.domain.right_to_work import Doc
from coop_members.handlers import (
    api_keys,
    coaching,
    contribution_rates,
    cooperatives,
    documents,
    enrolments,
    funder_reports,
    members,
    programmes,
)
from coop_members.orm import Base
from coop_members.repository import MembersRepository
from coop_members.schemas import (
    CreateCooperativeSchema,
    CreateProgrammeSchema,
    EnrolMemberSchema,
    FunderReportSchema,
    MovePhaseSchema,
    RecordDocumentSchema,
    RegisterMemberSchema,
    ScheduleAppointmentSchema,
    SetContributionRateSchema,
)
from coop_shared.credentials import ADMIN, MEMBER, PLATFORM, STAFF, Identity
from coop_shared.errors import BusinessRuleViolation, Forbidden, NotFound, ValidationError
from tests.fixtures_data import AMINA, DIES
from tests.unit.fake_uow import FakeUnitOfWork

TODAY = date(2026, 12, 1)
PLATFORM_IDENTITY = Identity(role=PLATFORM)


class FakePayroll:
    def parameters_schema(self, status_model):
        return {"type": "object"}


class FakeBilling:
    def __init__(self, revenue_by_activity):
        self.revenue_by_activity = revenue_by_activity

    def revenue(self, activity_id, start, end):
        from decimal import Decimal

        return Decimal(self.revenue_by_activity.get(activity_id, "0"))


@pytest.fixture
def uow():
    return FakeUnitOfWork(Base.metadata, repository=MembersRepository)


def key_of(uow, role, label, member_id=None):
    key = api_keys.issue_api_key(
        uow, PLATFORM_IDENTITY, {"cooperative": "dies", "role": role, "label": label, "member_id": member_id}
    )
    return api_keys.identity_for_secret(uow, key["secret"])


@pytest.fixture
def setup(uow):
    cooperatives.create_cooperative(uow, PLATFORM_IDENTITY, CreateCooperativeSchema().load(DIES))
    admin = key_of(uow, ADMIN, "admin")
    coach = key_of(uow, STAFF, "Coach Sarah")
    other = key_of(uow, STAFF, "Accountant")
    programme = programmes.create_programme(
        uow,
        admin,
        CreateProgrammeSchema().load(
            {
                "name": "From asylum to enterprise 2026",
                "funders": ["ESF+", "Brussels Region"],
                "eligibility": ["international_protection_applicant", "job_seeker"],
                "capacity": 2,
                "coach_key_ids": [coach.key_id],
                "starts_on": "2026-01-01",
            }
        ),
    )
    return {"admin": admin, "coach": coach, "other": other, "programme": programme}


def register(uow, admin, first_name="Amina", **extra):
    return members.register_member(
        uow, admin, RegisterMemberSchema().load(dict(AMINA, first_name=first_name, **extra))
    )


def enrol(uow, setup, member, situation="international_protection_applicant", **extra):
    payload = {
        "programme_id": setup["programme"]["id"],
        "member_id": member["id"],
        "coach_key_id": setup["coach"].key_id,
        "entered_on": "2026-02-01",
        "language": "en",
        "interpreter": "Pular",
        "profile": {"labour_situation": situation, "education_level": "isced_3_4", "languages": ["en", "ff"]},
        "goals": ["Catering business"],
        "milestones": [{"text": "Business plan", "due_on": "2026-06-30"}],
    }
    if situation == "international_protection_applicant":
        payload["protection_applied_on"] = "2026-01-10"
    payload.update(extra)
    return enrolments.enrol_member(uow, setup["admin"], EnrolMemberSchema().load(payload))


def move(uow, setup, enrolment, to, on, **extra):
    data = MovePhaseSchema().load(dict({"enrolment_id": enrolment["id"], "to": to, "on": on}, **extra))
    return enrolments.move_phase(uow, setup["admin"], FakePayroll(), data, TODAY)


def record(uow, admin, member, **document):
    documents.record_document(uow, admin, RecordDocumentSchema().load(dict(document, member_id=member["id"])))


# Rules


def test_work_is_allowed_four_months_after_the_application():
    assert accompaniment.work_allowed_from(date(2026, 1, 10), None) == date(2026, 5, 10)
    assert accompaniment.work_allowed_from(date(2025, 10, 31), None) == date(2026, 2, 28)
    # A first decision notified within the four months: no access, even on appeal.
    assert accompaniment.work_allowed_from(date(2026, 1, 10), date(2026, 3, 1)) is None
    assert accompaniment.work_allowed_from(date(2026, 1, 10), date(2026, 6, 1)) == date(2026, 5, 10)


def test_the_test_phase_lasts_at_most_18_months():
    assert accompaniment.test_phase_ends_on(date(2026, 3, 1)) == date(2027, 8, 31)


def test_the_applicant_gate_names_the_day_and_the_missing_document():
    annex = Doc("annex_26", "A26-1", date(2026, 1, 10), date(2026, 7, 10))
    assert accompaniment.applicant_gate(date(2026, 1, 10), None, [annex], date(2026, 4, 1)) == (
        date(2026, 5, 10),
        ["Work is allowed from 2026-05-10 (four months after the application)."],
    )
    assert accompaniment.applicant_gate(date(2026, 1, 10), None, [annex], date(2026, 5, 10)) == (
        date(2026, 5, 10),
        [],
    )
    assert accompaniment.applicant_gate(date(2026, 1, 10), None, [annex], date(2026, 8, 1))[1] == [
        "No annex 26 or orange card valid on 2026-08-01."
    ]


def test_age_bands_follow_the_esf_indicators():
    assert accompaniment.age_band(date(1990, 3, 14), date(2026, 2, 1)) == "30_54"
    assert accompaniment.age_band(date(2000, 3, 14), date(2026, 2, 1)) == "18_29"
    assert accompaniment.age_band(None, date(2026, 2, 1)) is None


# Programmes and enrolments


def test_a_programme_is_created_once_with_the_brussels_phases(uow, setup):
    again = programmes.create_programme(
        uow,
        setup["admin"],
        CreateProgrammeSchema().load(
            {
                "name": "From asylum to enterprise 2026",
                "capacity": 5,
                "coach_key_ids": [setup["coach"].key_id],
                "starts_on": "2026-01-01",
            }
        ),
    )
    assert again["id"] == setup["programme"]["id"] and again["capacity"] == 2
    assert [p["phase"] for p in again["phases"]] == ["intake", "test", "launch", "autonomy", "exit"]
    assert again["phases"][1]["max_months"] == 18
    assert programmes.list_programmes(uow, setup["coach"])["total"] == 1


def test_a_coach_is_a_staff_key_of_the_cooperative(uow, setup):
    member = register(uow, setup["admin"])
    member_key = key_of(uow, MEMBER, "member", member["id"])
    with pytest.raises(ValidationError):
        programmes.create_programme(
            uow,
            setup["admin"],
            CreateProgrammeSchema().load(
                {
                    "name": "Other",
                    "capacity": 1,
                    "coach_key_ids": [member_key.key_id],
                    "starts_on": "2026-01-01",
                }
            ),
        )
    with pytest.raises(Forbidden):
        programmes.create_programme(
            uow,
            setup["coach"],
            CreateProgrammeSchema().load(
                {
                    "name": "Other",
                    "capacity": 1,
                    "coach_key_ids": [setup["coach"].key_id],
                    "starts_on": "2026-01-01",
                }
            ),
        )


def test_enrolment_snapshots_the_profile_and_shows_the_allowed_date(uow, setup):
    member = register(uow, setup["admin"])
    record(uow, setup["admin"], member, kind="annex_26", reference="A26-1", valid_until="2026-07-10")
    enrolment = enrol(uow, setup, member)
    assert enrolment["phase"] == "intake"
    assert enrolment["phase_history"] == [{"phase": "intake", "on": "2026-02-01"}]
    assert enrolment["entry_profile"] == {
        "on": "2026-02-01",
        "labour_situation": "international_protection_applicant",
        "education_level": "isced_3_4",
        "languages": ["en", "ff"],
        "age_band": "30_54",
    }
    assert (enrolment["language"], enrolment["interpreter"]) == ("en", "Pular")
    assert enrolment["right_to_work"]["work_allowed_from"] == "2026-05-10"
    assert enrolment["milestones"] == [{"text": "Business plan", "due_on": "2026-06-30"}]
    again = enrol(uow, setup, member)
    assert again["id"] == enrolment["id"]
    assert [e for e, *_ in uow.events].count("member_enrolled") == 1


def test_capacity_and_eligibility_are_enforced(uow, setup):
    first, second, third = (register(uow, setup["admin"], first_name=n) for n in ("A", "B", "C"))
    with pytest.raises(BusinessRuleViolation, match="not employed"):
        enrol(uow, setup, first, situation="employed")
    enrol(uow, setup, first, situation="job_seeker")
    enrol(uow, setup, second, situation="job_seeker")
    with pytest.raises(BusinessRuleViolation, match=r"full \(2 participants\)"):
        enrol(uow, setup, third, situation="job_seeker")


def test_the_launch_is_refused_before_the_allowed_date_and_accepted_after(uow, setup):
    member = register(uow, setup["admin"])
    record(uow, setup["admin"], member, kind="annex_26", reference="A26-1", valid_until="2026-07-10")
    enrolment = enrol(uow, setup, member)
    tested = move(uow, setup, enrolment, "test", "2026-03-01")
    assert tested["test_phase_ends_on"] == "2027-08-31"
    assert [
        s["status_model"]
        for s in members.get_member(uow, setup["admin"], {"id": member["id"]}, TODAY)["status_history"]
    ] == ["trial"]
    with pytest.raises(BusinessRuleViolation) as refused:
        move(uow, setup, enrolment, "launch", "2026-04-01", status_model="be_salaried")
    assert "No right to work on 2026-04-01" in refused.value.message
    assert refused.value.details["work_allowed_from"] == "2026-05-10"
    # The renewed orange card after four months says "labour market: unlimited".
    record(
        uow,
        setup["admin"],
        member,
        kind="orange_card",
        reference="AI-2",
        valid_from="2026-05-10",
        valid_until="2026-11-10",
        labour_market="unlimited",
    )
    launched = move(uow, setup, enrolment, "launch", "2026-05-15", status_model="be_salaried")
    assert launched["phase_history"] == [
        {"phase": "intake", "on": "2026-02-01"},
        {"phase": "test", "on": "2026-03-01"},
        {"phase": "launch", "on": "2026-05-15"},
    ]
    history = members.get_member(uow, setup["admin"], {"id": member["id"]}, TODAY)["status_history"]
    assert [(s["status_model"], s["valid_from"], s["valid_until"]) for s in history] == [
        ("trial", "2026-03-01", "2026-05-14"),
        ("be_salaried", "2026-05-15", None),
    ]


def test_an_exit_snapshots_the_profile_with_its_outcome(uow, setup):
    member = register(uow, setup["admin"])
    enrolment = enrol(uow, setup, member, situation="job_seeker")
    with pytest.raises(BusinessRuleViolation, match="from 'intake' to 'launch'"):
        move(uow, setup, enrolment, "launch", "2026-03-01", status_model="be_salaried")
    left = move(
        uow,
        setup,
        enrolment,
        "exit",
        "2026-09-30",
        exit_outcome="employed_elsewhere",
        exit_profile={"labour_situation": "employed", "education_level": "isced_3_4"},
    )
    assert left["exit_outcome"] == "employed_elsewhere"
    assert left["exit_profile"]["labour_situation"] == "employed"
    assert left["exit_profile"]["outcome"] == "employed_elsewhere"


# Coaching notes


def test_notes_are_read_by_the_coach_and_admins_only_and_every_read_is_logged(uow, setup):
    member = register(uow, setup["admin"])
    enrolment = enrol(uow, setup, member)
    coaching.add_coaching_note(
        uow, setup["coach"], {"enrolment_id": enrolment["id"], "text": "Motivated; needs a kitchen."}
    )
    notes = coaching.list_coaching_notes(uow, setup["coach"], {"enrolment_id": enrolment["id"]})
    assert [(n["text"], n["author"]) for n in notes["items"]] == [
        ("Motivated; needs a kitchen.", "Coach Sarah")
    ]
    with pytest.raises(Forbidden):
        coaching.list_coaching_notes(uow, setup["other"], {"enrolment_id": enrolment["id"]})
    own = key_of(uow, MEMBER, "member", member["id"])
    with pytest.raises(Forbidden):
        coaching.list_coaching_notes(uow, own, {"enrolment_id": enrolment["id"]})
    with pytest.raises(Forbidden):
        coaching.add_coaching_note(uow, setup["other"], {"enrolment_id": enrolment["id"], "text": "x"})
    with pytest.raises(Forbidden):
        coaching.list_note_reads(uow, setup["coach"], {"enrolment_id": enrolment["id"]})
    log = coaching.list_note_reads(uow, setup["admin"], {"enrolment_id": enrolment["id"]})
    assert [(r["reader"], r["role"], r["granted"]) for r in log["items"]] == [
        ("Coach Sarah", "staff", True),
        ("Accountant", "staff", False),
        ("member", "member", False),
    ]


# Contribution rates


def test_an_activity_rate_overrides_the_cooperative_rate_for_its_dates(uow, setup):
    from coop_members.handlers import activities

    member = register(uow, setup["admin"])
    activity = activities.add_activity(uow, setup["admin"], {"member_id": member["id"], "name": "Catering"})
    rates = contribution_rates.set_contribution_rate(
        uow,
        setup["admin"],
        SetContributionRateSchema().load(
            {
                "activity_id": activity["id"],
                "rate": "0",
                "valid_from": "2026-03-01",
                "valid_until": "2026-05-14",
            }
        ),
    )
    assert rates["rates"] == [
        {"activity_id": activity["id"], "rate": "0", "valid_from": "2026-03-01", "valid_until": "2026-05-14"}
    ]

    def on(day):
        found = contribution_rates.contribution_rate_on(
            uow, setup["admin"], {"activity_id": activity["id"], "on": date.fromisoformat(day)}
        )
        return found["rate"], found["source"]

    assert on("2026-04-01") == ("0", "activity")
    assert on("2026-05-15") == ("0.1", "cooperative")
    with pytest.raises(BusinessRuleViolation, match="already has a rate from 2026-03-01"):
        contribution_rates.set_contribution_rate(
            uow,
            setup["admin"],
            SetContributionRateSchema().load(
                {"activity_id": activity["id"], "rate": "0.05", "valid_from": "2026-05-01"}
            ),
        )


# Funder report


def test_the_funder_report_counts_the_enrolments_and_names_nobody_by_default(uow, setup):
    from coop_members.handlers import activities

    first, second = (
        register(uow, setup["admin"], first_name="Amina"),
        register(uow, setup["admin"], first_name="Omar"),
    )
    one = enrol(uow, setup, first, situation="job_seeker")
    two = enrol(uow, setup, second, situation="job_seeker", entered_on="2026-03-01")
    move(uow, setup, one, "test", "2026-03-01")
    move(uow, setup, two, "exit", "2026-04-30", exit_outcome="training")
    activity = activities.add_activity(uow, setup["admin"], {"member_id": first["id"], "name": "Catering"})
    appointment = enrolments.schedule_appointment(
        uow,
        setup["admin"],
        ScheduleAppointmentSchema().load(
            {
                "enrolment_id": one["id"],
                "title": "Business plan",
                "starts_at": "2026-03-10T10:00:00+01:00",
                "duration_minutes": 90,
            }
        ),
    )
    enrolments.record_attendance(uow, setup["admin"], {"appointment_id": appointment["id"], "attended": True})
    payload = {"programme_id": setup["programme"]["id"], "from": "2026-01-01", "to": "2026-06-30"}
    billing = FakeBilling({activity["id"]: "1250.00"})
    report = funder_reports.funder_report(uow, setup["coach"], billing, FunderReportSchema().load(payload))
    assert report["participants"] == 2
    assert report["participants_by_phase"] == {"test": 1, "exit": 1}
    assert (report["entries"], report["exits"], report["exit_outcomes"]) == (2, 1, {"training": 1})
    assert (report["hours_of_accompaniment"], report["turnover"]) == ("1.50", "1250.00")
    assert all("name" not in row for row in report["rows"])
    with pytest.raises(Forbidden):
        funder_reports.funder_report(
            uow, setup["coach"], billing, FunderReportSchema().load(dict(payload, nominative=True))
        )
    csv_report = funder_reports.funder_report(
        uow, setup["admin"], billing, FunderReportSchema().load(dict(payload, nominative=True, format="csv"))
    )
    assert csv_report["content_type"] == "text/csv; charset=utf-8"
    lines = base64.b64decode(csv_report["content"]).decode("utf-8").splitlines()
    assert "participants,2" in lines and "turnover,1250.00" in lines
    assert "Amina Diallo,test,2026-02-01,job_seeker,30_54," in lines
    assert csv_report["filename"] == "from-asylum-to-enterprise-2026_2026-01-01_2026-06-30.csv"


def test_another_cooperative_sees_no_enrolment(uow, setup):
    from tests.fixtures_data import BRUCOOP

    member = register(uow, setup["admin"])
    enrolment = enrol(uow, setup, member, situation="job_seeker")
    cooperatives.create_cooperative(uow, PLATFORM_IDENTITY, CreateCooperativeSchema().load(BRUCOOP))
    key = api_keys.issue_api_key(
        uow, PLATFORM_IDENTITY, {"cooperative": "brucoop", "role": ADMIN, "label": "a"}
    )
    brucoop = api_keys.identity_for_secret(uow, key["secret"])
    with pytest.raises(NotFound):
        enrolments.get_enrolment(uow, brucoop, {"id": enrolment["id"]}, TODAY)
    with pytest.raises(NotFound):
        coaching.list_coaching_notes(uow, brucoop, {"enrolment_id": enrolment["id"]})


# Appointment reminders


def test_an_appointment_is_announced_once_two_days_ahead_in_the_members_language(uow, setup):
    from datetime import datetime, timedelta

    from coop_notifications.domain import reactions, templates

    member = register(uow, setup["admin"])
    enrolment = enrol(uow, setup, member)
    now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    for title, hours in (("Business plan", 24), ("Pricing workshop", 72)):
        enrolments.schedule_appointment(
            uow,
            setup["admin"],
            ScheduleAppointmentSchema().load(
                {
                    "enrolment_id": enrolment["id"],
                    "title": title,
                    "starts_at": (now + timedelta(hours=hours)).isoformat(),
                    "duration_minutes": 90,
                }
            ),
        )
    assert enrolments.notify_upcoming_appointments(uow, now) == 1
    assert enrolments.notify_upcoming_appointments(uow, now) == 0
    (payload,) = uow.events_of("appointment_due")
    assert (payload["title"], payload["starts"], payload["interpreter"], payload["coach"]) == (
        "Business plan",
        "2026-12-02 10:00",
        "Pular",
        "Coach Sarah",
    )
    event = {"event_type": "appointment_due", "cooperative_id": "c1", "payload": payload}
    assert [(key.split(":")[0], r.template) for key, r in reactions.recipients_for(event)] == [
        ("member", "appointment_due"),
        ("cooperative", "appointment_due_staff"),
    ]
    text = templates.render(templates.default("appointment_due", "en"), payload)
    assert text.subject == "Appointment on 2026-12-02 10:00: Business plan"
    assert "An interpreter (Pular) will be there." in text.body
    staff = templates.render(templates.default("appointment_due_staff", "fr"), payload)
    assert "Bonjour Coach Sarah" in staff.body and "Interprète à prévoir : Pular." in staff.body


def test_the_funder_report_prints_as_a_pdf_in_the_shared_font(uow, setup):
    import pypdfium2

    member = register(uow, setup["admin"], first_name="Élodie")
    enrol(uow, setup, member, situation="job_seeker")
    payload = {
        "programme_id": setup["programme"]["id"],
        "from": "2026-01-01",
        "to": "2026-06-30",
        "format": "pdf",
    }
    billing = FakeBilling({})
    anonymous = funder_reports.funder_report(uow, setup["admin"], billing, FunderReportSchema().load(payload))
    assert anonymous["filename"] == "from-asylum-to-enterprise-2026_2026-01-01_2026-06-30.pdf"
    assert anonymous["content_type"] == "application/pdf"
    pdf = pypdfium2.PdfDocument(base64.b64decode(anonymous["content"]))
    text = " ".join(pdf[0].get_textpage().get_text_range().split())  # the title wraps
    assert "Funder report — From asylum to enterprise 2026" in text
    assert "Participants 1" in text and "Entries 1" in text
    assert "Participants (anonymous)" in text and "Élodie" not in text
    nominative = funder_reports.funder_report(
        uow, setup["admin"], billing, FunderReportSchema().load(dict(payload, nominative=True))
    )
    text = pypdfium2.PdfDocument(base64.b64decode(nominative["content"]))[0].get_textpage().get_text_range()
    assert "Élodie Diallo" in text and "job_seeker" in text


def test_a_document_reminder_names_the_coach_to_the_office(uow, setup):
    from coop_notifications.domain import templates

    member = register(uow, setup["admin"])
    enrol(uow, setup, member)
    record(uow, setup["admin"], member, kind="annex_26", reference="A26-7", valid_until="2026-12-08")
    assert documents.notify_expiring_documents(uow, TODAY) == 1
    (payload,) = uow.events_of("document_expiring")
    assert payload["coach"] == "Coach Sarah"
    text = templates.render(templates.default("document_expiring_staff", "nl"), payload)
    assert text.body.rstrip().endswith("Begeleiding: Coach Sarah.")
    # An event announced before this field existed still renders, without the line.
    older = {k: v for k, v in payload.items() if k != "coach"}
    assert (
        "Begeleiding" not in templates.render(templates.default("document_expiring_staff", "nl"), older).body
    )

"""A member's enrolment on a programme: phases with their dates, coach, needs, profile at entry
and exit, appointments and workshops (docs/domain/accompaniment.md). The launch changes the
member's status model through the status history rules of handlers/status_models.py, and only
with a right to work on that day (docs/domain/right-to-work.md)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from coop_members.domain import accompaniment, right_to_work
from coop_members.domain.status_history import status_on
from coop_members.handlers import status_models
from coop_members.orm import Appointment, Enrolment, PhaseChange
from coop_members.views import appointment_out, enrolment_out
from coop_shared.credentials import (
    ADMIN,
    OPERATORS,
    PLATFORM,
    READERS,
    Identity,
    acting_cooperative,
    may_see_member,
    require_role,
)
from coop_shared.dates import BRUSSELS
from coop_shared.errors import BusinessRuleViolation, NotFound

if TYPE_CHECKING:
    from coop_members.clients import PayrollClient
    from coop_members.repository import MembersRepository
    from coop_shared.unit_of_work import UnitOfWork


def enrol_member(uow: UnitOfWork[MembersRepository], identity: Identity, data: dict) -> dict:
    """Enrolling the same member twice on a programme returns the first enrolment."""
    require_role(identity, *OPERATORS)
    cooperative_id = acting_cooperative(identity)
    member = uow.repo.member(cooperative_id, str(data["member_id"]))
    # The row lock serialises enrolments of one programme, so capacity holds under concurrency.
    programme = uow.repo.programme(cooperative_id, str(data["programme_id"]), for_update=True)
    existing = uow.repo.enrolment_of(programme.id, member.id)
    if existing is not None:
        return enrolment_view(uow, existing, data["entered_on"])
    coach = str(data["coach_key_id"])
    if coach not in programme.coach_key_ids:
        raise BusinessRuleViolation(
            "The coach is not one of the programme's coaches.", {"coach_key_id": coach}
        )
    situation = data["profile"]["labour_situation"]
    if programme.eligibility and situation not in programme.eligibility:
        raise BusinessRuleViolation(
            f"The programme's funders accept {', '.join(programme.eligibility)}, not {situation}.",
            {"eligibility": list(programme.eligibility)},
        )
    if uow.repo.active_enrolments(programme.id) >= programme.capacity:
        raise BusinessRuleViolation(
            f"The programme is full ({programme.capacity} participants).", {"capacity": programme.capacity}
        )
    enrolment = Enrolment(
        cooperative_id=cooperative_id,
        programme_id=programme.id,
        member_id=member.id,
        coach_key_id=coach,
        phase=accompaniment.INTAKE,
        language=data["language"],
        interpreter=data["interpreter"],
        entry_profile=_profile(data["profile"], member, data["entered_on"]),
        goals=data["goals"],
        milestones=[
            dict(m, due_on=m["due_on"].isoformat() if m["due_on"] else None) for m in data["milestones"]
        ],
        protection_applied_on=data["protection_applied_on"],
        first_decision_on=data["first_decision_on"],
    )
    uow.repo.add(enrolment)
    uow.repo.flush()
    uow.repo.add(
        PhaseChange(enrolment_id=enrolment.id, phase=accompaniment.INTAKE, effective_on=data["entered_on"])
    )
    uow.repo.flush()
    uow.emit(
        "member_enrolled",
        cooperative_id,
        identity.cooperative,
        {
            "enrolment_id": enrolment.id,
            "programme_id": programme.id,
            "member_id": member.id,
            "entered_on": data["entered_on"].isoformat(),
        },
    )
    return enrolment_view(uow, enrolment, data["entered_on"])


def get_enrolment(uow: UnitOfWork[MembersRepository], identity: Identity, data: dict, today: date) -> dict:
    """Readers of the cooperative; a `member` key only its own enrolment."""
    require_role(identity, *READERS)
    enrolment = uow.repo.enrolment(acting_cooperative(identity), str(data["id"]))
    if not may_see_member(identity, enrolment.member_id):
        raise NotFound(f"No enrolment '{data['id']}'.")
    return enrolment_view(uow, enrolment, today)


def list_member_enrolments(
    uow: UnitOfWork[MembersRepository], identity: Identity, data: dict, today: date
) -> dict:
    """{"items": [the member's enrolments as get_enrolment gives them], "total"}, the latest
    entered first; readers of the cooperative, a `member` key only its own member's."""
    require_role(identity, *READERS)
    member = uow.repo.member(acting_cooperative(identity), str(data["member_id"]))
    if not may_see_member(identity, member.id):
        raise NotFound(f"No member '{data['member_id']}'.")
    views = [enrolment_view(uow, e, today) for e in uow.repo.enrolments_of_member(member.id)]
    views.sort(
        key=lambda v: (v["phase_history"][0]["on"] if v["phase_history"] else "", v["id"]), reverse=True
    )
    return {"items": views, "total": len(views)}


def move_phase(
    uow: UnitOfWork[MembersRepository], identity: Identity, payroll: PayrollClient, data: dict, today: date
) -> dict:
    require_role(identity, *OPERATORS)
    cooperative_id = acting_cooperative(identity)
    enrolment = uow.repo.enrolment(cooperative_id, str(data["enrolment_id"]), for_update=True)
    to, on = data["to"], data["on"]
    if not accompaniment.may_move(enrolment.phase, to):
        raise BusinessRuleViolation(f"An enrolment cannot go from '{enrolment.phase}' to '{to}'.")
    history = uow.repo.phase_history(enrolment.id)
    if on < history[-1].effective_on:
        raise BusinessRuleViolation(
            f"The phase '{history[-1].phase}' started on {history[-1].effective_on.isoformat()}; a new one "
            "cannot start before.",
            {"current_since": history[-1].effective_on.isoformat()},
        )
    member = uow.repo.member(cooperative_id, enrolment.member_id)
    cooperative = uow.repo.cooperative_by_id(cooperative_id)
    if to == accompaniment.TEST and accompaniment.TRIAL in cooperative.status_models:
        # The test phase is the `trial` status model: invoicing without remuneration.
        _set_status(uow, identity, payroll, member.id, accompaniment.TRIAL, {}, on, today)
    if to == accompaniment.LAUNCH:
        _require_right_to_work(uow, enrolment, member, data["status_model"], on)
        _set_status(uow, identity, payroll, member.id, data["status_model"], data["parameters"], on, today)
    if to == accompaniment.EXIT:
        enrolment.exit_outcome = data["exit_outcome"]
        enrolment.exit_profile = dict(
            _profile(data["exit_profile"] or enrolment.entry_profile, member, on),
            outcome=data["exit_outcome"],
        )
    enrolment.phase = to
    uow.repo.add(PhaseChange(enrolment_id=enrolment.id, phase=to, effective_on=on))
    uow.repo.flush()
    uow.emit(
        "enrolment_phase_changed",
        cooperative_id,
        identity.cooperative,
        {
            "enrolment_id": enrolment.id,
            "member_id": member.id,
            "phase": to,
            "on": on.isoformat(),
            "exit_outcome": enrolment.exit_outcome,
        },
    )
    return enrolment_view(uow, enrolment, today)


def schedule_appointment(uow: UnitOfWork[MembersRepository], identity: Identity, data: dict) -> dict:
    """The same enrolment, start and title twice is one appointment (a retried call)."""
    require_role(identity, *OPERATORS)
    cooperative_id = acting_cooperative(identity)
    enrolment = uow.repo.enrolment(cooperative_id, str(data["enrolment_id"]))
    existing = uow.repo.appointment_at(enrolment.id, data["starts_at"], data["title"])
    if existing is not None:
        return appointment_out(existing, enrolment)
    appointment = Appointment(
        enrolment_id=enrolment.id,
        kind=data["kind"],
        title=data["title"],
        starts_at=data["starts_at"],
        duration_minutes=data["duration_minutes"],
    )
    uow.repo.add(appointment)
    uow.repo.flush()
    return appointment_out(appointment, enrolment)


def record_attendance(uow: UnitOfWork[MembersRepository], identity: Identity, data: dict) -> dict:
    require_role(identity, *OPERATORS)
    cooperative_id = acting_cooperative(identity)
    appointment = uow.repo.appointment(str(data["appointment_id"]))
    try:
        enrolment = uow.repo.enrolment(cooperative_id, appointment.enrolment_id)
    except NotFound:
        raise NotFound(f"No appointment '{data['appointment_id']}'.") from None
    appointment.attended = data["attended"]
    uow.repo.flush()
    return appointment_out(appointment, enrolment)


def run_appointment_reminders(
    uow: UnitOfWork[MembersRepository], identity: Identity, data: dict, now: datetime
) -> dict:
    """{"reminders": n}: the reminders due now, instead of at the next timer tick."""
    require_role(identity, PLATFORM, ADMIN)
    return {"reminders": notify_upcoming_appointments(uow, now, data["within_hours"])}


def notify_upcoming_appointments(
    uow: UnitOfWork[MembersRepository], now: datetime, within_hours: int = accompaniment.REMINDER_HOURS
) -> int:
    """Emit `appointment_due` once per appointment starting within the next `within_hours`
    (48 by default); one transaction per appointment. Returns how many."""
    emitted = 0
    for appointment_id in uow.repo.appointments_to_remind(now, now + timedelta(hours=within_hours)):
        appointment = uow.repo.appointment_for_update(appointment_id)
        if appointment.reminded_at is None:
            appointment.reminded_at = now
            _announce_appointment(uow, appointment)
            emitted += 1
        uow.commit()
    return emitted


def _announce_appointment(uow, appointment: Appointment) -> None:
    """The member is told in their language, with the interpreter; the cooperative's staff
    with the coach's name (a coach is a staff key, with no address of its own)."""
    enrolment = uow.repo.enrolment_by_id(appointment.enrolment_id)
    member = uow.repo.member_by_id(enrolment.member_id)
    cooperative = uow.repo.cooperative_by_id(enrolment.cooperative_id)
    coach = uow.repo.api_key_labels([enrolment.coach_key_id]).get(enrolment.coach_key_id)
    uow.emit(
        "appointment_due",
        cooperative.id,
        cooperative.slug,
        {
            "appointment_id": appointment.id,
            "enrolment_id": enrolment.id,
            "member_id": member.id,
            "member_name": f"{member.first_name} {member.last_name}",
            "kind": appointment.kind,
            "title": appointment.title,
            "starts_at": appointment.starts_at.isoformat(),
            "starts": appointment.starts_at.astimezone(BRUSSELS).strftime("%Y-%m-%d %H:%M"),
            "duration_minutes": appointment.duration_minutes,
            "language": enrolment.language,
            "interpreter": enrolment.interpreter or "",
            "coach": coach or "",
            "cooperative": cooperative.name,
        },
    )


def enrolment_view(uow: UnitOfWork[MembersRepository], enrolment: Enrolment, today: date) -> dict:
    programme = uow.repo.programme(enrolment.cooperative_id, enrolment.programme_id)
    phases = uow.repo.phase_history(enrolment.id)
    tests = [p.effective_on for p in phases if p.phase == accompaniment.TEST]
    return dict(
        enrolment_out(
            enrolment,
            programme.name,
            phases,
            uow.repo.appointments_of(enrolment.id),
            _applicant_view(uow, enrolment, today),
        ),
        test_phase_ends_on=accompaniment.test_phase_ends_on(tests[0]).isoformat() if tests else None,
    )


def _applicant_view(uow, enrolment: Enrolment, today: date) -> dict | None:
    """For an applicant for international protection: from when work is allowed, what is awaited."""
    if enrolment.protection_applied_on is None:
        return None
    allowed = accompaniment.work_allowed_from(enrolment.protection_applied_on, enrolment.first_decision_on)
    documents = _docs(uow, enrolment.member_id)
    return {
        "applicant": True,
        "protection_applied_on": enrolment.protection_applied_on.isoformat(),
        "first_decision_on": enrolment.first_decision_on.isoformat() if enrolment.first_decision_on else None,
        "work_allowed_from": allowed.isoformat() if allowed else None,
        "awaited": accompaniment.awaited_document(enrolment.protection_applied_on, documents, today),
    }


def _require_right_to_work(uow, enrolment: Enrolment, member, status_model: str, on: date) -> None:
    """BusinessRuleViolation naming the day when the member may not work under `status_model`."""
    documents = _docs(uow, member.id)
    reasons, allowed_from = [], None
    if enrolment.protection_applied_on is not None and status_model not in right_to_work.SELF_EMPLOYED_MODELS:
        allowed_from, reasons = accompaniment.applicant_gate(
            enrolment.protection_applied_on, enrolment.first_decision_on, documents, on
        )
    if not reasons:
        allowed, why = right_to_work.judge(member.nationality, status_model, documents, on)
        reasons = [] if allowed else why
    if reasons:
        details = {"on": on.isoformat(), "reasons": reasons}
        if allowed_from:
            details["work_allowed_from"] = allowed_from.isoformat()
        raise BusinessRuleViolation(f"No right to work on {on.isoformat()}: {' '.join(reasons)}", details)


def _set_status(uow, identity, payroll, member_id: str, model: str, parameters: dict, on: date, today: date):
    history = uow.repo.status_history(member_id)
    current = status_on(history, on)
    if current is not None and current.status_model == model and current.valid_from == on:
        return  # already so (a retried move)
    status_models.set_status_model(
        uow,
        identity,
        payroll,
        {"member_id": member_id, "status_model": model, "valid_from": on, "parameters": parameters},
        today,
    )


def _docs(uow, member_id: str) -> list:
    return [
        right_to_work.Doc(d.kind, d.reference, d.valid_from, d.valid_until, d.labour_market)
        for d in uow.repo.documents_of(member_id)
    ]


def _profile(profile: dict, member, on: date) -> dict:
    """The profile snapshotted on `on`: situation, education, languages and the age band."""
    return {
        "on": on.isoformat(),
        "labour_situation": profile["labour_situation"],
        "education_level": profile.get("education_level"),
        "languages": list(profile.get("languages") or []),
        "age_band": accompaniment.age_band(member.birth_date, on),
    }

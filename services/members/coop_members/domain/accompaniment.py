"""Accompaniment of newcomers into entrepreneurship: programme phases, the moves between them,
and the date from which an applicant for international protection may work
(docs/domain/accompaniment.md, docs/domain/right-to-work.md).

- Phases follow the Brussels approval of business-and-employment cooperatives (Ordinance of
  21 November 2013, AGRBC of 12 October 2017): intake (selection and preparation), a test phase
  of at most 18 months, the launch, then autonomy or an exit with its outcome.
- An applicant for international protection may take salaried work four months after the
  application was lodged if no first decision of the CGRS was notified within those four months
  (Royal Decree of 2 September 2018), while the annex 26 or the orange card is valid.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

INTAKE, TEST, LAUNCH, AUTONOMY, EXIT = "intake", "test", "launch", "autonomy", "exit"
PHASES = (INTAKE, TEST, LAUNCH, AUTONOMY, EXIT)
MOVES = {
    INTAKE: frozenset({TEST, EXIT}),
    TEST: frozenset({LAUNCH, EXIT}),
    LAUNCH: frozenset({AUTONOMY, EXIT}),
    AUTONOMY: frozenset({EXIT}),
    EXIT: frozenset(),
}
TEST_PHASE_MAX_MONTHS = 18  # AGRBC of 12 October 2017: the test lasts at most 18 months
WAIT_MONTHS = 4  # RD of 2 September 2018: salaried work four months after the application
LAUNCH_MODELS = ("be_salaried", "be_director")  # trial -> one of these at the launch
TRIAL = "trial"

LABOUR_SITUATIONS = (
    "job_seeker",
    "cpas_beneficiary",
    "international_protection_applicant",
    "inactive",
    "employed",
    "self_employed",
)
APPLICANT = "international_protection_applicant"
EDUCATION_LEVELS = ("isced_0_2", "isced_3_4", "isced_5_8")  # ESF+ (Reg. 2021/1057, Annex I)
AGE_BANDS = ("under_18", "18_29", "30_54", "55_plus")  # ESF+ age bands
EXIT_OUTCOMES = ("own_business", "salaried", "employed_elsewhere", "training", "stopped")
APPLICANT_DOCUMENTS = ("annex_26", "orange_card")  # proof of a pending application
APPOINTMENT_KINDS = ("appointment", "workshop")
REMINDER_HOURS = 48  # `appointment_due` is emitted once, up to two days before


def may_move(current: str, to: str) -> bool:
    return to in MOVES[current]


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it is shorter)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def test_phase_ends_on(started_on: date) -> date:
    """The last day of a test phase started on `started_on` (18 months at most)."""
    return add_months(started_on, TEST_PHASE_MAX_MONTHS) - timedelta(days=1)


def work_allowed_from(application_on: date, first_decision_on: date | None) -> date | None:
    """The first day of salaried work for an applicant; None when the CGRS notified a decision
    within the four months (then no access, even during an appeal)."""
    allowed = add_months(application_on, WAIT_MONTHS)
    if first_decision_on is not None and first_decision_on < allowed:
        return None
    return allowed


def applicant_gate(
    application_on: date, first_decision_on: date | None, documents: list, on: date
) -> tuple[date | None, list[str]]:
    """(work allowed from, what is missing on `on`): empty list when the applicant may work.
    `documents` are right_to_work.Doc values."""
    allowed_from = work_allowed_from(application_on, first_decision_on)
    missing = []
    if allowed_from is None:
        missing.append("A first decision was notified within four months: no access to work.")
    elif on < allowed_from:
        missing.append(
            f"Work is allowed from {allowed_from.isoformat()} (four months after the application)."
        )
    if not any(d.kind in APPLICANT_DOCUMENTS and d.valid_on(on) for d in documents):
        missing.append(f"No annex 26 or orange card valid on {on.isoformat()}.")
    return allowed_from, missing


def awaited_document(application_on: date | None, documents: list, today: date) -> str | None:
    """What the staff waits for, said plainly for the enrolment view."""
    if application_on is None:
        return None
    valid = [d for d in documents if d.kind in APPLICANT_DOCUMENTS and d.valid_on(today)]
    if not valid:
        return "annex 26 or orange card (attestation d'immatriculation)"
    if not any(d.kind == "orange_card" and d.labour_market == "unlimited" for d in valid):
        return "renewed orange card marked 'labour market: unlimited'"
    return None


def age_band(birth_date: date | None, on: date) -> str | None:
    if birth_date is None:
        return None
    age = on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
    return "under_18" if age < 18 else "18_29" if age < 30 else "30_54" if age < 55 else "55_plus"

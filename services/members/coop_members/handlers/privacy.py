"""A person's data: access (GDPR art. 15), retention (art. 5(1)(e)) and erasure (art. 17).

members is where a person is known by name, so it answers the person's requests for the whole
suite: it collects every service's part of an export, and asks every service to erase what the
law lets go (docs/adr/018-access-retention-erasure.md). The periods are those of
`coop_shared.retention` (docs/domain/retention.md); each service applies them to its own tables
on its own timer, members to its own below.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from coop_members.domain.lifecycle import Lifecycle
from coop_members.orm import AuditEntry, MemberChange
from coop_members.render.data_export import export_zip
from coop_members.views import (
    activity_out,
    api_key_out,
    coaching_note_out,
    document_out,
    member_out,
    status_out,
)
from coop_shared import retention, retention_runs
from coop_shared.credentials import ADMIN, MEMBER, Identity, acting_cooperative, require_role
from coop_shared.errors import BusinessRuleViolation, Forbidden
from coop_shared.retention import ERASED, Category, is_past, kept_until, pseudonym
from coop_shared.storage.export import row_out

if TYPE_CHECKING:
    from coop_members.orm import Enrolment, Member
    from coop_members.repository import MembersRepository
    from coop_shared.unit_of_work import UnitOfWork

OTHER_SERVICES = ("billing", "payroll", "notifications", "accounting")

WITHHELD_NOTES = (
    "Coaching notes are shown to the member's coach and the cooperative's admins only "
    "(docs/domain/accompaniment.md); ask the cooperative's admin for them (GDPR art. 15(4))."
)


def _may_access(identity: Identity, member_id: str) -> None:
    """An admin of the cooperative, or the member for themselves (GDPR art. 15)."""
    require_role(identity, ADMIN, MEMBER)
    if identity.role == MEMBER and identity.member_id != member_id:
        raise Forbidden("A member reads only their own data.")


def _day(value) -> str | None:
    return value.isoformat() if value else None


def person_reference(uow: UnitOfWork[MembersRepository], member: Member) -> dict:
    """What the other services find a person's data by: the member, their activities, e-mail."""
    activities = uow.repo.activities_of(member.cooperative_id, member.id)
    return {
        "member_id": member.id,
        "activity_ids": [a.id for a in activities],
        "activity_codes": [a.code for a in activities],
        "emails": [member.email] if member.email else [],
    }


# Right of access


def own_data(uow: UnitOfWork[MembersRepository], identity: Identity, member: Member) -> dict:
    """Everything members holds on the member; coaching notes per their access rule (the
    admin reads them, and the read is logged as any other; the member sees how many there are)."""
    from coop_members.orm import NoteRead

    cooperative = uow.repo.cooperative_by_id(member.cooperative_id)
    keys = uow.repo.api_keys_of_member(member.id)
    subjects = [
        member.id,
        *(a.id for a in uow.repo.activities_of(member.cooperative_id, member.id)),
        *(k.id for k in keys),
    ]
    enrolments = []
    for enrolment in uow.repo.enrolments_of_member(member.id):
        out = {
            "id": enrolment.id,
            "programme_id": enrolment.programme_id,
            "coach_key_id": enrolment.coach_key_id,
            "phase": enrolment.phase,
            "phase_history": [
                {"phase": p.phase, "on": p.effective_on.isoformat()}
                for p in uow.repo.phase_history(enrolment.id)
            ],
            "language": enrolment.language,
            "interpreter": enrolment.interpreter,
            "entry_profile": enrolment.entry_profile,
            "exit_profile": enrolment.exit_profile,
            "exit_outcome": enrolment.exit_outcome,
            "goals": list(enrolment.goals),
            "milestones": list(enrolment.milestones),
            "protection_applied_on": _day(enrolment.protection_applied_on),
            "first_decision_on": _day(enrolment.first_decision_on),
            "appointments": [
                {
                    "id": a.id,
                    "kind": a.kind,
                    "title": a.title,
                    "starts_at": a.starts_at.isoformat(),
                    "duration_minutes": a.duration_minutes,
                    "attended": a.attended,
                }
                for a in uow.repo.appointments_of(enrolment.id)
            ],
        }
        notes = uow.repo.coaching_notes(enrolment.id)
        if identity.role == ADMIN:
            uow.repo.add(
                NoteRead(
                    enrolment_id=enrolment.id,
                    reader_key_id=identity.key_id,
                    reader_role=identity.role,
                    granted=True,
                )
            )
            labels = uow.repo.api_key_labels({n.author_key_id for n in notes})
            out["coaching_notes"] = [coaching_note_out(n, labels.get(n.author_key_id)) for n in notes]
        else:
            out["coaching_notes"] = {"count": len(notes), "withheld": WITHHELD_NOTES}
        enrolments.append(out)
    return {
        "member": member_out(member),
        "activities": [activity_out(a) for a in uow.repo.activities_of(member.cooperative_id, member.id)],
        "status_history": [status_out(s) for s in uow.repo.status_history(member.id)],
        "lifecycle_history": [
            {
                "from": c.from_state,
                "to": c.to_state,
                "effective_on": c.effective_on.isoformat(),
                "reason": c.reason,
            }
            for c in uow.repo.lifecycle_changes_of(member.id)
        ],
        "documents": [document_out(d) for d in uow.repo.documents_of(member.id)],
        "rectifications": [row_out(c) for c in uow.repo.rows_with(MemberChange, "member_id", [member.id])],
        "enrolments": enrolments,
        "api_keys": [api_key_out(k, cooperative.slug) for k in keys],
        "audit_trail": [
            row_out(e) for e in uow.repo.rows_with(AuditEntry, "subject_id", subjects, member.cooperative_id)
        ]
        + [
            row_out(e)
            for e in uow.repo.rows_with(AuditEntry, "key_id", [k.id for k in keys], member.cooperative_id)
        ],
    }


def export_member_data(
    uow: UnitOfWork[MembersRepository], identity: Identity, readers: dict, data: dict, now: datetime
) -> dict:
    """One JSON document of everything the suite holds on the member, from every service
    (`readers`: {service: its client} with the service credential), or the same as a zip
    with the documents (invoice PDF and UBL, payslip PDFs, yearly individual accounts)."""
    cooperative_id = acting_cooperative(identity)
    member_id = str(data["member_id"])
    _may_access(identity, member_id)
    member = uow.repo.member(cooperative_id, member_id)
    reference = person_reference(uow, member)
    document = {
        "member_id": member.id,
        "cooperative": identity.cooperative,
        "generated_at": now.isoformat(),
        "legal_basis": "GDPR art. 15 (right of access)",
        "retention": retention.policy(),
        "services": {"members": own_data(uow, identity, member)},
    }
    for service in OTHER_SERVICES:
        document["services"][service] = readers[service].export_person_data(reference)
    if data.get("format") != "zip":
        return document
    files = [("data.json", json.dumps(document, indent=2, ensure_ascii=False).encode("utf-8"))]
    files.extend(_documents(readers, member.id, document["services"]))
    return {
        "format": "zip",
        "filename": f"data-{identity.cooperative}-{member.id[:8]}.zip",
        "content": export_zip(files),
    }


def _documents(readers: dict, member_id: str, parts: dict) -> list[tuple[str, bytes]]:
    """(file name, content) of every document the other services render for the member."""
    files = []
    for invoice in parts["billing"].get("invoices", []):
        if invoice.get("number"):
            name, content = readers["billing"].invoice_file(invoice["id"], "pdf")
            files.append((f"billing/{name}", content))
            try:  # the UBL exists for a customer with a Peppol address, not for a consumer
                name, content = readers["billing"].invoice_file(invoice["id"], "ubl")
            except BusinessRuleViolation:
                continue
            files.append((f"billing/{name}", content))
    for payslip in parts["payroll"].get("payslips", []):
        name, content = readers["payroll"].payslip_file(payslip["id"])
        files.append((f"payroll/{name}", content))
    for year in parts["payroll"].get("years", []):
        name, content = readers["payroll"].individual_account_file(member_id, year)
        files.append((f"payroll/{name}", content))
    return files


# Retention


def pseudonymise_member(uow: UnitOfWork[MembersRepository], member: Member) -> None:
    """Replace the person's identity by a pseudonym (GDPR art. 4(5)); the row, its id, its
    activities and their codes stay, for the books that are kept longer."""
    member.first_name = ERASED
    member.last_name = pseudonym(member.id)
    member.email = f"erased-{member.id[:8]}@erased.invalid"
    member.birth_date = member.nationality = member.iban = member.address = None
    member.national_number = None
    member.national_number_hash = None  # the search hash of the sealed number
    for activity in uow.repo.activities_of(member.cooperative_id, member.id):
        activity.trade_name = None
    for change in uow.repo.lifecycle_changes_of(member.id):
        change.reason = None
    for key in uow.repo.api_keys_of_member(member.id):
        key.label = ERASED
    # the history of rectified fields holds the old values (sealed, still the person's data)
    uow.repo.delete_rows_with(MemberChange, "member_id", [member.id])


def is_pseudonymised(member: Member) -> bool:
    return member.first_name == ERASED


def erase_accompaniment_texts(uow: UnitOfWork[MembersRepository], enrolment: Enrolment) -> int:
    """Delete the coaching notes and their read log, and blank the free texts of the enrolment
    (goals, milestones, interpreter, appointments' titles); how many notes went."""
    notes = uow.repo.delete_enrolment_notes(enrolment.id)
    enrolment.goals, enrolment.milestones, enrolment.interpreter = [], [], None
    for appointment in uow.repo.appointments_of(enrolment.id):
        appointment.title = ERASED
    return notes


def _enrolment_end(enrolment: Enrolment, exit_phase_on: date | None, exits: dict) -> date | None:
    ends = [d for d in (exit_phase_on, exits.get(enrolment.member_id)) if d is not None]
    return min(ends) if ends else None


def apply_retention(
    uow: UnitOfWork[MembersRepository], today: date, dry_run: bool, cooperative_id: str | None = None
) -> dict:
    """Erase or pseudonymise what is past its period on `today` (of one cooperative, or of all
    when the timer runs); the report of what went, or would go in a dry run."""
    report = retention.report("members", today, dry_run)
    if cooperative_id is None:
        retention_runs.purge_messaging(uow, report, today, dry_run)
    revoked_before = retention_runs.first_instant_kept(Category.REVOKED_API_KEYS, today)
    for key in uow.repo.revoked_keys_before(revoked_before):
        if key.label != ERASED and (cooperative_id is None or key.cooperative_id == cooperative_id):
            report.add(Category.REVOKED_API_KEYS, "labels", 1)
            if not dry_run:
                key.label = ERASED

    before = retention_runs.first_instant_kept(Category.AUDIT_TRAIL, today) - timedelta(microseconds=1)
    for entry in uow.repo.rows_dated_until(AuditEntry, "occurred_at", before, cooperative_id):
        erased = retention.erased_snapshot(entry.details)
        if entry.details != erased:
            report.add(Category.AUDIT_TRAIL, "entries", 1)
            if not dry_run:
                entry.details = erased

    exits = uow.repo.exit_dates(cooperative_id)
    for member in uow.repo.members_with_ids(exits):
        exited_on = exits[member.id]
        if is_past(Category.RIGHT_TO_WORK_DOCUMENTS, exited_on, today):
            n = len(uow.repo.documents_of(member.id)) if dry_run else uow.repo.delete_documents_of(member.id)
            report.add(Category.RIGHT_TO_WORK_DOCUMENTS, "documents", n)
        if is_past(Category.MEMBER_IDENTITY, exited_on, today) and not is_pseudonymised(member):
            report.add(Category.MEMBER_IDENTITY, "members", 1)
            if not dry_run:
                pseudonymise_member(uow, member)

    for enrolment, exit_phase_on in uow.repo.enrolment_ends(cooperative_id).values():
        end = _enrolment_end(enrolment, exit_phase_on, exits)
        if is_past(Category.COACHING_NOTES, end, today):
            texts = bool(enrolment.goals or enrolment.milestones or enrolment.interpreter)
            notes = uow.repo.count_enrolment_notes(enrolment.id)
            if notes or texts:
                report.add(Category.COACHING_NOTES, "notes", notes)
                report.add(Category.COACHING_NOTES, "enrolments", 1)
                if not dry_run:
                    erase_accompaniment_texts(uow, enrolment)
        if is_past(
            Category.FUNDER_RECORDS, end, today
        ) and enrolment.entry_profile != retention.erased_snapshot(enrolment.entry_profile):
            report.add(Category.FUNDER_RECORDS, "enrolments", 1)
            if not dry_run:
                enrolment.entry_profile = retention.erased_snapshot(enrolment.entry_profile)
                enrolment.exit_profile = retention.erased_snapshot(enrolment.exit_profile)
    return report.as_dict()


def retention_timer(uow: UnitOfWork[MembersRepository], today: date) -> dict:
    """The daily run over every cooperative."""
    return retention_runs.run_daily(uow, today, apply_retention)


def run_retention(
    uow: UnitOfWork[MembersRepository], identity: Identity, actors: dict, data: dict, today: date
) -> dict:
    """A retention run in every service, for the admin's cooperative or (the platform) for the
    installation: {"as_of", "dry_run", "services": {service: its report}}."""
    dry_run = bool(data.get("dry_run"))
    reports = {"members": retention_runs.run_on_demand(uow, identity, data, today, apply_retention)}
    for service in OTHER_SERVICES:
        reports[service] = actors[service].run_retention(dry_run)
    return {"as_of": today.isoformat(), "dry_run": dry_run, "services": reports}


# Erasure on request

REASONS = {
    Category.RIGHT_TO_WORK_DOCUMENTS: "right-to-work documents are kept for an inspection: law of 11 February 2013",
    Category.MEMBER_IDENTITY: "the identity named on payslips is kept 5 years: Royal Decree of 8 August 1980 art. 25",
    Category.FUNDER_RECORDS: "funder records are kept 5 years: Regulation (EU) 2021/1060 art. 82",
    Category.AUDIT_TRAIL: "the trail of who did what is kept with the records it accounts for: "
    "Code of economic law art. III.86",
}


def erase_member(
    uow: UnitOfWork[MembersRepository], identity: Identity, actors: dict, data: dict, today: date
) -> dict:
    """Erase now what no law keeps (GDPR art. 17), in every service; what must be kept stays,
    with its legal reason and the day it may go. Naming a category that must be kept refuses the
    whole request (BusinessRuleViolation with the reasons), and nothing changes."""
    require_role(identity, ADMIN)
    member = uow.repo.member(acting_cooperative(identity), str(data["member_id"]))
    if member.lifecycle != Lifecycle.EXITED:
        raise BusinessRuleViolation(
            "A member of the cooperative is erased after their exit: their data serves the contract "
            "until then (GDPR art. 6(1)(b) and art. 17(1)(a))."
        )
    exited_on = uow.repo.exit_dates(member.cooperative_id).get(member.id) or today
    reference = person_reference(uow, member)
    plans = {
        service: actors[service].erase_person_data(dict(reference, dry_run=True))
        for service in OTHER_SERVICES
    }
    has_payslips = any(k["category"] == Category.PAYROLL_SOCIAL for k in plans["payroll"]["kept"])
    kept, erasable = [], [Category.COACHING_NOTES]
    for category in (Category.RIGHT_TO_WORK_DOCUMENTS, Category.MEMBER_IDENTITY):
        if (category == Category.MEMBER_IDENTITY and not has_payslips) or is_past(category, exited_on, today):
            erasable.append(category)
        else:
            kept.append(
                {
                    "category": str(category),
                    "until": kept_until(category, exited_on).isoformat(),
                    "reason": REASONS[category],
                }
            )
    if uow.repo.enrolments_of_member(member.id):
        kept.append(
            {
                "category": str(Category.FUNDER_RECORDS),
                "until": kept_until(Category.FUNDER_RECORDS, exited_on).isoformat(),
                "reason": REASONS[Category.FUNDER_RECORDS],
            }
        )
    trail = uow.repo.rows_with(
        AuditEntry, "subject_id", [member.id, *reference["activity_ids"]], member.cooperative_id
    )
    if trail:
        kept.append(
            {
                "category": str(Category.AUDIT_TRAIL),
                "until": max(
                    kept_until(Category.AUDIT_TRAIL, e.occurred_at.date()) for e in trail
                ).isoformat(),
                "reason": REASONS[Category.AUDIT_TRAIL],
            }
        )
    for plan in plans.values():
        kept.extend(plan["kept"])
    requested = set(data.get("categories") or ())
    refused = [k for k in kept if k["category"] in requested]
    if refused:
        raise BusinessRuleViolation(
            "; ".join(f"{k['category']} must be kept until {k['until']}: {k['reason']}" for k in refused),
            details={"kept": refused},
        )
    erased = []
    notes = sum(erase_accompaniment_texts(uow, e) for e in uow.repo.enrolments_of_member(member.id))
    erased.append({"service": "members", "category": str(Category.COACHING_NOTES), "count": notes})
    if Category.RIGHT_TO_WORK_DOCUMENTS in erasable:
        erased.append(
            {
                "service": "members",
                "category": str(Category.RIGHT_TO_WORK_DOCUMENTS),
                "count": uow.repo.delete_documents_of(member.id),
            }
        )
    if Category.MEMBER_IDENTITY in erasable:
        erased.append({"service": "members", "category": str(Category.MEMBER_IDENTITY), "count": 1})
        reference = dict(reference, emails=list(reference["emails"]))
        pseudonymise_member(uow, member)
    for service in OTHER_SERVICES:
        erased.extend(actors[service].erase_person_data(dict(reference, dry_run=False))["erased"])
    return {"member_id": member.id, "erased": erased, "kept": kept}

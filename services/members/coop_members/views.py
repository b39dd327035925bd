"""The dicts members returns: rows turned into JSON-safe values (dates as ISO strings, rates as
decimal strings), exactly as docs/rpc-contract.md shows them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from coop_members.domain.status_history import status_on
from coop_shared.personal_data import mask_national_number


def cooperative_out(c) -> dict:
    return {
        "id": c.id,
        "slug": c.slug,
        "name": c.name,
        "legal_form": c.legal_form,
        "register": c.register,
        "enterprise_number": c.enterprise_number,
        "onss_number": c.onss_number,
        "vat_number": c.vat_number,
        "iban": c.iban,
        "bic": c.bic,
        "address": c.address,
        "email": c.email,
        "languages": list(c.languages),
        "status_models": list(c.status_models),
        "contribution_rate": str(c.contribution_rate.normalize()),
        "payment_terms_days": c.payment_terms_days,
    }


def api_key_out(k, cooperative_slug: str, secret: str | None = None) -> dict:
    """A key; its secret only when it was just issued (it is shown once, never stored)."""
    out = {
        "key_id": k.id,
        "role": k.role,
        "label": k.label,
        "member_id": k.member_id,
        "cooperative": cooperative_slug,
        "created_at": k.created_at.isoformat() if k.created_at else None,
        "issued_by": k.issued_by,
        "revoked": k.revoked_at is not None,
        "revoked_at": k.revoked_at.isoformat() if k.revoked_at else None,
        "revoked_by": k.revoked_by,
    }
    if secret is not None:
        out["secret"] = secret
    return out


def audit_entry_out(e) -> dict:
    """One entry of the audit log (docs/adr/021-nothing-run-twice-and-the-trail.md)."""
    return {
        "id": e.id,
        "occurred_at": e.occurred_at.isoformat(),
        "service": e.service,
        "action": e.action,
        "kind": e.kind,
        "subject_id": e.subject_id,
        "key_id": e.key_id,
        "role": e.role,
        "details": e.details or {},
    }


def member_out(m) -> dict:
    return {
        "id": m.id,
        "cooperative_id": m.cooperative_id,
        "first_name": m.first_name,
        "last_name": m.last_name,
        "email": m.email,
        "language": m.language,
        "birth_date": m.birth_date.isoformat() if m.birth_date else None,
        # Masked for every caller (docs/adr/017-personal-data-at-rest-and-rectification.md): the
        # full number leaves members only through `get_member_national_number`, to payroll.
        "national_number": mask_national_number(m.national_number),
        "nationality": m.nationality,
        "iban": m.iban,
        "address": m.address,
        "lifecycle": m.lifecycle,
    }


def member_change_out(c, shown_old, shown_new) -> dict:
    """One rectification: who, when, which field, the old and the new value as shown (a
    national number masked)."""
    return {
        "id": c.id,
        "member_id": c.member_id,
        "field": c.field,
        "old_value": shown_old,
        "new_value": shown_new,
        "changed_by_key_id": c.changed_by_key_id,
        "changed_by_role": c.changed_by_role,
        "reason": c.reason,
        "changed_at": c.changed_at.isoformat(),
    }


def status_out(s) -> dict:
    return {
        "status_model": s.status_model,
        "parameters": s.parameters,
        "valid_from": s.valid_from.isoformat(),
        "valid_until": s.valid_until.isoformat() if s.valid_until else None,
    }


def member_view(member, history: list, today: date) -> dict:
    """A member with the status model in force `today` and its whole status history."""
    current = status_on(history, today)
    return dict(
        member_out(member),
        status_model=current.status_model if current else None,
        status_parameters=current.parameters if current else None,
        status_history=[status_out(s) for s in history],
    )


def activity_out(a) -> dict:
    return {
        "id": a.id,
        "cooperative_id": a.cooperative_id,
        "member_id": a.member_id,
        "code": a.code,
        "name": a.name,
        "sector": a.sector,
        "trade_name": a.trade_name,
    }


def document_out(d) -> dict:
    return {
        "id": d.id,
        "member_id": d.member_id,
        "kind": d.kind,
        "reference": d.reference,
        "valid_from": d.valid_from.isoformat() if d.valid_from else None,
        "valid_until": d.valid_until.isoformat() if d.valid_until else None,
        "labour_market": d.labour_market,
    }


def right_to_work_out(member_id: str, on: date, allowed: bool, reasons: list[str], status) -> dict:
    """The answer of a right-to-work check on `on`, with the status model it was judged under."""
    return {
        "member_id": member_id,
        "on": on.isoformat(),
        "allowed": allowed,
        "reasons": reasons,
        "status_model": status.status_model if status else None,
    }


# Accompaniment (docs/domain/accompaniment.md)


def programme_out(p, enrolled: int) -> dict:
    return {
        "id": p.id,
        "cooperative_id": p.cooperative_id,
        "name": p.name,
        "phases": p.phases,
        "funders": list(p.funders),
        "eligibility": list(p.eligibility),
        "capacity": p.capacity,
        "enrolled": enrolled,
        "coach_key_ids": list(p.coach_key_ids),
        "starts_on": p.starts_on.isoformat(),
        "ends_on": p.ends_on.isoformat() if p.ends_on else None,
    }


def appointment_out(a, enrolment) -> dict:
    return {
        "id": a.id,
        "enrolment_id": a.enrolment_id,
        "kind": a.kind,
        "title": a.title,
        "starts_at": a.starts_at.isoformat(),
        "duration_minutes": a.duration_minutes,
        "attended": a.attended,
        "language": enrolment.language,
        "interpreter": enrolment.interpreter,
    }


def _day(d):
    return d.isoformat() if d else None


def enrolment_out(
    e, programme_name: str, phases: list, appointments: list, right_to_work: dict | None
) -> dict:
    """An enrolment with its phase history, appointments and, for an applicant, the work gate."""
    return {
        "id": e.id,
        "programme_id": e.programme_id,
        "programme": programme_name,
        "member_id": e.member_id,
        "coach_key_id": e.coach_key_id,
        "phase": e.phase,
        "phase_history": [{"phase": p.phase, "on": p.effective_on.isoformat()} for p in phases],
        "language": e.language,
        "interpreter": e.interpreter,
        "entry_profile": e.entry_profile,
        "exit_profile": e.exit_profile,
        "exit_outcome": e.exit_outcome,
        "goals": list(e.goals),
        "milestones": list(e.milestones),
        "appointments": [appointment_out(a, e) for a in appointments],
        "hours_attended": str(
            (Decimal(sum(a.duration_minutes for a in appointments if a.attended)) / 60).quantize(
                Decimal("0.01")
            )
        ),
        "right_to_work": right_to_work,
    }


def coaching_note_out(n, author_label: str | None) -> dict:
    return {
        "id": n.id,
        "enrolment_id": n.enrolment_id,
        "author_key_id": n.author_key_id,
        "author": author_label,
        "text": n.text,
        "written_at": n.created_at.isoformat(),
    }


def note_read_out(r, label: str | None) -> dict:
    return {
        "reader_key_id": r.reader_key_id,
        "reader": label,
        "role": r.reader_role,
        "granted": r.granted,
        "read_at": r.read_at.isoformat(),
    }


def contribution_rate_out(r) -> dict:
    return {
        "activity_id": r.activity_id,
        "rate": str(r.rate.normalize()),
        "valid_from": r.valid_from.isoformat(),
        "valid_until": _day(r.valid_until),
    }

"""Use cases of a member's status: status model history, lifecycle, documents, right to work,
document expiry reminders."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from coop_members import repository as repo
from coop_members.domain import right_to_work
from coop_members.orm import Document, DocumentNotice, LifecycleChange, Member, MemberStatus
from coop_members.schemas import document_out, member_out, status_out
from coop_shared.credentials import (
    OPERATORS,
    READERS,
    Identity,
    acting_cooperative,
    may_see_member,
    require_role,
)
from coop_shared.errors import BusinessRuleViolation, NotFound
from coop_shared.status_models import validate_parameters

TRANSITIONS = {
    "candidate": {"active", "exited"},
    "active": {"suspended", "exited"},
    "suspended": {"active", "exited"},
    "exited": set(),
}


def history(session, member_id: str) -> list[MemberStatus]:
    return session.scalars(
        sa.select(MemberStatus).where(MemberStatus.member_id == member_id).order_by(MemberStatus.valid_from)
    ).all()


def status_on(session, member_id: str, day: date) -> MemberStatus | None:
    rows = [
        s
        for s in history(session, member_id)
        if s.valid_from <= day and (s.valid_until is None or day <= s.valid_until)
    ]
    return rows[-1] if rows else None


def member_view(session, member: Member, today: date) -> dict:
    rows = history(session, member.id)
    current = status_on(session, member.id, today)
    return dict(
        member_out(member),
        status_model=current.status_model if current else None,
        status_parameters=current.parameters if current else None,
        status_history=[status_out(s) for s in rows],
    )


def set_status_model(uow, identity: Identity, catalogue, data: dict, today: date) -> dict:
    require_role(identity, *OPERATORS)
    cooperative_id = acting_cooperative(identity)
    member = repo.member(uow.session, cooperative_id, str(data["member_id"]))
    cooperative = repo.cooperative_by_id(uow.session, cooperative_id)
    key = data["status_model"]
    if key not in cooperative.status_models:
        raise BusinessRuleViolation(
            f"The status model '{key}' is not enabled for {cooperative.slug}.",
            {"enabled": list(cooperative.status_models)},
        )
    schema = catalogue.parameters_schema(key)
    parameters = validate_parameters(schema, data["parameters"])
    rows = history(uow.session, member.id)
    if rows and data["valid_from"] <= rows[-1].valid_from:
        raise BusinessRuleViolation(
            "A new status starts after the current one.",
            {"current_valid_from": rows[-1].valid_from.isoformat()},
        )
    if rows:
        rows[-1].valid_until = data["valid_from"] - timedelta(days=1)
    uow.session.add(
        MemberStatus(
            cooperative_id=cooperative_id,
            member_id=member.id,
            status_model=key,
            parameters=parameters,
            valid_from=data["valid_from"],
        )
    )
    uow.session.flush()
    uow.emit(
        "member_status_model_changed",
        cooperative_id,
        identity.cooperative,
        {"member_id": member.id, "status_model": key, "valid_from": data["valid_from"].isoformat()},
    )
    return member_view(uow.session, member, today)


def change_lifecycle(uow, identity: Identity, data: dict, today: date) -> dict:
    require_role(identity, *OPERATORS)
    member = repo.member(uow.session, acting_cooperative(identity), str(data["member_id"]))
    if data["to"] not in TRANSITIONS[member.lifecycle]:
        raise BusinessRuleViolation(f"A member cannot go from '{member.lifecycle}' to '{data['to']}'.")
    uow.session.add(
        LifecycleChange(
            member_id=member.id,
            from_state=member.lifecycle,
            to_state=data["to"],
            effective_on=data["effective_on"],
            reason=data.get("reason"),
        )
    )
    previous, member.lifecycle = member.lifecycle, data["to"]
    uow.session.flush()
    uow.emit(
        "member_lifecycle_changed",
        member.cooperative_id,
        identity.cooperative,
        {
            "member_id": member.id,
            "from": previous,
            "to": data["to"],
            "effective_on": data["effective_on"].isoformat(),
            "reason": data.get("reason"),
        },
    )
    return member_view(uow.session, member, today)


def record_document(uow, identity: Identity, data: dict) -> dict:
    require_role(identity, *OPERATORS)
    member = repo.member(uow.session, acting_cooperative(identity), str(data.pop("member_id")))
    document = Document(cooperative_id=member.cooperative_id, member_id=member.id, **data)
    uow.session.add(document)
    uow.session.flush()
    return document_out(document)


def check_right_to_work(uow, identity: Identity, data: dict) -> dict:
    require_role(identity, *READERS)
    member = repo.member(uow.session, acting_cooperative(identity), str(data["member_id"]))
    if not may_see_member(identity, member.id):
        raise NotFound(f"No member '{data['member_id']}'.")
    status = status_on(uow.session, member.id, data["on"])
    documents = uow.session.scalars(sa.select(Document).where(Document.member_id == member.id)).all()
    allowed, reasons = right_to_work.judge(
        member.nationality,
        status.status_model if status else None,
        [
            right_to_work.Doc(d.kind, d.reference, d.valid_from, d.valid_until, d.labour_market)
            for d in documents
        ],
        data["on"],
    )
    return {
        "member_id": member.id,
        "on": data["on"].isoformat(),
        "allowed": allowed,
        "reasons": reasons,
        "status_model": status.status_model if status else None,
    }


def notify_expiring_documents(uow, today: date) -> int:
    """Emit `document_expiring` once per document and threshold; one transaction per document."""
    horizon = today + timedelta(days=max(right_to_work.EXPIRY_THRESHOLDS))
    ids = uow.session.scalars(
        sa.select(Document.id).where(
            Document.valid_until.is_not(None), Document.valid_until >= today, Document.valid_until <= horizon
        )
    ).all()
    emitted = 0
    for document_id in ids:
        document = uow.session.get(Document, document_id, with_for_update=True)
        done = set(
            uow.session.scalars(
                sa.select(DocumentNotice.days_before).where(DocumentNotice.document_id == document.id)
            )
        )
        member = uow.session.get(Member, document.member_id)
        cooperative = repo.cooperative_by_id(uow.session, document.cooperative_id)
        reached = right_to_work.due_thresholds(document.valid_until, today)
        if reached and min(reached) not in done:
            threshold = min(reached)  # first seen 5 days before expiry: one reminder, the urgent one
            for passed in set(reached) - done:
                uow.session.add(DocumentNotice(document_id=document.id, days_before=passed))
            uow.emit(
                "document_expiring",
                cooperative.id,
                cooperative.slug,
                {
                    "document_id": document.id,
                    "member_id": member.id,
                    "kind": document.kind,
                    "reference": document.reference,
                    "valid_until": document.valid_until.isoformat(),
                    "days_before": threshold,
                    "days_left": (document.valid_until - today).days,
                    "member_email": member.email,
                    "member_language": member.language,
                    "member_name": f"{member.first_name} {member.last_name}",
                    "cooperative_email": cooperative.email,
                },
            )
            emitted += 1
        uow.commit()
    return emitted

"""Identity and right-to-work documents: recorded by operators, judged on a date by the rules of
domain/right_to_work.py (docs/domain/right-to-work.md), announced before they expire."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from coop_members.domain import right_to_work
from coop_members.domain.status_history import status_on
from coop_members.orm import Document, DocumentNotice
from coop_members.views import document_out, right_to_work_out
from coop_shared.credentials import (
    ADMIN,
    MEMBER,
    OPERATORS,
    PLATFORM,
    READERS,
    Identity,
    acting_cooperative,
    may_see_member,
    require_role,
)
from coop_shared.errors import NotFound

if TYPE_CHECKING:
    from coop_members.repository import MembersRepository
    from coop_shared.unit_of_work import UnitOfWork


def record_document(uow: UnitOfWork[MembersRepository], identity: Identity, data: dict) -> dict:
    require_role(identity, *OPERATORS)
    member = uow.repo.member(acting_cooperative(identity), str(data.pop("member_id")))
    document = Document(cooperative_id=member.cooperative_id, member_id=member.id, **data)
    uow.repo.add(document)
    uow.repo.flush()
    return document_out(document)


def check_right_to_work(uow: UnitOfWork[MembersRepository], identity: Identity, data: dict) -> dict:
    """Whether the member may be paid for work on `on`, and why (or why not)."""
    require_role(identity, *READERS)
    member = uow.repo.member(acting_cooperative(identity), str(data["member_id"]))
    if not may_see_member(identity, member.id):
        raise NotFound(f"No member '{data['member_id']}'.")
    return judged(member, uow.repo.status_history(member.id), uow.repo.documents_of(member.id), data["on"])


def judged(member, history: list, documents: list, on: date) -> dict:
    """The right-to-work answer of one member on `on`, from its status history and documents
    (also used for many members at once: handlers/member_batches.py)."""
    status = status_on(history, on)
    allowed, reasons = right_to_work.judge(
        member.nationality,
        status.status_model if status else None,
        [
            right_to_work.Doc(d.kind, d.reference, d.valid_from, d.valid_until, d.labour_market)
            for d in documents
        ],
        on,
    )
    return right_to_work_out(member.id, on, allowed, reasons, status)


def list_member_documents(uow: UnitOfWork[MembersRepository], identity: Identity, data: dict) -> dict:
    """{"items", "total"}: every document of the member, the soonest to expire first (those
    without an expiry date last); a `member` key reads only its own member's."""
    require_role(identity, *READERS)
    member = uow.repo.member(acting_cooperative(identity), str(data["member_id"]))
    if not may_see_member(identity, member.id):
        raise NotFound(f"No member '{data['member_id']}'.")
    documents = sorted(
        uow.repo.documents_of(member.id),
        key=lambda d: (d.valid_until is None, d.valid_until or date.max, d.id),
    )
    return {"items": [document_out(d) for d in documents], "total": len(documents)}


def list_expiring_documents(
    uow: UnitOfWork[MembersRepository], identity: Identity, data: dict, today: date
) -> dict:
    """{"items", "total"}: the documents expiring from `today` to `within_days` ahead, soonest
    first, each with its member's name and the days left; a `member` key sees only its own."""
    require_role(identity, *READERS)
    horizon = today + timedelta(days=data["within_days"])
    rows, total = uow.repo.documents_expiring(
        acting_cooperative(identity),
        today,
        horizon,
        data["limit"],
        data["offset"],
        member_id=identity.member_id if identity.role == MEMBER else None,
    )
    items = [
        dict(
            document_out(document),
            member_name=f"{member.first_name} {member.last_name}",
            days_left=(document.valid_until - today).days,
        )
        for document, member in rows
    ]
    return {"items": items, "total": total}


def run_document_check(uow: UnitOfWork[MembersRepository], identity: Identity, today: date) -> dict:
    """Operators run today's expiry check at once instead of waiting for the timer."""
    require_role(identity, PLATFORM, ADMIN)
    return {"reminders": notify_expiring_documents(uow, today)}


def notify_expiring_documents(uow: UnitOfWork[MembersRepository], today: date) -> int:
    """Emit `document_expiring` once per document and threshold; one transaction per document,
    so one document's trouble does not hold back the others' reminders. Returns how many."""
    horizon = today + timedelta(days=max(right_to_work.EXPIRY_THRESHOLDS))
    emitted = 0
    for document_id in uow.repo.expiring_document_ids(today, horizon):
        if _announce_if_due(uow, document_id, today):
            emitted += 1
        uow.commit()
    return emitted


def _announce_if_due(uow: UnitOfWork[MembersRepository], document_id: str, today: date) -> bool:
    document = uow.repo.document_for_update(document_id)
    done = uow.repo.notices_sent(document.id)
    reached = right_to_work.due_thresholds(document.valid_until, today)
    if not reached or min(reached) in done:
        return False
    for passed in set(reached) - done:
        uow.repo.add(DocumentNotice(document_id=document.id, days_before=passed))
    member = uow.repo.member_by_id(document.member_id)
    cooperative = uow.repo.cooperative_by_id(document.cooperative_id)
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
            # First seen 5 days before expiry: one reminder, the urgent one.
            "days_before": min(reached),
            "days_left": (document.valid_until - today).days,
            "member_email": member.email,
            "member_language": member.language,
            "member_name": f"{member.first_name} {member.last_name}",
            "cooperative_email": cooperative.email,
        }
        # The coaches of the member's accompaniment, named in the office's reminder
        # (docs/domain/accompaniment.md); a coach is a staff key with no address of its own.
        | ({"coach": coaches} if (coaches := _coaches_of(uow, member.id)) else {}),
    )
    return True


def _coaches_of(uow: UnitOfWork[MembersRepository], member_id: str) -> str:
    keys = [e.coach_key_id for e in uow.repo.enrolments_of_member(member_id) if e.phase != "exit"]
    labels = uow.repo.api_key_labels(keys)
    return ", ".join(labels[k] for k in keys if k in labels)

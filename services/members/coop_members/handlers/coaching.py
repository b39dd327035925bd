"""Coaching notes: written and read by the member's coach and the cooperative's admins only,
never by the member, other members or other staff; every attempt to read them is logged, the
refused ones too, and an admin lists that log (docs/domain/accompaniment.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from coop_members.orm import CoachingNote, NoteRead
from coop_members.views import coaching_note_out, note_read_out
from coop_shared.credentials import ADMIN, READERS, STAFF, Identity, acting_cooperative, require_role
from coop_shared.errors import Forbidden

if TYPE_CHECKING:
    from coop_members.orm import Enrolment
    from coop_members.repository import MembersRepository
    from coop_shared.unit_of_work import UnitOfWork

REFUSED = "Coaching notes are read by the member's coach and the cooperative's admins only."


def may_read_notes(identity: Identity, enrolment: Enrolment) -> bool:
    return identity.role == ADMIN or (identity.role == STAFF and identity.key_id == enrolment.coach_key_id)


def add_coaching_note(uow: UnitOfWork[MembersRepository], identity: Identity, data: dict) -> dict:
    require_role(identity, ADMIN, STAFF)
    enrolment = uow.repo.enrolment(acting_cooperative(identity), str(data["enrolment_id"]))
    if not may_read_notes(identity, enrolment):
        raise Forbidden(REFUSED)
    note = CoachingNote(enrolment_id=enrolment.id, author_key_id=identity.key_id, text=data["text"])
    uow.repo.add(note)
    uow.repo.flush()
    return coaching_note_out(note, uow.repo.api_key_labels([identity.key_id]).get(identity.key_id))


def list_coaching_notes(uow: UnitOfWork[MembersRepository], identity: Identity, data: dict) -> dict:
    """{"items", "total"} for the coach or an admin; anyone else is refused, and the attempt is
    logged all the same (committed before the refusal leaves)."""
    require_role(identity, *READERS)
    enrolment = uow.repo.enrolment(acting_cooperative(identity), str(data["enrolment_id"]))
    granted = may_read_notes(identity, enrolment)
    uow.repo.add(
        NoteRead(
            enrolment_id=enrolment.id,
            reader_key_id=identity.key_id,
            reader_role=identity.role,
            granted=granted,
        )
    )
    if not granted:
        uow.commit()
        raise Forbidden(REFUSED)
    notes = uow.repo.coaching_notes(enrolment.id)
    labels = uow.repo.api_key_labels({n.author_key_id for n in notes})
    return {"items": [coaching_note_out(n, labels.get(n.author_key_id)) for n in notes], "total": len(notes)}


def list_note_reads(uow: UnitOfWork[MembersRepository], identity: Identity, data: dict) -> dict:
    """{"items", "total"}: who tried to read an enrolment's notes, when, and whether it was granted."""
    require_role(identity, ADMIN)
    enrolment = uow.repo.enrolment(acting_cooperative(identity), str(data["enrolment_id"]))
    reads = uow.repo.note_reads(enrolment.id)
    labels = uow.repo.api_key_labels({r.reader_key_id for r in reads})
    return {"items": [note_read_out(r, labels.get(r.reader_key_id)) for r in reads], "total": len(reads)}

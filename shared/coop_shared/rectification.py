"""Rectification (GDPR art. 16): which fields a request really changes, and how an old or new
value is written into a history row (docs/domain/personal-data.md).

Shared by members (a member's identity, address, IBAN) and billing (a customer): `rectify`
sets what a request really changes on the record and keeps one history row per changed field,
so the same request twice changes nothing the second time (idempotent); the handler authorizes
first and emits its own event after.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Change:
    field: str
    old: object
    new: object


def changes(current: dict, requested: dict, fields: tuple[str, ...]) -> list[Change]:
    """The fields of `fields` present in `requested` whose value differs from `current`."""
    return [
        Change(name, current.get(name), requested[name])
        for name in fields
        if name in requested and as_text(requested[name]) != as_text(current.get(name))
    ]


def rectify(
    uow, identity, record, requested: dict, fields: tuple[str, ...], history_row: Callable
) -> list[str]:
    """Set on `record` each of `fields` that `requested` changes and add, through the unit of
    work, `history_row(field=..., old_value=..., new_value=..., changed_by_key_id=...,
    changed_by_role=..., reason=...)` for each (the caller binds the row's owner, e.g.
    `functools.partial(MemberChange, cooperative_id=..., member_id=...)`): who changed what,
    when, and why (GDPR art. 5 §2, accountability). Flushed when anything changed; returns the
    names of the changed fields."""
    changed = changes({name: getattr(record, name) for name in fields}, requested, fields)
    for change in changed:
        setattr(record, change.field, change.new)
        uow.repo.add(
            history_row(
                field=change.field,
                old_value=as_text(change.old),
                new_value=as_text(change.new),
                changed_by_key_id=identity.key_id,
                changed_by_role=str(identity.role),
                reason=requested.get("reason"),
            )
        )
    if changed:
        uow.repo.flush()
    return [change.field for change in changed]


def as_text(value) -> str | None:
    """A value as kept in the history: JSON (a date as its ISO string, an address as an object)."""
    if value is None:
        return None
    if isinstance(value, date):
        value = value.isoformat()
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def from_text(text: str | None):
    """The value of a history row as it was given (a date stays its ISO string)."""
    return None if text is None else json.loads(text)

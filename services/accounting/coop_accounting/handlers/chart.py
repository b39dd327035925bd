"""The chart of accounts of a cooperative and its own mapping of kinds of lines to accounts."""

from __future__ import annotations

from coop_accounting import views
from coop_accounting.domain import chart
from coop_accounting.handlers.booking import ensure_chart
from coop_accounting.orm import AccountMapping
from coop_shared import audit
from coop_shared.credentials import ADMIN, AUDITOR, OPERATORS, acting_cooperative, require_role
from coop_shared.errors import ValidationError


def list_accounts(uow, identity) -> dict:
    require_role(identity, *OPERATORS, AUDITOR)
    cooperative_id = acting_cooperative(identity)
    overrides = uow.repo.mappings(cooperative_id)
    by_account = {}
    for kind in chart.KINDS:
        by_account.setdefault(chart.account_for(kind, overrides), []).append(kind)
    # a read writes nothing: before its first entry, the cooperative's chart is the minimum chart
    rows = uow.repo.accounts(cooperative_id) or chart.CHART
    accounts = [views.account_out(a, by_account.get(a.code, ())) for a in rows]
    return {"items": accounts, "total": len(accounts)}


def set_account_mapping(uow, identity, data: dict) -> dict:
    """Book one kind of line on another account of the chart from now on (admins); posted
    entries keep the account they were booked on."""
    require_role(identity, ADMIN)
    cooperative_id = acting_cooperative(identity)
    ensure_chart(uow, cooperative_id)
    if data["account"] not in {a.code for a in uow.repo.accounts(cooperative_id)}:
        raise ValidationError(
            f"No account {data['account']} in the chart.", {"account": ["Not an account of the chart."]}
        )
    row = uow.repo.mapping(cooperative_id, data["kind"])
    if row is None:
        row = AccountMapping(cooperative_id=cooperative_id, kind=data["kind"])
        uow.repo.add(row)
    row.account, row.changed_by = data["account"], audit.actor(identity)
    uow.repo.flush()
    audit.record(
        uow,
        identity,
        "accounting.account_mapping_set",
        row.id,
        {"kind": data["kind"], "account": data["account"]},
    )
    return views.mapping_out(data["kind"], data["account"], chart.DEFAULT_MAPPING[data["kind"]])

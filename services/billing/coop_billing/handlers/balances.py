"""Many activities' balances in one call: what a payroll run of thousands needs, in one round
trip per chunk instead of two `get_activity_account` calls per member (issue 18)."""

from coop_billing.domain import ledger
from coop_shared.credentials import AUDITOR, OPERATORS, SERVICE, acting_cooperative, require_role
from coop_shared.money import Money


def get_balances(uow, identity, data: dict) -> dict:
    """{"items": [{"activity_id", "balance", "provisions": {kind: amount}}]} in the order asked,
    from the stored running balances (orm.LedgerBalance), read by account name a thousand at a
    time. Only the caller's cooperative's postings count, so another cooperative's
    activity (or one never booked) shows a zero balance and no provision: nothing of it is seen.
    The staff roles only: a member key reads its own account with `get_activity_account`."""
    require_role(identity, *OPERATORS, AUDITOR, SERVICE)
    cooperative_id = acting_cooperative(identity)
    ids = list(dict.fromkeys(str(i) for i in data["activity_ids"]))
    accounts = {activity_id: ledger.activity_account(activity_id) for activity_id in ids}
    # the provision accounts are named by kind (domain/ledger.py, PROVISION_SUFFIXES): read
    # by name with the balances, in the same query
    provision_accounts = {
        ledger.provision_account(activity_id, kind): (activity_id, kind)
        for activity_id in ids
        for kind in ledger.PROVISION_SUFFIXES
    }
    balances = uow.repo.stored_balances(cooperative_id, [*accounts.values(), *provision_accounts])
    provisions: dict[str, dict[str, Money]] = {activity_id: {} for activity_id in ids}
    for account, (activity_id, kind) in provision_accounts.items():
        if balances[account] != Money.zero():  # a provision never booked (or emptied) is not shown
            provisions[activity_id][kind] = balances[account]
    return {
        "items": [
            {
                "activity_id": activity_id,
                "balance": str(balances[accounts[activity_id]]),
                "provisions": {kind: str(amount) for kind, amount in sorted(provisions[activity_id].items())},
            }
            for activity_id in ids
        ]
    }

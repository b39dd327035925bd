"""What payroll asks the other services, with the caller's own credential (forwarded context
data): members for the cooperative, the person, their status and right to work; billing for
an activity's balance. One class per service called, wrapping its RPC proxy."""

from __future__ import annotations

from datetime import date

from coop_shared.money import Money


class MembersClient:
    def __init__(self, members_rpc, cooperative_slug: str):
        self._members, self._slug = members_rpc, cooperative_slug

    def cooperative(self) -> dict:
        """The caller's cooperative: name, IBAN, BIC (the payer of the run)."""
        return self._members.get_cooperative(self._slug)

    def member(self, member_id: str) -> dict:
        """The member with activities, IBAN, language and status history; NotFound otherwise."""
        return self._members.get_member(member_id)

    def right_to_work(self, member_id: str, on: date) -> dict:
        """{"allowed": bool, "reasons": [...]} of the member on `on`."""
        return self._members.check_right_to_work({"member_id": member_id, "on": on.isoformat()})


class BillingClient:
    def __init__(self, billing_rpc):
        self._billing = billing_rpc

    def balance(self, activity_id: str) -> Money:
        """What the activity has available to pay from."""
        return Money.of(self._billing.get_activity_account({"activity_id": activity_id})["balance"])

    def provisions(self, activity_id: str) -> dict:
        """The activity's provisions by kind ({"double_holiday_pay": "123.45", ...})."""
        account = self._billing.get_activity_account({"activity_id": activity_id})
        return account.get("provisions", {})

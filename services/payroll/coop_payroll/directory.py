"""What payroll asks the other services, with the caller's own credential (forwarded context
data): members for the person, their status and right to work; billing for the balance."""

from decimal import Decimal

from coop_shared.money import Money


class Directory:
    def __init__(self, members_rpc, billing_rpc, cooperative_slug):
        self._members, self._billing, self._slug = members_rpc, billing_rpc, cooperative_slug

    def cooperative(self) -> dict:
        return self._members.get_cooperative(self._slug)

    def member(self, member_id: str) -> dict:
        return self._members.get_member(member_id)

    def right_to_work(self, member_id: str, on) -> dict:
        return self._members.check_right_to_work({"member_id": member_id, "on": on.isoformat()})

    def balance(self, activity_id: str) -> Money:
        return Money(Decimal(self._billing.get_activity_account({"activity_id": activity_id})["balance"]))

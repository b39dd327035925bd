"""What payroll asks the other services, with the caller's own credential (forwarded context
data): members for the cooperative, the person, their status and right to work; billing for
an activity's balance. One class per service called, wrapping its RPC proxy."""

from __future__ import annotations

from datetime import date

from coop_shared.money import Money

# Ids per call of the batch methods (members' get_members and billing's get_balances take 1,000).
BATCH = 1000


class MembersClient:
    def __init__(self, members_rpc, cooperative_slug: str, disclosing_members=None):
        """`disclosing_members`: a function giving members' proxy under the suite's service
        credential for this cooperative, the only one members hands a full national number to
        (docs/adr/017-personal-data-at-rest-and-rectification.md)."""
        self._members, self._slug = members_rpc, cooperative_slug
        self._disclosing = disclosing_members

    def cooperative(self) -> dict:
        """The caller's cooperative: name, IBAN, BIC (the payer of the run)."""
        return self._members.get_cooperative(self._slug)

    def member(self, member_id: str) -> dict:
        """The member with activities, IBAN, language and status history; NotFound otherwise."""
        return self._members.get_member(member_id)

    def national_numbers(self, member_ids, purpose: str) -> dict[str, str | None]:
        """{member id: full national number} for a payslip or a tax form (`purpose`), one call
        per thousand members: every other answer of members masks the number."""
        ids, found = list(dict.fromkeys(str(i) for i in member_ids)), {}
        if self._disclosing is None or not ids:
            return found
        disclosing = self._disclosing()
        for start in range(0, len(ids), BATCH):
            answer = disclosing.get_national_numbers(
                {"member_ids": ids[start : start + BATCH], "purpose": purpose}
            )
            found.update({item["member_id"]: item["national_number"] for item in answer["items"]})
        return found

    def right_to_work(self, member_id: str, on: date) -> dict:
        """{"allowed": bool, "reasons": [...]} of the member on `on`."""
        return self._members.check_right_to_work({"member_id": member_id, "on": on.isoformat()})

    def members_of(self, member_ids, right_to_work_on: date) -> dict[str, dict]:
        """{member id: the member as `member` returns it, with its `right_to_work` on
        `right_to_work_on`}: one call per thousand members instead of two per member (issue 18);
        NotFound if any id is not the cooperative's."""
        ids, found = list(dict.fromkeys(member_ids)), {}
        for start in range(0, len(ids), BATCH):
            answer = self._members.get_members(
                {"ids": ids[start : start + BATCH], "right_to_work_on": right_to_work_on.isoformat()}
            )
            found.update({member["id"]: member for member in answer["items"]})
        return found


class BillingClient:
    def __init__(self, billing_rpc):
        self._billing = billing_rpc

    def balances_of(self, activity_ids) -> dict[str, tuple[Money, dict]]:
        """{activity id: (available balance, provisions by kind)}: one call per thousand
        activities instead of two per activity (issue 18)."""
        ids, found = list(dict.fromkeys(activity_ids)), {}
        for start in range(0, len(ids), BATCH):
            answer = self._billing.get_balances({"activity_ids": ids[start : start + BATCH]})
            for item in answer["items"]:
                found[item["activity_id"]] = (Money.of(item["balance"]), item["provisions"])
        return found

    def balance(self, activity_id: str) -> Money:
        """What the activity has available to pay from."""
        return Money.of(self._billing.get_activity_account({"activity_id": activity_id})["balance"])

    def provisions(self, activity_id: str) -> dict:
        """The activity's provisions by kind ({"double_holiday_pay": "123.45", ...})."""
        account = self._billing.get_activity_account({"activity_id": activity_id})
        return account.get("provisions", {})

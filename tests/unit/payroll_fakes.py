"""The batch calls of payroll's clients (clients.py: `MembersClient.members_of`,
`BillingClient.balances_of`) derived from a fake's one-member methods, so each handler test's fake
says only what one member or activity looks like. The real clients ask once per thousand ids
(issue 18); these answer the same thing item by item, NotFound included."""


class BatchMembers:
    def members_of(self, member_ids, right_to_work_on):
        self.batches = getattr(self, "batches", 0) + 1
        return {
            member_id: dict(
                self.member(member_id), right_to_work=self.right_to_work(member_id, right_to_work_on)
            )
            for member_id in dict.fromkeys(member_ids)
        }


class BatchBilling:
    def balances_of(self, activity_ids):
        """Answered lazily, so that a fake's `balance` is asked only for an activity a payslip
        is paid from (billing's real answer holds every activity asked, zero when never booked)."""
        self.batches = getattr(self, "batches", 0) + 1
        fake = self

        class Lazy(dict):
            def __missing__(self, activity_id):
                self[activity_id] = (fake.balance(activity_id), fake.provisions(activity_id))
                return self[activity_id]

        return Lazy()

"""What a requested payslip must pass before it is prepared, and the figures it states.

Each failed check is a `Problem`: recorded on the run with its code and message, while the
other payslips of the run go on. The checks run in a fixed order, so that a member with
several problems is always told the same first one.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from coop_shared.errors import BusinessRuleViolation, ValidationError
from coop_shared.money import Money
from coop_shared.status_models import (
    MONTHLY,
    CooperativeFacts,
    MemberFacts,
    NotEligible,
    PayHistory,
    PayRequest,
    PayResult,
    StatusModel,
)

# Problem codes, as stored in `run_problems.code` and returned in a run's `problems`.
ALREADY_PAID = "already_paid"
NO_STATUS_MODEL = "no_status_model"
MODEL_NOT_INSTALLED = "model_not_installed"
NOT_PAID = "not_paid"
NO_RIGHT_TO_WORK = "no_right_to_work"
NO_IBAN = "no_iban"
BUDGET_EXCEEDED = "budget_exceeded"
NOT_ELIGIBLE = "not_eligible"  # the model refuses the contract or the payment (its reasons say why)


class Problem(Exception):
    """Why one requested payslip is not prepared."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


def check_not_paid_before(member_id: str, period: str, paid_before: set, kind: str = MONTHLY) -> None:
    """A member is paid once a period for each kind of payslip: `paid_before` holds the
    (member_id, period, kind) of the payslips of the cooperative's closed runs."""
    if (member_id, period, kind) in paid_before:
        raise Problem(ALREADY_PAID, f"The member already has a closed {kind} payslip for {period}.")


def status_in(member: dict, day: date) -> dict | None:
    """The row of the member's status history in force on `day` (the latest that covers it)."""
    for row in reversed(member.get("status_history", [])):
        if date.fromisoformat(row["valid_from"]) <= day and (
            row["valid_until"] is None or day <= date.fromisoformat(row["valid_until"])
        ):
            return row
    return None


def model_in_force(member: dict, day: date, models: dict[str, StatusModel]) -> tuple[dict, StatusModel]:
    """(status row, installed model) of the member on `day`, the first day of the period."""
    status = status_in(member, day)
    if status is None:
        raise Problem(NO_STATUS_MODEL, f"No status model on {day}: set one with set_status_model.")
    model = models.get(status["status_model"])
    if model is None:
        raise Problem(MODEL_NOT_INSTALLED, f"Status model '{status['status_model']}' is not installed.")
    return status, model


def check_model_pays(model: StatusModel, period: str, mode: str) -> None:
    """A model that never pays (e.g. `trial`) says why in its eligibility reasons."""
    if not model.pays:
        raise Problem(NOT_PAID, "; ".join(model.eligibility(PayRequest(period, mode, Money.zero(), {}))))


def check_right_to_work(right: dict) -> None:
    """`right` is members' answer for the last day of the period: {"allowed", "reasons"}."""
    if not right["allowed"]:
        raise Problem(NO_RIGHT_TO_WORK, " ".join(right["reasons"]))


def check_iban(member: dict) -> None:
    if not member.get("iban"):
        raise Problem(NO_IBAN, "The member has no IBAN to receive the net pay.")


def pay_request(
    period: str,
    item: dict,
    status: dict,
    member: dict,
    cooperative: CooperativeFacts,
    history: PayHistory | None = None,
) -> PayRequest:
    """What the model computes from: the run item (its kind: monthly, or a payment from a
    provision), the member's parameters of the status in force, and the facts a model may read
    about the person, the cooperative and the member's payslips of the year."""
    return PayRequest(
        period,
        item["mode"],
        Money(item["amount"]),
        dict(status["parameters"]),
        MemberFacts(nationality=member.get("nationality")),
        cooperative,
        kind=item.get("kind", MONTHLY),
        history=history or PayHistory(),
    )


def check_eligible(model: StatusModel, request: PayRequest) -> None:
    """A contract or payment the model refuses (e.g. under the minimum wage, under one third of
    full time) is a problem of the run, not a payslip."""
    reasons = model.eligibility(request)
    if reasons:
        raise Problem(NOT_ELIGIBLE, " ".join(reasons))


def pay(model: StatusModel, request: PayRequest) -> PayResult:
    """The model's result; a request it cannot pay, or a period it has no rules for, refuses
    the whole call with a typed error."""
    try:
        return model.compute(request)
    except NotEligible as exc:
        raise BusinessRuleViolation(str(exc), {"status_model": model.key}) from None
    except LookupError as exc:  # no parameter rows for that period
        raise ValidationError(fields={"period": [str(exc)]}) from None


class ActivityBudgets:
    """The running available balance of each activity during one run: the balance billing
    reports, less the total cost of the payslips this run already prepared on it. A payslip
    never costs more than what is left (its total cost is debited from the activity)."""

    def __init__(
        self, balance_of: Callable[[str], Money], provisions_of: Callable[[str], dict] | None = None
    ):
        self._balance_of = balance_of  # asked once per activity, the first time it is paid from
        self._provisions_of = provisions_of or (lambda activity_id: {})
        self._available: dict[str, Money] = {}
        self._provisions: dict[str, dict[str, Money]] = {}

    def provisions(self, activity_id: str) -> dict[str, Money]:
        """The activity's provisions by kind: billing's balances plus what this run set aside."""
        if activity_id not in self._provisions:
            known = self._provisions_of(activity_id)
            self._provisions[activity_id] = {k: Money.of(v) for k, v in known.items()}
        return self._provisions[activity_id]

    def set_aside(self, activity_id: str, provisions) -> None:
        """A monthly payslip of this run adds to the activity's provisions."""
        held = self.provisions(activity_id)
        for kind, amount in provisions:
            held[kind] = held.get(kind, Money.zero()) + amount

    def draw(self, activity_id: str, kind: str, cost: Money) -> tuple[Money, Money, Money]:
        """A payment from the provision `kind` empties it: (drawn from the provision, balance
        before, balance after). What the provision lacks is taken from the available balance;
        what it holds beyond the cost returns to it (docs/domain/payroll-employees.md)."""
        held = self.provisions(activity_id)
        drawn = max(held.get(kind, Money.zero()), Money.zero())
        before, after = self.spend(activity_id, cost - drawn)
        held[kind] = held.get(kind, Money.zero()) - drawn
        return drawn, before, after

    def spend(self, activity_id: str, cost: Money) -> tuple[Money, Money]:
        """(balance before, balance after) the payslip costing `cost`, else BUDGET_EXCEEDED."""
        if activity_id not in self._available:
            self._available[activity_id] = self._balance_of(activity_id)
        balance = self._available[activity_id]
        if cost > balance and cost.amount > 0:
            raise Problem(BUDGET_EXCEEDED, f"Total cost {cost} exceeds the activity balance {balance}.")
        self._available[activity_id] = balance - cost
        return balance, balance - cost


def payslip_figures(result: PayResult, balance_before: Money, balance_after: Money) -> dict:
    """The amounts a payslip states besides its lines, as stored on the payslip row."""
    return {
        "gross": result.gross,
        "net_to_pay": result.net_to_pay,
        "total_cost": result.total_cost,
        "payments": [{"to": to, "amount": str(amount)} for to, amount in result.payments],
        "notes": list(result.notes),
        "rules_version": result.rules_version,
        "balance_before": balance_before,
        "balance_after": balance_after,
        "kind": result.kind,
        "provisions": {kind: str(amount) for kind, amount in result.provisions},
        "draws_on": result.draws_on,
    }

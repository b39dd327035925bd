"""Payroll runs: prepare (payslips or problems), close (once), read."""

from __future__ import annotations

from coop_payroll.domain import payslips as rules
from coop_payroll.domain.runs import RunStatus, period_days
from coop_payroll.handlers import directors
from coop_payroll.orm import PayrollRun, Payslip, RunProblem
from coop_payroll.views import line_out, payroll_closed, payslip_issued, run_out
from coop_shared.credentials import AUDITOR, OPERATORS, acting_cooperative, require_role
from coop_shared.errors import BusinessRuleViolation, NotFound
from coop_shared.money import Money
from coop_shared.status_models import EXIT_HOLIDAY_PAY, MONTHLY, PAYSLIP, CooperativeFacts, PayHistory
from coop_shared.storage.types import utcnow


def prepare_run(uow, identity, models: dict, members, billing, data: dict) -> dict:
    """A draft run of `data["period"]`: a payslip for each item that passes every check, a
    problem (with its code) for each that does not. `members` and `billing` are the clients
    (clients.py) acting with the caller's credential."""
    require_role(identity, *OPERATORS)
    cooperative_id, period = acting_cooperative(identity), data["period"]
    cooperative = members.cooperative()
    settings = uow.repo.settings_of(cooperative_id)
    preparing = _Preparation(
        models,
        members,
        period,
        paid_before=uow.repo.paid_in_period(cooperative_id, period),
        cooperative=CooperativeFacts(
            social_fund_fee_rate=settings.social_fund_fee_rate, workers=settings.workers
        ),
        budgets=rules.ActivityBudgets(billing.balance, billing.provisions),
        year_gross=lambda member_id: uow.repo.gross_of_year(cooperative_id, member_id, period),
    )
    run = PayrollRun(
        cooperative_id=cooperative_id,
        cooperative_slug=identity.cooperative,
        period=period,
        status=RunStatus.DRAFT,
        payer={k: cooperative.get(k) for k in ("name", "iban", "bic")},
    )
    uow.repo.add(run)
    uow.repo.flush()
    for item in data["items"]:
        try:
            payslip = preparing.payslip(item)
        except rules.Problem as problem:
            uow.repo.add(_problem_row(run, item, problem))
            continue
        payslip.run_id, payslip.cooperative_id = run.id, cooperative_id
        uow.repo.add(payslip)
    uow.repo.flush()
    uow.repo.refresh(run)
    return run_out(run)


def _problem_row(run: PayrollRun, item: dict, problem: rules.Problem) -> RunProblem:
    return RunProblem(
        run_id=run.id,
        member_id=str(item["member_id"]),
        activity_id=str(item["activity_id"]),
        code=problem.code,
        message=problem.message,
    )


class _Preparation:
    """The payslips of one run, item by item: what is known for the whole run (models, members
    already paid, cooperative facts) and the activities' running balances."""

    def __init__(self, models, members, period, paid_before, cooperative, budgets, year_gross):
        self.models, self.members, self.period = models, members, period
        self.paid_before, self.cooperative, self.budgets = paid_before, cooperative, budgets
        self.year_gross = year_gross  # member id -> gross of their closed monthly payslips this year
        self.first, self.last = period_days(period)

    def payslip(self, item: dict) -> Payslip:
        """The payslip of one item, else the first `rules.Problem` it meets (domain/payslips.py
        gives the order of the checks)."""
        member_id, activity_id = str(item["member_id"]), str(item["activity_id"])
        member = self._member_with_activity(member_id, activity_id)
        kind = item.get("kind", MONTHLY)
        rules.check_not_paid_before(member_id, self.period, self.paid_before, kind)
        status, model = rules.model_in_force(member, self.first, self.models)
        rules.check_model_pays(model, self.period, item["mode"])
        rules.check_right_to_work(self.members.right_to_work(member_id, self.last))
        rules.check_iban(member)
        history = PayHistory(year_gross=self.year_gross(member_id)) if kind == EXIT_HOLIDAY_PAY else None
        request = rules.pay_request(self.period, item, status, member, self.cooperative, history)
        rules.check_eligible(model, request)
        result = rules.pay(model, request)
        drawn = Money.zero()
        if result.draws_on:
            drawn, before, after = self.budgets.draw(activity_id, result.draws_on, result.total_cost)
        else:
            before, after = self.budgets.spend(activity_id, result.total_cost)
            self.budgets.set_aside(activity_id, result.provisions)
        return Payslip(
            period=self.period,
            member_id=member_id,
            activity_id=activity_id,
            status_model=model.key,
            member={
                "name": f"{member['first_name']} {member['last_name']}",
                "iban": member["iban"],
                "language": member["language"],
                "email": member["email"],
                # a mandatory mention of the payslip (law of 12 April 1965, art. 15)
                "national_number": member.get("national_number"),
            },
            parameters=request.parameters,
            mode=item["mode"],
            amount=Money(item["amount"]),
            lines=[line_out(line) for line in result.lines],
            from_provision=drawn,
            **rules.payslip_figures(result, before, after),
        )

    def _member_with_activity(self, member_id: str, activity_id: str) -> dict:
        # An id the cooperative does not have is bad input, not a payroll problem: the whole
        # call is refused with NotFound and nothing is created, whoever owns the id
        # (docs/rpc-contract.md).
        member = self.members.member(member_id)
        if activity_id not in {a["id"] for a in member["activities"]}:
            raise NotFound(f"No activity '{activity_id}' for member '{member_id}'.")
        return member


def close_run(uow, identity, data: dict, models: dict | None = None) -> dict:
    """Close once: the payslips become final and billing is told to debit each total cost.
    A second call returns the closed run and emits nothing. A run of a quarter's last month also
    records the quarter's payments to the directors' fund (handlers/directors.py). `models` (the
    installed status models) name each payslip's kind of document in `payslip_issued`."""
    require_role(identity, *OPERATORS)
    run = uow.repo.run(acting_cooperative(identity), data["id"], for_update=True)
    if run.status == RunStatus.CLOSED:
        return run_out(run)
    if not run.payslips:
        raise BusinessRuleViolation("This run has no payslip to close.", {"problems": len(run.problems)})
    run.status, run.closed_at = RunStatus.CLOSED, utcnow()
    directors.record_quarter_payments(uow, run)
    for p in run.payslips:
        model = (models or {}).get(p.status_model)
        document = model.document_kind if model else PAYSLIP
        uow.emit("payslip_issued", run.cooperative_id, run.cooperative_slug, payslip_issued(run, p, document))
    out = run_out(run)
    uow.emit("payroll_closed", run.cooperative_id, run.cooperative_slug, payroll_closed(run, out))
    return out


def get_run(uow, identity, data: dict) -> dict:
    require_role(identity, *OPERATORS, AUDITOR)
    return run_out(uow.repo.run(acting_cooperative(identity), data["id"]))

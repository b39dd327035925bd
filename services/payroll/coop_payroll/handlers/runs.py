"""Payroll runs: prepare (payslips or problems), close (once), read."""

from __future__ import annotations

from coop_payroll.domain import closing
from coop_payroll.domain import payslips as rules
from coop_payroll.domain.runs import RunStatus, period_days
from coop_payroll.handlers import directors, payslips
from coop_payroll.orm import PayrollRun, Payslip, RunProblem
from coop_payroll.views import (
    FIRST_PAYSLIPS,
    line_out,
    payroll_closed,
    payslip_issued,
    run_out,
    run_summary_out,
)
from coop_shared import audit, personal_data
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
    balances: dict = {}  # {activity id: billing's answer holding it}, filled chunk by chunk
    preparing = _Preparation(
        models,
        members,
        {},
        period,
        paid_before=uow.repo.paid_in_period(cooperative_id, period),
        cooperative=CooperativeFacts(
            social_fund_fee_rate=settings.social_fund_fee_rate, workers=settings.workers
        ),
        budgets=rules.ActivityBudgets(
            lambda activity_id: balances[activity_id][activity_id][0],
            lambda activity_id: balances[activity_id][activity_id][1],
        ),
        year_gross=lambda member_id: uow.repo.gross_of_year(cooperative_id, member_id, period),
    )
    run = PayrollRun(
        cooperative_id=cooperative_id,
        cooperative_slug=identity.cooperative,
        period=period,
        status=RunStatus.DRAFT,
        payer={k: cooperative.get(k) for k in ("name", "iban", "bic")},
        prepared_by=audit.actor(identity),
    )
    uow.repo.add(run)
    uow.repo.flush()
    problems = []
    # The items a chunk at a time (issue 18): what they need from members and billing asked in
    # one call per chunk, their payslips written in one statement per chunk, so a run of 10,000
    # costs what 1,000 cost, per payslip, and holds one chunk's members and payslips at a time.
    for start in range(0, len(data["items"]), CHUNK):
        chunk = data["items"][start : start + CHUNK]
        preparing.known = _members_with_numbers(members, chunk, preparing.last)
        new = [a for a in dict.fromkeys(str(item["activity_id"]) for item in chunk) if a not in balances]
        answer = billing.balances_of(new) if new else {}  # {activity id: (balance, provisions)}
        balances.update(dict.fromkeys(new, answer))
        for item in chunk:
            try:
                payslip = preparing.payslip(item)
            except rules.Problem as problem:
                problems.append(_problem_row(run, item, problem))
                uow.repo.add(problems[-1])
                continue
            payslip.run_id, payslip.cooperative_id = run.id, cooperative_id
            payslip.created_by = run.prepared_by
            uow.repo.add(payslip)
        uow.repo.flush()
    # The run's problems as `refresh` would read them back, from the rows just written; of its
    # payslips, the answer reads the first page and the totals only
    # (docs/adr/026-a-run-answers-its-first-payslips.md).
    uow.repo.prepared(run, problems)
    return _answer(uow, run)


def _answer(uow, run: PayrollRun) -> dict:
    """The run with its counts, totals and problems, and its first payslips (views.run_out)."""
    return run_out(run, uow.repo.first_payslips(run, FIRST_PAYSLIPS), uow.repo.run_figures(run.id))


CHUNK = 1000  # items prepared together: members' get_members and billing's get_balances take 1,000


def _members_with_numbers(members, items: list, last_day) -> dict:
    """{member id: member with its right to work on `last_day`} of `items`, one call per
    thousand, each with its full national number."""
    known = members.members_of([str(item["member_id"]) for item in items], last_day)
    # The payslip prints the full national number (a mandatory mention), asked under the
    # service credential: every other answer of members masks it
    # (docs/adr/017-personal-data-at-rest-and-rectification.md).
    for member_id, number in members.national_numbers(list(known), "payslip").items():
        known[member_id] = dict(known[member_id], national_number=number)
    return known


def _problem_row(run: PayrollRun, item: dict, problem: rules.Problem) -> RunProblem:
    return RunProblem(
        run_id=run.id,
        member_id=str(item["member_id"]),
        activity_id=str(item["activity_id"]),
        code=problem.code,
        message=problem.message,
    )


class _Preparation:
    """The payslips of one run, item by item: what is known for the whole run (models, the
    members with their right to work on the period's last day, members already paid,
    cooperative facts) and the activities' running balances."""

    def __init__(self, models, members, known, period, paid_before, cooperative, budgets, year_gross):
        self.models, self.members, self.period = models, members, period
        self.known = known  # {member id: member with its right to work} (MembersClient.members_of)
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
        rules.check_right_to_work(member["right_to_work"])
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
                # A mandatory mention of the payslip (law of 12 April 1965, art. 15), asked of
                # members in full and kept sealed in the snapshot, as members keeps it
                # (docs/adr/017-personal-data-at-rest-and-rectification.md).
                "national_number": personal_data.keyring().seal(
                    member.get("national_number"), payslips.SEALED_NATIONAL_NUMBER
                ),
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
        member = self.known[member_id]  # all of them the cooperative's (MembersClient.members_of)
        if activity_id not in {a["id"] for a in member["activities"]}:
            raise NotFound(f"No activity '{activity_id}' for member '{member_id}'.")
        return member


def close_run(uow, identity, data: dict, models: dict | None = None, billing=None) -> dict:
    """Close once: the payslips become final and billing is told to debit each total cost.
    A second call returns the closed run and emits nothing. A run of a quarter's last month also
    records the quarter's payments to the directors' fund (handlers/directors.py). `models` (the
    installed status models) name each payslip's kind of document in `payslip_issued`.

    What was true when the run was prepared is checked again here, under the run's lock: no
    member already paid for the period in another run, and each activity still holding what
    the run takes from it (`billing`, the BillingClient; domain/closing.py)."""
    require_role(identity, *OPERATORS)
    run = uow.repo.run(acting_cooperative(identity), data["id"], for_update=True)
    if run.status == RunStatus.CLOSED:
        return _answer(uow, run)
    slips = [
        closing.ClosingSlip(member_id, activity_id, period, kind, before - after)
        for member_id, activity_id, period, kind, before, after in uow.repo.closing_slips(run.id)
    ]
    if not slips:
        raise BusinessRuleViolation("This run has no payslip to close.", {"problems": len(run.problems)})
    _check_still_payable(uow, run, slips, billing)
    run.status, run.closed_at, run.closed_by = RunStatus.CLOSED, utcnow(), audit.actor(identity)
    uow.repo.mark_paid(run)  # the unique (cooperative, member, paid_for, kind) now applies
    audit.record(
        uow,
        identity,
        "payroll.run_closed",
        run.id,
        {"period": run.period, "payslips": len(slips)},
        kind=audit.MONEY,
    )
    directors.record_quarter_payments(uow, run)
    # The payslips a thousand at a time, each announced as it is read (the outbox takes the
    # events a thousand at a time too): a close of 10,000 holds neither all the payslips nor
    # all their events (issue 18).
    for p in uow.repo.payslips_of_run(run.id):
        model = (models or {}).get(p.status_model)
        document = model.document_kind if model else PAYSLIP
        uow.emit("payslip_issued", run.cooperative_id, run.cooperative_slug, payslip_issued(run, p, document))
    out = _answer(uow, run)
    uow.emit("payroll_closed", run.cooperative_id, run.cooperative_slug, payroll_closed(run, out))
    return out


def _check_still_payable(uow, run: PayrollRun, slips: list, billing) -> None:
    closing.check_not_paid_twice(slips, uow.repo.paid_in_period(run.cooperative_id, run.period))
    if billing is None:  # no billing to ask (handler tests without one): the lock and constraint remain
        return
    activity_ids = sorted({slip.activity_id for slip in slips})
    balances = billing.balances_of(activity_ids)
    available = {activity_id: balance for activity_id, (balance, _) in balances.items()}
    spent = uow.repo.spent_since(run.cooperative_id, activity_ids, run.created_at, other_than=run.id)
    closing.check_budget(slips, available, spent)


def get_run(uow, identity, data: dict) -> dict:
    require_role(identity, *OPERATORS, AUDITOR)
    return _answer(uow, uow.repo.run(acting_cooperative(identity), data["id"]))


def list_runs(uow, identity, data: dict) -> dict:
    """A page of the cooperative's runs, newest period first, with their counts and totals."""
    require_role(identity, *OPERATORS, AUDITOR)
    rows, total = uow.repo.runs(
        acting_cooperative(identity),
        limit=data["limit"],
        offset=data["offset"],
        period=data.get("period"),
        status=data.get("status"),
    )
    return {"items": [run_summary_out(row) for row in rows], "total": total}

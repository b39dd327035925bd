"""Company directors' social contributions, paid to their fund once per quarter
(domain/directors.py; docs/domain/payroll-directors.md)."""

from __future__ import annotations

from coop_payroll.domain import directors as rules
from coop_payroll.orm import PayrollRun, SocialFundPayment
from coop_payroll.views import fund_payment_out
from coop_shared.credentials import AUDITOR, OPERATORS, acting_cooperative, require_role


def record_quarter_payments(uow, run: PayrollRun) -> list[SocialFundPayment]:
    """When `run` (just closed) is of a quarter's last month: one payment per director and
    quarter for every fund share of the cooperative's closed statements not paid yet, this
    year's and last year's (a statement closed late is paid at the next quarter's end). Called
    once per run, inside close_run's transaction; the unique key (member, quarter, run) and the
    run's lock make a second call impossible to double."""
    if not rules.closes_quarter(run.period):
        return []
    year = int(run.period[:4])
    since = f"{year - 1}-01"
    uow.repo.flush()  # the run's new status must be seen by the query below
    statements = uow.repo.closed_payslips_with_payments(run.cooperative_id, since, run.period)
    shares = [
        share
        for p in statements
        if (
            share := rules.fund_share(p.id, p.member_id, p.member["name"], p.period, p.payments, p.parameters)
        )
    ]
    paid = uow.repo.fund_paid_payslip_ids(run.cooperative_id, f"{year - 1}-Q1")
    rows = [
        SocialFundPayment(
            cooperative_id=run.cooperative_id,
            run_id=run.id,
            member_id=payment.member_id,
            member_name=payment.member_name,
            quarter=payment.quarter,
            due_date=payment.due_date,
            amount=payment.amount,
            reference=payment.reference,
            payslip_ids=list(payment.payslip_ids),
        )
        for payment in rules.quarter_payments(shares, paid)
    ]
    uow.repo.add_all(rows)
    return rows


def list_fund_payments(uow, identity, data: dict) -> dict:
    """The year's quarterly payments to the directors' fund: what was paid, when it was due,
    which statements it covers."""
    require_role(identity, *OPERATORS, AUDITOR)
    rows = uow.repo.fund_payments(acting_cooperative(identity), data["year"], data.get("member_id"))
    return {"items": [fund_payment_out(r) for r in rows], "total": len(rows)}

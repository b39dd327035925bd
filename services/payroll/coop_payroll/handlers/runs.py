"""Payroll runs: prepare (payslips or problems), close (once), read."""

from __future__ import annotations

import calendar
from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from coop_payroll.handlers.models import compute
from coop_payroll.orm import PayrollRun, PayrollSettings, Payslip, RunProblem
from coop_payroll.schemas import line_out, payslip_out, run_out
from coop_shared.credentials import (
    MEMBER,
    OPERATORS,
    READERS,
    acting_cooperative,
    may_see_member,
    require_role,
)
from coop_shared.errors import BusinessRuleViolation, NotFound
from coop_shared.money import Money
from coop_shared.status_models import MemberFacts, PayRequest
from coop_shared.storage.paging import page
from coop_shared.storage.scoped import one_of_cooperative
from coop_shared.storage.types import utcnow


def period_days(period: str) -> tuple[date, date]:
    year, month = (int(x) for x in period.split("-"))
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def settings_of(session, cooperative_id: str) -> PayrollSettings:
    return session.get(PayrollSettings, cooperative_id) or PayrollSettings(
        cooperative_id=cooperative_id, social_fund_fee_rate=Decimal("0.0305")
    )


def status_in(member: dict, day: date) -> dict | None:
    for row in reversed(member.get("status_history", [])):
        if date.fromisoformat(row["valid_from"]) <= day and (
            row["valid_until"] is None or day <= date.fromisoformat(row["valid_until"])
        ):
            return row
    return None


class _Problem(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code, self.message = code, message


def _payslip(models, directory, settings, period, item, available: dict, paid_before: set) -> Payslip:
    first, last = period_days(period)
    member_id, activity_id = str(item["member_id"]), str(item["activity_id"])
    # An id the cooperative does not have is bad input, not a payroll problem: the whole call is
    # refused with NotFound and nothing is created, whoever owns the id (rpc-contract.md).
    member = directory.member(member_id)
    if activity_id not in {a["id"] for a in member["activities"]}:
        raise NotFound(f"No activity '{activity_id}' for member '{member_id}'.")
    if (member_id, period) in paid_before:
        raise _Problem("already_paid", f"The member already has a closed payslip for {period}.")
    status = status_in(member, first)
    if status is None:
        raise _Problem("no_status_model", f"No status model on {first}: set one with set_status_model.")
    model = models.get(status["status_model"])
    if model is None:
        raise _Problem("model_not_installed", f"Status model '{status['status_model']}' is not installed.")
    if not model.pays:
        raise _Problem(
            "not_paid", "; ".join(model.eligibility(PayRequest(period, item["mode"], Money.zero(), {})))
        )
    right = directory.right_to_work(member_id, last)
    if not right["allowed"]:
        raise _Problem("no_right_to_work", " ".join(right["reasons"]))
    if not member.get("iban"):
        raise _Problem("no_iban", "The member has no IBAN to receive the net pay.")
    parameters = dict(
        status["parameters"],
        **(
            {"social_fund_fee_rate": str(settings.social_fund_fee_rate)} if model.key == "be_director" else {}
        ),
    )
    request = PayRequest(
        period,
        item["mode"],
        Money(Decimal(item["amount"])),
        parameters,
        MemberFacts(nationality=member.get("nationality")),
    )
    result = compute(model, request)
    if activity_id not in available:
        available[activity_id] = directory.balance(activity_id)
    balance = available[activity_id]
    if result.total_cost > balance:
        raise _Problem(
            "budget_exceeded", f"Total cost {result.total_cost} exceeds the activity balance {balance}."
        )
    available[activity_id] = balance - result.total_cost
    return Payslip(
        period=period,
        member_id=member_id,
        activity_id=activity_id,
        status_model=model.key,
        member={
            "name": f"{member['first_name']} {member['last_name']}",
            "iban": member["iban"],
            "language": member["language"],
            "email": member["email"],
        },
        parameters=parameters,
        mode=item["mode"],
        amount=item["amount"],
        gross=result.gross.amount,
        net_to_pay=result.net_to_pay.amount,
        total_cost=result.total_cost.amount,
        lines=[line_out(line) for line in result.lines],
        payments=[{"to": to, "amount": str(amount)} for to, amount in result.payments],
        notes=list(result.notes),
        rules_version=result.rules_version,
        balance_before=balance.amount,
        balance_after=(balance - result.total_cost).amount,
    )


def prepare_run(uow, identity, models, directory, data: dict) -> dict:
    require_role(identity, *OPERATORS)
    cooperative_id = acting_cooperative(identity)
    cooperative = directory.cooperative()
    settings = settings_of(uow.session, cooperative_id)
    paid_before = set(
        uow.session.execute(
            sa.select(Payslip.member_id, Payslip.period)
            .join(PayrollRun, PayrollRun.id == Payslip.run_id)
            .where(
                PayrollRun.cooperative_id == cooperative_id,
                PayrollRun.status == "closed",
                Payslip.period == data["period"],
            )
        ).all()
    )
    run = PayrollRun(
        cooperative_id=cooperative_id,
        cooperative_slug=identity.cooperative,
        period=data["period"],
        status="draft",
        payer={k: cooperative.get(k) for k in ("name", "iban", "bic")},
    )
    uow.session.add(run)
    uow.session.flush()
    available = {}
    for item in data["items"]:
        try:
            payslip = _payslip(models, directory, settings, data["period"], item, available, paid_before)
        except _Problem as problem:
            uow.session.add(
                RunProblem(
                    run_id=run.id,
                    member_id=str(item["member_id"]),
                    activity_id=str(item["activity_id"]),
                    code=problem.code,
                    message=problem.message,
                )
            )
            continue
        payslip.run_id, payslip.cooperative_id = run.id, cooperative_id
        uow.session.add(payslip)
    uow.session.flush()
    uow.session.refresh(run)
    return run_out(run)


def _run(uow, identity, run_id, for_update=False) -> PayrollRun:
    return one_of_cooperative(
        uow.session, PayrollRun, acting_cooperative(identity), run_id, "payroll run", for_update
    )


def close_run(uow, identity, data: dict) -> dict:
    """Close once: the payslips become final and billing is told to debit each total cost.
    A second call returns the closed run and emits nothing."""
    require_role(identity, *OPERATORS)
    run = _run(uow, identity, data["id"], for_update=True)
    if run.status == "closed":
        return run_out(run)
    if not run.payslips:
        raise BusinessRuleViolation("This run has no payslip to close.", {"problems": len(run.problems)})
    run.status, run.closed_at = "closed", utcnow()
    for p in run.payslips:
        uow.emit(
            "payslip_issued",
            run.cooperative_id,
            run.cooperative_slug,
            {
                "payslip_id": p.id,
                "run_id": run.id,
                "period": run.period,
                "member_id": p.member_id,
                "activity_id": p.activity_id,
                "status_model": p.status_model,
                "gross": str(Money(Decimal(p.gross))),
                "net_to_pay": str(Money(Decimal(p.net_to_pay))),
                "total_cost": str(Money(Decimal(p.total_cost))),
                "member_email": p.member.get("email"),
                "member_language": p.member.get("language"),
                "rules_version": p.rules_version,
            },
        )
    out = run_out(run)
    uow.emit(
        "payroll_closed",
        run.cooperative_id,
        run.cooperative_slug,
        {
            "run_id": run.id,
            "period": run.period,
            "payslips": len(run.payslips),
            "total_cost": out["total_cost"],
            "total_net_to_pay": out["total_net_to_pay"],
        },
    )
    return out


def get_run(uow, identity, data: dict) -> dict:
    require_role(identity, *OPERATORS, "auditor")
    return run_out(_run(uow, identity, data["id"]))


def get_payslip(uow, identity, data: dict) -> Payslip:
    require_role(identity, *READERS)
    payslip = one_of_cooperative(uow.session, Payslip, acting_cooperative(identity), data["id"], "payslip")
    if not may_see_member(identity, payslip.member_id):
        raise NotFound(f"No payslip '{data['id']}'.")
    return payslip


def list_payslips(uow, identity, data: dict) -> dict:
    require_role(identity, *READERS)
    query = sa.select(Payslip).where(Payslip.cooperative_id == acting_cooperative(identity))
    if identity.role == MEMBER:
        query = query.where(Payslip.member_id == identity.member_id)
    for field in ("member_id", "run_id"):
        if data.get(field):
            query = query.where(getattr(Payslip, field) == str(data[field]))
    if data.get("period"):
        query = query.where(Payslip.period == data["period"])
    rows, total = page(
        uow.session, query, (Payslip.period.desc(), Payslip.created_at), data["limit"], data["offset"]
    )
    return {"items": [payslip_out(p) for p in rows], "total": total}


def set_payroll_settings(uow, identity, data: dict) -> dict:
    require_role(identity, "admin")
    settings = settings_of(uow.session, acting_cooperative(identity))
    for key, value in data.items():
        setattr(settings, key, value)
    uow.session.merge(settings)
    return {k: (str(v) if v is not None else None) for k, v in data.items()}

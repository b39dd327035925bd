"""payroll's part of a person's data: their export (GDPR art. 15: payslips, the years of their
individual account and tax forms, social fund payments), the retention of payroll and social
records (five years: Royal Decree of 8 August 1980 art. 25) and erasure on request (art. 17),
which keeps what the law keeps (docs/domain/retention.md, docs/adr/018-access-retention-erasure.md)."""

from __future__ import annotations

from datetime import date

from coop_payroll.domain.runs import RunStatus
from coop_payroll.orm import PayrollRun, Payslip, RunProblem, SocialFundPayment
from coop_payroll.views import payslip_out
from coop_shared import retention, retention_runs
from coop_shared.credentials import ADMIN, SERVICE, acting_cooperative, require_role
from coop_shared.retention import ERASED, Category, is_past, kept_until, pseudonym
from coop_shared.storage.export import row_out

KEEP_IN_SNAPSHOTS = ("language",)
PAYSLIPS_KEPT = "payslips must be kept 5 years: Royal Decree of 8 August 1980 art. 25"


def _year_end(period: str) -> date:
    """The reference date of a pay period 'YYYY-MM': the period counts from its year's end."""
    return date(int(period[:4]), 12, 31)


def export_person_data(uow, identity, models: dict, data: dict) -> dict:
    """The member's payslips (and remuneration statements), the years of their individual
    account and tax forms (the zip carries the individual accounts), their social fund payments
    and why a payslip of theirs was not prepared."""
    require_role(identity, ADMIN, SERVICE)
    cooperative_id = acting_cooperative(identity)
    member_id = str(data["member_id"])
    slips = sorted(
        uow.repo.rows_with(Payslip, "member_id", [member_id], cooperative_id), key=lambda p: p.period
    )
    runs = {r.id: r for r in uow.repo.rows_with(PayrollRun, "id", {p.run_id for p in slips}, cooperative_id)}
    closed = [p for p in slips if runs[p.run_id].status == RunStatus.CLOSED]
    years = sorted({int(p.period[:4]) for p in closed})
    forms = sorted(
        {(int(p.period[:4]), getattr(models.get(p.status_model), "tax_form", None)) for p in closed},
        key=lambda f: (f[0], str(f[1])),
    )
    return {
        "payslips": [dict(payslip_out(p), run_status=runs[p.run_id].status) for p in slips],
        "years": years,
        "tax_forms": [{"year": year, "form": form} for year, form in forms],
        "social_fund_payments": [
            row_out(f)
            for f in uow.repo.rows_with(SocialFundPayment, "member_id", [member_id], cooperative_id)
        ],
        "run_problems": [row_out(r) for r in uow.repo.rows_with(RunProblem, "member_id", [member_id])],
    }


# Retention


def _erase_payslip(payslip: Payslip) -> None:
    payslip.member = retention.erased_snapshot(payslip.member, KEEP_IN_SNAPSHOTS)


def apply_retention(uow, today: date, dry_run: bool, cooperative_id: str | None = None) -> dict:
    """Payslips past five years lose the identity they carry (name, IBAN, e-mail, national
    number); their amounts stay, as the accounting entries they were booked by do. The same
    for social fund payments and the problems a run reported."""
    report = retention.report("payroll", today, dry_run)
    if cooperative_id is None:
        retention_runs.purge_messaging(uow, report, today, dry_run)
    last = retention.latest_past_reference(Category.PAYROLL_SOCIAL, today)
    last_period = f"{last.year}-12"
    for payslip in uow.repo.rows_dated_until(Payslip, "period", last_period, cooperative_id):
        if is_past(Category.PAYROLL_SOCIAL, _year_end(payslip.period), today) and payslip.member != (
            retention.erased_snapshot(payslip.member, KEEP_IN_SNAPSHOTS)
        ):
            report.add(Category.PAYROLL_SOCIAL, "payslips", 1)
            if not dry_run:
                _erase_payslip(payslip)
    for payment in uow.repo.rows_dated_until(SocialFundPayment, "due_date", last, cooperative_id):
        if payment.member_name != pseudonym(payment.member_id):
            report.add(Category.PAYROLL_SOCIAL, "social_fund_payments", 1)
            if not dry_run:
                payment.member_name = pseudonym(payment.member_id)
    for run in uow.repo.rows_dated_until(PayrollRun, "period", last_period, cooperative_id):
        for problem in run.problems:
            if is_past(Category.PAYROLL_SOCIAL, _year_end(run.period), today) and problem.message != ERASED:
                report.add(Category.PAYROLL_SOCIAL, "run_problems", 1)
                if not dry_run:
                    problem.message = ERASED
    return report.as_dict()


retention_timer, run_retention = retention_runs.handlers_for(apply_retention)


# Erasure on request


def erase_person_data(uow, identity, data: dict, today: date) -> dict:
    """Payslips of draft runs (not a social document yet) lose the identity now; closed ones
    are kept until their period ends, unless it already has."""
    require_role(identity, ADMIN)
    cooperative_id = acting_cooperative(identity)
    slips = uow.repo.rows_with(Payslip, "member_id", [str(data["member_id"])], cooperative_id)
    runs = {r.id: r for r in uow.repo.rows_with(PayrollRun, "id", {p.run_id for p in slips}, cooperative_id)}
    closed = [p for p in slips if runs[p.run_id].status == RunStatus.CLOSED]
    erasable = [
        p for p in slips if p not in closed or is_past(Category.PAYROLL_SOCIAL, _year_end(p.period), today)
    ]
    kept_rows = [p for p in closed if p not in erasable]
    if not data.get("dry_run"):
        for payslip in erasable:
            _erase_payslip(payslip)
    kept = []
    if kept_rows:
        until = max(kept_until(Category.PAYROLL_SOCIAL, _year_end(p.period)) for p in kept_rows)
        kept.append(
            {
                "service": "payroll",
                "category": str(Category.PAYROLL_SOCIAL),
                "count": len(kept_rows),
                "until": until.isoformat(),
                "reason": PAYSLIPS_KEPT,
            }
        )
    erased = [{"service": "payroll", "category": str(Category.PAYROLL_SOCIAL), "count": len(erasable)}]
    return {"service": "payroll", "erased": [e for e in erased if e["count"]], "kept": kept}

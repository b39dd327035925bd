"""The dicts payroll returns: rows and status-model results turned into JSON-safe values
(amounts as "1234.50" strings, rates as plain decimals)."""

from __future__ import annotations

import base64

from coop_payroll.domain import withholdings
from coop_shared.status_models import PAYSLIP, PayLine, PayResult, StatusModel


def status_model_out(model: StatusModel, period: str) -> dict:
    """An installed status model, with the rules it applies in `period`."""
    return {
        "key": model.key,
        "label": model.label,
        "country": model.country,
        "pays": model.pays,
        "document_kind": model.document_kind,
        "tax_form": model.tax_form,
        "rules_version": model.rules_version(period),
        "parameters_schema": model.parameters_schema(),
    }


def result_out(result: PayResult) -> dict:
    """A status model's result on the wire."""
    return {
        "gross": str(result.gross),
        "net_to_pay": str(result.net_to_pay),
        "total_cost": str(result.total_cost),
        "lines": [line_out(line) for line in result.lines],
        "rules_version": result.rules_version,
        "payments": [{"to": to, "amount": str(amount)} for to, amount in result.payments],
        "notes": list(result.notes),
        "kind": result.kind,
        "provisions": {kind: str(amount) for kind, amount in result.provisions},
        "draws_on": result.draws_on,
    }


def line_out(line: PayLine) -> dict:
    """One line of a payslip; also the form a payslip row stores its lines in."""
    return {
        "code": line.code,
        "label": line.label,
        "base": str(line.base) if line.base is not None else None,
        "rate": format(line.rate.normalize(), "f") if line.rate is not None else None,
        "amount": str(line.amount),
        "borne_by": line.borne_by,
    }


def payslip_out(p) -> dict:
    return {
        "id": p.id,
        "run_id": p.run_id,
        "period": p.period,
        "member_id": p.member_id,
        "activity_id": p.activity_id,
        "member_name": p.member.get("name"),
        "status_model": p.status_model,
        "mode": p.mode,
        "amount": str(p.amount),
        "gross": str(p.gross),
        "net_to_pay": str(p.net_to_pay),
        "total_cost": str(p.total_cost),
        "lines": p.lines,
        "payments": p.payments,
        "notes": p.notes,
        "rules_version": p.rules_version,
        "balance_before": str(p.balance_before),
        "balance_after": str(p.balance_after),
        "kind": p.kind,
        "provisions": dict(p.provisions or {}),
        "draws_on": p.draws_on,
        "from_provision": str(p.from_provision),
    }


def problem_out(x) -> dict:
    return {"member_id": x.member_id, "activity_id": x.activity_id, "code": x.code, "message": x.message}


# The payslips a run's answer carries: the first page of `list_payslips` for the run, so that
# the answer (and the copy the idempotency table keeps for replay) stays small whatever the
# size of the run (docs/adr/026-a-run-answers-its-first-payslips.md).
FIRST_PAYSLIPS = 50


def run_out(run, first_payslips, figures) -> dict:
    """A run as `prepare_run`, `close_run` and `get_run` answer it: its counts and totals over
    all its payslips (`figures`: PayrollRepository.run_figures), every problem, and its first
    payslips only (`first_payslips`: PayrollRepository.first_payslips); the others are read
    with `list_payslips` and the run's id."""
    return {
        "id": run.id,
        "period": run.period,
        "status": str(run.status),
        "payslip_count": figures.payslips,
        "problem_count": len(run.problems),
        "payslips": [payslip_out(p) for p in first_payslips],
        "problems": [problem_out(x) for x in run.problems],
        "total_cost": str(figures.total_cost),
        "total_net_to_pay": str(figures.total_net_to_pay),
    }


def run_summary_out(row) -> dict:
    """One run of `list_runs`: what it is and how far it went, without its payslips."""
    return {
        "id": row.id,
        "period": row.period,
        "status": str(row.status),
        "payslips": row.payslips,
        "problems": row.problems,
        "total_cost": str(row.total_cost),
        "total_net_to_pay": str(row.total_net_to_pay),
        "created_at": row.created_at.isoformat() if row.created_at else None,
        "closed_at": row.closed_at.isoformat() if row.closed_at else None,
    }


def payslip_issued(run, p, document: str = PAYSLIP) -> dict:
    """The payload of `payslip_issued`: what billing debits and notifications announces;
    `document` is the status model's kind of document (a director's statement is announced in
    a director's words)."""
    return {
        "document": document,
        "payslip_id": p.id,
        "run_id": run.id,
        "period": run.period,
        "member_id": p.member_id,
        "activity_id": p.activity_id,
        "status_model": p.status_model,
        "gross": str(p.gross),
        "net_to_pay": str(p.net_to_pay),
        "total_cost": str(p.total_cost),
        "member_email": p.member.get("email"),
        "member_language": p.member.get("language"),
        "rules_version": p.rules_version,
        "kind": p.kind,
        # billing keeps these apart from the available balance (docs/adr/005-activity-ledger.md)
        "provisions": dict(p.provisions or {}),
        "draws_on": p.draws_on,
        "from_provision": str(p.from_provision),
        # what is withheld and owed, split for the books: 453, 454 and the directors' fund 459
        # (domain/withholdings.py; docs/domain/accounting.md "Entries")
        **{key: str(amount) for key, amount in withholdings.split(p.lines or []).items()},
    }


def payments_instructed(run, fund_payments, execution_date) -> dict:
    """The payload of `payroll_payments_instructed`: each transfer of the run's SEPA file, a net
    (on the activity, the employee's or the director's) or a payment to the directors' fund."""
    transfers = [
        {
            "kind": "net_pay",
            "payslip_id": p.id,
            "member_id": p.member_id,
            "activity_id": p.activity_id,
            "status_model": p.status_model,
            "amount": str(p.net_to_pay),
        }
        for p in run.payslips
    ] + [
        {
            "kind": "social_fund",
            "fund_payment_id": f.id,
            "member_id": f.member_id,
            "quarter": f.quarter,
            "amount": str(f.amount),
        }
        for f in fund_payments
    ]
    return {
        "run_id": run.id,
        "period": run.period,
        "execution_date": execution_date.isoformat(),
        "transfers": transfers,
    }


def payroll_closed(run, out: dict) -> dict:
    """The payload of `payroll_closed`, with the totals of the run as returned (`out`)."""
    return {
        "run_id": run.id,
        "period": run.period,
        "payslips": out["payslip_count"],
        "total_cost": out["total_cost"],
        "total_net_to_pay": out["total_net_to_pay"],
    }


SETTINGS_FIELDS = (
    "social_fund_name",
    "social_fund_iban",
    "social_fund_bic",
    "social_fund_fee_rate",
    "workers",
)


def settings_out(settings) -> dict:
    """A cooperative's payroll settings as stored (rates as strings; the headcount a number)."""
    out = {name: getattr(settings, name) for name in SETTINGS_FIELDS}
    out["social_fund_fee_rate"] = f"{out['social_fund_fee_rate'].normalize():f}"  # 0.030500 reads 0.0305
    return out


def rendered_payslip_out(payslip, content: bytes, document: str = PAYSLIP) -> dict:
    """The PDF of a payslip, base64 in the JSON reply, its file named after the kind of document."""
    return {
        "filename": f"{document.replace('_', '-')}-{payslip.period}-{payslip.id[:8]}.pdf",
        "content_type": "application/pdf",
        "content": base64.b64encode(content).decode("ascii"),
    }


def fund_payment_out(f) -> dict:
    """A quarter's payment to a director's social insurance fund."""
    return {
        "id": f.id,
        "run_id": f.run_id,
        "member_id": f.member_id,
        "member_name": f.member_name,
        "quarter": f.quarter,
        "due_date": f.due_date.isoformat(),
        "amount": str(f.amount),
        "reference": f.reference,
        "payslip_ids": list(f.payslip_ids),
    }


def individual_account_out(year: int, member: dict, cooperative: dict, rows, totals, rules_version) -> dict:
    """A member's individual account of one year: each payslip's gross, personal contributions,
    withholding and net, and the totals (domain/individual_account.py)."""
    return {
        "year": year,
        "member_id": member["id"],
        "member_name": f"{member['first_name']} {member['last_name']}",
        "employer": cooperative.get("name"),
        "months": [
            dict(row, **{c: str(row[c]) for c in ("gross", "contributions", "withholding", "net_to_pay")})
            for row in rows
        ],
        "totals": {column: str(amount) for column, amount in totals.items()},
        "rules_version": rules_version,
    }

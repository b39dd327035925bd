"""The yearly individual account of an employee (Royal Decree n° 5 of 23 October 1978 on social
documents: the employer keeps, per worker and calendar year, the pay of each period): one row
per payslip of the year with its gross, personal contributions, withholding tax and net, and
the year's totals (docs/domain/payroll-employees.md, "The individual account"). Pure."""

from __future__ import annotations

from coop_shared.money import Money

# Lines that are personal social security (the work bonus lowers them) and withholding tax
# (the fiscal work bonus lowers it), by code, whatever the kind of payslip.
CONTRIBUTION_CODES = (
    "employee_social_security",
    "social_work_bonus",
    "double_holiday_pay_social_security",
    "year_end_premium_social_security",
    "exit_holiday_pay_social_security",
    "special_social_security",
)
WITHHOLDING_CODES = ("withholding_tax", "fiscal_work_bonus", "withholding_tax_exceptional")
COLUMNS = ("gross", "contributions", "withholding", "net_to_pay")


def row_of(payslip: dict) -> dict:
    """One month (or one payment from a provision) of the account."""
    amounts = {line["code"]: Money.of(line["amount"]) for line in payslip["lines"]}
    contributions = sum((amounts.get(code, Money.zero()) for code in CONTRIBUTION_CODES), Money.zero())
    withholding = sum((amounts.get(code, Money.zero()) for code in WITHHOLDING_CODES), Money.zero())
    return {
        "period": payslip["period"],
        "kind": payslip.get("kind") or "monthly",
        "payslip_id": payslip["id"],
        "gross": Money.of(payslip["gross"]),
        "contributions": contributions,
        "withholding": withholding,
        "net_to_pay": Money.of(payslip["net_to_pay"]),
    }


def account(payslips: list[dict]) -> tuple[list[dict], dict]:
    """(rows by period, totals of each column)."""
    rows = sorted((row_of(p) for p in payslips), key=lambda r: (r["period"], r["kind"] != "monthly"))
    totals = {column: sum((r[column] for r in rows), Money.zero()) for column in COLUMNS}
    return rows, totals

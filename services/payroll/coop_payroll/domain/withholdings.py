"""What a payslip withholds, split by whom it is owed to, for the books (docs/domain/accounting.md
"Entries"): the withholding tax goes to the tax administration (account 453), the employee's and
the employer's social security to the ONSS (454), a director's own social contributions and
the fund's fee to their social insurance fund (459).

The employee's social security includes the special social security contribution (law of 30
March 1994, art. 106) and the social part of the work bonus, which lowers it; the withholding
tax includes the fiscal part of the work bonus, which lowers it (docs/domain/payroll-employees.md).
A director has no ONSS: their contributions are their own, withheld when the cooperative pays
them to the fund for the director (docs/domain/payroll-directors.md).
"""

from __future__ import annotations

from coop_shared.money import Money
from coop_shared.status_models import COOPERATIVE, MEMBER

# Codes of member lines owed to the tax administration, and to the director's social fund.
TAX_CODES = ("withholding_tax", "withholding_tax_exceptional", "fiscal_work_bonus")
SOCIAL_FUND_CODES = ("self_employed_social_contributions", "social_fund_fee")
PROVISION_PREFIX = "provision_"


def split(lines: list[dict]) -> dict[str, Money]:
    """`{withholding_tax, employee_social_security, employer_social_security, social_fund}` of a
    payslip's stored lines (`views.line_out`): every member line is in exactly one of the first,
    second and fourth, so together they are gross − net; the employer's is every cooperative
    line but the provisions (the structural reduction lowers it)."""
    out = {
        key: Money.zero()
        for key in ("withholding_tax", "employee_social_security", "employer_social_security", "social_fund")
    }
    for line in lines:
        amount = Money.of(line["amount"])
        code = line["code"]
        if line["borne_by"] == MEMBER:
            key = (
                "withholding_tax"
                if code in TAX_CODES
                else "social_fund"
                if code in SOCIAL_FUND_CODES
                else "employee_social_security"
            )
        elif line["borne_by"] == COOPERATIVE and not code.startswith(PROVISION_PREFIX):
            key = "employer_social_security"
        else:
            continue
        out[key] = out[key] + amount
    return out

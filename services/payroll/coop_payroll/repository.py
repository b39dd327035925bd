"""Every query of payroll: runs, payslips, their problems, the cooperative's settings."""

from __future__ import annotations

import sqlalchemy as sa

from coop_payroll.domain.runs import DEFAULT_SOCIAL_FUND_FEE_RATE, RunStatus
from coop_payroll.orm import PayrollRun, PayrollSettings, Payslip
from coop_shared.storage.repository import Repository

ANY_MEMBER = object()  # `payslips` of every member (a member key passes its own member id)


class PayrollRepository(Repository):
    def settings_of(self, cooperative_id: str) -> PayrollSettings:
        """The cooperative's settings; until it sets them, the defaults (not stored)."""
        return self.session.get(PayrollSettings, cooperative_id) or PayrollSettings(
            cooperative_id=cooperative_id, social_fund_fee_rate=DEFAULT_SOCIAL_FUND_FEE_RATE
        )

    def save_settings(self, settings: PayrollSettings) -> None:
        """Store the settings, whether they were stored before or are the defaults."""
        self.session.merge(settings)

    def paid_in_period(self, cooperative_id: str, period: str) -> set[tuple[str, str]]:
        """(member_id, period) of every payslip of the cooperative's closed runs for `period`."""
        return set(
            self.session.execute(
                sa.select(Payslip.member_id, Payslip.period)
                .join(PayrollRun, PayrollRun.id == Payslip.run_id)
                .where(
                    PayrollRun.cooperative_id == cooperative_id,
                    PayrollRun.status == RunStatus.CLOSED,
                    Payslip.period == period,
                )
            ).all()
        )

    def run(self, cooperative_id: str, run_id, for_update: bool = False) -> PayrollRun:
        """The cooperative's run `run_id` with its payslips and problems, else NotFound."""
        return self.one_of_cooperative(PayrollRun, cooperative_id, run_id, "payroll run", for_update)

    def payslip(self, cooperative_id: str, payslip_id) -> Payslip:
        return self.one_of_cooperative(Payslip, cooperative_id, payslip_id, "payslip")

    def payslips(
        self,
        cooperative_id: str,
        *,
        limit: int,
        offset: int,
        own_member_id=ANY_MEMBER,
        member_id=None,
        run_id=None,
        period: str | None = None,
    ) -> tuple[list[Payslip], int]:
        """(page of payslips, total), newest period first. `own_member_id` keeps a member key's
        own payslips only (a key without a member sees none); each filter narrows further."""
        query = sa.select(Payslip).where(Payslip.cooperative_id == cooperative_id)
        if own_member_id is not ANY_MEMBER:
            query = query.where(Payslip.member_id == own_member_id)
        if member_id:
            query = query.where(Payslip.member_id == str(member_id))
        if run_id:
            query = query.where(Payslip.run_id == str(run_id))
        if period:
            query = query.where(Payslip.period == period)
        return self.page(query, (Payslip.period.desc(), Payslip.created_at), limit, offset)

"""Every query of payroll: runs, payslips, their problems, the cooperative's settings."""

from __future__ import annotations

import itertools

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from coop_payroll.domain.runs import DEFAULT_SOCIAL_FUND_FEE_RATE, RunStatus
from coop_payroll.orm import (
    PaymentInstruction,
    PayrollRun,
    PayrollSettings,
    Payslip,
    RunProblem,
    SocialFundPayment,
)
from coop_shared.money import Money
from coop_shared.status_models import MONTHLY
from coop_shared.storage.repository import Repository
from coop_shared.storage.types import MoneyType

ANY_MEMBER = object()  # `payslips` of every member (a member key passes its own member id)
# Newest period first, then by creation; the id last, so that the pages of a run's payslips
# (written a thousand at a time) never overlap nor skip one created in the same instant.
PAYSLIP_ORDER = (Payslip.period.desc(), Payslip.created_at, Payslip.id)


class PayrollRepository(Repository):
    def settings_of(self, cooperative_id: str) -> PayrollSettings:
        """The cooperative's settings; until it sets them, the defaults (not stored)."""
        return self.session.get(PayrollSettings, cooperative_id) or PayrollSettings(
            cooperative_id=cooperative_id, social_fund_fee_rate=DEFAULT_SOCIAL_FUND_FEE_RATE
        )

    def save_settings(self, settings: PayrollSettings) -> None:
        """Store the settings, whether they were stored before or are the defaults."""
        self.session.merge(settings)

    def gross_of_year(self, cooperative_id: str, member_id: str, period: str) -> Money:
        """Gross of the member's closed monthly payslips of the year of `period`, up to it."""
        return self.session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(Payslip.gross), 0, type_=MoneyType()))
            .join(PayrollRun, PayrollRun.id == Payslip.run_id)
            .where(
                PayrollRun.cooperative_id == cooperative_id,
                PayrollRun.status == RunStatus.CLOSED,
                Payslip.member_id == member_id,
                Payslip.kind == MONTHLY,
                Payslip.period >= f"{period[:4]}-01",
                Payslip.period <= period,
            )
        )

    def member_payslips_of_year(self, cooperative_id: str, member_id: str, year: int) -> list[Payslip]:
        """The member's payslips of the cooperative's closed runs in `year`, by period."""
        return list(
            self.session.scalars(
                sa.select(Payslip)
                .join(PayrollRun, PayrollRun.id == Payslip.run_id)
                .where(
                    PayrollRun.cooperative_id == cooperative_id,
                    PayrollRun.status == RunStatus.CLOSED,
                    Payslip.member_id == member_id,
                    Payslip.period.startswith(f"{year}-"),
                )
                .order_by(Payslip.period, Payslip.created_at)
            )
        )

    def paid_in_period(self, cooperative_id: str, period: str) -> set[tuple[str, str, str]]:
        """(member_id, period, kind) of every payslip of the cooperative's closed runs for `period`."""
        return set(
            self.session.execute(
                sa.select(Payslip.member_id, Payslip.period, Payslip.kind)
                .join(PayrollRun, PayrollRun.id == Payslip.run_id)
                .where(
                    PayrollRun.cooperative_id == cooperative_id,
                    PayrollRun.status == RunStatus.CLOSED,
                    Payslip.period == period,
                )
            ).all()
        )

    def spent_since(self, cooperative_id: str, activity_ids, since, other_than: str) -> dict[str, Money]:
        """{activity id: what the payslips of runs closed after `since` took from it}, runs other
        than `other_than` (domain/closing.py: billing may not have debited them yet)."""
        rows = self.session.execute(
            sa.select(Payslip.activity_id, Payslip.balance_before, Payslip.balance_after)
            .join(PayrollRun, PayrollRun.id == Payslip.run_id)
            .where(
                PayrollRun.cooperative_id == cooperative_id,
                PayrollRun.status == RunStatus.CLOSED,
                PayrollRun.closed_at >= since,
                PayrollRun.id != other_than,
                Payslip.activity_id.in_(list(activity_ids)),
            )
        ).all()
        spent: dict[str, Money] = {}
        for activity_id, before, after in rows:
            spent[activity_id] = spent.get(activity_id, Money.zero()) + (before - after)
        return spent

    def prepared(self, run: PayrollRun, problems: list) -> PayrollRun:
        """`run` holding the problems this unit of work just wrote, as a refresh would load
        them; its payslips are left to be read when asked for, a page at a time (issue 18)."""
        set_committed_value(run, "problems", problems)
        return run

    def run_figures(self, run_id: str):
        """(payslips, total_cost, total_net_to_pay) of all the run's payslips, counted and
        summed in the database: a run's answer carries them without its payslips."""
        return self.session.execute(
            sa.select(
                sa.func.count(Payslip.id).label("payslips"),
                sa.func.coalesce(sa.func.sum(Payslip.total_cost), 0, type_=MoneyType()).label("total_cost"),
                sa.func.coalesce(sa.func.sum(Payslip.net_to_pay), 0, type_=MoneyType()).label(
                    "total_net_to_pay"
                ),
            ).where(Payslip.run_id == run_id)
        ).one()

    def first_payslips(self, run: PayrollRun, limit: int) -> list[Payslip]:
        """The run's first `limit` payslips, in the order `payslips` pages them for the run."""
        return list(
            self.session.scalars(
                sa.select(Payslip).where(Payslip.run_id == run.id).order_by(*PAYSLIP_ORDER).limit(limit)
            )
        )

    def mark_paid(self, run: PayrollRun) -> None:
        """Each payslip of `run` paid for its period (`paid_for`), in one statement rather than
        one per payslip (issue 18); those this session holds say so too, the others are not
        loaded for it."""
        self.session.execute(
            sa.update(Payslip)
            .where(Payslip.run_id == run.id)
            .values(paid_for=Payslip.period)
            .execution_options(synchronize_session=False)
        )
        for p in list(self.session.identity_map.values()):
            if isinstance(p, Payslip) and p.run_id == run.id:
                set_committed_value(p, "paid_for", p.period)

    def closing_slips(self, run_id: str) -> list[tuple]:
        """(member_id, activity_id, period, kind, balance_before, balance_after) of each payslip
        of the run: what closing checks again, without loading the payslips themselves."""
        return self.session.execute(
            sa.select(
                Payslip.member_id,
                Payslip.activity_id,
                Payslip.period,
                Payslip.kind,
                Payslip.balance_before,
                Payslip.balance_after,
            )
            .where(Payslip.run_id == run_id)
            .order_by(*PAYSLIP_ORDER)
        ).all()

    def payslips_of_run(self, run_id: str, chunk: int = 1000):
        """Every payslip of the run, in its order, read `chunk` at a time: closing a run of
        10,000 holds one chunk of them at a time, not the whole run (issue 18)."""
        for offset in itertools.count(0, chunk):
            rows = list(
                self.session.scalars(
                    sa.select(Payslip)
                    .where(Payslip.run_id == run_id)
                    .order_by(*PAYSLIP_ORDER)
                    .offset(offset)
                    .limit(chunk)
                )
            )
            yield from rows
            if len(rows) < chunk:
                return

    def run(self, cooperative_id: str, run_id, for_update: bool = False) -> PayrollRun:
        """The cooperative's run `run_id` with its problems (its payslips are read when asked
        for: `run.payslips`, or a page of them), else NotFound."""
        return self.one_of_cooperative(PayrollRun, cooperative_id, run_id, "payroll run", for_update)

    def runs(
        self, cooperative_id: str, *, limit: int, offset: int, period: str | None = None, status=None
    ) -> tuple[list, int]:
        """(page of the cooperative's runs, total), newest period first, each row with its
        payslip and problem counts and totals summed in the database (no payslip is loaded)."""
        slips = (
            sa.select(
                Payslip.run_id,
                sa.func.count().label("payslips"),
                sa.func.sum(Payslip.total_cost).label("total_cost"),
                sa.func.sum(Payslip.net_to_pay).label("total_net_to_pay"),
            )
            .where(Payslip.cooperative_id == cooperative_id)
            .group_by(Payslip.run_id)
            .subquery()
        )
        problems = (
            sa.select(RunProblem.run_id, sa.func.count().label("problems"))
            .group_by(RunProblem.run_id)
            .subquery()
        )
        query = (
            sa.select(
                PayrollRun.id,
                PayrollRun.period,
                PayrollRun.status,
                PayrollRun.created_at,
                PayrollRun.closed_at,
                sa.func.coalesce(slips.c.payslips, 0).label("payslips"),
                sa.func.coalesce(problems.c.problems, 0).label("problems"),
                sa.func.coalesce(slips.c.total_cost, 0, type_=MoneyType()).label("total_cost"),
                sa.func.coalesce(slips.c.total_net_to_pay, 0, type_=MoneyType()).label("total_net_to_pay"),
            )
            .outerjoin(slips, slips.c.run_id == PayrollRun.id)
            .outerjoin(problems, problems.c.run_id == PayrollRun.id)
            .where(PayrollRun.cooperative_id == cooperative_id)
        )
        if period:
            query = query.where(PayrollRun.period == period)
        if status:
            query = query.where(PayrollRun.status == status)
        order = (PayrollRun.period.desc(), PayrollRun.created_at.desc())
        return self.page(query, order, limit, offset, scalars=False)

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
        return self.page(query, PAYSLIP_ORDER, limit, offset)

    # Directors' social insurance fund, by the quarter (domain/directors.py)

    def closed_payslips_between(
        self, cooperative_id: str, first: str, last: str, with_payments_only: bool = False
    ) -> list[Payslip]:
        """The payslips of the cooperative's closed runs with a period from `first` to `last`
        ('YYYY-MM', both included), oldest period first. `with_payments_only` keeps those that
        make a payment besides the net (a director's fund share): a quarter's close reads these,
        not every payslip of two years."""
        query = (
            sa.select(Payslip)
            .join(PayrollRun, PayrollRun.id == Payslip.run_id)
            .where(
                PayrollRun.cooperative_id == cooperative_id,
                PayrollRun.status == RunStatus.CLOSED,
                Payslip.period >= first,
                Payslip.period <= last,
            )
        )
        if with_payments_only:
            query = query.where(sa.cast(Payslip.payments, sa.Text) != "[]")
        return list(self.session.scalars(query.order_by(Payslip.period, Payslip.created_at)))

    def closed_payslips_with_payments(self, cooperative_id: str, first: str, last: str) -> list[Payslip]:
        """`closed_payslips_between`, only the payslips that pay something besides the net."""
        return self.closed_payslips_between(cooperative_id, first, last, with_payments_only=True)

    def fund_paid_payslip_ids(self, cooperative_id: str, since_quarter: str) -> set[str]:
        """Ids of the statements already paid to the fund by a payment of `since_quarter` or later."""
        rows = self.session.scalars(
            sa.select(SocialFundPayment.payslip_ids).where(
                SocialFundPayment.cooperative_id == cooperative_id,
                SocialFundPayment.quarter >= since_quarter,
            )
        )
        return {payslip_id for ids in rows for payslip_id in ids}

    def payment_instruction(self, cooperative_id: str, run_id: str) -> PaymentInstruction | None:
        """The run's payments handed to the bank, if a SEPA file was produced."""
        return self.session.scalars(
            sa.select(PaymentInstruction).where(
                PaymentInstruction.cooperative_id == cooperative_id, PaymentInstruction.run_id == run_id
            )
        ).first()

    def fund_payments_of_run(self, cooperative_id: str, run_id: str) -> list[SocialFundPayment]:
        return list(
            self.session.scalars(
                sa.select(SocialFundPayment)
                .where(SocialFundPayment.cooperative_id == cooperative_id, SocialFundPayment.run_id == run_id)
                .order_by(SocialFundPayment.member_name, SocialFundPayment.quarter)
            )
        )

    def fund_payments(self, cooperative_id: str, year: int, member_id=None) -> list[SocialFundPayment]:
        """The year's quarterly payments to the fund, by quarter then member."""
        query = sa.select(SocialFundPayment).where(
            SocialFundPayment.cooperative_id == cooperative_id,
            SocialFundPayment.quarter.like(f"{year}-Q%"),
        )
        if member_id:
            query = query.where(SocialFundPayment.member_id == str(member_id))
        return list(
            self.session.scalars(query.order_by(SocialFundPayment.quarter, SocialFundPayment.member_name))
        )

    # Tax forms (domain/tax_forms.py)

    def closed_payslips_of_year(self, cooperative_id: str, year: int) -> list[Payslip]:
        """Every payslip of the cooperative's closed runs in calendar year `year`."""
        return self.closed_payslips_between(cooperative_id, f"{year}-01", f"{year}-12")

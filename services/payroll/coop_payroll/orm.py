"""Tables of the payroll service (its own database; no other service reads it)."""

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from coop_payroll.domain.runs import DEFAULT_SOCIAL_FUND_FEE_RATE, RunStatus
from coop_shared.money import Money
from coop_shared.storage.messaging_tables import idempotency_table, inbox_table, outbox_table
from coop_shared.storage.types import IdColumn, MoneyType, RateColumn, new_id, utcnow


class Base(DeclarativeBase):
    pass


outbox = outbox_table(Base.metadata)
inbox = inbox_table(Base.metadata)
idempotency = idempotency_table(Base.metadata)


class PayrollSettings(Base):
    """A cooperative's payroll settings: its directors' social insurance fund."""

    __tablename__ = "payroll_settings"
    cooperative_id: Mapped[str] = mapped_column(IdColumn, primary_key=True)
    social_fund_name: Mapped[str | None] = mapped_column(sa.String(140))
    social_fund_iban: Mapped[str | None] = mapped_column(sa.String(34))
    social_fund_bic: Mapped[str | None] = mapped_column(sa.String(11))
    social_fund_fee_rate: Mapped[Decimal] = mapped_column(RateColumn, default=DEFAULT_SOCIAL_FUND_FEE_RATE)
    # Workers the cooperative declares to the ONSS: some employer contributions depend on it
    # (docs/domain/payroll-employees.md); unset, counted as under 10.
    workers: Mapped[int | None] = mapped_column(sa.Integer)


class PayrollRun(Base):
    __tablename__ = "payroll_runs"
    id: Mapped[str] = mapped_column(IdColumn, primary_key=True, default=new_id)
    cooperative_id: Mapped[str] = mapped_column(IdColumn, index=True)
    cooperative_slug: Mapped[str] = mapped_column(sa.String(40))
    period: Mapped[str] = mapped_column(sa.String(7))
    status: Mapped[str] = mapped_column(sa.String(20), default=RunStatus.DRAFT)
    payer: Mapped[dict] = mapped_column(sa.JSON)  # the cooperative's name, IBAN, BIC when prepared
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    # Who prepared and who closed it: a key id, or the role of a credential without one
    # (coop_shared.audit.actor; docs/adr/021-nothing-run-twice-and-the-trail.md).
    prepared_by: Mapped[str | None] = mapped_column(sa.String(60))
    closed_by: Mapped[str | None] = mapped_column(sa.String(60))

    # Loaded only when read (closing, the SEPA file): a run's answer, a payslip's PDF and the
    # run's page read its first payslips or none, not all 10,000 of a large run
    # (docs/adr/026-a-run-answers-its-first-payslips.md).
    payslips: Mapped[list["Payslip"]] = relationship(
        lazy="select", order_by=lambda: (Payslip.created_at, Payslip.id)
    )
    problems: Mapped[list["RunProblem"]] = relationship(lazy="selectin")


class Payslip(Base):
    """A payslip (be_salaried) or remuneration statement (be_director); final once its run closes."""

    __tablename__ = "payslips"
    # A member is paid once per period and kind: `paid_for` is the period once the run closed
    # (null while a draft, and nulls never clash), so two closed payslips of one member, period
    # and kind cannot both exist, whatever the handlers check (domain/closing.py).
    __table_args__ = (
        sa.UniqueConstraint("cooperative_id", "member_id", "paid_for", "kind", name="uq_payslips_paid_once"),
    )
    id: Mapped[str] = mapped_column(IdColumn, primary_key=True, default=new_id)
    run_id: Mapped[str] = mapped_column(sa.ForeignKey("payroll_runs.id"), index=True)
    cooperative_id: Mapped[str] = mapped_column(IdColumn, index=True)
    period: Mapped[str] = mapped_column(sa.String(7), index=True)
    member_id: Mapped[str] = mapped_column(IdColumn, index=True)
    activity_id: Mapped[str] = mapped_column(IdColumn, index=True)
    member: Mapped[dict] = mapped_column(sa.JSON)  # name, IBAN, language, e-mail when prepared
    status_model: Mapped[str] = mapped_column(sa.String(40))
    parameters: Mapped[dict] = mapped_column(sa.JSON)
    mode: Mapped[str] = mapped_column(sa.String(10))
    # monthly, or a payment from a provision (coop_shared.status_models.PAYSLIP_KINDS)
    kind: Mapped[str] = mapped_column(sa.String(30), default="monthly")
    provisions: Mapped[dict] = mapped_column(sa.JSON, default=dict)  # set aside, by kind
    draws_on: Mapped[str | None] = mapped_column(sa.String(30))  # the provision it is paid from
    from_provision: Mapped[Money] = mapped_column(MoneyType(), default=Money.zero)
    amount: Mapped[Money] = mapped_column(MoneyType())
    gross: Mapped[Money] = mapped_column(MoneyType())
    net_to_pay: Mapped[Money] = mapped_column(MoneyType())
    total_cost: Mapped[Money] = mapped_column(MoneyType())
    lines: Mapped[list] = mapped_column(sa.JSON)
    payments: Mapped[list] = mapped_column(sa.JSON)
    notes: Mapped[list] = mapped_column(sa.JSON)
    rules_version: Mapped[str] = mapped_column(sa.String(100))
    balance_before: Mapped[Money] = mapped_column(MoneyType())
    balance_after: Mapped[Money] = mapped_column(MoneyType())
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    paid_for: Mapped[str | None] = mapped_column(sa.String(7))
    created_by: Mapped[str | None] = mapped_column(sa.String(60))  # the key that prepared it


class RunProblem(Base):
    """Why a requested payslip was not prepared (no right to work, budget exceeded, trial...)."""

    __tablename__ = "run_problems"
    id: Mapped[str] = mapped_column(IdColumn, primary_key=True, default=new_id)
    run_id: Mapped[str] = mapped_column(sa.ForeignKey("payroll_runs.id"), index=True)
    member_id: Mapped[str] = mapped_column(IdColumn)
    activity_id: Mapped[str | None] = mapped_column(IdColumn)
    code: Mapped[str] = mapped_column(sa.String(40))
    message: Mapped[str] = mapped_column(sa.Text)


class SocialFundPayment(Base):
    """A quarter's provisional social contributions (and fee) of one director, paid once to the
    cooperative's social insurance fund in the SEPA file of the run that closed the quarter
    (docs/domain/payroll-directors.md). `payslip_ids` are the statements whose monthly thirds it
    pays: each is paid by one record only."""

    __tablename__ = "social_fund_payments"
    __table_args__ = (sa.UniqueConstraint("cooperative_id", "member_id", "quarter", "run_id"),)
    id: Mapped[str] = mapped_column(IdColumn, primary_key=True, default=new_id)
    cooperative_id: Mapped[str] = mapped_column(IdColumn, index=True)
    run_id: Mapped[str] = mapped_column(sa.ForeignKey("payroll_runs.id"), index=True)
    member_id: Mapped[str] = mapped_column(IdColumn, index=True)
    member_name: Mapped[str] = mapped_column(sa.String(140))
    quarter: Mapped[str] = mapped_column(sa.String(7))  # '2026-Q1'
    due_date: Mapped[date] = mapped_column(sa.Date)
    amount: Mapped[Money] = mapped_column(MoneyType())
    reference: Mapped[str | None] = mapped_column(sa.String(12))  # the fund's structured communication
    payslip_ids: Mapped[list] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class PaymentInstruction(Base):
    """A closed run's payments handed to the bank: written with the first SEPA file of the run,
    in the transaction that emits `payroll_payments_instructed`, so the books learn once that
    its nets and fund payments are on their way (docs/adr/015-accounting-from-events.md)."""

    __tablename__ = "payment_instructions"
    __table_args__ = (sa.UniqueConstraint("cooperative_id", "run_id"),)
    id: Mapped[str] = mapped_column(IdColumn, primary_key=True, default=new_id)
    cooperative_id: Mapped[str] = mapped_column(IdColumn, index=True)
    run_id: Mapped[str] = mapped_column(sa.ForeignKey("payroll_runs.id"))
    execution_date: Mapped[date] = mapped_column(sa.Date)
    transfers: Mapped[int] = mapped_column(sa.Integer)
    control_sum: Mapped[Money] = mapped_column(MoneyType())
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

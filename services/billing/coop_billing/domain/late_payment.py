"""Late payment: what a reminder may claim, by the law that applies (docs/domain/late-payment.md).

Businesses and public bodies: law of 2 August 2002 — interest due without notice from the day
after the due date at the rate of art. 5 (ECB rate + 8 points, rounded up to the next half
point, published per half-year), plus the flat €40 of art. 6.

Consumers (customer kind `person`): Book XIX of the Code of Economic Law — a FREE first reminder
naming the amount, the due date, the service and the enterprise number and giving at least
14 days to pay (art. XIX.2); nothing may be charged before that term ends; afterwards, and only
if the cooperative's terms provide it, interest at most the reference rate + 8 points, i.e. the
rate of art. 5 of the law of 2 August 2002 (art. XIX.4), and a lump sum within its caps.

Rates are dated data: each row applies from `valid_from` until the next row; interest over a
stretch that crosses rows is computed per row (simple interest, 365-day year, rounded once).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from coop_shared.money import Money


@dataclass(frozen=True)
class RateRow:
    valid_from: date
    annual_rate: Decimal
    source: str
    certain: bool = True


# Art. 5 law of 2 August 2002: the half-year rate published by the FPS Finance.
B2B_RATES = (
    RateRow(date(2025, 1, 1), Decimal("0.1050"), "law of 2 August 2002 art. 5, H1 2025"),
    RateRow(date(2025, 7, 1), Decimal("0.1050"), "law of 2 August 2002 art. 5, H2 2025"),
    RateRow(date(2026, 1, 1), Decimal("0.1050"), "law of 2 August 2002 art. 5, H1 2026"),
    # H2 2026 not yet checked against the FPS Finance notice: H1 carried over (ECB rate
    # unchanged), flagged until confirmed.
    RateRow(
        date(2026, 7, 1),
        Decimal("0.1050"),
        "law of 2 August 2002 art. 5, H2 2026 (H1 carried over, unconfirmed)",
        certain=False,
    ),
)
# Art. XIX.4 CDE caps a consumer's interest at the reference rate of art. 5 of the law of
# 2 August 2002 plus 8 points: the same half-year rows. (The legal interest rate of the year,
# 4.5 % in 2026, is lower and would also respect the cap; the suite claims the cap.)
CONSUMER_RATES = B2B_RATES
B2B_INDEMNITY = Money(Decimal("40.00"))  # art. 6 law of 2 August 2002, per invoice
CONSUMER_TERM_DAYS = 14  # art. XIX.2 CDE: at least 14 days after the first reminder

B2B_LAW = "law_2002_08_02"
CONSUMER_LAW = "cdeb_book_xix"
REMINDER_LEVELS = ((1, 1), (2, 15))  # (level, days after the due date), businesses


def rate_on(rows, on: date) -> RateRow:
    applicable = [row for row in rows if row.valid_from <= on]
    return applicable[-1] if applicable else rows[0]


def interest(amount: Money, first_day: date, last_day: date, rows) -> tuple[Money, RateRow]:
    """Simple interest on `amount` for each day from `first_day` to `last_day` included, each day
    at the rate of its row, over a 365-day year; rounded once. Returns the interest and the row
    of the last day (the rate the reminder names)."""
    if last_day < first_day:
        return Money.zero(), rate_on(rows, last_day)
    exact = Decimal(0)
    day = first_day
    while day <= last_day:
        row = rate_on(rows, day)
        later = [r.valid_from for r in rows if r.valid_from > day]
        stretch_end = min([last_day, *(d - timedelta(days=1) for d in later)])
        days = (stretch_end - day).days + 1
        exact += amount.amount * row.annual_rate * days / Decimal(365)
        day = stretch_end + timedelta(days=1)
    return Money(exact), rate_on(rows, last_day)


def consumer_lump_sum(principal: Money) -> Money:
    """The cap of art. XIX.4 CDE on the lump sum: €20 up to €150; €30 + 10 % of the part from
    €150.01 to €500; €65 + 5 % of the part above €500; never more than €2,000."""
    amount = principal.amount
    if amount <= Decimal("150"):
        cap = Decimal("20")
    elif amount <= Decimal("500"):
        cap = Decimal("30") + (amount - Decimal("150")) * Decimal("0.10")
    else:
        cap = Decimal("65") + (amount - Decimal("500")) * Decimal("0.05")
    return Money(min(cap, Decimal("2000")))


@dataclass(frozen=True)
class LateTerms:
    days_late: int
    annual_rate: Decimal
    interest: Money
    indemnity: Money
    rate_source: str
    rate_certain: bool
    law: str = B2B_LAW
    pay_by: date | None = None  # consumers: the end of the free reminder's term
    interest_from: date | None = None
    # Consumers: what the terms let the cooperative claim once the term has run out; the free
    # first reminder must say so (art. XIX.2 CDE).
    lump_sum_if_unpaid: Money = Money.zero()


def late_terms(amount_due: Money, due_date: date, on: date, business_customer: bool = True) -> LateTerms:
    """Business terms (law of 2 August 2002): interest from the day after the due date up to
    `on`, at the half-year rates, and the flat €40."""
    days = max((on - due_date).days, 0)
    owed, row = interest(amount_due, due_date + timedelta(days=1), on, B2B_RATES)
    return LateTerms(
        days, row.annual_rate, owed, B2B_INDEMNITY, row.source, row.certain, B2B_LAW, None, due_date
    )


@dataclass(frozen=True)
class ConsumerTerms:
    """What the cooperative's general terms provide towards consumers (billing settings)."""

    interest: bool = True
    lump_sum: bool = False


def consumer_terms(
    amount_due: Money, due_date: date, first_reminder: date, on: date, terms: ConsumerTerms
) -> LateTerms:
    """Consumer terms (Book XIX CDE). Before the term of the free first reminder has run out
    (`first_reminder` + 14 days), nothing; from the day after, interest at most the rate of
    art. 5 of the law of 2 August 2002 and the capped lump sum, each only if the terms provide it."""
    pay_by = first_reminder + timedelta(days=CONSUMER_TERM_DAYS)
    days = max((on - due_date).days, 0)
    row = rate_on(CONSUMER_RATES, on)
    owed, lump = Money.zero(), Money.zero()
    if on > pay_by:
        if terms.interest:
            owed, row = interest(amount_due, pay_by + timedelta(days=1), on, CONSUMER_RATES)
        if terms.lump_sum:
            lump = consumer_lump_sum(amount_due)
    return LateTerms(
        days,
        row.annual_rate if terms.interest else Decimal(0),
        owed,
        lump,
        f"art. XIX.4 CDE: at most the rate of the {row.source}",
        row.certain,
        CONSUMER_LAW,
        pay_by,
        pay_by + timedelta(days=1),
        consumer_lump_sum(amount_due) if terms.lump_sum else Money.zero(),
    )


def due_levels(due_date: date, on: date) -> list[int]:
    """Business reminder levels reached on `on`: 1 the day after the due date, 2 fifteen days after."""
    return [level for level, days in REMINDER_LEVELS if (on - due_date).days >= days]


def consumer_levels(due_date: date, first_reminder: date | None, on: date) -> list[int]:
    """Consumer levels: 1, the free reminder, the day after the due date; 2 only once its term
    of 14 days has run out (never on the same run as the first)."""
    levels = [1] if (on - due_date).days >= 1 else []
    if first_reminder is not None and on > first_reminder + timedelta(days=CONSUMER_TERM_DAYS):
        levels.append(2)
    return levels

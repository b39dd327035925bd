"""How long the suite keeps each category of data, as dated data with its legal source.

GDPR art. 5(1)(e) ("storage limitation") allows personal data to be kept no longer than its
purpose needs; Belgian law then obliges a cooperative to keep some records for years. Each
category below says how long, counted from what, under which text, and whether the figure is
confirmed (`uncertain`). docs/domain/retention.md explains each rule in words; every service's
retention timer reads these periods and nothing else (docs/adr/018-access-retention-erasure.md).

A rule may change with the law: a category has one or more periods, each in force for records
dated from its `valid_from` (the ten-year VAT period applies to documents of 2023 and later).

Pure functions and frozen data: no framework, unit-tested in tests/unit/test_retention_rules.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum


class Counted(StrEnum):
    """From what a period runs."""

    AFTER = "after"  # the period runs from the reference date itself
    FROM_NEXT_YEAR = "from_next_year"  # from 1 January after the reference date's year


class Category(StrEnum):
    ACCOUNTING_RECORDS = "accounting_records"
    INVOICES = "invoices"
    PAYROLL_SOCIAL = "payroll_social"
    MEMBER_IDENTITY = "member_identity"
    RIGHT_TO_WORK_DOCUMENTS = "right_to_work_documents"
    FUNDER_RECORDS = "funder_records"
    COACHING_NOTES = "coaching_notes"
    NOTIFICATION_DELIVERIES = "notification_deliveries"
    EVENT_LOGS = "event_logs"
    OUTBOX_INBOX = "outbox_inbox"
    IDEMPOTENCY_ANSWERS = "idempotency_answers"
    REVOKED_API_KEYS = "revoked_api_keys"
    AUDIT_TRAIL = "audit_trail"


@dataclass(frozen=True)
class Period:
    category: Category
    valid_from: date  # applies to records whose reference date is on or after this day
    years: int = 0
    days: int = 0
    counted: Counted = Counted.AFTER
    reference: str = ""  # what the period runs from, in words
    source: str = ""
    uncertain: bool = False
    note: str = ""

    def kept_until(self, reference_date: date) -> date:
        """The last day a record of `reference_date` must (or may) be kept."""
        if self.counted is Counted.FROM_NEXT_YEAR:
            return date(reference_date.year + self.years, 12, 31) + timedelta(days=self.days)
        try:
            shifted = reference_date.replace(year=reference_date.year + self.years)
        except ValueError:  # 29 February into a common year
            shifted = reference_date.replace(year=reference_date.year + self.years, day=28)
        return shifted + timedelta(days=self.days)

    def as_dict(self) -> dict:
        return {
            "category": str(self.category),
            "valid_from": self.valid_from.isoformat(),
            "years": self.years,
            "days": self.days,
            "counted": str(self.counted),
            "reference": self.reference,
            "source": self.source,
            "uncertain": self.uncertain,
            "note": self.note,
        }


ALWAYS = date(1900, 1, 1)

PERIODS: tuple[Period, ...] = (
    Period(
        Category.ACCOUNTING_RECORDS,
        ALWAYS,
        years=10,
        counted=Counted.FROM_NEXT_YEAR,
        reference="the end of the financial year the entry belongs to",
        source="Code of economic law, art. III.86 (books and supporting documents: ten years "
        "from 1 January of the year after the close of the financial year)",
    ),
    Period(
        Category.INVOICES,
        ALWAYS,
        years=7,
        counted=Counted.FROM_NEXT_YEAR,
        reference="the issue date (invoices, credit notes, payments and expenses)",
        source="VAT Code, art. 60 §3, as it read before 2023 (seven years)",
        uncertain=True,
        note="the exact transition of the ten-year rule was not confirmed in the project's sources",
    ),
    Period(
        Category.INVOICES,
        date(2023, 1, 1),
        years=10,
        counted=Counted.FROM_NEXT_YEAR,
        reference="the issue date (invoices, credit notes, payments and expenses)",
        source="VAT Code, art. 60 §3 (ten years from 1 January after the issue); Code of economic "
        "law, art. III.86",
    ),
    Period(
        Category.PAYROLL_SOCIAL,
        ALWAYS,
        years=5,
        counted=Counted.FROM_NEXT_YEAR,
        reference="the pay period (payslips, individual account, social fund payments)",
        source="Royal Decree of 8 August 1980 on the keeping of social documents, art. 25 (five years)",
        uncertain=True,
        note="counted here from the end of the pay year, the later of the decree's starting "
        "points; not in the project's domain sources",
    ),
    Period(
        Category.MEMBER_IDENTITY,
        ALWAYS,
        years=5,
        counted=Counted.FROM_NEXT_YEAR,
        reference="the member's exit",
        source="GDPR art. 5(1)(e); the longest social-record period that names the member "
        "(Royal Decree of 8 August 1980, art. 25)",
        uncertain=True,
        note="the project's choice: identity is pseudonymised, the member's id, activities and "
        "money records stay for the books",
    ),
    Period(
        Category.RIGHT_TO_WORK_DOCUMENTS,
        ALWAYS,
        years=1,
        reference="the member's exit",
        source="Law of 11 February 2013 (employers of third-country nationals), transposing "
        "Directive 2009/52/EC art. 4(1): a copy kept for the duration of the work; GDPR art. 5(1)(e)",
        uncertain=True,
        note="the one-year margin after the exit (for an inspection) is the project's choice",
    ),
    Period(
        Category.FUNDER_RECORDS,
        ALWAYS,
        years=5,
        counted=Counted.FROM_NEXT_YEAR,
        reference="the end of the enrolment (intake and exit profiles, phase history)",
        source="Regulation (EU) 2021/1060, art. 82 (documents of an ESF+ operation kept five "
        "years from 31 December of the year of the last payment)",
        uncertain=True,
        note="the last payment by the funder is not known to the suite: the end of the enrolment "
        "stands for it",
    ),
    Period(
        Category.COACHING_NOTES,
        ALWAYS,
        years=1,
        reference="the end of the enrolment (notes, their read log, goals, appointments' titles)",
        source="GDPR art. 5(1)(c) and (e); no law obliges a cooperative to keep coaching notes",
        uncertain=True,
        note="the project's choice",
    ),
    Period(
        Category.NOTIFICATION_DELIVERIES,
        ALWAYS,
        days=90,
        reference="the delivery's creation (addresses, the event it carried, the receiver's answer)",
        source="GDPR art. 5(1)(e): long enough to answer 'was it sent?' and to resend",
        uncertain=True,
        note="the project's choice",
    ),
    Period(
        Category.EVENT_LOGS,
        ALWAYS,
        days=30,
        reference="the event's reception (notifications' received-events log)",
        source="GDPR art. 5(1)(e)",
        uncertain=True,
        note="the project's choice",
    ),
    Period(
        Category.OUTBOX_INBOX,
        ALWAYS,
        days=30,
        reference="publication (outbox) or handling (inbox); an unpublished event is never removed",
        source="GDPR art. 5(1)(e); far beyond the last retry (600 s) and the RPC time-to-live "
        "(docs/nameko-delivery.md)",
        uncertain=True,
        note="the project's choice",
    ),
    Period(
        Category.IDEMPOTENCY_ANSWERS,
        ALWAYS,
        days=30,
        reference="the first answer to a create request",
        source="GDPR art. 5(1)(e); a client retries within minutes, not weeks",
        uncertain=True,
        note="the project's choice",
    ),
    Period(
        Category.AUDIT_TRAIL,
        ALWAYS,
        years=10,
        counted=Counted.FROM_NEXT_YEAR,
        reference="the action (who issued a key, booked a payment, closed a run...)",
        source="Code of economic law, art. III.86 (the trail of the money records is part of "
        "their evidence); GDPR art. 5(2) and 32 (accountability)",
        uncertain=True,
        note="the project's choice: as long as the records it accounts for; then its details lose "
        "the names they carry",
    ),
    Period(
        Category.REVOKED_API_KEYS,
        ALWAYS,
        years=1,
        reference="the key's revocation (its label; the hash of a revoked secret opens nothing)",
        source="GDPR art. 5(1)(e)",
        uncertain=True,
        note="the project's choice; the suite keeps no sessions",
    ),
)


def period(category: Category | str, reference_date: date) -> Period:
    """The period that applies to a record of `category` dated `reference_date`."""
    candidates = [p for p in PERIODS if p.category == Category(category) and p.valid_from <= reference_date]
    if not candidates:
        raise LookupError(f"No retention period for {category} on {reference_date}.")
    return max(candidates, key=lambda p: p.valid_from)


def kept_until(category: Category | str, reference_date: date) -> date:
    return period(category, reference_date).kept_until(reference_date)


def is_past(category: Category | str, reference_date: date | None, today: date) -> bool:
    """Whether a record dated `reference_date` is past its period on `today` (an undated
    record, e.g. an enrolment not ended, is never past)."""
    return reference_date is not None and today > kept_until(category, reference_date)


def latest_past_reference(category: Category | str, today: date) -> date:
    """The latest reference date whose records may be past their period on `today`, over every
    period of the category (the shortest wins): a query takes the rows dated on or before it,
    then `is_past` decides row by row."""
    return max(_latest_past(p, today) for p in PERIODS if p.category == Category(category))


def _latest_past(p: Period, today: date) -> date:
    if p.counted is Counted.FROM_NEXT_YEAR:
        # kept until 31 December of (year + years) + days: past from the day after
        return date((today - timedelta(days=p.days)).year - p.years - 1, 12, 31)
    back = today - timedelta(days=p.days + 1)
    try:
        return back.replace(year=back.year - p.years)
    except ValueError:  # 29 February
        return back.replace(year=back.year - p.years, day=28)


def policy() -> list[dict]:
    """Every period, for the documentation and the retention report."""
    return [p.as_dict() for p in PERIODS]


# Pseudonymisation (GDPR art. 4(5)): the row stays, for the books and the numbering, with the
# person's data replaced by a marker that names no one.

ERASED = "[erased]"


def pseudonym(row_id: str) -> str:
    """A stable name for an erased person: the first characters of the row's id."""
    return f"erased {str(row_id)[:8]}"


def erased_snapshot(value, keep: tuple[str, ...] = ()):
    """`value` (a JSON snapshot: dict, list, str...) with every string replaced by ERASED,
    except under the keys in `keep` (a language, a country); numbers and booleans stay."""
    if isinstance(value, dict):
        return {k: (v if k in keep else erased_snapshot(v, keep)) for k, v in value.items()}
    if isinstance(value, list):
        return [erased_snapshot(v, keep) for v in value]
    if isinstance(value, str):
        return ERASED
    return value


@dataclass
class Report:
    """What one retention run of one service did (or would do, in a dry run): rows per category."""

    service: str
    as_of: date
    dry_run: bool
    counts: dict

    def add(self, category: Category | str, what: str, n: int) -> None:
        if n:
            self.counts.setdefault(str(category), {})
            self.counts[str(category)][what] = self.counts[str(category)].get(what, 0) + n

    def as_dict(self) -> dict:
        return {
            "service": self.service,
            "as_of": self.as_of.isoformat(),
            "dry_run": self.dry_run,
            "categories": self.counts,
        }


def report(service: str, as_of: date, dry_run: bool) -> Report:
    return Report(service, as_of, dry_run, {})

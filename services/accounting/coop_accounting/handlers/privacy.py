"""accounting's part of a person's data: the analytic lines of their activities (GDPR art. 15),
the retention of the books (ten years: Code of economic law art. III.86), and erasure on
request (art. 17), which keeps the books until then (docs/domain/retention.md,
docs/adr/018-access-retention-erasure.md)."""

from __future__ import annotations

from datetime import date

from coop_accounting.orm import EntryLine, JournalEntry
from coop_shared import retention, retention_runs
from coop_shared.credentials import ADMIN, SERVICE, acting_cooperative, require_role
from coop_shared.retention import ERASED, Category, is_past, kept_until
from coop_shared.storage.export import row_out

BOOKS_KEPT = "accounting records must be kept 10 years: Code of economic law art. III.86"


def _lines_of(uow, cooperative_id: str, data: dict) -> list[EntryLine]:
    return uow.repo.rows_with(
        EntryLine, "activity_id", [str(a) for a in data["activity_ids"]], cooperative_id
    )


def export_person_data(uow, identity, data: dict) -> dict:
    require_role(identity, ADMIN, SERVICE)
    cooperative_id = acting_cooperative(identity)
    lines = _lines_of(uow, cooperative_id, data)
    entries = {
        e.id: e for e in uow.repo.rows_with(JournalEntry, "id", {x.entry_id for x in lines}, cooperative_id)
    }
    return {
        "analytic_lines": [
            dict(row_out(x), entry=row_out(entries[x.entry_id]))
            for x in sorted(lines, key=lambda x: (entries[x.entry_id].entry_date, x.line_no))
        ]
    }


def _entry_year_end(entry: JournalEntry) -> date:
    """Books are kept from the end of the financial year (the calendar year here)."""
    return date(entry.year, 12, 31)


def apply_retention(uow, today: date, dry_run: bool, cooperative_id: str | None = None) -> dict:
    """Entries past ten years lose the names they carry (descriptions, partners); accounts,
    amounts and numbers stay."""
    report = retention.report("accounting", today, dry_run)
    if cooperative_id is None:
        retention_runs.purge_messaging(uow, report, today, dry_run)
    last = retention.latest_past_reference(Category.ACCOUNTING_RECORDS, today)
    for entry in uow.repo.rows_dated_until(JournalEntry, "entry_date", last, cooperative_id):
        if (
            is_past(Category.ACCOUNTING_RECORDS, _entry_year_end(entry), today)
            and entry.description != ERASED
        ):
            report.add(Category.ACCOUNTING_RECORDS, "journal_entries", 1)
            if not dry_run:
                entry.description = ERASED
                for line in entry.lines:
                    line.partner = line.partner_vat = None
    return report.as_dict()


retention_timer, run_retention = retention_runs.handlers_for(apply_retention)


def erase_person_data(uow, identity, data: dict, today: date) -> dict:
    """Nothing of the books goes before its period (entries past it are handled by retention)."""
    require_role(identity, ADMIN)
    cooperative_id = acting_cooperative(identity)
    lines = _lines_of(uow, cooperative_id, data)
    entries = uow.repo.rows_with(JournalEntry, "id", {x.entry_id for x in lines}, cooperative_id)
    kept_entries = [e for e in entries if not is_past(Category.ACCOUNTING_RECORDS, _entry_year_end(e), today)]
    kept = []
    if kept_entries:
        until = max(kept_until(Category.ACCOUNTING_RECORDS, _entry_year_end(e)) for e in kept_entries)
        kept.append(
            {
                "service": "accounting",
                "category": str(Category.ACCOUNTING_RECORDS),
                "count": len(kept_entries),
                "until": until.isoformat(),
                "reason": BOOKS_KEPT,
            }
        )
    return {"service": "accounting", "erased": [], "kept": kept}

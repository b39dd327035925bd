"""A plain CSV journal: one row per entry line, every journal of the period."""

from __future__ import annotations

import csv
import io

COLUMNS = (
    "journal",
    "number",
    "date",
    "document_date",
    "period",
    "document_number",
    "account",
    "debit",
    "credit",
    "activity_id",
    "partner",
    "vat_grid",
    "description",
    "rules_version",
)


class CsvJournalExport:
    name = "csv"
    content_type = "text/csv"

    def filename(self, cooperative: str, period: str) -> str:
        return f"journal-{cooperative}-{period}.csv"

    def render(self, entries: list[dict], period: str) -> bytes:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(COLUMNS)
        for entry in entries:
            for line in entry["lines"]:
                writer.writerow(
                    (
                        entry["journal"],
                        entry["number"],
                        entry["date"],
                        entry["document_date"],
                        entry["period"],
                        entry["document_number"] or "",
                        line["account"],
                        line["debit"],
                        line["credit"],
                        line["activity_id"] or "",
                        line["partner"] or "",
                        line["vat_grid"] or "",
                        entry["description"],
                        entry["rules_version"],
                    )
                )
        return out.getvalue().encode("utf-8")

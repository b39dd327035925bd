"""The books of a period in the accountant's import format (plugins: exports/)."""

from __future__ import annotations

import base64
import hashlib
import io
import zipfile

from coop_accounting import views
from coop_shared.credentials import AUDITOR, OPERATORS, acting_cooperative, require_role
from coop_shared.errors import BusinessRuleViolation, ValidationError


def entry_dicts(entries) -> list[dict]:
    """Entries as the plain dicts an export plugin reads (no ORM in plugins)."""
    return [
        {
            "journal": e.journal,
            "source": e.source,
            "number": e.number,
            "period": e.period,
            "date": e.entry_date.isoformat(),
            "document_date": e.document_date.isoformat(),
            "due_date": e.due_date.isoformat() if e.due_date else None,
            "document_number": e.document_number,
            "description": e.description,
            "rules_version": e.rules_version,
            "lines": [
                {
                    "account": line.account,
                    "debit": str(line.debit),
                    "credit": str(line.credit),
                    "activity_id": line.activity_id,
                    "partner": line.partner,
                    "vat_grid": line.vat_grid,
                }
                for line in e.lines
            ],
        }
        for e in entries
    ]


def export_books(uow, identity, exports: dict, data: dict) -> dict:
    """The period's entries in `format`, base64 in the reply with its file name."""
    require_role(identity, *OPERATORS, AUDITOR)
    export = exports.get(data["format"])
    if export is None:
        raise ValidationError(
            f"No export format '{data['format']}'.", {"format": [f"One of: {', '.join(sorted(exports))}."]}
        )
    entries = uow.repo.entries(acting_cooperative(identity), data["period"])
    content = export.render(entry_dicts(entries), data["period"])
    return views.export_out(
        export.filename(identity.cooperative or "coop", data["period"]),
        export.content_type,
        base64.b64encode(content).decode("ascii"),
    )


def export_pack(uow, identity, exports: dict, billing, payroll, data: dict) -> dict:
    """The month's pack for the accountant, one zip: the journals (CSV and WinBooks), each sales
    invoice and credit note booked in the month as UBL and PDF (rendered by billing), the bank
    statements closing in the month byte for byte as received (billing keeps them; their SHA-256
    is checked here), and the month's payslips as PDF (payroll)."""
    require_role(identity, *OPERATORS, AUDITOR)
    period = data["period"]
    entries = uow.repo.entries(acting_cooperative(identity), period)
    plain = entry_dicts(entries)
    date_time = (int(period[:4]), int(period[5:]), 1, 0, 0, 0)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:

        def put(name: str, content: bytes) -> None:
            archive.writestr(zipfile.ZipInfo(name, date_time=date_time), content)

        for name in sorted(exports):
            export = exports[name]
            put(
                f"journals/{export.filename(identity.cooperative or 'coop', period)}",
                export.render(plain, period),
            )
        for entry in entries:
            if entry.source not in ("invoice", "credit_note"):
                continue
            for file_format in ("ubl", "pdf"):
                rendered = billing.invoice_file(entry.source_id, file_format)
                put(f"sales/{rendered['filename']}", base64.b64decode(rendered["content"]))
        for listed in billing.statement_files(period):
            received = billing.statement_file(listed["statement_id"])
            content = base64.b64decode(received["content"])
            if hashlib.sha256(content).hexdigest() != received["sha256"]:
                raise BusinessRuleViolation(
                    f"The statement file {received['filename']} is not the file received."
                )
            put(f"bank/{received['filename']}", content)
        for slip in payroll.payslips(period):
            rendered = payroll.payslip_pdf(slip["id"])
            put(f"payslips/{rendered['filename']}", base64.b64decode(rendered["content"]))
    return views.export_out(
        f"books-{identity.cooperative or 'coop'}-{period}.zip",
        "application/zip",
        base64.b64encode(buffer.getvalue()).decode("ascii"),
    )

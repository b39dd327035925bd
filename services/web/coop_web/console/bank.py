"""Console pages: the bank (docs/adr/025-console-and-portal.md).

Staff upload a CODA or camt.053 statement (`billing.import_bank_statement`, the file as base64)
and read what became of each credit: matched to an invoice by its structured communication,
unmatched, or a duplicate of a movement imported before. What is left unmatched
(`billing.list_unmatched_payments`) is matched by hand to one of the open invoices
(`billing.list_invoices`, `billing.match_payment`). An auditor reads; the forms are not shown.
"""

from __future__ import annotations

import base64

from flask import redirect, request, url_for

from coop_shared.errors import CoopError
from coop_web import ui
from coop_web.console import console
from coop_web.i18n import N_
from coop_web.i18n import gettext as _

PAGE = 50
OPEN_INVOICES = 500  # the open invoices offered to match a payment with (list_invoices' maximum)
FORMATS = {"coda": N_("CODA"), "camt053": N_("camt.053 (XML)")}
OUTCOMES = {
    "matched": N_("Matched"),
    "unmatched": N_("Unmatched"),
    "partially_matched": N_("Partly matched"),
    "duplicate": N_("Duplicate"),
}


def _format_of(filename: str, chosen: str) -> str:
    """The format chosen, else told by the file: camt.053 is XML, CODA is text."""
    if chosen in FORMATS:
        return chosen
    return "camt053" if filename.lower().endswith(".xml") else "coda"


def _open_invoices() -> list[dict]:
    """Issued and partly paid invoices, the ones a payment can still go to."""
    found = []
    for status in ("issued", "partially_paid"):
        found += ui.call("billing", "list_invoices", {"status": status, "limit": OPEN_INVOICES})["items"]
    return sorted(found, key=lambda i: i["number"] or "")


def _bank_page(status: int = 200, **values):
    offset = request.args.get("offset", "0")
    offset = int(offset) if offset.isdigit() else 0
    unmatched = ui.call("billing", "list_unmatched_payments", {"limit": PAGE, "offset": offset})
    invoices = _open_invoices() if ui.may_write() and unmatched["items"] else []
    if request.args.get("matched") and "notice" not in values:
        matched = ui.call("billing", "get_invoice", {"id": request.args["matched"]})
        values["notice"] = _("The payment was matched to invoice %(number)s.", number=matched["number"])
        values["matched_invoice"] = matched
    return ui.render(
        "console/bank/bank.html",
        status,
        may_write=ui.may_write(),
        unmatched=unmatched,
        offset=offset,
        limit=PAGE,
        invoices=invoices,
        FORMATS=FORMATS,
        OUTCOMES=OUTCOMES,
        **values,
    )


@console.get("/bank")
@ui.signed_in(*ui.STAFF_ROLES)
def bank():
    return _bank_page()


@console.post("/bank/import")
@ui.signed_in(*ui.STAFF_ROLES)
def import_statement():
    upload = request.files.get("statement")
    content = upload.read() if upload else b""
    if not content:
        return _bank_page(
            422, error=_("Choose the statement file to upload."), problems={"statement": _("Required.")}
        )
    filename = (upload.filename or "statement").rsplit("/", 1)[-1][:200] or "statement"
    payload = {
        "format": _format_of(filename, request.form.get("format", "")),
        "content": base64.b64encode(content).decode("ascii"),
        "filename": filename,
    }
    try:
        imported = ui.call("billing", "import_bank_statement", payload)
    except CoopError as error:
        problems = ui.problems_of(error)
        message = ui.message_of(error)
        if problems:
            message = f"{message} {' '.join(problems.values())}"
        return _bank_page(422, error=message, problems={"statement": message})
    invoice_numbers = {}
    if any(line.get("invoice_id") for line in imported.get("lines", [])):
        for status in ("issued", "partially_paid", "paid"):
            answer = ui.call("billing", "list_invoices", {"status": status, "limit": OPEN_INVOICES})
            invoice_numbers.update({i["id"]: i["number"] for i in answer["items"]})
    notice = _(
        "Statement imported: %(matched)s matched, %(unmatched)s unmatched, %(duplicates)s duplicates.",
        matched=imported.get("matched", 0),
        unmatched=imported.get("unmatched", 0),
        duplicates=imported.get("duplicates", 0),
    )
    return _bank_page(imported=imported, invoice_numbers=invoice_numbers, notice=notice, filename=filename)


@console.post("/bank/match")
@ui.signed_in(*ui.STAFF_ROLES)
def match_payment():
    payment_id = request.form.get("payment_id", "")
    invoice_id = request.form.get("invoice_id", "")
    if not invoice_id:
        return _bank_page(
            422, error=_("Choose the invoice this payment is for."), problems={payment_id: _("Required.")}
        )
    try:
        ui.call("billing", "match_payment", {"payment_id": payment_id, "invoice_id": invoice_id})
    except CoopError as error:
        return _bank_page(409, error=ui.message_of(error), problems={payment_id: ui.message_of(error)})
    return redirect(url_for("console.bank", matched=invoice_id), 303)

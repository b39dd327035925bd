"""Console pages: accounting. A month's VAT return with its grids and the rules it was built with
(`accounting.vat_return`), its trial balance (`accounting.trial_balance`), and the files for the
accountant: the Intervat XML of the return, the month's journals for WinBooks and as CSV
(`accounting.export_books`), the month's pack (`accounting.export_pack`) and the year's listing
of VAT customers (`accounting.client_listing`)."""

from __future__ import annotations

import base64
import re

from flask import request

from coop_shared.dates import brussels_today
from coop_shared.errors import NotFound
from coop_web import i18n, ui
from coop_web.console import console
from coop_web.i18n import N_
from coop_web.i18n import gettext as _

PERIOD = re.compile(r"^20\d{2}-(0[1-9]|1[0-2])$")
BOOK_FORMATS = {"winbooks": N_("Journals for WinBooks (zip)"), "csv": N_("Journals as CSV")}

# What each grid of the periodic return holds (Intervat, frames II to VI); a grid not named here
# is shown by its number only.
GRIDS = {
    "00": N_("Operations under a special regime (0 %, exempt)"),
    "01": N_("Operations at 6 %"),
    "02": N_("Operations at 12 %"),
    "03": N_("Operations at 21 %"),
    "44": N_("Services to customers in another EU country"),
    "45": N_("Operations where the customer owes the VAT"),
    "46": N_("Exempt supplies of goods within the EU"),
    "47": N_("Other exempt operations and exports"),
    "48": N_("Credit notes on grids 44 and 46"),
    "49": N_("Other credit notes issued"),
    "54": N_("VAT due on grids 01, 02 and 03"),
    "55": N_("VAT due on acquisitions within the EU"),
    "59": N_("Deductible VAT"),
    "63": N_("Corrections in the State's favour"),
    "64": N_("Corrections in the declarant's favour"),
    "71": N_("VAT due to the State"),
    "72": N_("VAT the State owes back"),
    "81": N_("Purchases of goods for resale"),
    "82": N_("Purchases of services and sundry goods"),
    "83": N_("Purchases of investment goods"),
}


def _this_month() -> str:
    today = brussels_today()
    return f"{today.year}-{today.month:02d}"


def _period(value: str) -> str:
    if not PERIOD.match(value or ""):
        raise NotFound(_("No such month."))
    return value


@console.get("/accounting")
@ui.signed_in(*ui.STAFF_ROLES)
def accounting_home():
    asked = request.args.get("period", "")
    period = asked if PERIOD.match(asked) else _this_month()
    vat = ui.call("accounting", "vat_return", {"period": period})
    trial = ui.call("accounting", "trial_balance", {"period": period})
    language = i18n.language()
    grids = [
        # translated here: a template's `_()` would read the "%" of "21 %" as a placeholder
        {"grid": grid, "label": _(GRIDS[grid]) if grid in GRIDS else None, "amount": amount}
        for grid, amount in vat["grids"].items()
    ]
    accounts = [
        dict(row, name=(row.get("label") or {}).get(language) or (row.get("label") or {}).get("fr"))
        for row in trial["accounts"]
    ]
    return ui.render(
        "console/accounting/home.html",
        period=period,
        vat=vat,
        grids=grids,
        trial=dict(trial, accounts=accounts),
        book_formats=BOOK_FORMATS,
        error=_("Not a month: YYYY-MM, such as 2026-11.") if asked and asked != period else None,
    )


@console.get("/accounting/<period>/vat-return.xml")
@ui.signed_in(*ui.STAFF_ROLES)
def accounting_vat_xml(period):
    vat = ui.call("accounting", "vat_return", {"period": _period(period)})
    return ui.download(
        {
            "filename": f"vat-return-{vat['period']}.xml",
            "content_type": "application/xml",
            "content": base64.b64encode(vat["intervat_xml"].encode("utf-8")).decode("ascii"),
        }
    )


@console.get("/accounting/<period>/books/<book_format>")
@ui.signed_in(*ui.STAFF_ROLES)
def accounting_books(period, book_format):
    if book_format not in BOOK_FORMATS:
        raise NotFound(_("No such export."))
    payload = {"period": _period(period), "format": book_format}
    return ui.download(ui.call("accounting", "export_books", payload))


@console.get("/accounting/<period>/pack")
@ui.signed_in(*ui.STAFF_ROLES)
def accounting_pack(period):
    return ui.download(ui.call("accounting", "export_pack", {"period": _period(period)}))


@console.get("/accounting/listing/<int:year>.xml")
@ui.signed_in(*ui.STAFF_ROLES)
def accounting_client_listing(year):
    if not 2000 <= year <= 2100:
        raise NotFound(_("No such year."))
    listing = ui.call("accounting", "client_listing", {"year": year})
    return ui.download(
        {
            "filename": f"client-listing-{year}.xml",
            "content_type": "application/xml",
            "content": base64.b64encode(listing["intervat_xml"].encode("utf-8")).decode("ascii"),
        }
    )

"""The WinBooks import file: a zip holding ACT.txt, the ACT layout (36 quoted comma-separated
columns, UTF-8), one row per entry line (docs/domain/accounting.md "WinBooks ACT").

Journal codes are the cooperative's usual ones (VEN, VENNC, ACH, ACHNC, BNK, SAL, OD); each
is created once in the WinBooks dossier. The book year is counted from 2026 (`1`), the first
year the suite keeps books; a dossier that starts earlier maps it on import.
"""

from __future__ import annotations

import csv
import io
import zipfile
from decimal import Decimal

COLUMNS = (
    "DOCTYPE",
    "DBKCODE",
    "DBKTYPE",
    "DOCNUMBER",
    "DOCORDER",
    "OPCODE",
    "ACCOUNTGL",
    "ACCOUNTRP",
    "BOOKYEAR",
    "PERIOD",
    "DATE",
    "DATEDOC",
    "DUEDATE",
    "COMMENT",
    "COMMENTEXT",
    "AMOUNT",
    "AMOUNTEUR",
    "VATBASE",
    "VATCODE",
    "CURRAMOUNT",
    "CURRCODE",
    "CUREURBASE",
    "VATTAX",
    "VATIMPUT",
    "CURRATE",
    "REMINDLEV",
    "MATCHNO",
    "OLDDATE",
    "ISMATCHED",
    "ISLOCKED",
    "ISIMPORTED",
    "ISPOSITIVE",
    "ISTEMP",
    "MEMOTYPE",
    "ISDOC",
    "DOCSTATUS",
)
FIRST_BOOK_YEAR = 2026
YEAR_CODES = "123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# WinBooks' Belgian VAT codes by return grid (sales by rate or regime, purchases of services)
SALES_CODES = {
    "03": "211400",
    "02": "211300",
    "01": "211200",
    "00": "211100",
    "45": "212000",
    "46": "221000",
    "44": "222000",
    "47": "231000",
}
RATE_CODES = {Decimal("0.21"): "211400", Decimal("0.12"): "211300", Decimal("0.06"): "211200"}
PURCHASE_CODE = "112104"
# DBKTYPE: 0/1 purchase invoice/credit note, 2/3 sales invoice/credit note, 4 statement, 5 other
JOURNALS = {
    "invoice": ("VEN", "2"),
    "credit_note": ("VENNC", "3"),
    "expense": ("ACH", "0"),
    "payment": ("BNK", "4"),
    "unmatched": ("BNK", "4"),
    "payslip": ("SAL", "5"),
    "contribution": ("OD", "5"),
}


def _ymd(iso: str | None) -> str:
    return (iso or "").replace("-", "")


def _vat_code(line: dict, base: Decimal | None) -> str:
    grid = line["vat_grid"]
    if grid in SALES_CODES:
        return SALES_CODES[grid]
    if grid in ("82", "59", "85", "63"):
        return PURCHASE_CODE
    if grid in ("54", "64") and base:
        vat = abs(Decimal(line["credit"]) - Decimal(line["debit"]))
        rate = (vat / abs(base)).quantize(Decimal("0.01"))
        return RATE_CODES.get(rate, "211400")
    return ""


class WinbooksExport:
    name = "winbooks"
    content_type = "application/zip"

    def filename(self, cooperative: str, period: str) -> str:
        return f"winbooks-{cooperative}-{period}.zip"

    def act(self, entries: list[dict]) -> bytes:
        out = io.StringIO()
        writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
        for entry in entries:
            code, kind = JOURNALS.get(entry["source"], ("OD", "5"))
            credit_note = entry["source"] == "credit_note" or (
                entry["source"] == "expense"
                and any(line["vat_grid"] in ("85", "63") for line in entry["lines"])
            )
            if entry["source"] == "expense" and credit_note:
                code, kind = "ACHNC", "1"
            year = YEAR_CODES[max(0, int(entry["date"][:4]) - FIRST_BOOK_YEAR)]
            base = None
            for order, line in enumerate(entry["lines"], start=1):
                amount = Decimal(line["debit"]) - Decimal(line["credit"])
                party = line["account"] in ("400", "440") or line.get("party")
                doctype = (
                    "1"
                    if line["account"].startswith("40")
                    else "2"
                    if line["account"].startswith("44")
                    else "3"
                )
                vat_line = line["vat_grid"] in ("54", "64", "59", "63")
                vat_base = ""
                if vat_line and base is not None:
                    vat_base = (
                        f"{(-base if credit_note else base):.2f}"
                        if entry["source"] != "expense"
                        else f"{base:.2f}"
                    )
                row = {
                    "DOCTYPE": doctype if party else "3",
                    "DBKCODE": code,
                    "DBKTYPE": kind,
                    "DOCNUMBER": str(entry["number"]),
                    "DOCORDER": "VAT" if vat_line else f"{order:03d}",
                    "ACCOUNTGL": line["account"],
                    "ACCOUNTRP": (line["partner"] or "")[:10].upper() if party else "",
                    "BOOKYEAR": year,
                    "PERIOD": entry["period"][5:],
                    "DATE": _ymd(entry["date"]),
                    "DATEDOC": _ymd(entry["document_date"]),
                    "DUEDATE": _ymd(entry.get("due_date")),
                    "COMMENT": entry["description"][:40],
                    "AMOUNT": "0.00",
                    "AMOUNTEUR": f"{amount:.2f}",
                    "VATBASE": vat_base,
                    "VATCODE": _vat_code(line, base) if line["vat_grid"] else "",
                    "CURRAMOUNT": "0.00",
                    "CUREURBASE": "0.00",
                    "VATTAX": "0.00",
                    "CURRATE": "0.0000000",
                    "ISMATCHED": "F",
                    "ISLOCKED": "F",
                    "ISIMPORTED": "F",
                    "ISPOSITIVE": "T" if amount >= 0 else "F",
                    "ISTEMP": "F",
                    "ISDOC": "T" if order == 1 else "F",
                }
                writer.writerow([row.get(name, "") for name in COLUMNS])
                if line["vat_grid"] and not vat_line:
                    base = abs(Decimal(line["credit"]) - Decimal(line["debit"]))
        return out.getvalue().encode("utf-8")

    def render(self, entries: list[dict], period: str) -> bytes:
        """The zip, byte for byte the same for the same entries: stored (not deflated) and
        dated on the period's first day, so a golden file can pin it."""
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
            info = zipfile.ZipInfo("ACT.txt", date_time=(int(period[:4]), int(period[5:]), 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            archive.writestr(info, self.act(entries))
        return buffer.getvalue()

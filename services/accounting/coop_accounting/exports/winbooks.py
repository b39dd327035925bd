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
    "bank_debit": ("BNK", "4"),
    "payment_instruction": ("OD", "5"),
    "payslip": ("SAL", "5"),
    "contribution": ("OD", "5"),
}


# The VAT code of a base without VAT (DOCTYPE 4 row), by the revenue account of the default chart
# when the grid alone does not tell (a credit note's 48/49 serves several regimes).
ZERO_VAT_BY_ACCOUNT = {"7005": "212000", "7006": "221000", "70061": "222000", "7007": "231000"}
VAT_GRIDS = ("54", "64", "59", "63")
PURCHASE_GRIDS = ("82", "59", "85", "63")


def _ymd(iso: str | None) -> str:
    return (iso or "").replace("-", "")


def _vat_code(line: dict, base: Decimal | None) -> str:
    """The code of a VAT line: the purchase code, else the sales code of the rate (a credit note
    takes the invoice's code: WinBooks reads the credit note from the journal type)."""
    if line["vat_grid"] in PURCHASE_GRIDS:
        return PURCHASE_CODE
    if base:
        vat = abs(Decimal(line["credit"]) - Decimal(line["debit"]))
        rate = (vat / abs(base)).quantize(Decimal("0.01"))
        return RATE_CODES.get(rate, "211400")
    return ""


def _zero_vat_code(line: dict) -> str:
    return SALES_CODES.get(line["vat_grid"]) or ZERO_VAT_BY_ACCOUNT.get(line["account"], "211100")


class WinbooksExport:
    name = "winbooks"
    content_type = "application/zip"

    def filename(self, cooperative: str, period: str) -> str:
        return f"winbooks-{cooperative}-{period}.zip"

    def act(self, entries: list[dict]) -> bytes:
        """One row per entry line, and for a base without VAT (intra-EU, co-contractor, export,
        exempt) the extra DOCTYPE 4 row that carries its base and VAT code.

        Checked against the layout and the reference implementation's golden file
        (docs/domain/accounting.md "WinBooks ACT"): VATBASE is the base as a positive amount on
        the VAT line, credit notes included (the journal type, 1 or 3, says it is a credit
        note); VATCODE sits on the VAT line and the DOCTYPE 4 row only; ISPOSITIVE, whose
        meaning is not confirmed, is left empty as the reference leaves that column."""
        out = io.StringIO()
        writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
        for entry in entries:
            code, kind = JOURNALS.get(entry["source"], ("OD", "5"))
            if entry["source"] == "expense" and any(
                line["vat_grid"] in ("85", "63") for line in entry["lines"]
            ):
                code, kind = "ACHNC", "1"
            common = {
                "DBKCODE": code,
                "DBKTYPE": kind,
                "DOCNUMBER": str(entry["number"]),
                "BOOKYEAR": YEAR_CODES[max(0, int(entry["date"][:4]) - FIRST_BOOK_YEAR)],
                "PERIOD": entry["period"][5:],
                "DATE": _ymd(entry["date"]),
                "DATEDOC": _ymd(entry["document_date"]),
                "DUEDATE": _ymd(entry.get("due_date")),
                "COMMENT": entry["description"][:40],
                "AMOUNT": "0.00",
                "CURRAMOUNT": "0.00",
                "CUREURBASE": "0.00",
                "VATTAX": "0.00",
                "CURRATE": "0.0000000",
                "ISMATCHED": "F",
                "ISLOCKED": "F",
                "ISIMPORTED": "F",
                "ISTEMP": "F",
            }
            lines = entry["lines"]
            base = None
            for order, line in enumerate(lines, start=1):
                amount = Decimal(line["debit"]) - Decimal(line["credit"])
                party = line["account"] in ("400", "440")
                doctype = (
                    "1"
                    if line["account"].startswith("40")
                    else "2"
                    if line["account"].startswith("44")
                    else "3"
                )
                vat_line = line["vat_grid"] in VAT_GRIDS
                row = dict(
                    common,
                    DOCTYPE=doctype if party else "3",
                    DOCORDER="VAT" if vat_line else f"{order:03d}",
                    ACCOUNTGL=line["account"],
                    ACCOUNTRP=(line["partner"] or "")[:10].upper() if party else "",
                    AMOUNTEUR=f"{amount:.2f}",
                    VATBASE=f"{base:.2f}" if vat_line and base is not None else "",
                    VATCODE=_vat_code(line, base) if vat_line else "",
                    ISDOC="T" if order == 1 else "F",
                )
                writer.writerow([row.get(name, "") for name in COLUMNS])
                if line["vat_grid"] and not vat_line:
                    base = abs(amount)
                    following = lines[order] if order < len(lines) else None
                    if line["vat_grid"] not in PURCHASE_GRIDS and not (
                        following and following["vat_grid"] in VAT_GRIDS
                    ):
                        zero = dict(
                            common,
                            DOCTYPE="4",
                            DOCORDER=f"{order:03d}",
                            AMOUNTEUR="0.00",
                            VATBASE=f"{base:.2f}",
                            VATCODE=_zero_vat_code(line),
                            ISDOC="F",
                        )
                        writer.writerow([zero.get(name, "") for name in COLUMNS])
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

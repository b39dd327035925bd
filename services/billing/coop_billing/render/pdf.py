"""The invoice (or credit note) as a PDF in the customer's language, with every mention of
art. 5 §1 of Royal Decree no. 1 and CSA art. 2:20 (docs/domain/vat-and-invoices.md), the
structured communication and an EPC QR code. Set in DejaVu Sans, embedded
(coop_shared.pdf_fonts), so accents, '€' and the French thousands separator print."""

from __future__ import annotations

import functools
import io
from datetime import date
from decimal import Decimal

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from coop_billing.domain import content, vat
from coop_billing.domain.epc_qr import epc_payload
from coop_billing.domain.states import DocumentKind
from coop_billing.domain.structured_communication import display
from coop_billing.render import qr
from coop_billing.render.labels import LABELS
from coop_shared.formatting import amount_text
from coop_shared.money import Money
from coop_shared.pdf_fonts import BOLD, REGULAR, stylesheet
from coop_shared.pdf_text import escape


def rate_text(value) -> str:
    return f"{(Decimal(value) * 100).normalize():f} %"


class QrCode(Flowable):
    """An EPC QR code drawn as vector squares (no image library needed)."""

    def __init__(self, payload: str, size=32 * mm):
        super().__init__()
        self.matrix = qr.matrix(payload)  # segno.make(payload, error="m", micro=False)'s modules
        self.width = self.height = size

    def draw(self):
        """The dark modules in module units, scaled once, a filled rectangle per horizontal run.
        Drawn square by square through canvas.rect (its coordinates formatted in Python), the
        code cost a fifth of an invoice's rendering (issue 18); what is drawn is the same."""
        border = 4
        count = len(self.matrix) + 2 * border
        self.canv.setFillColor(colors.black)
        self.canv.scale(self.width / count, self.height / count)
        self.canv.addLiteral(qr_path(self.matrix, border))


def qr_path(matrix, border: int) -> str:
    """PDF operators filling the dark modules of matrix (row 0 on top) inside a quiet zone of
    border modules, a module being one unit: `x y width 1 re f` per horizontal run."""
    top = len(matrix) + border - 1
    runs = []
    for y, row in enumerate(matrix):
        line = bytes(row)
        x = line.find(1)
        while x != -1:
            end = line.find(0, x)
            end = len(line) if end == -1 else end
            runs.append(f"{x + border} {top - y} {end - x} 1 re f")
            x = line.find(1, end)
    return "\n".join(runs)


def _party(lines: list[str], style) -> Paragraph:
    return Paragraph("<br/>".join(escape(line) for line in lines if line), style)


def _address(address: dict | None, language: str) -> list[str]:
    if not address:
        return []
    return [
        address.get("street", ""),
        f"{address.get('postal_code', '')} {address.get('city', '')}",
        content.country_name(address.get("country"), language),
    ]


def legal_name(seller: dict, language: str) -> str:
    """The cooperative's name with its legal form in the document's language (CSA art. 2:20)."""
    form = content.legal_form(seller.get("legal_form"), language)
    return " ".join(x for x in (seller.get("name"), form) if x)


def _supply_text(data: dict, t: dict) -> str | None:
    """The date of supply or the invoicing period (AR n°1 art. 5 §1 7°), when given."""
    if data.get("period_start"):
        return f"{t['period']}: {data['period_start']} {t['period_to']} {data['period_end']}"
    if data.get("supply_date"):
        return f"{t['supply_date']}: {data['supply_date']}"
    return None


def render(invoice: dict, credited: dict | None = None) -> tuple[bytes, str | None]:
    """PDF bytes and the EPC QR payload (None for credit notes, which are not paid)."""
    seller, buyer, activity = invoice["seller"], invoice["buyer"], invoice["activity"] or {}
    language = buyer.get("language") or "fr"
    t = LABELS[language]
    heading, body, small = _styles()
    title = t["credit_note"] if invoice["kind"] == DocumentKind.CREDIT_NOTE else t["invoice"]
    story = [_parties(seller, buyer, t, body, language), Spacer(1, 6 * mm)]
    story.append(Paragraph(f"<b>{title} {escape(invoice['number'])}</b>", heading))
    story += [_facts(invoice, activity, credited, t, body), Spacer(1, 4 * mm)]
    story += [_lines(invoice, t, body, language), Spacer(1, 4 * mm)]
    story += [_totals(invoice, t, language), Spacer(1, 4 * mm)]
    mentions = (
        [vat.MENTIONS[invoice["vat_regime"]][language]] if invoice["vat_regime"] in vat.MENTIONS else []
    )
    payload = None
    if invoice["kind"] == DocumentKind.CREDIT_NOTE:
        mentions.append(t["credit_mention"])
    else:
        payload, transfer = _transfer(invoice, t, body, language)
        story.append(transfer)
        mentions += _late_clauses(buyer, seller, t)
    mentions.append(_supplier_wording(seller, activity, t, language))
    story.append(Spacer(1, 4 * mm))
    story += [Paragraph(escape(mention), small) for mention in mentions]
    return _build(story, f"{title} {invoice['number']}", seller, payload), payload


@functools.cache
def _styles():
    """The title's, the body's and the mentions' styles, built once per process (issue 18)."""
    styles = stylesheet()
    return (
        styles["Heading2"],
        styles["BodyText"].clone("body", fontSize=9, leading=11),
        styles["BodyText"].clone("small", fontSize=8, leading=10),
    )


def _late_clauses(buyer: dict, seller: dict, t: dict) -> list[str]:
    """Businesses: the law of 2 August 2002 (art. 5 rate, art. 6 €40). Consumers: Book XIX CDE,
    the free reminder and only what the cooperative's terms provide (docs/domain/late-payment.md)."""
    if buyer.get("kind") != "person":
        return [t["late"]]
    terms = seller.get("consumer_terms") or {}
    clauses = [t["late_consumer"]]
    if terms.get("consumer_interest", True):
        clauses.append(t["late_consumer_interest"])
    if terms.get("consumer_lump_sum", False):
        clauses.append(t["late_consumer_lump_sum"])
    return clauses


def _supplier_wording(seller: dict, activity: dict, t: dict, language: str) -> str:
    """The cooperative is the supplier; the activity's trade name is a trade name of it."""
    return t["issued_by"].format(
        cooperative=legal_name(seller, language),
        trade_name=activity.get("trade_name") or activity.get("name") or "",
        code=activity.get("code", ""),
    )


def _parties(seller: dict, buyer: dict, t: dict, body, language: str) -> Table:
    """The cooperative with its legal identity (left) and the customer (right)."""
    seller_lines = [legal_name(seller, language)]
    seller_lines += _address(seller.get("address"), language)
    register = content.register(seller.get("register"), language)
    seller_lines += [
        f"{t['vat']} {seller.get('vat_number')}",
        f"{t['enterprise']} {seller.get('enterprise_number')}" + (f" · {register}" if register else ""),
        f"IBAN {seller.get('iban')}" + (f" · BIC {seller['bic']}" if seller.get("bic") else ""),
        seller.get("email"),
    ]
    buyer_lines = [f"{t['customer']}:", buyer.get("name")] + _address(buyer.get("address"), language)
    if buyer.get("vat_number"):
        buyer_lines.append(f"{t['vat']} {buyer['vat_number']}")
    return _plain(
        Table([[_party(seller_lines, body), _party(buyer_lines, body)]], colWidths=[95 * mm, 80 * mm])
    )


def _facts(invoice: dict, activity: dict, credited: dict | None, t: dict, body) -> Paragraph:
    """Dates, activity, the buyer's reference; for a credit note, the invoice it corrects."""
    facts = [f"{t['issue_date']}: {invoice['issue_date']}"]
    if invoice["kind"] == DocumentKind.INVOICE:
        facts.append(f"{t['due_date']}: {invoice['due_date']}")
    if activity:
        facts.append(
            f"{t['activity']}: {activity.get('trade_name') or activity.get('name')} ({activity.get('code')})"
        )
    supply = _supply_text(invoice, t)
    if supply and content.differs_from_issue(_dates(invoice), _day(invoice["issue_date"])):
        facts.append(supply)
    if invoice.get("renovation_declaration"):
        facts.append(t["renovation_declaration"])
    if invoice.get("buyer_reference"):
        facts.append(f"Ref.: {invoice['buyer_reference']}")
    if credited:
        facts.append(f"{t['credits']} {credited['number']} ({credited['issue_date']})")
        facts.append(f"{t['reason']}: {invoice.get('reason')}")
    return _party(facts, body)


def _day(text):
    return date.fromisoformat(text) if text else None


def _dates(data: dict) -> dict:
    return {field: _day(data.get(field)) for field in ("supply_date", "period_start", "period_end")}


def _lines(invoice: dict, t: dict, body, language: str) -> Table:
    """Each line with its quantity and unit in words, and its own supply date or period."""
    rows = [[t["description"], t["quantity"], t["unit"], t["unit_price"], t["rate"], t["net"]]]
    for line in invoice["lines"]:
        description = escape(line["description"])
        supply = _supply_text(line, t)
        if supply:
            description += f"<br/><font size=7>{escape(supply)}</font>"
        rows.append(
            [
                Paragraph(description, body),
                line["quantity"],
                content.unit_name(line.get("unit"), language),
                amount_text(line["unit_price"], language),
                rate_text(line["vat_rate"]),
                amount_text(line["net_amount"], language),
            ]
        )
    return _grid(rows, [66 * mm, 14 * mm, 16 * mm, 28 * mm, 16 * mm, 36 * mm])


def _totals(invoice: dict, t: dict, language: str) -> Table:
    """The VAT breakdown per category and rate, then the three totals."""
    breakdown = [[t["breakdown"], t["rate"], t["taxable"], t["vat"]]]
    for item in invoice["vat_breakdown"]:
        breakdown.append(
            [
                item["category"],
                rate_text(item["rate"]),
                amount_text(item["taxable_amount"], language),
                amount_text(item["vat_amount"], language),
            ]
        )
    breakdown += [
        [t["total_excl"], "", "", amount_text(invoice["total_excl_vat"], language)],
        [t["total_vat"], "", "", amount_text(invoice["total_vat"], language)],
        [t["total_incl"], "", "", amount_text(invoice["total_incl_vat"], language)],
    ]
    return _grid(breakdown, [60 * mm, 25 * mm, 45 * mm, 45 * mm])


def _transfer(invoice: dict, t: dict, body, language: str) -> tuple[str, Table]:
    """The EPC QR payload, and the block telling how to pay with the QR code beside it."""
    seller = invoice["seller"]
    digits = "".join(ch for ch in invoice["structured_communication"] if ch.isdigit())
    # The beneficiary is the cooperative under its full legal name, as its account is held
    # (EPC069-12 name line, at most 70 characters; epc_payload cuts beyond).
    beneficiary = " ".join(x for x in (seller.get("name"), seller.get("legal_form")) if x)
    payload = epc_payload(
        beneficiary, seller["iban"], Money.of(invoice["total_incl_vat"]), digits, bic=seller.get("bic")
    )
    pay = _party(
        [
            f"{t['pay_to']} {seller['iban']}" + (f" (BIC {seller['bic']})" if seller.get("bic") else ""),
            f"{t['communication']}: {display(digits)}",
            f"{t['due_date']}: {invoice['due_date']} · {amount_text(invoice['total_incl_vat'], language)}",
            t["scan"],
        ],
        body,
    )
    return payload, _plain(Table([[pay, QrCode(payload)]], colWidths=[135 * mm, 40 * mm]))


def _build(story: list, title: str, seller: dict, payload: str | None) -> bytes:
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=17 * mm,
        rightMargin=17 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=title,
        author=seller.get("name"),
        subject=payload or "",
    )
    document.build(story)
    return buffer.getvalue()


# Table styles are plain lists of commands, read when a table is laid out: built once (issue 18).
PLAIN = TableStyle([("FONT", (0, 0), (-1, -1), REGULAR, 8)])
GRID = TableStyle(
    [
        ("FONT", (0, 0), (-1, 0), BOLD, 8),
        ("FONT", (0, 1), (-1, -1), REGULAR, 8),
        ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
    ]
)


def _plain(table: Table) -> Table:
    """A layout table in the embedded font (a cell's default font would declare Helvetica)."""
    table.setStyle(PLAIN)
    return table


def _grid(rows, widths) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(GRID)
    return table

"""The payslip (or company director's remuneration statement) in the member's language: every line
with its base, rate and amount, the rules version, the activity balance before and after."""

from __future__ import annotations

import io
from decimal import Decimal

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from coop_shared.formatting import amount_text
from coop_shared.pdf_fonts import BOLD, REGULAR, stylesheet
from coop_shared.pdf_text import escape

WORDS = {
    "fr": {
        "title": "Fiche de paie",
        "period": "Période",
        "gross": "Brut",
        "net": "Net à payer",
        "cost": "Coût total pour l'activité",
        "line": "Élément",
        "base": "Base",
        "rate": "Taux",
        "amount": "Montant",
        "by": "À charge de",
        "member": "travailleur",
        "cooperative": "coopérative",
        "balance_before": "Solde de l'activité avant",
        "balance_after": "Solde après",
        "rules": "Règles de calcul",
        "iban": "Versé sur",
    },
    "nl": {
        "title": "Loonbrief",
        "period": "Periode",
        "gross": "Bruto",
        "net": "Netto te betalen",
        "cost": "Totale kost voor de activiteit",
        "line": "Element",
        "base": "Basis",
        "rate": "Tarief",
        "amount": "Bedrag",
        "by": "Ten laste van",
        "member": "werknemer",
        "cooperative": "coöperatie",
        "balance_before": "Saldo van de activiteit vooraf",
        "balance_after": "Saldo nadien",
        "rules": "Rekenregels",
        "iban": "Gestort op",
    },
    "en": {
        "title": "Payslip",
        "period": "Period",
        "gross": "Gross",
        "net": "Net to pay",
        "cost": "Total cost to the activity",
        "line": "Item",
        "base": "Base",
        "rate": "Rate",
        "amount": "Amount",
        "by": "Borne by",
        "member": "member",
        "cooperative": "cooperative",
        "balance_before": "Activity balance before",
        "balance_after": "Balance after",
        "rules": "Rules",
        "iban": "Paid to",
    },
}


def render(
    payslip: dict,
    member: dict,
    cooperative_name: str,
    vocabulary: dict | None = None,
    mentions: list[tuple[str, str]] | None = None,
) -> bytes:
    """`vocabulary` is the status model's words per language (StatusModel.vocabulary) over the
    defaults: a company director's statement never reads like a payslip. `mentions`: the
    (label, value) rows the law requires on an employee's payslip (domain/payslip_mentions.py)."""
    language = member.get("language") or "fr"
    w = dict(WORDS[language], **(vocabulary or {}).get(language, {}))
    styles = stylesheet()
    title = w["title"]
    story = [
        Paragraph(f"<b>{escape(title)}</b> — {escape(cooperative_name)}", styles["Heading2"]),
        Paragraph(
            f"{escape(member['name'])} · {w['period']} {escape(payslip['period'])}", styles["BodyText"]
        ),
        Spacer(1, 4 * mm),
    ]
    if mentions:
        story += [_mentions_table(mentions, styles), Spacer(1, 4 * mm)]
    story += [_lines_table(payslip, w, language, styles), Spacer(1, 4 * mm)]
    for text in (
        f"{w['iban']}: {member.get('iban')}",
        f"{w['balance_before']}: {amount_text(payslip['balance_before'], language)} · "
        f"{w['balance_after']}: {amount_text(payslip['balance_after'], language)}",
        f"{w['rules']}: {payslip['rules_version']}",
        *payslip.get("notes", []),
    ):
        story.append(Paragraph(escape(text), styles["BodyText"]))  # the IBAN, notes: data, not markup
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title=f"{title} {payslip['period']}").build(story)
    return buffer.getvalue()


def _mentions_table(mentions: list[tuple[str, str]], styles) -> Table:
    rows = [[label, Paragraph(escape(value), styles["BodyText"])] for label, value in mentions]
    table = Table(rows, colWidths=[55 * mm, 120 * mm])
    table.setStyle(TableStyle([("FONT", (0, 0), (0, -1), BOLD, 8), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def _lines_table(payslip: dict, w: dict, language: str, styles) -> Table:
    """Gross, every line with its base, rate and amount, then the net and the total cost."""
    rows = [
        [w["line"], w["base"], w["rate"], w["amount"], w["by"]],
        [w["gross"], "", "", amount_text(payslip["gross"], language), ""],
    ]
    for line in payslip["lines"]:
        rate = f"{(Decimal(line['rate']) * 100).normalize():f} %" if line["rate"] else ""
        rows.append(
            [
                Paragraph(escape(line["label"]), styles["BodyText"]),
                amount_text(line["base"], language) if line["base"] else "",
                rate,
                amount_text(line["amount"], language),
                w[line["borne_by"]],
            ]
        )
    rows += [
        [w["net"], "", "", amount_text(payslip["net_to_pay"], language), ""],
        [w["cost"], "", "", amount_text(payslip["total_cost"], language), ""],
    ]
    table = Table(rows, colWidths=[70 * mm, 30 * mm, 18 * mm, 30 * mm, 27 * mm])
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, 0), BOLD, 8),
                ("FONT", (0, 1), (-1, -1), REGULAR, 8),
                ("ALIGN", (1, 0), (3, -1), "RIGHT"),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
            ]
        )
    )
    return table

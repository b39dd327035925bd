"""The yearly individual account as a PDF in the member's language: a row per payslip with its
gross, personal contributions, withholding tax and net, and the year's totals."""

from __future__ import annotations

import io

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from coop_payroll.domain.payslip_mentions import WORDS as KINDS
from coop_shared.formatting import amount_text
from coop_shared.pdf_fonts import BOLD, REGULAR, stylesheet
from coop_shared.pdf_text import escape

WORDS = {
    "fr": {
        "title": "Compte individuel",
        "period": "Période",
        "kind": "Nature",
        "gross": "Brut",
        "contributions": "Cotisations personnelles",
        "withholding": "Précompte professionnel",
        "net_to_pay": "Net",
        "total": "Total",
        "worker": "Travailleur",
        "employer": "Employeur",
    },
    "nl": {
        "title": "Individuele rekening",
        "period": "Periode",
        "kind": "Aard",
        "gross": "Bruto",
        "contributions": "Persoonlijke bijdragen",
        "withholding": "Bedrijfsvoorheffing",
        "net_to_pay": "Netto",
        "total": "Totaal",
        "worker": "Werknemer",
        "employer": "Werkgever",
    },
    "en": {
        "title": "Individual account",
        "period": "Period",
        "kind": "Kind",
        "gross": "Gross",
        "contributions": "Personal contributions",
        "withholding": "Withholding tax",
        "net_to_pay": "Net",
        "total": "Total",
        "worker": "Worker",
        "employer": "Employer",
    },
}
COLUMNS = ("gross", "contributions", "withholding", "net_to_pay")


def render(account: dict, language: str) -> bytes:
    w = WORDS.get(language, WORDS["fr"])
    kinds = KINDS.get(language, KINDS["fr"])
    styles = stylesheet()
    story = [
        Paragraph(f"<b>{w['title']} {escape(account['year'])}</b>", styles["Heading2"]),
        Paragraph(f"{w['employer']}: {escape(account['employer'])}", styles["BodyText"]),
        Paragraph(f"{w['worker']}: {escape(account['member_name'])}", styles["BodyText"]),
        Spacer(1, 4 * mm),
    ]
    rows = [[w["period"], w["kind"], *(w[c] for c in COLUMNS)]]
    for row in account["months"]:
        rows.append(
            [
                row["period"],
                kinds.get(row["kind"], row["kind"]),
                *(amount_text(row[c], language) for c in COLUMNS),
            ]
        )
    rows.append([w["total"], "", *(amount_text(account["totals"][c], language) for c in COLUMNS)])
    table = Table(rows, colWidths=[18 * mm, 42 * mm, 28 * mm, 30 * mm, 30 * mm, 28 * mm])
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, 0), BOLD, 8),
                ("FONT", (0, 1), (-1, -1), REGULAR, 8),
                ("FONT", (0, -1), (-1, -1), BOLD, 8),
                ("ALIGN", (2, 0), (-1, -1), "RIGHT"),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
            ]
        )
    )
    story.append(table)
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title=f"{w['title']} {account['year']}").build(story)
    return buffer.getvalue()

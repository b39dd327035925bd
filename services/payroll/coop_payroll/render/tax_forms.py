"""A member's copy of their yearly form (281.10 or 281.20) as a PDF in their language: the
codes as filed through Belcotax-on-web, in euros (docs/domain/tax-forms.md). A company
director's form uses a director's words only."""

from __future__ import annotations

import io
from decimal import Decimal

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from coop_payroll.domain.tax_forms import FORM_281_10, Fiche
from coop_shared.formatting import amount_text
from coop_shared.pdf_fonts import BOLD, REGULAR, stylesheet
from coop_shared.pdf_text import escape

TITLES = {
    FORM_281_10: {
        "fr": "Fiche 281.10 — rémunérations des travailleurs",
        "nl": "Fiche 281.10 — bezoldigingen van werknemers",
        "en": "Form 281.10 — employees' pay",
    },
    "281.20": {
        "fr": "Fiche 281.20 — rémunérations des dirigeants d'entreprise",
        "nl": "Fiche 281.20 — bezoldigingen van bedrijfsleiders",
        "en": "Form 281.20 — company directors' remuneration",
    },
}
# Each code's words, per language (the FPS form's codes: 250, 251, 286, 287, 284 on the 281.10;
# 400, 402, 403, 406 on the 281.20).
CODES = {
    "f10_2060_gewonebezoldiginge": {
        "fr": "Rémunérations ordinaires (250)",
        "nl": "Gewone bezoldigingen (250)",
        "en": "Ordinary pay (250)",
    },
    "f10_2063_vervroegdvakantieg": {
        "fr": "Pécule de vacances anticipé (251)",
        "nl": "Vervroegd vakantiegeld (251)",
        "en": "Early holiday pay (251)",
    },
    "f10_2062_totaal": {"fr": "Total", "nl": "Totaal", "en": "Total"},
    "f10_2074_bedrijfsvoorheffing": {
        "fr": "Précompte professionnel (286)",
        "nl": "Bedrijfsvoorheffing (286)",
        "en": "Withholding tax (286)",
    },
    "f10_2075_bijzonderbijdrage": {
        "fr": "Cotisation spéciale de sécurité sociale (287)",
        "nl": "Bijzondere bijdrage voor de sociale zekerheid (287)",
        "en": "Special social security contribution (287)",
    },
    "f10_2115_bonus": {"fr": "Bonus à l'emploi (284)", "nl": "Werkbonus (284)", "en": "Work bonus (284)"},
    "f20_2060_periodieke": {
        "fr": "Rémunérations périodiques (400)",
        "nl": "Periodieke bezoldigingen (400)",
        "en": "Periodic remuneration (400)",
    },
    "f20_2062_anderebezoldiginge": {
        "fr": "Autres rémunérations (402)",
        "nl": "Andere bezoldigingen (402)",
        "en": "Other remuneration (402)",
    },
    "f20_2063_totaal": {"fr": "Total (403)", "nl": "Totaal (403)", "en": "Total (403)"},
    "f20_2066_totaalbedrijfsvoorheffing": {
        "fr": "Précompte professionnel (406)",
        "nl": "Bedrijfsvoorheffing (406)",
        "en": "Withholding tax (406)",
    },
}
WORDS = {
    "fr": {
        "year": "Revenus",
        "debtor": "Débiteur",
        "for": "Bénéficiaire",
        "code": "Rubrique",
        "amount": "Montant",
    },
    "nl": {
        "year": "Inkomsten",
        "debtor": "Schuldenaar",
        "for": "Verkrijger",
        "code": "Rubriek",
        "amount": "Bedrag",
    },
    "en": {"year": "Income", "debtor": "Debtor", "for": "Beneficiary", "code": "Item", "amount": "Amount"},
}


def render(year: int, fiche: Fiche, language: str, debtor_name: str, enterprise_number: str) -> bytes:
    language = language if language in WORDS else "fr"
    w, styles = WORDS[language], stylesheet()
    title = TITLES[fiche.form][language]
    rows = [[w["code"], w["amount"]]]
    for code, labels in CODES.items():
        if code in fiche.codes:
            rows.append([labels[language], amount_text(str(Decimal(fiche.codes[code]) / 100), language)])
    table = Table(rows, colWidths=[120 * mm, 40 * mm])
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, 0), BOLD, 9),
                ("FONT", (0, 1), (-1, -1), REGULAR, 9),
                ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
            ]
        )
    )
    story = [
        Paragraph(f"<b>{escape(title)}</b>", styles["Heading2"]),
        Paragraph(f"{w['year']} {year} · n° {escape(fiche.sequence)}", styles["BodyText"]),
        Paragraph(f"{w['debtor']}: {escape(debtor_name)} ({escape(enterprise_number)})", styles["BodyText"]),
        Paragraph(f"{w['for']}: {escape(fiche.member_name)}", styles["BodyText"]),
        Spacer(1, 4 * mm),
        table,
    ]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title=f"{title} {year}").build(story)
    return buffer.getvalue()

"""A programme's funder report as a PDF, in the shared DejaVu font (coop_shared.pdf_fonts) so
every name and figure prints; anonymous unless the report is nominative
(docs/domain/accompaniment.md)."""

from __future__ import annotations

import io

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from coop_shared.pdf_fonts import BOLD, REGULAR, stylesheet
from coop_shared.pdf_text import escape


def render(report: dict) -> bytes:
    styles = stylesheet()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        title=f"Funder report — {report['programme']}",
    )
    figures = [
        ["Period", f"{report['from']} – {report['to']}"],
        ["Funders", ", ".join(report["funders"]) or "—"],
        ["Participants", str(report["participants"])],
        *[[f"  in phase {phase}", str(count)] for phase, count in report["participants_by_phase"].items()],
        ["Entries", str(report["entries"])],
        ["Exits", str(report["exits"])],
        *[[f"  outcome {outcome}", str(count)] for outcome, count in report["exit_outcomes"].items()],
        ["Hours of accompaniment", report["hours_of_accompaniment"]],
        ["Turnover generated (excl. VAT, EUR)", report["turnover"]],
        ["Rules version", report["rules_version"]],
    ]
    columns = (["Name"] if report["nominative"] else []) + ["Phase", "Entered", "Situation", "Age", "Exit"]
    keys = (["name"] if report["nominative"] else []) + [
        "phase",
        "entered_on",
        "labour_situation",
        "age_band",
        "exit_outcome",
    ]
    rows = [columns] + [[str(row.get(k) or "") for k in keys] for row in report["rows"]]
    style = TableStyle(
        [
            ("FONT", (0, 0), (-1, -1), REGULAR, 9),
            ("FONT", (0, 0), (-1, 0), BOLD, 9),
            ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.grey),
        ]
    )
    story = [
        Paragraph(f"Funder report — {escape(report['programme'])}", styles["Title"]),
        Table(figures, hAlign="LEFT", style=TableStyle([("FONT", (0, 0), (-1, -1), REGULAR, 10)])),
        Spacer(1, 6 * mm),
        Paragraph(
            "Participants" + (" (nominative)" if report["nominative"] else " (anonymous)"), styles["Heading2"]
        ),
        Table(rows, hAlign="LEFT", style=style, repeatRows=1),
    ]
    document.build(story)
    return buffer.getvalue()

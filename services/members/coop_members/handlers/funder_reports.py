"""The report a programme's funders ask for, per period: participants per phase, entries and
exits with their outcomes, hours of accompaniment attended, turnover generated (billing), as
JSON, or a CSV or PDF file (base64); anonymous unless an admin marks it nominative (docs/domain/accompaniment.md)."""

from __future__ import annotations

import base64
import csv
import io
from collections import Counter
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from coop_members.domain import accompaniment
from coop_members.render import funder_report_pdf
from coop_shared.credentials import ADMIN, AUDITOR, STAFF, Identity, acting_cooperative, require_role
from coop_shared.errors import Forbidden, ValidationError

if TYPE_CHECKING:
    from coop_members.clients import BillingClient
    from coop_members.repository import MembersRepository
    from coop_shared.unit_of_work import UnitOfWork

RULES_VERSION = "accompaniment-report/1"


def funder_report(
    uow: UnitOfWork[MembersRepository], identity: Identity, billing: BillingClient, data: dict
) -> dict:
    require_role(identity, ADMIN, STAFF, AUDITOR)
    if data["nominative"] and identity.role != ADMIN:
        raise Forbidden("Only an admin produces a nominative report.")
    start, end = data["from_"], data["to"]
    if end < start:
        raise ValidationError(fields={"to": ["The period ends after it starts."]})
    cooperative_id = acting_cooperative(identity)
    programme = uow.repo.programme(cooperative_id, str(data["programme_id"]))
    participants, phases, outcomes = [], Counter(), Counter()
    entries = exits = 0
    minutes, turnover = 0, Decimal(0)
    for enrolment in uow.repo.enrolments_in(programme.id):
        history = uow.repo.phase_history(enrolment.id)
        entered_on = history[0].effective_on
        if entered_on > end:
            continue
        phase = [p for p in history if p.effective_on <= end][-1].phase
        exit_on = next((p.effective_on for p in history if p.phase == accompaniment.EXIT), None)
        if exit_on is not None and exit_on < start:
            continue  # left before the period: not a participant of it
        phases[phase] += 1
        entries += start <= entered_on
        if exit_on is not None and exit_on <= end:
            exits += 1
            outcomes[enrolment.exit_outcome] += 1
        minutes += sum(
            a.duration_minutes
            for a in uow.repo.appointments_of(enrolment.id)
            if a.attended and start <= a.starts_at.date() <= end
        )
        for activity in uow.repo.activities_of(cooperative_id, enrolment.member_id):
            turnover += billing.revenue(activity.id, start, end)
        row = {
            "phase": phase,
            "entered_on": entered_on.isoformat(),
            "labour_situation": enrolment.entry_profile.get("labour_situation"),
            "age_band": enrolment.entry_profile.get("age_band"),
            "exit_outcome": enrolment.exit_outcome if exit_on and exit_on <= end else None,
        }
        if data["nominative"]:
            member = uow.repo.member(cooperative_id, enrolment.member_id)
            row = {"name": f"{member.first_name} {member.last_name}", **row}
        participants.append(row)
    report = {
        "programme_id": programme.id,
        "programme": programme.name,
        "funders": list(programme.funders),
        "from": start.isoformat(),
        "to": end.isoformat(),
        "participants": len(participants),
        "participants_by_phase": {p: phases[p] for p in accompaniment.PHASES if phases[p]},
        "entries": entries,
        "exits": exits,
        "exit_outcomes": dict(sorted(outcomes.items())),
        "hours_of_accompaniment": str((Decimal(minutes) / 60).quantize(Decimal("0.01"))),
        "turnover": str(turnover.quantize(Decimal("0.01"))),
        "nominative": data["nominative"],
        "rules_version": RULES_VERSION,
        "rows": participants,
    }
    # A file answers as every file of the suite: {"filename", "content_type", "content" (base64)}
    # (the web gateway's FILE_ANSWERS, services/web/coop_web/answers.py).
    if data["format"] == "csv":
        return _file_out("csv", _filename(programme.name, start, end, "csv"), _csv(report).encode("utf-8"))
    if data["format"] == "pdf":
        return _file_out(
            "pdf", _filename(programme.name, start, end, "pdf"), funder_report_pdf.render(report)
        )
    return report


CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "pdf": "application/pdf"}


def _file_out(kind: str, filename: str, content: bytes) -> dict:
    return {
        "format": kind,
        "filename": filename,
        "content_type": CONTENT_TYPES[kind],
        "content": base64.b64encode(content).decode("ascii"),
    }


def _filename(name: str, start: date, end: date, extension: str) -> str:
    slug = "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-")
    return f"{slug}_{start.isoformat()}_{end.isoformat()}.{extension}"


def _csv(report: dict) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["programme", report["programme"]])
    writer.writerow(["period", report["from"], report["to"]])
    writer.writerow(["participants", report["participants"]])
    for phase, count in report["participants_by_phase"].items():
        writer.writerow(["phase", phase, count])
    writer.writerow(["entries", report["entries"]])
    writer.writerow(["exits", report["exits"]])
    for outcome, count in report["exit_outcomes"].items():
        writer.writerow(["exit_outcome", outcome, count])
    writer.writerow(["hours_of_accompaniment", report["hours_of_accompaniment"]])
    writer.writerow(["turnover", report["turnover"]])
    writer.writerow(["rules_version", report["rules_version"]])
    writer.writerow([])
    columns = (["name"] if report["nominative"] else []) + [
        "phase",
        "entered_on",
        "labour_situation",
        "age_band",
        "exit_outcome",
    ]
    writer.writerow(columns)
    for row in report["rows"]:
        writer.writerow([row.get(c) or "" for c in columns])
    return out.getvalue()

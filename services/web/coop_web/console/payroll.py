"""Console pages: payroll. The runs of the cooperative (`payroll.list_runs`), a run prepared for
a month from the active members' activities and their balances (`members.list_members`,
`members.get_members`, `billing.get_balances`, then `payroll.prepare_run`), a run's page with
its problems in words and its payslips fifty at a time (`payroll.get_run`, then
`payroll.list_payslips` for the next pages), closing it (`payroll.close_run`),
its SEPA credit transfer file (`payroll.export_sepa`) and each payslip's PDF
(`payroll.render_payslip`). The services decide who may do what; an auditor sees no form."""

from __future__ import annotations

import re
from datetime import date

from flask import redirect, request

from coop_shared.dates import brussels_today
from coop_shared.errors import BusinessRuleViolation, Conflict, CoopError, ValidationError
from coop_web import ui
from coop_web.console import console
from coop_web.i18n import N_
from coop_web.i18n import gettext as _

PERIOD = re.compile(r"^20\d{2}-(0[1-9]|1[0-2])$")
MODES = (("budget", N_("Budget (total cost)")), ("gross", N_("Gross salary")))
STATUSES = (("draft", N_("Draft")), ("closed", N_("Closed")))

# Each problem of a run in words (its `code`, domain/payslips.py of payroll); the service's own
# message follows, as it names the document, the amount or the rule.
PROBLEMS = {
    "already_paid": N_("Already paid for this month in a closed run."),
    "no_status_model": N_("No status model in force: set one on the member's page."),
    "model_not_installed": N_("The member's status model is not installed."),
    "not_paid": N_("The member's status model pays nothing (a trial, for instance)."),
    "no_right_to_work": N_("No right to work on the last day of the month."),
    "no_iban": N_("No IBAN to receive the net pay."),
    "budget_exceeded": N_("The cost exceeds what the activity holds."),
    "not_eligible": N_("The status model refuses this payment."),
}


def _render(name: str, status: int = 200, **values):
    return ui.render(name, status=status, may_write=ui.may_write(), **values)


def next_period(period: str) -> str:
    year, month = (int(part) for part in period.split("-"))
    return f"{year + month // 12}-{month % 12 + 1:02d}"


def _today_period() -> str:
    today: date = brussels_today()
    return f"{today.year}-{today.month:02d}"


@console.get("/payroll")
@ui.signed_in(*ui.STAFF_ROLES)
def payroll_runs():
    payload = {"limit": 50, "offset": _offset()}
    status = request.args.get("status", "")
    if status in dict(STATUSES):
        payload["status"] = status
    runs = ui.call("payroll", "list_runs", payload)
    return _render(
        "console/payroll/runs.html",
        runs=runs,
        selected=status,
        statuses=STATUSES,
        offset=payload["offset"],
        notice=request.args.get("notice") and _notice(request.args["notice"]),
    )


def _offset() -> int:
    value = request.args.get("offset", "0")
    return int(value) if value.isdigit() else 0


def _notice(key: str) -> str | None:
    return {
        "closed": _("The run is closed: its payslips are final and issued."),
        "prepared": _("The run is prepared as a draft: read its problems, then close it."),
    }.get(key)


def _suggested_period() -> str:
    """The month after the newest closed run (this month's payroll is often done), else this month."""
    closed = ui.call("payroll", "list_runs", {"limit": 1, "status": "closed"})["items"]
    this_month = _today_period()
    if closed and closed[0]["period"] >= this_month:
        return next_period(closed[0]["period"])
    return this_month


def _activities() -> list[dict]:
    """Each activity of a member not exited, with its balance: the rows of the preparation form
    (payroll says which of them it cannot pay, a candidate on trial for one)."""
    listed = ui.call("members", "list_members", {"limit": 500})["items"]
    members = [m for m in listed if m.get("lifecycle") != "exited"]
    if not members:
        return []
    full = ui.call("members", "get_members", {"ids": [m["id"] for m in members]})["items"]
    rows = [
        {
            "member_id": member["id"],
            "member_name": f"{member['first_name']} {member['last_name']}",
            "status_model": member.get("status_model"),
            "activity_id": activity["id"],
            "code": activity["code"],
            "name": activity["name"],
        }
        for member in full
        for activity in member.get("activities", [])
    ]
    if rows:
        balances = ui.call("billing", "get_balances", {"activity_ids": [r["activity_id"] for r in rows]})
        by_activity = {b["activity_id"]: b["balance"] for b in balances["items"]}
        for row in rows:
            row["balance"] = by_activity.get(row["activity_id"])
    return rows


@console.get("/payroll/new")
@ui.signed_in(*ui.STAFF_ROLES)
def payroll_new():
    if not ui.may_write():
        return redirect("/console/payroll", 303)  # an auditor prepares nothing
    period = request.args.get("period", "")
    return _preparation_form(period if PERIOD.match(period) else _suggested_period())


def _preparation_form(period: str, status: int = 200, error=None, problems=None, amounts=None, mode="budget"):
    return _render(
        "console/payroll/new.html",
        status=status,
        period=period,
        rows=_activities(),
        modes=MODES,
        mode=mode,
        amounts=amounts or {},
        error=error,
        problems=problems or {},
    )


@console.post("/payroll/new")
@ui.signed_in(*ui.STAFF_ROLES)
def payroll_prepare():
    period = request.form.get("period", "").strip()
    mode = request.form.get("mode", "budget")
    amounts = {
        name[len("amount-") :]: value.strip()
        for name, value in request.form.items()
        if name.startswith("amount-") and value.strip()
    }
    items = [
        {
            "member_id": request.form.get(f"member-{activity_id}", ""),
            "activity_id": activity_id,
            "mode": mode,
            "amount": _amount(value),
        }
        for activity_id, value in amounts.items()
    ]
    if not items:
        message = _("Give an amount for at least one activity.")
        return _preparation_form(period, 422, error=message, amounts=amounts, mode=mode)
    try:
        run = ui.call("payroll", "prepare_run", {"period": period, "items": items})
    except (ValidationError, BusinessRuleViolation, Conflict) as error:
        status = 422 if isinstance(error, ValidationError) else 409
        shown_period = period if PERIOD.match(period) else _suggested_period()
        return _preparation_form(
            shown_period,
            status,
            error=ui.message_of(error),
            problems=ui.problems_of(error),
            amounts=amounts,
            mode=mode,
        )
    return redirect(f"/console/payroll/{run['id']}?notice=prepared", 303)


def _amount(text: str) -> str:
    """`1.234,56`, `1234,56` or `1234.56` as the wire's `1234.56` (a string, never a float)."""
    text = text.replace(" ", "").replace("\u202f", "").replace("\xa0", "").replace("€", "")
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    return text


@console.get("/payroll/<uuid:run_id>")
@ui.signed_in(*ui.STAFF_ROLES)
def payroll_run(run_id):
    return _run_page(str(run_id))


# A run's page shows as many payslips as the run's answer carries, its first ones; the next
# pages are read with list_payslips (docs/adr/026-a-run-answers-its-first-payslips.md).
PAYSLIPS_PER_PAGE = 50


def _run_page(run_id: str, status: int = 200, error: str | None = None):
    run = ui.call("payroll", "get_run", {"id": run_id})
    offset = _offset()
    payslips = {"items": run["payslips"], "total": run["payslip_count"]}
    if offset or len(run["payslips"]) < min(PAYSLIPS_PER_PAGE, run["payslip_count"]):
        payslips = ui.call(
            "payroll", "list_payslips", {"run_id": run_id, "limit": PAYSLIPS_PER_PAGE, "offset": offset}
        )
    names = {p["member_id"]: p["member_name"] for p in payslips["items"]}
    missing = sorted({p["member_id"] for p in run["problems"]} - set(names))
    if missing:
        try:
            for member in ui.call("members", "get_members", {"ids": missing})["items"]:
                names[member["id"]] = f"{member['first_name']} {member['last_name']}"
        except CoopError:
            pass  # a member since erased: the problem is still shown, without the name
    problems = []
    for problem in run["problems"]:
        reason = PROBLEMS.get(problem["code"])
        problems.append(
            dict(problem, member_name=names.get(problem["member_id"]), reason=_(reason) if reason else None)
        )
    return _render(
        "console/payroll/run.html",
        status=status,
        run=run,
        payslips=payslips,
        offset=offset,
        per_page=PAYSLIPS_PER_PAGE,
        problems=problems,
        error=error,
        notice=request.args.get("notice") and _notice(request.args["notice"]),
    )


@console.post("/payroll/<uuid:run_id>/close")
@ui.signed_in(*ui.STAFF_ROLES)
def payroll_close(run_id):
    try:
        ui.call("payroll", "close_run", {"id": str(run_id)})
    except (BusinessRuleViolation, Conflict) as error:
        return _run_page(str(run_id), 409, ui.message_of(error))
    return redirect(f"/console/payroll/{run_id}?notice=closed", 303)


@console.get("/payroll/<uuid:run_id>/sepa")
@ui.signed_in(*ui.STAFF_ROLES)
def payroll_sepa(run_id):
    try:
        answer = ui.call("payroll", "export_sepa", {"id": str(run_id)})
    except BusinessRuleViolation as error:
        return _run_page(str(run_id), 409, ui.message_of(error))
    return ui.download(answer)


@console.get("/payroll/payslips/<uuid:payslip_id>/pdf")
@ui.signed_in(*ui.STAFF_ROLES)
def payroll_payslip_pdf(payslip_id):
    return ui.download(ui.call("payroll", "render_payslip", {"id": str(payslip_id)}))

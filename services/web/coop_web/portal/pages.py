"""The entrepreneur's pages: my activity account, my invoices (and drafting one for the staff to
issue), my payslips, what I can pay myself, my documents, my programme.

Every page makes the calls an entrepreneur's key would make (docs/rpc-contract.md): members
`get_member` (the person's member, today's status model and activities), billing
`get_activity_account`, `list_invoices`, `get_invoice`, `create_invoice`, payroll `list_payslips`,
`render_payslip`, `simulate`, members `list_member_documents`, `list_expiring_documents`,
`list_member_enrolments`. The services answer a member with their own records only, and a record of
anybody else is `NotFound`, shown as the 404 page: nothing here filters or checks a right.

Amounts stay decimal strings; the only arithmetic here (month-end balances for the chart, the
pay simulation's lines grouped for reading) is `Decimal`, and what is shown is a string again.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

from babel import numbers
from flask import g, redirect, request

from coop_shared.dates import brussels_today
from coop_shared.errors import CoopError, NotFound, ValidationError
from coop_web import http_errors, ui
from coop_web.i18n import N_, language, locale
from coop_web.i18n import gettext as _
from coop_web.labels import DOCUMENT_KINDS
from coop_web.portal import portal
from coop_web.service_messages import translated

ENTRIES_PER_PAGE = 20
INVOICES_PER_PAGE = 25
PAYSLIPS_PER_PAGE = 24
CHART_MONTHS = 12
EXPIRY_NOTICE_DAYS = 60  # the home page names the documents expiring within two months
SOON_DAYS = 30  # a document's row says "expires soon" within a month

STATUS_TEXTS = {
    "draft": N_("Draft, waiting for the staff to issue it"),
    "issued": N_("Issued"),
    "partially_paid": N_("Partly paid"),
    "paid": N_("Paid"),
    "credited": N_("Credited"),
}
DELIVERY_TEXTS = {
    "queued": N_("Waiting to be sent"),
    "sent": N_("Sent, not yet confirmed"),
    "delivered": N_("Delivered"),
    "rejected": N_("Rejected by the customer's access point"),
    "failed": N_("Delivery failed"),
    "emailed": N_("Sent by e-mail"),
}
CHANNEL_TEXTS = {"peppol": N_("Peppol"), "email": N_("E-mail")}
REGIME_TEXTS = {
    "standard": N_("Belgian VAT"),
    "reverse_charge_construction": N_("Reverse charge (construction work)"),
    "intra_eu_services": N_("Services to a business elsewhere in the EU"),
    "intra_eu_goods": N_("Goods to a business elsewhere in the EU"),
    "export": N_("Export outside the EU"),
    "exempt": N_("Exempt from VAT"),
    "outside_scope": N_("Outside the scope of VAT"),
    "renovation": N_("Renovation of an older home (reduced rate)"),
}
VAT_RATES = ("0.21", "0.12", "0.06", "0.00")
UNIT_TEXTS = {"C62": N_("piece"), "HUR": N_("hour"), "DAY": N_("day")}
LINE_FIELDS = ("description", "quantity", "unit", "unit_price", "vat_rate")
NEW_LINES = 2  # empty lines the form starts with; "Add a line" asks for one more
MAX_LINES = 50
DOCUMENT_TEXTS = DOCUMENT_KINDS
LABOUR_MARKET_TEXTS = {
    "unlimited": N_("Unlimited access to work"),
    "limited": N_("Limited access to work"),
    "none": N_("No access to work"),
}
PHASE_TEXTS = {
    "intake": N_("Intake"),
    "test": N_("Test phase"),
    "launch": N_("Launch"),
    "autonomy": N_("Autonomy"),
    "exit": N_("Exit"),
}
ENTRY_TEXTS = {
    "revenue": N_("Invoice paid"),
    "contribution": N_("Contribution to the cooperative"),
    "expense": N_("Expense"),
    "payroll": N_("Pay"),
    "provision": N_("Provision"),
}
APPOINTMENT_TEXTS = {"appointment": N_("Appointment"), "workshop": N_("Workshop")}
PAYSLIP_KIND_TEXTS = {
    "monthly": N_("Monthly pay"),
    "double_holiday_pay": N_("Double holiday pay"),
    "year_end_premium": N_("Year-end premium"),
    "exit_holiday_pay": N_("Holiday pay on leaving"),
}
MODE_TEXTS = {
    "budget": N_("What it costs my account (budget)"),
    "gross": N_("Gross pay"),
}
STATUS_MODEL_TEXTS = {
    "be_salaried": N_("Salaried entrepreneur"),
    "be_director": N_("Company director"),
    "trial": N_("Trial"),
    "flat_fee": N_("Flat fee"),
}
# The lines of a simulation in the reader's language (the models label them in French and Dutch)
PAY_LINE_TEXTS = {
    "employee_social_security": N_("Personal social security contribution"),
    "social_work_bonus": N_("Work bonus (social security part)"),
    "withholding_tax": N_("Withholding tax"),
    "withholding_tax_exceptional": N_("Withholding tax (exceptional allowance)"),
    "fiscal_work_bonus": N_("Work bonus (tax part)"),
    "special_social_security": N_("Special social security contribution"),
    "employer_basic": N_("Employer's basic contribution"),
    "employer_wage_moderation": N_("Wage moderation contribution"),
    "employer_closing_fund": N_("Closing fund"),
    "employer_temporary_unemployment": N_("Temporary unemployment"),
    "employer_asbestos": N_("Asbestos fund"),
    "employer_risk_groups": N_("Risk groups"),
    "employer_sector_fund_200": N_("Social fund of joint committee 200"),
    "structural_reduction": N_("Structural reduction"),
    "provision_double_holiday_pay": N_("Provision for double holiday pay"),
    "provision_year_end_premium": N_("Provision for the year-end premium"),
    "provision_year_end_premium_contributions": N_("Provision for the contributions on the premium"),
    "provision_budget_remainder": N_("Rest of the budget put in provision"),
    "self_employed_social_contributions": N_("Provisional self-employed social contributions"),
    "social_fund_fee": N_("Social insurance fund's fee"),
    "flat_withholding": N_("Flat withholding"),
    "management_fee": N_("Management fee"),
}
MEMBER, COOPERATIVE = "member", "cooperative"


# What every page shows: the member and the chosen activity


def _member() -> dict:
    """The signed-in person's member as members gives it: today's status model, activities."""
    return ui.call("members", "get_member", {"id": g.person["member_id"]})


def _activity(member: dict) -> dict | None:
    """The activity chosen with `?activity=` (members answers NotFound for anybody else's),
    else the member's first; None when the member has none yet."""
    chosen = request.values.get("activity", "").strip()
    if chosen:
        known = {a["id"]: a for a in member["activities"]}
        if chosen in known:
            return known[chosen]
        return ui.call("members", "get_activity", {"id": _id(chosen, "activity")})
    return member["activities"][0] if member["activities"] else None


def percent(rate) -> str:
    """A rate on the wire (`"0.1307"`) as the reader's language writes a percentage."""
    if rate is None or rate == "":
        return "–"
    return numbers.format_percent(Decimal(str(rate)), locale=locale(), decimal_quantization=False)


def _id(value: str, kind: str) -> str:
    """An id from the address bar; anything but a UUID is no record (the 404 page, as the
    services answer an id of another cooperative)."""
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise NotFound(f"No {kind} '{value}'.") from None


def _page(template: str, status: int = 200, **values):
    return ui.render(template, status, percent=percent, **values)


def flat_fields(fields, prefix: str = "") -> dict[str, list[str]]:
    """A validation error's fields with nested ones dotted: {"lines": {0: {"unit_price": [..]}}}
    (as marshmallow nests a list's items) as {"lines.0.unit_price": [..]}."""
    flat = {}
    for key, value in (fields or {}).items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flat_fields(value, f"{name}."))
        else:
            flat[name] = [value] if isinstance(value, str) else list(value)
    return flat


def _refused(error: CoopError) -> tuple[str, dict, int]:
    """(message, problems per field, status) of a refusal a form shows on itself."""
    status, _body = http_errors.typed(error)
    problems = {}
    if isinstance(error, ValidationError):
        problems = {field: translated(texts) for field, texts in flat_fields(error.fields).items()}
    return ui.message_of(error), problems, status


def decimal_text(value: str) -> str:
    """A number as typed in Belgium (`1.234,50`, `1 234,50`, `40,00`) as the wire writes it
    (`1234.50`); anything else is passed on as typed, for the service to refuse on its field."""
    text = value.strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "")
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    return text


def _months(today: date, count: int) -> list[str]:
    """The `count` periods up to this month, oldest first: ["2025-12", ..., "2026-11"]."""
    year, month = today.year, today.month
    periods = []
    for _step in range(count):
        periods.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return periods[::-1]


def month_end_balances(account: dict, periods: list[str]) -> list[tuple[str, str]]:
    """The balance at the end of each period (oldest first) from a page of entries in date
    order: before its first entry the balance is the page's `opening_balance`; after an entry,
    the `balance_after` billing gives it."""
    entries = account["entries"]
    balance, index, out = Decimal(account["opening_balance"]), 0, []
    for period in periods:
        while index < len(entries) and entries[index]["date"][:7] <= period:
            balance = Decimal(entries[index]["balance_after"])
            index += 1
        out.append((period, str(balance)))
    return out


def _enrolment(member_id: str) -> dict | None:
    """The member's latest enrolment in a programme, in full (phase history, appointments)."""
    enrolments = ui.call("members", "list_member_enrolments", {"member_id": member_id})["items"]
    return enrolments[0] if enrolments else None


def _instant(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def next_appointment(enrolment: dict | None, now: datetime | None = None) -> dict | None:
    """The first appointment still to come, if any."""
    if not enrolment:
        return None
    now = now or datetime.now(UTC)
    coming = [a for a in enrolment.get("appointments", []) if _instant(a["starts_at"]) >= now]
    return min(coming, key=lambda a: _instant(a["starts_at"])) if coming else None


# 1. My account


@portal.get("")
@portal.get("/")
@ui.signed_in(*ui.MEMBER_ROLES)
def home():
    member = _member()
    activity = _activity(member)
    account, entries_page, chart = None, None, []
    page = max(request.args.get("page", 0, type=int) or 0, 0)
    today = brussels_today()
    if activity is not None:
        periods = _months(today, CHART_MONTHS)
        history = ui.call(
            "billing",
            "get_activity_account",
            {"activity_id": activity["id"], "from": f"{periods[0]}-01", "limit": 1000},
        )
        chart = month_end_balances(history, periods)
        account = ui.call(
            "billing",
            "get_activity_account",
            {"activity_id": activity["id"], "limit": ENTRIES_PER_PAGE, "offset": page * ENTRIES_PER_PAGE},
        )
        entries_page = list(reversed(account["entries"]))  # newest first on the page
    enrolment = _enrolment(member["id"])
    expiring = ui.call("members", "list_expiring_documents", {"within_days": EXPIRY_NOTICE_DAYS})["items"]
    return _page(
        "portal/home.html",
        member=member,
        activity=activity,
        account=account,
        entries=entries_page,
        page=page,
        chart=chart,
        enrolment=enrolment,
        appointment=next_appointment(enrolment),
        expiring=expiring,
        texts=_texts(),
    )


def _texts() -> dict:
    """The labels of the codes the services answer, for the templates (`_()` there)."""
    return {
        "status": STATUS_TEXTS,
        "delivery": DELIVERY_TEXTS,
        "channel": CHANNEL_TEXTS,
        "regime": REGIME_TEXTS,
        "unit": UNIT_TEXTS,
        "document": DOCUMENT_TEXTS,
        "labour_market": LABOUR_MARKET_TEXTS,
        "phase": PHASE_TEXTS,
        "entry": ENTRY_TEXTS,
        "appointment": APPOINTMENT_TEXTS,
        "payslip_kind": PAYSLIP_KIND_TEXTS,
        "mode": MODE_TEXTS,
        "status_model": STATUS_MODEL_TEXTS,
    }


# 2. My invoices


def _customers() -> dict[str, dict]:
    """The customers the member may invoice, by id (billing lists the cooperative's)."""
    items = ui.call("billing", "list_customers", {"limit": 500})["items"]
    return {c["id"]: c for c in items}


def overdue(invoice: dict, today: date) -> bool:
    return (
        invoice.get("status") in ("issued", "partially_paid")
        and bool(invoice.get("due_date"))
        and invoice["due_date"] < today.isoformat()
    )


@portal.get("/invoices")
@ui.signed_in(*ui.MEMBER_ROLES)
def invoices():
    page = max(request.args.get("page", 0, type=int) or 0, 0)
    status = request.args.get("status", "")
    payload = {"limit": INVOICES_PER_PAGE, "offset": page * INVOICES_PER_PAGE}
    if status in STATUS_TEXTS:
        payload["status"] = status
    listed = ui.call("billing", "list_invoices", payload)
    today = brussels_today()
    return _page(
        "portal/invoices.html",
        invoices=listed["items"],
        total=listed["total"],
        page=page,
        more=(page + 1) * INVOICES_PER_PAGE < listed["total"],
        chosen_status=status if status in STATUS_TEXTS else "",
        customers=_customers(),
        overdue={i["id"] for i in listed["items"] if overdue(i, today)},
        texts=_texts(),
    )


def _empty_line() -> dict:
    return {"description": "", "quantity": "1", "unit": "C62", "unit_price": "", "vat_rate": "0.21"}


def lines_of(form) -> list[dict]:
    """The form's lines (`lines-<n>-<field>`) in order; a line left wholly empty is no line."""
    numbers = sorted(
        {int(key.split("-")[1]) for key in form if key.startswith("lines-") and key.split("-")[1].isdigit()}
    )
    lines = []
    for number in numbers[:MAX_LINES]:
        line = {field: form.get(f"lines-{number}-{field}", "").strip() for field in LINE_FIELDS}
        if line["description"] or line["unit_price"]:
            line["quantity"], line["unit_price"] = (
                decimal_text(line["quantity"]),
                decimal_text(line["unit_price"]),
            )
            lines.append(line)
    return lines


def invoice_payload(form, lines: list[dict]) -> dict:
    """The draft as billing's `create_invoice` takes it; the service checks every field."""
    payload = {
        "activity_id": form.get("activity_id", "").strip(),
        "customer_id": form.get("customer_id", "").strip(),
        "vat_regime": form.get("vat_regime", "").strip(),
        "lines": [{field: value for field, value in line.items() if value != ""} for line in lines],
        "idempotency_key": form.get("idempotency_key", "").strip() or None,
    }
    for field in ("supply_date", "buyer_reference"):
        value = form.get(field, "").strip()
        if value:
            payload[field] = value
    if payload["idempotency_key"] is None:
        del payload["idempotency_key"]
    return payload


def _line_problems(problems: dict) -> dict:
    """`lines.0.unit_price` as the form's `lines-0-unit_price` (the field the message is under)."""
    return {
        key.replace(".", "-") if key.startswith("lines.") else key: text for key, text in problems.items()
    }


def _invoice_form(member: dict, values: dict, lines: list[dict], status: int = 200, **extra):
    while len(lines) < NEW_LINES:
        lines.append(_empty_line())
    return _page(
        "portal/invoice_new.html",
        status,
        member=member,
        customers=sorted(_customers().values(), key=lambda c: c["name"].lower()),
        values=values,
        lines=lines,
        vat_rates=VAT_RATES,
        texts=_texts(),
        **extra,
    )


@portal.get("/invoices/new")
@ui.signed_in(*ui.MEMBER_ROLES)
def new_invoice():
    member = _member()
    activity = _activity(member)
    values = {
        "activity_id": activity["id"] if activity else "",
        "vat_regime": "standard",
        "idempotency_key": f"portal-{uuid.uuid4()}",  # a second click on Save drafts nothing more
    }
    return _invoice_form(member, values, [])


@portal.get("/invoices/new/line")
@ui.signed_in(*ui.MEMBER_ROLES)
def new_invoice_line():
    """One more empty line for the draft's form (htmx "Add a line")."""
    number = min(max(request.args.get("n", NEW_LINES, type=int) or 0, 0), MAX_LINES - 1)
    return _page(
        "portal/_invoice_line.html",
        number=number,
        line=_empty_line(),
        problems={},
        vat_rates=VAT_RATES,
        texts=_texts(),
        next_number=number + 1,
    )


@portal.post("/invoices/new")
@ui.signed_in(*ui.MEMBER_ROLES)
def create_invoice():
    member = _member()
    lines = lines_of(request.form)
    values = {
        field: request.form.get(field, "").strip()
        for field in (
            "activity_id",
            "customer_id",
            "vat_regime",
            "supply_date",
            "buyer_reference",
            "idempotency_key",
        )
    }
    if not lines:
        message = _("Give at least one line: what you sold, how many and at what price.")
        return _invoice_form(member, values, [], 422, error=message, problems={})
    try:
        draft = ui.call("billing", "create_invoice", invoice_payload(request.form, lines))
    except CoopError as error:
        message, problems, status = _refused(error)
        if isinstance(error, ValidationError) and problems:
            message = _("Some fields need correcting.")
        return _invoice_form(member, values, lines, status, error=message, problems=_line_problems(problems))
    return redirect(f"/portal/invoices/{draft['id']}?drafted=1", 303)


@portal.get("/invoices/<invoice_id>")
@ui.signed_in(*ui.MEMBER_ROLES)
def invoice(invoice_id):
    found = ui.call("billing", "get_invoice", {"id": _id(invoice_id, "invoice")})
    customer = ui.call("billing", "get_customer", {"id": found["customer_id"]})
    notice = (
        _("Your draft is saved: the staff will check and issue it.") if request.args.get("drafted") else None
    )
    return _page(
        "portal/invoice.html",
        invoice=found,
        customer=customer,
        overdue=overdue(found, brussels_today()),
        notice=notice,
        texts=_texts(),
    )


@portal.get("/invoices/<invoice_id>/pdf")
@ui.signed_in(*ui.MEMBER_ROLES)
def invoice_pdf(invoice_id):
    return ui.download(
        ui.call("billing", "render_invoice", {"invoice_id": _id(invoice_id, "invoice"), "format": "pdf"})
    )


@portal.post("/invoices/<invoice_id>/delete")
@ui.signed_in(*ui.MEMBER_ROLES)
def delete_invoice(invoice_id):
    ui.call("billing", "delete_invoice", {"id": _id(invoice_id, "invoice")})
    return redirect("/portal/invoices", 303)


# 3. My payslips


@portal.get("/payslips")
@ui.signed_in(*ui.MEMBER_ROLES)
def payslips():
    page = max(request.args.get("page", 0, type=int) or 0, 0)
    listed = ui.call(
        "payroll", "list_payslips", {"limit": PAYSLIPS_PER_PAGE, "offset": page * PAYSLIPS_PER_PAGE}
    )
    return _page(
        "portal/payslips.html",
        payslips=listed["items"],
        total=listed["total"],
        page=page,
        more=(page + 1) * PAYSLIPS_PER_PAGE < listed["total"],
        texts=_texts(),
    )


@portal.get("/payslips/<payslip_id>/pdf")
@ui.signed_in(*ui.MEMBER_ROLES)
def payslip_pdf(payslip_id):
    return ui.download(ui.call("payroll", "render_payslip", {"id": _id(payslip_id, "payslip")}))


# 4. What can I pay myself?


def line_label(line: dict) -> str:
    """A simulation line in the reader's language: ours for the codes we know, else the
    model's own label (French / Dutch), the part of the reader's language."""
    ours = PAY_LINE_TEXTS.get(line["code"])
    if ours:
        return _(ours)
    parts = [part.strip() for part in line["label"].split(" / ")]
    if len(parts) == 2 and language() in ("fr", "nl"):
        return parts[0] if language() == "fr" else parts[1]
    return line["label"]


def is_withholding(line: dict) -> bool:
    return "withholding" in line["code"] or line["code"] == "fiscal_work_bonus"


def pay_summary(result: dict, balance: str | None) -> dict:
    """The simulation read as an entrepreneur asks it: what I get, what goes to social
    security and to the tax, what it costs my account and what stays on it. Each figure is a
    sum of the model's own lines (no rate is applied here)."""
    lines = result["lines"]

    def total(keep) -> Decimal:
        return sum((Decimal(line["amount"]) for line in lines if keep(line)), Decimal("0.00"))

    social = total(lambda line: line["borne_by"] == MEMBER and not is_withholding(line))
    withholding = total(lambda line: line["borne_by"] == MEMBER and is_withholding(line))
    provisions = total(lambda line: line["borne_by"] == COOPERATIVE and line["code"].startswith("provision_"))
    employer = total(
        lambda line: line["borne_by"] == COOPERATIVE and not line["code"].startswith("provision_")
    )
    remains = None if balance is None else str(Decimal(balance) - Decimal(result["total_cost"]))
    return {
        "gross": result["gross"],
        "social": str(social),
        "withholding": str(withholding),
        "net": result["net_to_pay"],
        "employer": str(employer),
        "provisions": str(provisions),
        "total_cost": result["total_cost"],
        "balance": balance,
        "remains": remains,
        "over_balance": remains is not None and Decimal(remains) < 0,
        "lines": [dict(line, shown_label=line_label(line)) for line in lines],
        "rules_version": result.get("rules_version"),
        "notes": result.get("notes", []),
    }


def _simulation(member: dict, activity: dict | None, mode: str, amount: str):
    """(summary, error, problems, status) of payroll's `simulate` on the member's status model."""
    balance = None
    if activity is not None:
        balance = ui.call("billing", "get_activity_account", {"activity_id": activity["id"], "limit": 1})[
            "balance"
        ]
    payload = {
        "status_model": member.get("status_model") or "",
        "period": brussels_today().strftime("%Y-%m"),
        "mode": mode,
        "amount": amount,
        "parameters": member.get("status_parameters") or {},
    }
    try:
        result = ui.call("payroll", "simulate", payload)
    except CoopError as error:
        message, problems, status = _refused(error)
        return None, message, problems, status, balance
    return pay_summary(result, balance), None, {}, 200, balance


@portal.get("/pay")
@ui.signed_in(*ui.MEMBER_ROLES)
def pay():
    member = _member()
    activity = _activity(member)
    balance = None
    if activity is not None:
        balance = ui.call("billing", "get_activity_account", {"activity_id": activity["id"], "limit": 1})[
            "balance"
        ]
    amount = balance if balance is not None and Decimal(balance) > 0 else ""
    return _page(
        "portal/pay.html",
        member=member,
        activity=activity,
        balance=balance,
        values={"mode": "budget", "amount": amount},
        summary=None,
        problems={},
        texts=_texts(),
    )


@portal.post("/pay")
@ui.signed_in(*ui.MEMBER_ROLES)
def simulate():
    """The answer alone for htmx (the form stays as typed), the whole page without script."""
    member = _member()
    activity = _activity(member)
    mode = request.form.get("mode", "budget").strip()
    amount = decimal_text(request.form.get("amount", ""))
    values = {"mode": mode, "amount": request.form.get("amount", "").strip()}
    if not member.get("status_model"):
        summary, error, problems, status, balance = None, _("You have no status model yet."), {}, 422, None
    elif not amount:
        summary, error, problems, status, balance = None, None, {"amount": _("Give an amount.")}, 422, None
    else:
        summary, error, problems, status, balance = _simulation(member, activity, mode, amount)
    template = "portal/_pay_result.html" if request.headers.get("HX-Request") else "portal/pay.html"
    if request.headers.get("HX-Request") and status != 200:
        status = 200  # htmx swaps only a 2xx answer: the refusal is in the fragment, as text
    return _page(
        template,
        status,
        member=member,
        activity=activity,
        balance=balance,
        values=values,
        summary=summary,
        pay_error=error,  # shown in the result's place (the page's own alert would repeat it)
        fragment=bool(request.headers.get("HX-Request")),
        problems=problems,
        texts=_texts(),
    )


# 5. My documents, my programme


def document_state(document: dict, today: date) -> str:
    """expired, soon (within SOON_DAYS), valid, or open (no expiry date)."""
    if not document.get("valid_until"):
        return "open"
    until = date.fromisoformat(document["valid_until"])
    if until < today:
        return "expired"
    return "soon" if (until - today).days <= SOON_DAYS else "valid"


@portal.get("/documents")
@ui.signed_in(*ui.MEMBER_ROLES)
def documents():
    listed = ui.call("members", "list_member_documents", {"member_id": g.person["member_id"]})
    today = brussels_today()
    items = [
        dict(
            d,
            state=document_state(d, today),
            days_left=(date.fromisoformat(d["valid_until"]) - today).days if d.get("valid_until") else None,
        )
        for d in listed["items"]
    ]
    return _page("portal/documents.html", documents=items, texts=_texts())


@portal.get("/programme")
@ui.signed_in(*ui.MEMBER_ROLES)
def programme():
    enrolment = _enrolment(g.person["member_id"])
    now = datetime.now(UTC)
    coming, past = [], []
    for appointment in (enrolment or {}).get("appointments", []):
        (coming if _instant(appointment["starts_at"]) >= now else past).append(appointment)
    return _page(
        "portal/programme.html",
        enrolment=enrolment,
        appointment=next_appointment(enrolment, now),
        coming=sorted(coming, key=lambda a: a["starts_at"]),
        past=sorted(past, key=lambda a: a["starts_at"], reverse=True),
        texts=_texts(),
    )

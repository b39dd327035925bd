"""Console pages: customers, invoices and credit notes (docs/adr/025-console-and-portal.md).

Every page makes the calls an integrator would make to billing (docs/rpc-contract.md, billing):
`list_customers`, `get_customer`, `create_customer`, `update_customer`; `list_invoices`,
`get_invoice`, `create_invoice`, `update_invoice`, `delete_invoice`, `issue_invoice`,
`create_credit_note`, `render_invoice` (the PDF and the UBL). The activities to invoice for
are members' (`list_members`, then `get_members` for their activities). Billing decides who may
do what; an auditor's pages show no form, and the service refuses anyway.
"""

from __future__ import annotations

from decimal import Decimal

from flask import redirect, request, url_for

from coop_shared.dates import brussels_today
from coop_shared.errors import CoopError, ValidationError
from coop_web import ui
from coop_web.console import console
from coop_web.i18n import N_
from coop_web.i18n import gettext as _

PAGE = 25
LISTED = 500  # customers and members read at once for a form's choices (the methods' maximum)
EMPTY_ROWS = 3  # empty lines a new invoice form shows; "Add a line" gives one more

STATUSES = {
    "draft": N_("Draft"),
    "issued": N_("Issued"),
    "partially_paid": N_("Partially paid"),
    "paid": N_("Paid"),
    "credited": N_("Credited"),
}
DELIVERY_STATUSES = {
    "queued": N_("Queued"),
    "sent": N_("Sent"),
    "delivered": N_("Delivered"),
    "rejected": N_("Rejected"),
    "failed": N_("Failed"),
    "emailed": N_("Sent by e-mail"),
}
FINAL_DELIVERY = ("delivered", "rejected", "failed", "emailed")
CHANNELS = {"peppol": N_("Peppol"), "email": N_("E-mail")}
KINDS = {"invoice": N_("Invoice"), "credit_note": N_("Credit note")}
CUSTOMER_KINDS = {"company": N_("Company"), "person": N_("Person"), "public_body": N_("Public body")}
LANGUAGE_NAMES = {"fr": N_("French"), "nl": N_("Dutch"), "en": N_("English")}
REGIMES = {
    "standard": N_("Standard Belgian VAT"),
    "reverse_charge_construction": N_("Reverse charge (construction)"),
    "intra_eu_services": N_("Intra-EU services"),
    "intra_eu_goods": N_("Intra-EU goods"),
    "export": N_("Export outside the EU"),
    "exempt": N_("Exempt"),
    "outside_scope": N_("Outside the scope of VAT"),
    "renovation": N_("Renovation at 6 %%"),
}
RATES = (("0.21", "21 %"), ("0.12", "12 %"), ("0.06", "6 %"), ("0", "0 %"))
DONE = {
    "created": N_("The draft was saved."),
    "updated": N_("The draft was changed."),
    "issued": N_("The invoice was issued."),
    "credited": N_("The credit note was issued."),
    "deleted": N_("The draft was deleted."),
    "customer_created": N_("The customer was created."),
    "customer_updated": N_("The customer was changed."),
    "customer_unchanged": N_("Nothing was changed."),
}
LABELS = {
    "STATUSES": STATUSES,
    "DELIVERY_STATUSES": DELIVERY_STATUSES,
    "CHANNELS": CHANNELS,
    "KINDS": KINDS,
    "CUSTOMER_KINDS": CUSTOMER_KINDS,
    "LANGUAGE_NAMES": LANGUAGE_NAMES,
    "REGIMES": REGIMES,
    "RATES": RATES,
    "FINAL_DELIVERY": FINAL_DELIVERY,
}


def _page(template: str, status: int = 200, **values):
    values.setdefault("today", brussels_today().isoformat())
    done = DONE.get(request.args.get("done", ""))  # what the form before the redirect did
    notice = values.pop("notice", None) or (_(done) if done else None)
    return ui.render(template, status, notice=notice, may_write=ui.may_write(), **LABELS, **values)


def _offset() -> int:
    try:
        return max(0, int(request.args.get("offset", "0")))
    except ValueError:
        return 0


def _customers() -> list[dict]:
    return ui.call("billing", "list_customers", {"limit": LISTED})["items"]


def _activities() -> list[dict]:
    """Every activity of the cooperative with its member's name, by code (for a form's choice)."""
    members = ui.call("members", "list_members", {"limit": LISTED})["items"]
    if not members:
        return []
    detailed = ui.call("members", "get_members", {"ids": [m["id"] for m in members]})["items"]
    activities = [
        dict(activity, member_name=f"{member['first_name']} {member['last_name']}")
        for member in detailed
        for activity in member.get("activities", [])
    ]
    return sorted(activities, key=lambda a: a["code"] or "")


# Customers


CUSTOMER_FIELDS = ("name", "kind", "vat_number", "enterprise_number", "email", "language", "peppol_id")
ADDRESS_FIELDS = ("street", "postal_code", "city", "country")


def _customer_form() -> tuple[dict, dict]:
    """(the payload of the form's fields, what the form showed, to show again)."""
    values = ui.form_values(*CUSTOMER_FIELDS)
    address = {name: request.form.get(f"address_{name}", "").strip() for name in ADDRESS_FIELDS}
    address["country"] = address["country"].upper()
    payload = dict(values)
    if any(address.values()):
        payload["address"] = address
    shown = dict({name: request.form.get(name, "").strip() for name in CUSTOMER_FIELDS}, address=address)
    return payload, shown


def _address_problems(error: CoopError) -> dict:
    problems = ui.problems_of(error)
    return {key.replace("address.", "address_"): text for key, text in problems.items()}


@console.get("/customers")
@ui.signed_in(*ui.STAFF_ROLES)
def customers():
    payload = {"limit": PAGE, "offset": _offset()}
    q, kind = request.args.get("q", "").strip(), request.args.get("kind", "")
    if q:
        payload["q"] = q[:100]
    if kind in CUSTOMER_KINDS:
        payload["kind"] = kind
    answer = ui.call("billing", "list_customers", payload)
    return _page("console/billing/customers.html", page=answer, q=q, kind=kind, offset=payload["offset"])


@console.route("/customers/new", methods=["GET", "POST"])
@ui.signed_in(*ui.STAFF_ROLES)
def new_customer():
    if request.method == "GET":
        return _page("console/billing/customer_form.html", customer={"kind": "company", "language": "fr"})
    payload, shown = _customer_form()
    try:
        created = ui.call("billing", "create_customer", payload)
    except CoopError as error:  # a field refused, or a rule of billing
        problems = _address_problems(error)
        return _page(
            "console/billing/customer_form.html",
            422,
            customer=shown,
            problems=problems,
            error=ui.message_of(error),
        )
    return redirect(url_for("console.customer", customer_id=created["id"], done="customer_created"), 303)


@console.route("/customers/<customer_id>", methods=["GET", "POST"])
@ui.signed_in(*ui.STAFF_ROLES)
def customer(customer_id: str):
    current = ui.call("billing", "get_customer", {"id": customer_id})
    if request.method == "GET":
        invoices = ui.call("billing", "list_invoices", {"customer_id": customer_id, "limit": PAGE})
        return _page("console/billing/customer.html", customer=current, shown=current, invoices=invoices)
    payload, shown = _customer_form()
    payload.pop("kind", None)  # a customer's kind is not rectified (update_customer)
    # only what was changed is sent: each rectification is kept with who made it and when
    changes = {name: value for name, value in payload.items() if value != current.get(name)}
    reason = request.form.get("reason", "").strip()
    if not changes:
        return redirect(url_for("console.customer", customer_id=customer_id, done="customer_unchanged"), 303)
    changes["customer_id"] = customer_id
    if reason:
        changes["reason"] = reason[:500]
    try:
        ui.call("billing", "update_customer", changes)
    except CoopError as error:
        invoices = ui.call("billing", "list_invoices", {"customer_id": customer_id, "limit": PAGE})
        return _page(
            "console/billing/customer.html",
            422,
            customer=current,
            shown=dict(shown, kind=current["kind"]),
            invoices=invoices,
            problems=_address_problems(error),
            error=ui.message_of(error),
        )
    return redirect(url_for("console.customer", customer_id=customer_id, done="customer_updated"), 303)


# Invoices: the list


def _invoice_filters() -> dict:
    filters = {}
    for name, allowed in (("status", STATUSES), ("delivery_status", DELIVERY_STATUSES), ("kind", KINDS)):
        if request.args.get(name) in allowed:
            filters[name] = request.args[name]
    for name in ("activity_id", "customer_id"):
        if request.args.get(name):
            filters[name] = request.args[name]
    if request.args.get("overdue"):
        filters["overdue_on"] = brussels_today().isoformat()  # open and due before today
    return filters


@console.get("/invoices")
@ui.signed_in(*ui.STAFF_ROLES)
def invoices():
    filters = _invoice_filters()
    offset = _offset()
    answer = ui.call("billing", "list_invoices", dict(filters, limit=PAGE, offset=offset))
    customers_by_id = {c["id"]: c for c in _customers()}
    activities = _activities()
    query = {k: v for k, v in request.args.items() if k not in ("offset", "done", "lang")}
    return _page(
        "console/billing/invoices.html",
        page=answer,
        offset=offset,
        limit=PAGE,
        args=request.args,
        query=query,
        customers=customers_by_id,
        activities=activities,
        activity_codes={a["id"]: a for a in activities},
    )


# Invoices: a draft's form (new and edit)


def _rows_of_form() -> list[dict]:
    """The lines as the form holds them, every row (empty ones too), by position."""
    count = int(request.form.get("rows", EMPTY_ROWS) or EMPTY_ROWS)
    rows = []
    for index in range(min(count, 500)):
        rows.append(
            {
                n: request.form.get(f"{n}-{index}", "").strip()
                for n in ("description", "quantity", "unit_price", "vat_rate")
            }
        )
    return rows


def _decimal_text(value: str) -> str:
    """`1 234,50` as typed by a Belgian, `1234.50` as billing reads it (never a float)."""
    return value.replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace(",", ".")


def _draft_payload(rows: list[dict]) -> tuple[dict, list[int]]:
    """(the payload of create_invoice / update_invoice; the form row of each line sent)."""
    payload = ui.form_values(
        "customer_id", "activity_id", "vat_regime", "issue_date", "due_date", "buyer_reference"
    )
    payload.setdefault("vat_regime", "standard")
    if request.form.get("renovation_declaration"):
        payload["renovation_declaration"] = True
    lines, positions = [], []
    for index, row in enumerate(rows):
        if not any(row[n] for n in ("description", "quantity", "unit_price")):
            continue  # an empty row is no line
        lines.append(
            {
                "description": row["description"],
                "quantity": _decimal_text(row["quantity"]),
                "unit_price": _decimal_text(row["unit_price"]),
                "vat_rate": row["vat_rate"] or "0.21",
            }
        )
        positions.append(index)
    payload["lines"] = lines
    return payload, positions


def _row_problems(error: CoopError, positions: list[int]) -> dict:
    """The service's field errors keyed for the form: `lines.1.quantity` is the row of line 1."""
    problems = {}
    for key, text in ui.problems_of(error).items():
        parts = key.split(".")
        if parts[0] == "lines" and len(parts) == 3 and parts[1].isdigit() and int(parts[1]) < len(positions):
            key = f"{parts[2]}-{positions[int(parts[1])]}"
        elif key == "lines":
            key = "description-0"
        problems[key] = text
    return problems


def _form_page(invoice: dict | None, rows: list[dict], status: int = 200, **values):
    return _page(
        "console/billing/invoice_form.html",
        status,
        invoice=invoice,
        rows=rows,
        customers=_customers(),
        activities=_activities(),
        **values,
    )


def _empty_rows(count: int = EMPTY_ROWS) -> list[dict]:
    return [{"description": "", "quantity": "", "unit_price": "", "vat_rate": "0.21"} for _ in range(count)]


def _save_draft(invoice: dict | None):
    """The form posted: "Add a line" shows it again with one more row; else the draft is saved."""
    rows = _rows_of_form()
    shown = {
        name: request.form.get(name, "")
        for name in ("customer_id", "activity_id", "vat_regime", "issue_date", "due_date", "buyer_reference")
    }
    shown["renovation_declaration"] = bool(request.form.get("renovation_declaration"))
    if request.form.get("action") == "add_line":
        return _form_page(invoice, rows + _empty_rows(1), values=shown, focus=f"description-{len(rows)}")
    payload, positions = _draft_payload(rows)
    try:
        if invoice is None:
            saved = ui.call("billing", "create_invoice", payload)
            done = "created"
        else:
            saved = ui.call("billing", "update_invoice", dict(payload, id=invoice["id"]))
            done = "updated"
    except ValidationError as error:
        problems = _row_problems(error, positions)
        if not payload["lines"]:
            problems["description-0"] = _("Give at least one line.")
        return _form_page(invoice, rows, 422, values=shown, problems=problems, error=ui.message_of(error))
    except CoopError as error:  # a rule of billing (a VAT regime the customer cannot have...)
        return _form_page(invoice, rows, 422, values=shown, problems={}, error=ui.message_of(error))
    return redirect(url_for("console.invoice", invoice_id=saved["id"], done=done), 303)


@console.route("/invoices/new", methods=["GET", "POST"])
@ui.signed_in(*ui.STAFF_ROLES)
def new_invoice():
    if request.method == "POST":
        return _save_draft(None)
    values = {"vat_regime": "standard", "customer_id": request.args.get("customer_id", "")}
    return _form_page(None, _empty_rows(), values=values)


@console.route("/invoices/<invoice_id>/edit", methods=["GET", "POST"])
@ui.signed_in(*ui.STAFF_ROLES)
def edit_invoice(invoice_id: str):
    invoice = ui.call("billing", "get_invoice", {"id": invoice_id})
    if invoice["status"] != "draft":
        return redirect(url_for("console.invoice", invoice_id=invoice_id), 303)
    if request.method == "POST":
        return _save_draft(invoice)
    rows = [
        {
            "description": line["description"],
            "quantity": line["quantity"],
            "unit_price": line["unit_price"],
            "vat_rate": line["vat_rate"],
        }
        for line in invoice["lines"]
    ] + _empty_rows(1)
    values = {
        name: invoice.get(name) or ""
        for name in ("customer_id", "activity_id", "vat_regime", "buyer_reference")
    }
    values["renovation_declaration"] = invoice.get("renovation_declaration")
    # a draft's dates are the ones asked for (billing fixes the real ones when it issues)
    values.update(issue_date=invoice.get("issue_date") or "", due_date=invoice.get("due_date") or "")
    return _form_page(invoice, rows, values=values)


# Invoices: one invoice or credit note


def _invoice_page(invoice_id: str, status: int = 200, **values):
    invoice = ui.call("billing", "get_invoice", {"id": invoice_id})
    for line in invoice["lines"]:  # "0.21" as 21 (a rate is a decimal string, never a float)
        line["rate_percent"] = format((Decimal(line["vat_rate"]) * 100).normalize(), "f")
    customer = ui.call("billing", "get_customer", {"id": invoice["customer_id"]})
    activity = ui.call("members", "get_activity", {"id": invoice["activity_id"]})
    credited = None
    if invoice["kind"] == "credit_note" and invoice.get("credited_invoice_id"):
        credited = ui.call("billing", "get_invoice", {"id": invoice["credited_invoice_id"]})
    return _page(
        "console/billing/invoice.html",
        status,
        invoice=invoice,
        customer=customer,
        activity=activity,
        credited=credited,
        **values,
    )


@console.get("/invoices/<invoice_id>")
@ui.signed_in(*ui.STAFF_ROLES)
def invoice(invoice_id: str):
    return _invoice_page(invoice_id)


@console.get("/invoices/<invoice_id>/delivery")
@ui.signed_in(*ui.STAFF_ROLES)
def invoice_delivery(invoice_id: str):
    """The delivery's part of the page, which htmx asks for again until it is final."""
    invoice = ui.call("billing", "get_invoice", {"id": invoice_id})
    return _page("console/billing/_delivery.html", invoice=invoice)


def _acted(invoice_id: str, method: str, payload: dict, done: str, to: str | None = None):
    try:
        answer = ui.call("billing", method, payload)
    except CoopError as error:
        status = 422 if isinstance(error, ValidationError) else 409
        return _invoice_page(invoice_id, status, error=ui.message_of(error), problems=ui.problems_of(error))
    return redirect(
        url_for("console.invoice", invoice_id=to or answer.get("id") or invoice_id, done=done), 303
    )


@console.post("/invoices/<invoice_id>/issue")
@ui.signed_in(*ui.STAFF_ROLES)
def issue_invoice(invoice_id: str):
    return _acted(invoice_id, "issue_invoice", {"id": invoice_id}, "issued", invoice_id)


@console.post("/invoices/<invoice_id>/delete")
@ui.signed_in(*ui.STAFF_ROLES)
def delete_invoice(invoice_id: str):
    try:
        ui.call("billing", "delete_invoice", {"id": invoice_id})
    except CoopError as error:
        return _invoice_page(invoice_id, 409, error=ui.message_of(error))
    return redirect(url_for("console.invoices", done="deleted"), 303)


@console.post("/invoices/<invoice_id>/credit")
@ui.signed_in(*ui.STAFF_ROLES)
def credit_invoice(invoice_id: str):
    """A credit note of the whole invoice, or of the quantities given per line."""
    payload = {"invoice_id": invoice_id, "reason": request.form.get("reason", "").strip()}
    lines = []
    for key, value in request.form.items():
        if key.startswith("credit-") and value.strip():
            lines.append({"line_id": key.removeprefix("credit-"), "quantity": _decimal_text(value.strip())})
    if lines:
        payload["lines"] = lines
    return _acted(invoice_id, "create_credit_note", payload, "credited")


@console.get("/invoices/<invoice_id>/<any(pdf, ubl):file_format>")
@ui.signed_in(*ui.STAFF_ROLES)
def invoice_file(invoice_id: str, file_format: str):
    return ui.download(
        ui.call("billing", "render_invoice", {"invoice_id": invoice_id, "format": file_format})
    )

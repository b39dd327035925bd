"""Console pages: notifications. The delivery log with its status filter
(`notifications.list_deliveries`) and "resend" (`notifications.resend`); the e-mails the suite
sends, each in fr/nl/en, with the wording in force (`notifications.get_template`), saved
(`notifications.set_template`, refused unless it renders), reset to the default
(`notifications.reset_template`) and a live preview of the draft as it is typed, without a
reload (`notifications.preview` through htmx; a button does the same without script)."""

from __future__ import annotations

from flask import redirect, request

from coop_shared.errors import BusinessRuleViolation, Conflict, NotFound, ValidationError
from coop_web import ui
from coop_web.console import console
from coop_web.i18n import N_
from coop_web.i18n import gettext as _

STATUSES = (("pending", N_("Pending")), ("sent", N_("Sent")), ("failed", N_("Failed")))
LANGUAGES = (("fr", "Français"), ("nl", "Nederlands"), ("en", "English"))

# The e-mails of notifications (its TemplateRefSchema's `event`, docs/rpc-contract.md): no
# method lists them, the contract does.
TEMPLATES = (
    ("member_registered", N_("Welcome of a registered member")),
    ("invoice_issued", N_("Invoice sent to the customer")),
    ("invoice_issued_copy", N_("Copy of an invoice to the member")),
    ("invoice_delivery_failed", N_("Invoice delivery failed")),
    ("invoice_overdue", N_("Reminder of an overdue invoice")),
    ("payment_received", N_("Payment received")),
    ("payslip_issued", N_("Payslip issued")),
    ("director_statement_issued", N_("Director's statement issued")),
    ("document_expiring", N_("Document expiring (to the member)")),
    ("document_expiring_staff", N_("Document expiring (to the staff)")),
    ("appointment_due", N_("Appointment reminder (to the member)")),
    ("appointment_due_staff", N_("Appointment reminder (to the staff)")),
    ("person_invited", N_("Invitation to an account")),
    ("password_reset_requested", N_("Password reset")),
)
TEMPLATE_LABELS = dict(TEMPLATES)
PAGE = 50


def _render(name: str, status: int = 200, **values):
    return ui.render(name, status=status, may_write=ui.may_write(), **values)


@console.get("/notifications")
@ui.signed_in(*ui.STAFF_ROLES)
def notifications_deliveries():
    offset = request.args.get("offset", "0")
    payload = {"limit": PAGE, "offset": int(offset) if offset.isdigit() else 0}
    status = request.args.get("status", "")
    if status in dict(STATUSES):
        payload["status"] = status
    deliveries = ui.call("notifications", "list_deliveries", payload)
    notice = _("The delivery is queued again.") if request.args.get("notice") == "resent" else None
    return _render(
        "console/notifications/deliveries.html",
        deliveries=deliveries,
        selected=status,
        statuses=STATUSES,
        offset=payload["offset"],
        page=PAGE,
        labels=TEMPLATE_LABELS,
        notice=notice,
    )


@console.post("/notifications/deliveries/<uuid:delivery_id>/resend")
@ui.signed_in(*ui.STAFF_ROLES)
def notifications_resend(delivery_id):
    back = request.form.get("status", "")
    query = f"status={back}&" if back in dict(STATUSES) else ""
    try:
        ui.call("notifications", "resend", {"id": str(delivery_id)})
    except Conflict as error:
        deliveries = ui.call("notifications", "list_deliveries", {"limit": PAGE})
        return _render(
            "console/notifications/deliveries.html",
            409,
            deliveries=deliveries,
            selected="",
            statuses=STATUSES,
            offset=0,
            page=PAGE,
            labels=TEMPLATE_LABELS,
            error=ui.message_of(error),
        )
    return redirect(f"/console/notifications?{query}notice=resent", 303)


@console.get("/notifications/templates")
@ui.signed_in(*ui.STAFF_ROLES)
def notifications_templates():
    return _render("console/notifications/templates.html", templates=TEMPLATES, languages=LANGUAGES)


def _which(event: str, language: str) -> dict:
    if event not in TEMPLATE_LABELS or language not in dict(LANGUAGES):
        raise NotFound(_("No such e-mail template."))
    return {"event": event, "language": language}


def _template_page(which: dict, template: dict, status: int = 200, preview=None, **values):
    return _render(
        "console/notifications/template.html",
        status,
        which=which,
        label=TEMPLATE_LABELS[which["event"]],
        language_name=dict(LANGUAGES)[which["language"]],
        wording=template,
        preview=preview,
        **values,
    )


@console.get("/notifications/templates/<event>/<language>")
@ui.signed_in(*ui.STAFF_ROLES)
def notifications_template(event, language):
    which = _which(event, language)
    template = ui.call("notifications", "get_template", which)
    return _template_page(which, template, preview=_preview(which, template["subject"], template["body"]))


def _preview(which: dict, subject: str, body: str) -> dict:
    """The e-mail the draft renders to, or {"error": ...} saying why it does not render."""
    payload = dict(which)
    if subject and body:
        payload.update(subject=subject, body=body)
    try:
        return ui.call("notifications", "preview", payload)
    except (ValidationError, BusinessRuleViolation) as error:
        problems = ui.problems_of(error)
        return {"error": " ".join([ui.message_of(error), *problems.values()])}


@console.post("/notifications/templates/<event>/<language>/preview")
@ui.signed_in(*ui.STAFF_ROLES)
def notifications_preview(event, language):
    """The preview of the draft: only the preview's markup for htmx, the whole page otherwise."""
    which = _which(event, language)
    subject, body = request.form.get("subject", "").strip(), request.form.get("body", "")
    preview = _preview(which, subject, body)
    if request.headers.get("HX-Request"):
        return ui.render("console/notifications/_preview.html", preview=preview)
    draft = dict(which, subject=subject, body=body, overridden=None)
    return _template_page(which, draft, preview=preview)


@console.post("/notifications/templates/<event>/<language>")
@ui.signed_in(*ui.STAFF_ROLES)
def notifications_save_template(event, language):
    which = _which(event, language)
    subject, body = request.form.get("subject", "").strip(), request.form.get("body", "")
    try:
        saved = ui.call("notifications", "set_template", dict(which, subject=subject, body=body))
    except (ValidationError, BusinessRuleViolation) as error:
        draft = dict(which, subject=subject, body=body, overridden=None)
        return _template_page(
            which,
            draft,
            422,
            preview=_preview(which, subject, body),
            error=ui.message_of(error),
            problems=ui.problems_of(error),
        )
    return _template_page(
        which,
        saved,
        preview=_preview(which, saved["subject"], saved["body"]),
        notice=_("The wording is saved."),
    )


@console.post("/notifications/templates/<event>/<language>/reset")
@ui.signed_in(*ui.STAFF_ROLES)
def notifications_reset_template(event, language):
    which = _which(event, language)
    try:
        template = ui.call("notifications", "reset_template", which)
    except NotFound:
        template = ui.call("notifications", "get_template", which)  # nothing of its own to drop
    return _template_page(
        which,
        template,
        preview=_preview(which, template["subject"], template["body"]),
        notice=_("The default wording is back in force."),
    )

"""Console pages: members and their activities (docs/adr/025-console-and-portal.md).

The calls are members' own (docs/rpc-contract.md, members): `list_members`, `register_member`,
`get_member`; `update_member_identity`, `update_member_address`, `update_member_iban`;
`add_activity`, `set_status_model` (with payroll's public `list_status_models` for the choice),
`change_lifecycle`; `list_member_documents`, `record_document`, `check_right_to_work`; the
accompaniment: `list_programmes`, `list_member_enrolments`, `enrol_member`, `get_enrolment`,
`move_phase`, `schedule_appointment`. One page per member, with a section and a small form per
subject; each form posts to its own address and comes back to the member's page (or shows the
page again with the service's refusal). Members decide who may do what: an auditor is shown no
form, and the service refuses an auditor's write anyway.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import redirect, request, url_for

from coop_shared.dates import brussels_today
from coop_shared.errors import BusinessRuleViolation, CoopError, NotFound, ValidationError
from coop_web import ui
from coop_web.console import console
from coop_web.i18n import N_
from coop_web.i18n import gettext as _
from coop_web.labels import DOCUMENT_KINDS

PAGE = 25
BRUSSELS = ZoneInfo("Europe/Brussels")

LANGUAGE_NAMES = {"fr": N_("French"), "nl": N_("Dutch"), "en": N_("English")}
LIFECYCLES = {
    "candidate": N_("Candidate"),
    "active": N_("Active"),
    "suspended": N_("Suspended"),
    "exited": N_("Exited"),
}
LIFECYCLE_TARGETS = ("active", "suspended", "exited")
LABOUR_MARKETS = {"unlimited": N_("Unlimited"), "limited": N_("Limited"), "none": N_("None")}
PHASES = {
    "intake": N_("Intake"),
    "test": N_("Test"),
    "launch": N_("Launch"),
    "autonomy": N_("Autonomy"),
    "exit": N_("Exit"),
}
NEXT_PHASES = ("test", "launch", "autonomy", "exit")
LABOUR_SITUATIONS = {
    "job_seeker": N_("Job seeker"),
    "cpas_beneficiary": N_("CPAS beneficiary"),
    "international_protection_applicant": N_("Applicant for international protection"),
    "inactive": N_("Inactive"),
    "employed": N_("Employed"),
    "self_employed": N_("Self-employed"),
}
EXIT_OUTCOMES = {
    "own_business": N_("Own business"),
    "salaried": N_("Salaried in the cooperative"),
    "employed_elsewhere": N_("Employed elsewhere"),
    "training": N_("Training"),
    "stopped": N_("Stopped"),
}
APPOINTMENT_KINDS = {"appointment": N_("Appointment"), "workshop": N_("Workshop")}
DONE = {
    "registered": N_("The member was registered."),
    "identity": N_("The identity was changed."),
    "address": N_("The address was changed."),
    "iban": N_("The IBAN was changed."),
    "unchanged": N_("Nothing was changed."),
    "activity": N_("The activity was added."),
    "status_model": N_("The status model was set."),
    "lifecycle": N_("The lifecycle was changed."),
    "document": N_("The document was recorded."),
    "enrolled": N_("The member was enrolled."),
    "phase": N_("The phase was changed."),
    "appointment": N_("The appointment was scheduled."),
}
LABELS = {
    "LANGUAGE_NAMES": LANGUAGE_NAMES,
    "LIFECYCLES": LIFECYCLES,
    "LIFECYCLE_TARGETS": LIFECYCLE_TARGETS,
    "DOCUMENT_KINDS": DOCUMENT_KINDS,
    "LABOUR_MARKETS": LABOUR_MARKETS,
    "PHASES": PHASES,
    "NEXT_PHASES": NEXT_PHASES,
    "LABOUR_SITUATIONS": LABOUR_SITUATIONS,
    "EXIT_OUTCOMES": EXIT_OUTCOMES,
    "APPOINTMENT_KINDS": APPOINTMENT_KINDS,
}
REGISTER_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "language",
    "birth_date",
    "national_number",
    "nationality",
    "iban",
)
ADDRESS_FIELDS = ("street", "postal_code", "city", "country")
IDENTITY_FIELDS = ("first_name", "last_name", "birth_date", "national_number")


def _page(template: str, status: int = 200, **values):
    done = request.args.get("done")
    notice = values.pop("notice", None) or (_(DONE[done]) if done in DONE else None)
    return ui.render(template, status, notice=notice, may_write=ui.may_write(), **LABELS, **values)


def _offset() -> int:
    try:
        return max(0, int(request.args.get("offset", "0")))
    except ValueError:
        return 0


def _address_form(prefix: str = "address_") -> dict:
    address = {name: request.form.get(f"{prefix}{name}", "").strip() for name in ADDRESS_FIELDS}
    address["country"] = address["country"].upper()
    return address


def _problems(error: CoopError) -> dict:
    """The field errors, keyed as the form's fields are named (`address.city` → `address_city`)."""
    return {key.replace(".", "_"): text for key, text in ui.problems_of(error).items()}


# The list and the registration


@console.get("/members")
@ui.signed_in(*ui.STAFF_ROLES)
def members():
    payload = {"limit": PAGE, "offset": _offset()}
    q = request.args.get("q", "").strip()[:100]
    lifecycle = request.args.get("lifecycle", "")
    if q:
        payload["q"] = q
    if lifecycle in LIFECYCLES:
        payload["lifecycle"] = lifecycle
    answer = ui.call("members", "list_members", payload)
    return _page(
        "console/members/list.html",
        page=answer,
        q=q,
        lifecycle=lifecycle,
        offset=payload["offset"],
        limit=PAGE,
    )


def _register_form() -> tuple[dict, dict]:
    """(the payload for register_member, what the form showed)."""
    payload = ui.form_values(*REGISTER_FIELDS)
    if "nationality" in payload:
        payload["nationality"] = payload["nationality"].upper()
    address = _address_form()
    if any(value for name, value in address.items() if name != "country"):
        payload["address"] = address
    shown = dict({name: request.form.get(name, "").strip() for name in REGISTER_FIELDS}, address=address)
    return payload, shown


@console.route("/members/new", methods=["GET", "POST"])
@ui.signed_in(*ui.STAFF_ROLES)
def new_member():
    if request.method == "GET":
        return _page("console/members/new.html", member={"language": "fr", "address": {"country": "BE"}})
    payload, shown = _register_form()
    try:
        created = ui.call("members", "register_member", payload)
    except ValidationError as error:
        return _page(
            "console/members/new.html",
            422,
            member=shown,
            problems=_problems(error),
            error=ui.message_of(error),
        )
    return redirect(url_for("console.member", member_id=created["id"], done="registered"), 303)


# One member


def _enrolments(member_id: str) -> list[dict]:
    """The member's enrolments, each as get_enrolment gives it (its phases and appointments)."""
    return ui.call("members", "list_member_enrolments", {"member_id": member_id})["items"]


def _programme_choices() -> list[dict]:
    """One choice per programme and coach: {"value": "programme_id|coach_key_id", "programme",
    "coach"}. A coach is a staff key: its label when the role may list keys (admin, auditor),
    else its number in the programme."""
    programmes = ui.call("members", "list_programmes", {})["items"]
    try:
        keys = ui.call("members", "list_api_keys", {"limit": 500})["items"]
        labels = {k["key_id"]: k["label"] for k in keys}
    except CoopError:
        labels = {}
    return [
        {
            "value": f"{p['id']}|{coach}",
            "programme": p["name"],
            "coach": labels.get(coach) or _("coach %(number)s", number=number),
        }
        for p in programmes
        for number, coach in enumerate(p["coach_key_ids"], start=1)
    ]


def _next_appointment(enrolment: dict) -> dict | None:
    now = datetime.now(BRUSSELS)
    coming = [a for a in enrolment.get("appointments", []) if datetime.fromisoformat(a["starts_at"]) >= now]
    return min(coming, key=lambda a: a["starts_at"]) if coming else None


def _status_models() -> list[dict]:
    try:
        return ui.call("payroll", "list_status_models")["items"]
    except CoopError:
        return []


def _member_page(member_id: str, status: int = 200, **values):
    """The member's page: NotFound (another cooperative's member too) propagates as the 404 page."""
    member = ui.call("members", "get_member", {"id": member_id})
    today = brussels_today()
    documents = [
        dict(
            d, days_left=(date.fromisoformat(d["valid_until"]) - today).days if d.get("valid_until") else None
        )
        for d in ui.call("members", "list_member_documents", {"member_id": member_id})["items"]
    ]
    enrolments = _enrolments(member_id)
    for enrolment in enrolments:
        enrolment["next_appointment"] = _next_appointment(enrolment)
    writer = ui.may_write()
    programmes = _programme_choices() if writer else []
    return _page(
        "console/members/member.html",
        status,
        member=member,
        documents=documents,
        enrolments=enrolments,
        programmes=programmes,
        status_models=_status_models() if writer else [],
        today=today.isoformat(),
        problems=values.pop("problems", {}),
        form=values.pop("form", None),
        shown=values.pop("shown", {}),
        **values,
    )


@console.get("/members/<member_id>")
@ui.signed_in(*ui.STAFF_ROLES)
def member(member_id: str):
    return _member_page(member_id)


def _act(member_id: str, form: str, method: str, payload: dict, done: str, service: str = "members"):
    """Make the call of one of the member page's forms: back to the page with `done`, or the
    page again with the refusal shown at that form (a NotFound propagates: the 404 page)."""
    try:
        ui.call(service, method, payload)
    except (ValidationError, BusinessRuleViolation) as error:
        shown = {key: value.strip() for key, value in request.form.items() if key != "csrf_token"}
        return _member_page(
            member_id,
            422 if isinstance(error, ValidationError) else 409,
            form=form,
            problems=_problems(error),
            shown=shown,
            error=ui.message_of(error),
        )
    return redirect(url_for("console.member", member_id=member_id, done=done, _anchor=form), 303)


@console.post("/members/<member_id>/identity")
@ui.signed_in(*ui.STAFF_ROLES)
def member_identity(member_id: str):
    current = ui.call("members", "get_member", {"id": member_id})
    values = ui.form_values(*IDENTITY_FIELDS)
    changes = {name: value for name, value in values.items() if value != current.get(name)}
    if not changes:
        return redirect(
            url_for("console.member", member_id=member_id, done="unchanged", _anchor="identity"), 303
        )
    changes.update(ui.form_values("reason"), member_id=member_id)
    return _act(member_id, "identity", "update_member_identity", changes, "identity")


@console.post("/members/<member_id>/address")
@ui.signed_in(*ui.STAFF_ROLES)
def member_address(member_id: str):
    payload = dict(ui.form_values("reason"), member_id=member_id, address=_address_form())
    return _act(member_id, "address", "update_member_address", payload, "address")


@console.post("/members/<member_id>/iban")
@ui.signed_in(*ui.STAFF_ROLES)
def member_iban(member_id: str):
    payload = dict(ui.form_values("iban", "reason"), member_id=member_id)
    return _act(member_id, "iban", "update_member_iban", payload, "iban")


@console.post("/members/<member_id>/activities")
@ui.signed_in(*ui.STAFF_ROLES)
def member_activity(member_id: str):
    values = ui.form_values("activity_name", "sector", "trade_name")
    payload = {"member_id": member_id, "name": values.pop("activity_name", "")}
    payload.update(values)
    return _act(member_id, "activities", "add_activity", payload, "activity")


def _contract_parameters() -> dict:
    """The salaried contract's parameters the form offers (payroll's be_salaried schema):
    weekly hours, joint committee, function, start date; the ones left empty take the model's
    defaults."""
    parameters = {}
    hours = request.form.get("weekly_hours", "").strip().replace(",", ".")
    if hours:
        try:
            number = float(hours)  # hours, not money: the parameters schema wants a JSON number
        except ValueError:
            number = hours  # sent as it is: the schema names what is wrong
        parameters["weekly_hours"] = (
            int(number) if isinstance(number, float) and number.is_integer() else number
        )
    for name in ("joint_committee", "function", "start_date"):
        value = request.form.get(name, "").strip()
        if value:
            parameters[name] = value
    return parameters


@console.post("/members/<member_id>/status-model")
@ui.signed_in(*ui.STAFF_ROLES)
def member_status_model(member_id: str):
    payload = dict(ui.form_values("status_model", "valid_from"), member_id=member_id)
    if payload.get("status_model") == "be_salaried":
        payload["parameters"] = _contract_parameters()
    return _act(member_id, "status", "set_status_model", payload, "status_model")


@console.post("/members/<member_id>/lifecycle")
@ui.signed_in(*ui.STAFF_ROLES)
def member_lifecycle(member_id: str):
    payload = dict(ui.form_values("to", "effective_on", "reason"), member_id=member_id)
    return _act(member_id, "status", "change_lifecycle", payload, "lifecycle")


@console.post("/members/<member_id>/documents")
@ui.signed_in(*ui.STAFF_ROLES)
def member_document(member_id: str):
    payload = dict(
        ui.form_values("kind", "reference", "valid_from", "valid_until", "labour_market"), member_id=member_id
    )
    return _act(member_id, "documents", "record_document", payload, "document")


@console.get("/members/<member_id>/right-to-work")
@ui.signed_in(*ui.STAFF_ROLES)
def member_right_to_work(member_id: str):
    """The answer of check_right_to_work on the day asked, shown in the member's page (an htmx
    request gets only the answer's fragment)."""
    on = request.args.get("on", "").strip() or brussels_today().isoformat()
    try:
        answer = ui.call("members", "check_right_to_work", {"member_id": member_id, "on": on})
        problems = {}
    except ValidationError as error:
        answer, problems = None, _problems(error)
    if request.headers.get("HX-Request"):
        return _page(
            "console/members/_right_to_work.html",
            200 if answer else 422,
            answer=answer,
            on=on,
            problems=problems,
        )
    return _member_page(member_id, 200 if answer else 422, right_to_work=answer, on=on, problems=problems)


@console.post("/members/<member_id>/enrolments")
@ui.signed_in(*ui.STAFF_ROLES)
def member_enrol(member_id: str):
    values = ui.form_values("programme", "entered_on", "language", "interpreter", "labour_situation")
    programme_id, _sep, coach_key_id = values.pop("programme", "").partition("|")
    payload = {"member_id": member_id, "programme_id": programme_id, "coach_key_id": coach_key_id}
    situation = values.pop("labour_situation", None)
    payload["profile"] = {"labour_situation": situation} if situation else {}
    payload.update(values)
    return _act(member_id, "accompaniment", "enrol_member", payload, "enrolled")


def _enrolment_of(member_id: str, enrolment_id: str) -> None:
    """The enrolment must be this member's: another's (or another cooperative's) is a 404."""
    enrolment = ui.call("members", "get_enrolment", {"id": enrolment_id})
    if enrolment["member_id"] != member_id:
        raise NotFound(f"No enrolment '{enrolment_id}'.")


@console.post("/members/<member_id>/enrolments/<enrolment_id>/phase")
@ui.signed_in(*ui.STAFF_ROLES)
def member_phase(member_id: str, enrolment_id: str):
    _enrolment_of(member_id, enrolment_id)
    payload = dict(ui.form_values("to", "on", "status_model", "exit_outcome"), enrolment_id=enrolment_id)
    return _act(member_id, "accompaniment", "move_phase", payload, "phase")


def _aware(local: str) -> str:
    """A `datetime-local` value (Brussels time, as the person reads it) with its UTC offset."""
    try:
        return datetime.fromisoformat(local).replace(tzinfo=BRUSSELS).isoformat()
    except ValueError:
        return local  # sent as it is: members names what is wrong with it


@console.post("/members/<member_id>/enrolments/<enrolment_id>/appointments")
@ui.signed_in(*ui.STAFF_ROLES)
def member_appointment(member_id: str, enrolment_id: str):
    _enrolment_of(member_id, enrolment_id)
    payload = dict(
        ui.form_values("kind", "title", "starts_at", "duration_minutes"), enrolment_id=enrolment_id
    )
    if "starts_at" in payload:
        payload["starts_at"] = _aware(payload["starts_at"])
    if "duration_minutes" in payload and payload["duration_minutes"].isdigit():
        payload["duration_minutes"] = int(payload["duration_minutes"])
    return _act(member_id, "accompaniment", "schedule_appointment", payload, "appointment")

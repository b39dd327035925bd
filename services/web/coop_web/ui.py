"""What every page of the staff console and the entrepreneur portal shares
(docs/adr/025-console-and-portal.md).

A page is a thin client of the services: it checks only that a `full` session is there (the
pages of the second factor come first) and, to show the right menu, the role it was signed in
with; then it makes the same RPC calls an integrator would, carrying the person's session as
`Bearer sess_…`, so members, billing, payroll, notifications and accounting decide what the
person may see and do, exactly as for a key (docs/adr/004). A refusal comes back as a typed
error and is shown as a page with the status the JSON API would answer: another cooperative's
record is a 404 page, never its content.
"""

from __future__ import annotations

import base64
import functools

from flask import Response, current_app, g, redirect, render_template, request

from coop_shared.credentials import ADMIN, AUDITOR, MEMBER, STAFF
from coop_shared.errors import CoopError, ValidationError
from coop_web import sessions
from coop_web.service_messages import translated

STAFF_ROLES = (ADMIN, STAFF, AUDITOR)
WRITERS = (ADMIN, STAFF)  # an auditor reads everything of the cooperative and changes nothing
MEMBER_ROLES = (MEMBER,)


def landing(state: dict) -> str:
    """Where a full session starts: the portal for an entrepreneur, the console for staff."""
    return "/portal" if state.get("role") == MEMBER else "/console"


def signed_in(*roles: str):
    """The view only for a full session whose role is one of `roles`; the sign-in page for no
    session, the next step of one not yet full, the other side's home for the other role
    (an entrepreneur opening /console lands on /portal)."""

    def decorate(view):
        @functools.wraps(view)
        def guarded(*args, **kwargs):
            state = sessions.state_of(request)
            if not state:
                response = redirect("/sign-in", 303)
                if sessions.token_of(request):
                    sessions.clear_cookie(response)
                return response
            if state["stage"] != sessions.FULL:
                from coop_web.pages import NEXT_STEP

                return redirect(NEXT_STEP[state["stage"]], 303)
            if roles and state.get("role") not in roles:
                return redirect(landing(state), 303)
            g.person = state
            return view(*args, **kwargs)

        return guarded

    return decorate


def call(service: str, method: str, payload=None):
    """One RPC call as the signed-in person; a typed error is raised as the service raised it."""
    credential = sessions.SessionCookie().credential(request)
    authorization = credential.authorization if credential else None
    rpc = current_app.extensions["coop_rpc"]
    return rpc.call(service, method, authorization, payload, with_payload=payload is not None)


def may_write() -> bool:
    return g.get("person", {}).get("role") in WRITERS


def render(template: str, status: int = 200, **values):
    return render_template(template, **values), status


def problems_of(error: CoopError) -> dict[str, str]:
    """A validation error's messages per field, translated, for the form that sent them."""
    if not isinstance(error, ValidationError) or not error.fields:
        return {}
    return {field: translated(texts) for field, texts in error.fields.items()}


def message_of(error: CoopError) -> str:
    return translated(error.message)


def download(answer: dict) -> Response:
    """A file answer of the services ({filename, content_type, content in base64}) as the file."""
    body = base64.b64decode(answer["content"])
    filename = answer["filename"].replace('"', "")
    return Response(
        body,
        content_type=answer["content_type"],
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def form_values(*names: str, strip: bool = True) -> dict:
    """The form's fields named, empty ones left out (the schema then applies its default)."""
    values = {}
    for name in names:
        value = request.form.get(name, "")
        value = value.strip() if strip else value
        if value != "":
            values[name] = value
    return values

"""A cooperative's own wording of its e-mails: saved only if it renders (templates of
notifications, domain/templates.py)."""

from __future__ import annotations

from coop_notifications import rendering, views
from coop_notifications.domain import templates
from coop_notifications.orm import Template
from coop_shared import audit
from coop_shared.credentials import AUDITOR, OPERATORS, acting_cooperative, require_role
from coop_shared.errors import NotFound


def set_template(uow, identity, data: dict) -> dict:
    require_role(identity, *OPERATORS)
    cooperative_id = acting_cooperative(identity)
    text = templates.Text(data["subject"], data["body"])
    # Refused now if it does not render, or exceeds its limits, with any of the event's value
    # sets; rendered in a bounded worker, never in the service's process (rendering/).
    rendering.check(data["event"], text)
    row = uow.repo.template(cooperative_id, data["event"], data["channel"], data["language"])
    if row is None:
        row = Template(
            cooperative_id=cooperative_id,
            template=data["event"],
            channel=data["channel"],
            language=data["language"],
        )
        uow.repo.add(row)
    row.subject, row.body, row.updated_by = text.subject, text.body, identity.key_id
    uow.repo.flush()
    audit.record(uow, identity, "notifications.template_set", row.id, _which(data))
    return views.template_out(row, True, data["event"], data["language"], data["channel"])


def get_template(uow, identity, data: dict) -> dict:
    """The template in force: the cooperative's own, else the default (`overridden` says which)."""
    require_role(identity, *OPERATORS, AUDITOR)
    row = uow.repo.template(acting_cooperative(identity), data["event"], data["channel"], data["language"])
    text = row or templates.default(data["event"], data["language"])
    return views.template_out(text, row is not None, data["event"], data["language"], data["channel"])


def reset_template(uow, identity, data: dict) -> dict:
    """Back to the default wording."""
    require_role(identity, *OPERATORS)
    row = uow.repo.template(acting_cooperative(identity), data["event"], data["channel"], data["language"])
    if row is None:
        raise NotFound(f"No template of your own for '{data['event']}' in '{data['language']}'.")
    uow.repo.delete(row)
    audit.record(uow, identity, "notifications.template_reset", row.id, _which(data))
    text = templates.default(data["event"], data["language"])
    return views.template_out(text, False, data["event"], data["language"], data["channel"])


def preview(uow, identity, data: dict) -> dict:
    """Render a draft (subject and body given) or the template in force, with sample values
    (or the caller's `data`), exactly as the e-mail would be sent."""
    require_role(identity, *OPERATORS, AUDITOR)
    if data.get("subject") is not None and data.get("body") is not None:
        text, overridden = templates.Text(data["subject"], data["body"]), True
    else:
        current = get_template(uow, identity, data)
        text, overridden = templates.Text(current["subject"], current["body"]), current["overridden"]
    context = dict(templates.SAMPLES[data["event"]], **(data.get("data") or {}))
    try:
        mail = rendering.email(text, context)
    except rendering.TemplateLimitExceeded as exc:
        raise exc.as_refusal() from None
    return views.preview_out(data, overridden, mail)


def _which(data: dict) -> dict:
    """The template an audit entry names (its wording stays in the template, not the log)."""
    return {name: data[name] for name in ("event", "channel", "language")}

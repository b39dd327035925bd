"""Turn a planned delivery into a message, with what the other services know *now*: the
recipient's address and language (members, billing), the cooperative's name and reply-to
address (members), the invoice PDF (billing). Asked as the service credential acting for the
delivery's cooperative, so no lookup can cross to another cooperative."""

from __future__ import annotations

import base64

from coop_notifications import repository as repo
from coop_notifications.channels import Attachment, DeliveryError, Message
from coop_notifications.domain import signing, templates
from coop_notifications.domain.reactions import (
    COOPERATIVE,
    CUSTOMER,
    EMAIL,
    MEMBER,
    WEBHOOK,
    parse_recipient,
    party_id,
    reaction_for,
)
from coop_shared.errors import NotFound


class Composer:
    """One per dispatcher run: caches cooperatives and contacts across its deliveries."""

    def __init__(self, session, services_for, release=lambda: None):
        self._session = session
        self._services_for = services_for
        self._release = release  # ends the transaction: no connection held while other services work
        self._cache: dict[tuple, dict] = {}

    def message(self, delivery) -> Message:
        if delivery.channel == EMAIL:
            return self._email(delivery)
        if delivery.channel == WEBHOOK:
            return self._webhook(delivery)
        raise DeliveryError(f"No composer for channel '{delivery.channel}'.", permanent=True)

    def _lookup(self, delivery, service: str, method: str, argument):
        key = (delivery.cooperative_id, service, method, str(argument))
        if key not in self._cache:
            services = self._services_for(delivery.cooperative_id, delivery.cooperative)
            try:
                self._cache[key] = getattr(getattr(services, service), method)(argument)
            except NotFound as exc:
                raise DeliveryError(f"{service}.{method}: {exc.args[0]}", permanent=True) from None
        return self._cache[key]

    def _contact(self, delivery, party: str, identifier: str, cooperative: dict) -> dict:
        """{"email", "language", "name"} of a party."""
        if party == MEMBER:
            member = self._lookup(delivery, "members", "get_member", identifier)
            return {
                "email": member.get("email"),
                "language": member.get("language"),
                "name": f"{member['first_name']} {member['last_name']}",
            }
        if party == CUSTOMER:
            customer = self._lookup(delivery, "billing", "get_customer", identifier)
            return {
                "email": customer.get("email"),
                "language": customer.get("language"),
                "name": customer["name"],
            }
        if party == COOPERATIVE:
            return {"email": cooperative.get("email"), "language": None, "name": cooperative["name"]}
        raise DeliveryError(f"Unknown recipient '{party}'.", permanent=True)

    def _email(self, delivery) -> Message:
        cooperative = self._lookup(delivery, "members", "get_cooperative", delivery.cooperative)
        party, identifier = parse_recipient(delivery.recipient)
        reaction = reaction_for(delivery.event_type, party, delivery.template)
        if reaction is None:
            raise DeliveryError(f"No e-mail '{delivery.template}' for {delivery.recipient}.", permanent=True)
        contact = self._contact(delivery, party, identifier, cooperative)
        if not contact["email"]:
            raise DeliveryError(f"{contact['name']} has no e-mail address.", permanent=True)
        speaker = contact
        if reaction.language_of:
            speaker = self._contact(
                delivery, reaction.language_of, party_id(reaction.language_of, delivery.event), cooperative
            )
        language = _language(speaker.get("language"), cooperative.get("languages") or [])
        override = repo.template(self._session, delivery.cooperative_id, delivery.template, EMAIL, language)
        self._release()
        text = (
            templates.Text(override.subject, override.body)
            if override
            else templates.default(delivery.template, language)
        )
        context = dict(
            delivery.event.get("payload") or {},
            cooperative=cooperative["name"],
            recipient_name=contact["name"],
        )
        try:
            mail = templates.email(text, context)
        except Exception as exc:  # a template checked at save time; an event lacking a value
            raise DeliveryError(f"The e-mail does not render: {exc}", permanent=True) from None
        attachments = ()
        if reaction.attach_invoice:
            document = self._lookup(
                delivery,
                "billing",
                "render_invoice",
                {"invoice_id": delivery.event["payload"]["invoice_id"], "format": "pdf"},
            )
            attachments = (
                Attachment(
                    document["filename"], document["content_type"], base64.b64decode(document["content"])
                ),
            )
        return Message(
            address=contact["email"],
            reference=delivery.id,
            subject=mail.subject,
            text=mail.text,
            html=mail.html,
            attachments=attachments,
            sender_name=cooperative["name"],
            reply_to=cooperative.get("email"),
            language=language,
        )

    def _webhook(self, delivery) -> Message:
        _, webhook_id = parse_recipient(delivery.recipient)
        try:
            hook = repo.webhook(self._session, delivery.cooperative_id, webhook_id)
        except NotFound:
            raise DeliveryError("The webhook no longer exists.", permanent=True) from None
        if not hook.active:
            raise DeliveryError("The webhook was removed.", permanent=True)
        body = signing.body_of(delivery.event)
        return Message(
            address=hook.url,
            reference=delivery.id,
            body=body,
            headers={
                signing.SIGNATURE_HEADER: signing.signature(hook.secret, body),
                signing.EVENT_ID_HEADER: delivery.event_id,
                signing.EVENT_TYPE_HEADER: delivery.event_type,
                signing.DELIVERY_ID_HEADER: delivery.id,
            },
        )


def _language(wanted: str | None, cooperative_languages: list) -> str:
    """The reader's language; else the cooperative's first; else French."""
    for candidate in (wanted, *cooperative_languages):
        if candidate in templates.LANGUAGES:
            return candidate
    return "fr"

"""Turn a planned delivery into a message, with what the other services know *now*: the
recipient's address and language (members, billing; a member's or customer's kept until a change
is announced, contacts.py), the invoice PDF (billing), and the cooperative's name and reply-to
address (members; kept a few minutes, see COOPERATIVE_SECONDS),
asked through the clients of the delivery's cooperative (clients.py), so no lookup can cross to
another cooperative."""

from __future__ import annotations

import base64

from coop_notifications import contacts, rendering
from coop_notifications.channels import Attachment, DeliveryError, Message
from coop_notifications.domain import signing, templates
from coop_notifications.domain.deliveries import EMAIL, WEBHOOK
from coop_notifications.domain.reactions import (
    COOPERATIVE,
    CUSTOMER,
    MEMBER,
    PERSON,
    Recipient,
    parse_recipient,
    party_id,
    reaction_for,
)
from coop_shared import link_sealing
from coop_shared.errors import NotFound
from coop_shared.kept import Kept

# What a message reads of its cooperative (name, e-mail, languages) is set when the cooperative
# is created (members' `update_cooperative` changes only its ONSS number), so this process keeps
# it a few minutes rather than asking members for it with every e-mail (issue 18: one RPC of two
# per payment note). Keyed by id and slug together: a delivery only ever sees the cooperative
# it was planned for. A recipient's address and language are kept only until a change is
# announced (contacts.py, ADR 028), so a corrected address reaches the next message (ADR 008).
COOPERATIVE_SECONDS = 300.0
COOPERATIVES = Kept(COOPERATIVE_SECONDS, most=1000)


def _opened(payload: dict, link_ring) -> dict:
    """The template's values: the payload with its sealed link, if any, opened as `link`. The
    link of a person's invitation or password reset travels sealed (coop_shared.link_sealing);
    it is opened only here, to write the one e-mail."""
    if link_sealing.FIELD not in payload:
        return payload
    if link_ring is None:
        raise DeliveryError("The link cannot be opened: COOP_SERVICE_KEY is not set.", permanent=True)
    values = {key: value for key, value in payload.items() if key != link_sealing.FIELD}
    values["link"] = link_ring.open(payload[link_sealing.FIELD], link_sealing.PURPOSE)
    return values


class Composer:
    """One per dispatcher run: caches cooperatives and contacts across its deliveries.

    `clients_for(cooperative_id, slug)` gives the clients of one cooperative
    (`clients.clients_for`). The composer commits the unit of work after its last read of the
    database, so no connection is held while other services work.
    """

    def __init__(self, uow, clients_for, link_ring=None, overrides=None):
        self._uow = uow
        self._clients_for = clients_for
        self._link_ring = link_ring  # opens the sealed links of people's e-mails
        # The cooperatives' own wordings of this run's e-mails, read with the lease
        # (repository.overrides_for); None: each e-mail reads its own.
        self._overrides = overrides
        self._clients: dict[str, object] = {}
        self._cache: dict[tuple, dict] = {}

    def message(self, delivery) -> Message:
        if delivery.channel == EMAIL:
            return self._email(delivery)
        if delivery.channel == WEBHOOK:
            return self._webhook(delivery)
        raise DeliveryError(f"No composer for channel '{delivery.channel}'.", permanent=True)

    # What other services know

    def _ask(self, delivery, what: str, argument, call):
        """`call(clients)` once per cooperative, question and argument in this run; a NotFound
        answer is permanent (a retry would not make the member exist)."""
        key = (delivery.cooperative_id, what, str(argument))
        if key not in self._cache:
            try:
                self._cache[key] = call(self._clients_of(delivery))
            except NotFound as exc:
                raise DeliveryError(f"{what}: {exc.args[0]}", permanent=True) from None
        return self._cache[key]

    def _clients_of(self, delivery):
        if delivery.cooperative_id not in self._clients:
            self._clients[delivery.cooperative_id] = self._clients_for(
                delivery.cooperative_id, delivery.cooperative
            )
        return self._clients[delivery.cooperative_id]

    def _cooperative(self, delivery) -> dict:
        slug, key = delivery.cooperative, (delivery.cooperative_id, delivery.cooperative)
        kept = COOPERATIVES.get(key)
        if kept is not None:
            return kept
        read_at = COOPERATIVES.now()
        cooperative = self._ask(
            delivery, "members.get_cooperative", slug, lambda c: c.members.cooperative(slug)
        )
        COOPERATIVES.keep(key, cooperative, read_at)
        return cooperative

    def _contact(self, delivery, party: str, identifier: str, cooperative: dict) -> dict:
        """{"email", "language", "name"} of a party; a member's or a customer's as kept by this
        process until its owner announces a change (contacts.py)."""
        if party in (MEMBER, CUSTOMER):
            key = contacts.key(delivery.cooperative_id, party, identifier)
            contact = contacts.CONTACTS.get(key)
            if contact is None:
                read_at = contacts.CONTACTS.now()
                contact = self._read_contact(delivery, party, identifier)
                contacts.CONTACTS.keep(key, contact, read_at)
            return contact
        if party == COOPERATIVE:
            return {"email": cooperative.get("email"), "language": None, "name": cooperative["name"]}
        if party == PERSON:
            return self._ask(
                delivery, "members.get_person_contact", identifier, lambda c: c.members.person(identifier)
            )
        raise DeliveryError(f"Unknown recipient '{party}'.", permanent=True)

    def _read_contact(self, delivery, party: str, identifier: str) -> dict:
        if party == MEMBER:
            member = self._ask(
                delivery, "members.get_member", identifier, lambda c: c.members.member(identifier)
            )
            return {
                "email": member.get("email"),
                "language": member.get("language"),
                "name": f"{member['first_name']} {member['last_name']}",
            }
        customer = self._ask(
            delivery, "billing.get_customer", identifier, lambda c: c.billing.customer(identifier)
        )
        return {
            "email": customer.get("email"),
            "language": customer.get("language"),
            "name": customer["name"],
        }

    # E-mail

    def _email(self, delivery) -> Message:
        cooperative = self._cooperative(delivery)
        party, identifier = parse_recipient(delivery.recipient)
        reaction = reaction_for(delivery.event_type, party, delivery.template)
        if reaction is None:
            raise DeliveryError(f"No e-mail '{delivery.template}' for {delivery.recipient}.", permanent=True)
        contact = self._contact(delivery, party, identifier, cooperative)
        if not contact["email"]:
            raise DeliveryError(f"{contact['name']} has no e-mail address.", permanent=True)
        language = self._language(delivery, reaction, contact, cooperative)
        mail = self._render(delivery, language, cooperative, contact)
        return Message(
            address=contact["email"],
            reference=delivery.id,
            subject=mail.subject,
            text=mail.text,
            html=mail.html,
            attachments=self._attachments(delivery, reaction),
            sender_name=cooperative["name"],
            reply_to=cooperative.get("email"),
            language=language,
        )

    def _language(self, delivery, reaction: Recipient, contact: dict, cooperative: dict) -> str:
        """The reader's language, or that of the party the mail copies (`language_of`)."""
        speaker = contact
        if reaction.language_of:
            speaker = self._contact(
                delivery, reaction.language_of, party_id(reaction.language_of, delivery.event), cooperative
            )
        return _language(speaker.get("language"), cooperative.get("languages") or [])

    def _render(self, delivery, language: str, cooperative: dict, contact: dict) -> templates.Email:
        if self._overrides is not None:
            override = self._overrides.get((delivery.cooperative_id, delivery.template, language))
        else:
            override = self._uow.repo.template(delivery.cooperative_id, delivery.template, EMAIL, language)
            self._uow.commit()  # the last read: give the connection back before billing renders a PDF
        text = (
            templates.Text(override.subject, override.body)
            if override
            else templates.default(delivery.template, language)
        )
        context = dict(
            _opened(delivery.event.get("payload") or {}, self._link_ring),
            cooperative=cooperative["name"],
            recipient_name=contact["name"],
        )
        try:
            # In a bounded worker process (rendering/): a template past its CPU, memory or time
            # limit fails this delivery for good and never stalls the service (ADR 020).
            return rendering.email(text, context)
        except rendering.TemplateLimitExceeded as exc:
            raise DeliveryError(f"The e-mail does not render: {exc.message}", permanent=True) from None
        except RuntimeError:
            raise  # no worker could be started: worth another try
        except Exception as exc:  # a template checked at save time; an event lacking a value
            raise DeliveryError(f"The e-mail does not render: {exc}", permanent=True) from None

    def _attachments(self, delivery, reaction: Recipient) -> tuple[Attachment, ...]:
        if reaction.attach_payslip:
            payslip_id = delivery.event["payload"]["payslip_id"]
            document = self._ask(
                delivery, "payroll.render_payslip", payslip_id, lambda c: c.payroll.payslip_pdf(payslip_id)
            )
            return (
                Attachment(
                    document["filename"], document["content_type"], base64.b64decode(document["content"])
                ),
            )
        if not reaction.attach_invoice:
            return ()
        invoice_id = delivery.event["payload"]["invoice_id"]
        document = self._ask(
            delivery, "billing.render_invoice", invoice_id, lambda c: c.billing.invoice_pdf(invoice_id)
        )
        content = base64.b64decode(document["content"])
        return (Attachment(document["filename"], document["content_type"], content),)

    # Webhook

    def _webhook(self, delivery) -> Message:
        _, webhook_id = parse_recipient(delivery.recipient)
        try:
            hook = self._uow.repo.webhook(delivery.cooperative_id, webhook_id)
        except NotFound:
            raise DeliveryError("The webhook no longer exists.", permanent=True) from None
        if not hook.active:
            raise DeliveryError("The webhook was removed.", permanent=True)
        self._uow.commit()  # the last read: give the connection back before the receiver answers
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

"""E-mail templates: a default per reaction and language (fr, nl, en), overridable per
cooperative. Jinja2 in a sandbox, HTML-escaped, and strict: a template that names a variable
the event does not carry fails when it is saved or previewed, never when a customer is waiting
for their invoice."""

from __future__ import annotations

import html
from dataclasses import dataclass

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from coop_shared.errors import ValidationError
from coop_shared.formatting import amount_text

LANGUAGES = ("fr", "nl", "en")
ENVIRONMENT = SandboxedEnvironment(autoescape=True, undefined=StrictUndefined)
ENVIRONMENT.filters["euros"] = lambda value, language="fr": amount_text(value, language)


@dataclass(frozen=True)
class Text:
    subject: str
    body: str


DEFAULTS: dict[str, dict[str, Text]] = {
    "member_registered": {
        "fr": Text(
            "Bienvenue chez {{ cooperative }}",
            "Bonjour {{ first_name }},\n\nBienvenue dans la coopérative "
            "{{ cooperative }}. Votre dossier est ouvert ; nous prenons l'administration en charge.\n",
        ),
        "nl": Text(
            "Welkom bij {{ cooperative }}",
            "Dag {{ first_name }},\n\nWelkom in de coöperatie {{ cooperative }}. "
            "Je dossier is geopend; wij nemen de administratie voor onze rekening.\n",
        ),
        "en": Text(
            "Welcome to {{ cooperative }}",
            "Hello {{ first_name }},\n\nWelcome to the cooperative "
            "{{ cooperative }}. Your file is open; we take care of the paperwork.\n",
        ),
    },
    "invoice_issued": {
        "fr": Text(
            "Facture {{ number }}",
            "Madame, Monsieur,\n\nVeuillez trouver ci-joint la facture {{ number }} de "
            "{{ total_incl_vat|euros('fr') }}, à payer au plus tard le {{ due_date }} avec la communication "
            "structurée {{ structured_communication }}.\n",
        ),
        "nl": Text(
            "Factuur {{ number }}",
            "Geachte,\n\nIn bijlage vindt u factuur {{ number }} van "
            "{{ total_incl_vat|euros('nl') }}, te betalen uiterlijk op {{ due_date }} met de gestructureerde "
            "mededeling {{ structured_communication }}.\n",
        ),
        "en": Text(
            "Invoice {{ number }}",
            "Dear customer,\n\nPlease find attached invoice {{ number }} of "
            "{{ total_incl_vat|euros('en') }}, due on {{ due_date }}; please quote the structured "
            "communication {{ structured_communication }}.\n",
        ),
    },
    "invoice_overdue": {
        "fr": Text(
            "Rappel : facture {{ number }}",
            "Madame, Monsieur,\n\nSauf erreur de notre part, la facture {{ number }} "
            "échue le {{ due_date }} présente un solde de {{ amount_due|euros('fr') }}. Conformément à la loi du "
            "2 août 2002, des intérêts de retard ({{ interest_to_date|euros('fr') }} à ce jour) et une indemnité "
            "de {{ recovery_indemnity|euros('fr') }} peuvent être réclamés.\n",
        ),
        "nl": Text(
            "Herinnering: factuur {{ number }}",
            "Geachte,\n\nVolgens onze gegevens staat op factuur {{ number }}, "
            "vervallen op {{ due_date }}, nog {{ amount_due|euros('nl') }} open. Overeenkomstig de wet van "
            "2 augustus 2002 kunnen nalatigheidsinteresten ({{ interest_to_date|euros('nl') }} tot vandaag) en "
            "een vergoeding van {{ recovery_indemnity|euros('nl') }} worden aangerekend.\n",
        ),
        "en": Text(
            "Reminder: invoice {{ number }}",
            "Dear customer,\n\nInvoice {{ number }}, due on {{ due_date }}, still "
            "shows {{ amount_due|euros('en') }} unpaid. Under the Belgian law of 2 August 2002, late interest "
            "({{ interest_to_date|euros('en') }} to date) and an indemnity of "
            "{{ recovery_indemnity|euros('en') }} may be claimed.\n",
        ),
    },
    "payment_received": {
        "fr": Text(
            "Paiement reçu : {{ invoice_number }}",
            "Bonjour,\n\nLe client a payé {{ amount|euros('fr') }} sur la "
            "facture {{ invoice_number }}. Votre activité est créditée de {{ revenue|euros('fr') }} "
            "(contribution {{ contribution|euros('fr') }}).\n",
        ),
        "nl": Text(
            "Betaling ontvangen: {{ invoice_number }}",
            "Dag,\n\nDe klant betaalde {{ amount|euros('nl') }} op "
            "factuur {{ invoice_number }}. Je activiteit wordt gecrediteerd met {{ revenue|euros('nl') }} "
            "(bijdrage {{ contribution|euros('nl') }}).\n",
        ),
        "en": Text(
            "Payment received: {{ invoice_number }}",
            "Hello,\n\nThe customer paid {{ amount|euros('en') }} on "
            "invoice {{ invoice_number }}. Your activity is credited with {{ revenue|euros('en') }} "
            "(contribution {{ contribution|euros('en') }}).\n",
        ),
    },
    "payslip_issued": {
        "fr": Text(
            "Votre fiche de paie {{ period }}",
            "Bonjour,\n\nVotre fiche de paie de {{ period }} est prête : brut "
            "{{ gross|euros('fr') }}, net à payer {{ net_to_pay|euros('fr') }}, coût total pour l'activité "
            "{{ total_cost|euros('fr') }}.\n",
        ),
        "nl": Text(
            "Je loonbrief {{ period }}",
            "Dag,\n\nJe loonbrief van {{ period }} is klaar: bruto "
            "{{ gross|euros('nl') }}, netto te betalen {{ net_to_pay|euros('nl') }}, totale kost voor de "
            "activiteit {{ total_cost|euros('nl') }}.\n",
        ),
        "en": Text(
            "Your payslip {{ period }}",
            "Hello,\n\nYour payslip for {{ period }} is ready: gross "
            "{{ gross|euros('en') }}, net to pay {{ net_to_pay|euros('en') }}, total cost to the activity "
            "{{ total_cost|euros('en') }}.\n",
        ),
    },
    "document_expiring": {
        "fr": Text(
            "Document à renouveler : {{ reference }}",
            "Bonjour {{ member_name }},\n\nVotre document {{ reference }} "
            "expire le {{ valid_until }} (dans {{ days_left }} jours). Pensez à le renouveler et à nous en "
            "transmettre une copie : sans document valide, nous ne pouvons pas vous payer.\n",
        ),
        "nl": Text(
            "Document te vernieuwen: {{ reference }}",
            "Dag {{ member_name }},\n\nJe document {{ reference }} "
            "vervalt op {{ valid_until }} (over {{ days_left }} dagen). Vernieuw het en bezorg ons een kopie: "
            "zonder geldig document kunnen we je niet uitbetalen.\n",
        ),
        "en": Text(
            "Document to renew: {{ reference }}",
            "Hello {{ member_name }},\n\nYour document {{ reference }} "
            "expires on {{ valid_until }} (in {{ days_left }} days). Please renew it and send us a copy: "
            "without a valid document we cannot pay you.\n",
        ),
    },
    "document_expiring_staff": {
        "fr": Text(
            "Document de {{ member_name }} à renouveler",
            "Bonjour,\n\nLe document {{ reference }} de "
            "{{ member_name }} expire le {{ valid_until }} (dans {{ days_left }} jours). Sans document valide, "
            "aucune paie ne peut être versée : demandez-lui une copie du nouveau document.\n",
        ),
        "nl": Text(
            "Document van {{ member_name }} te vernieuwen",
            "Dag,\n\nHet document {{ reference }} van "
            "{{ member_name }} vervalt op {{ valid_until }} (over {{ days_left }} dagen). Zonder geldig "
            "document kan geen loon worden uitbetaald: vraag een kopie van het nieuwe document.\n",
        ),
        "en": Text(
            "Document of {{ member_name }} to renew",
            "Hello,\n\nDocument {{ reference }} of "
            "{{ member_name }} expires on {{ valid_until }} (in {{ days_left }} days). Without a valid "
            "document no pay can be made: ask them for a copy of the new document.\n",
        ),
    },
}

SAMPLES: dict[str, dict] = {
    "member_registered": {"cooperative": "Dies", "first_name": "Amina", "last_name": "Diallo"},
    "invoice_issued": {
        "number": "DIES-2026-00001",
        "total_incl_vat": "1180.01",
        "due_date": "2026-12-26",
        "structured_communication": "+++260/0000/00170+++",
        "cooperative": "Dies",
    },
    "invoice_overdue": {
        "number": "DIES-2026-00001",
        "due_date": "2026-10-26",
        "amount_due": "1180.01",
        "interest_to_date": "6.79",
        "recovery_indemnity": "40.00",
        "level": 1,
        "cooperative": "Dies",
    },
    "payment_received": {
        "invoice_number": "DIES-2026-00001",
        "amount": "500.00",
        "revenue": "423.73",
        "contribution": "42.37",
        "cooperative": "Dies",
    },
    "payslip_issued": {
        "period": "2026-11",
        "gross": "3200.00",
        "net_to_pay": "2264.52",
        "total_cost": "4000.00",
        "cooperative": "Dies",
    },
    "document_expiring": {
        "member_name": "Amina Diallo",
        "reference": "B1234567",
        "valid_until": "2026-12-26",
        "days_left": 30,
        "cooperative": "Dies",
    },
}
SAMPLES["document_expiring_staff"] = SAMPLES["document_expiring"]
TEMPLATE_KEYS = tuple(DEFAULTS)


@dataclass(frozen=True)
class Email:
    subject: str
    text: str
    html: str


def render(text: Text, context: dict) -> Text:
    """Subject and body with the event's values; raises ValidationError naming the part that failed."""
    rendered = {}
    for part in ("subject", "body"):
        try:
            rendered[part] = ENVIRONMENT.from_string(getattr(text, part)).render(**context)
        except TemplateError as exc:
            raise ValidationError(f"The {part} does not render: {exc}", {part: [str(exc)]}) from None
    return Text(rendered["subject"].strip(), rendered["body"])


def default(event: str, language: str) -> Text:
    texts = DEFAULTS[event]
    return texts.get(language) or texts["fr"]


def check(event: str, text: Text) -> Text:
    """Refuse, at save time, a template that would not render with this event's values."""
    if event not in SAMPLES:
        raise ValidationError(fields={"event": [f"No e-mail is sent for '{event}'."]})
    return render(text, SAMPLES[event])


def email(text: Text, context: dict) -> Email:
    """The e-mail of a template: HTML from the escaped rendering, paragraphs on blank lines;
    plain text and subject unescaped (a header or a text part shows '&', not '&amp;')."""
    rendered = render(text, context)
    paragraphs = [p.strip() for p in rendered.body.split("\n\n") if p.strip()]
    body_html = "".join(f"<p>{p.replace(chr(10), '<br>')}</p>" for p in paragraphs)
    return Email(
        subject=html.unescape(rendered.subject).replace("\n", " "),
        text=html.unescape(rendered.body),
        html=f"<!DOCTYPE html><html><body>{body_html}</body></html>",
    )

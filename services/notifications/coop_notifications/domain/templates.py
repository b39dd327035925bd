"""E-mail templates: a default per reaction and language (fr, nl, en), overridable per
cooperative. Jinja2 in a sandbox, HTML-escaped, and strict: a template that names a variable
the event does not carry fails when it is saved or previewed, never when a customer is waiting
for their invoice."""

from __future__ import annotations

import functools
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
    # Over Peppol the structured document is the invoice; this e-mail is a copy and says so
    # (docs/adr/011-peppol-delivery.md).
    "invoice_issued_copy": {
        "fr": Text(
            "Copie — facture {{ number }}",
            "Madame, Monsieur,\n\nCopie — la facture vous a été transmise par Peppol. Pour information, "
            "voici la facture {{ number }} de {{ total_incl_vat|euros('fr') }}, à payer au plus tard le "
            "{{ due_date }} avec la communication structurée {{ structured_communication }}.\n",
        ),
        "nl": Text(
            "Kopie — factuur {{ number }}",
            "Geachte,\n\nKopie — de factuur werd u via Peppol bezorgd. Ter informatie vindt u in bijlage "
            "factuur {{ number }} van {{ total_incl_vat|euros('nl') }}, te betalen uiterlijk op {{ due_date }} "
            "met de gestructureerde mededeling {{ structured_communication }}.\n",
        ),
        "en": Text(
            "Copy — invoice {{ number }}",
            "Dear customer,\n\nCopy — the invoice was sent to you over Peppol. For your information, "
            "attached is invoice {{ number }} of {{ total_incl_vat|euros('en') }}, due on {{ due_date }}; "
            "please quote the structured communication {{ structured_communication }}.\n",
        ),
    },
    # To the cooperative's office: an invoice the receiver rejected or that could not be sent.
    "invoice_delivery_failed": {
        "fr": Text(
            "Peppol : la facture {{ number }} n'a pas été remise",
            "Bonjour,\n\nLa facture {{ number }} destinée à {{ customer_name }} "
            "{% if status == 'rejected' %}a été refusée par le destinataire{% else %}n'a pas pu être "
            "envoyée par Peppol{% endif %} : {{ reason }}\n\nUne facture émise ne se modifie pas : "
            "établissez une note de crédit ou une nouvelle facture, ou prenez contact avec le client.\n",
        ),
        "nl": Text(
            "Peppol: factuur {{ number }} werd niet bezorgd",
            "Dag,\n\nFactuur {{ number }} voor {{ customer_name }} "
            "{% if status == 'rejected' %}werd door de ontvanger geweigerd{% else %}kon niet via Peppol "
            "worden verzonden{% endif %}: {{ reason }}\n\nEen uitgereikte factuur wordt niet gewijzigd: "
            "maak een creditnota of een nieuwe factuur op, of neem contact op met de klant.\n",
        ),
        "en": Text(
            "Peppol: invoice {{ number }} was not delivered",
            "Hello,\n\nInvoice {{ number }} for {{ customer_name }} "
            "{% if status == 'rejected' %}was rejected by the receiver{% else %}could not be sent over "
            "Peppol{% endif %}: {{ reason }}\n\nAn issued invoice is never edited: issue a credit note "
            "or a new invoice, or contact the customer.\n",
        ),
    },
    # Reminders by the law that applies (billing docs/domain/late-payment.md): consumers (Book XIX
    # CDE) get a free first reminder naming the amount, due date, service and enterprise number
    # with 14 days to pay; businesses, the terms of the law of 2 August 2002. Every reminder gives
    # the IBAN and the structured communication.
    "invoice_overdue": {
        "fr": Text(
            "{% if law == 'cdeb_book_xix' and level == 1 %}Premier rappel gratuit{% else %}Rappel{% endif %}"
            " : facture {{ number }}",
            "Madame, Monsieur,\n\n"
            "{% if law == 'cdeb_book_xix' and level == 1 %}"
            "Sauf erreur de notre part, la facture {{ number }} ({{ service }}), échue le {{ due_date }}, "
            "présente un solde de {{ amount_due|euros('fr') }}. Ce premier rappel est gratuit. Nous vous "
            "invitons à payer ce montant au plus tard le {{ pay_by }} ; aucun intérêt ni frais ne sont dus "
            "avant cette date.{% if annual_interest_rate_percent != '0.00' or lump_sum_if_unpaid != '0.00' %} "
            "À défaut de paiement à cette date, pourront être réclamés"
            "{% if annual_interest_rate_percent != '0.00' %} des intérêts de retard au taux annuel de "
            "{{ annual_interest_rate_percent }} %{% endif %}{% if lump_sum_if_unpaid != '0.00' %} et une "
            "indemnité forfaitaire de {{ lump_sum_if_unpaid|euros('fr') }}{% endif %} (art. XIX.4 du Code de "
            "droit économique).{% endif %}"
            "{% elif law == 'cdeb_book_xix' %}"
            "Le délai de paiement de notre premier rappel a expiré le {{ pay_by }}. La facture {{ number }} "
            "({{ service }}), échue le {{ due_date }}, présente un solde de {{ amount_due|euros('fr') }}, "
            "auquel s'ajoutent {{ interest_to_date|euros('fr') }} d'intérêts de retard depuis le "
            "{{ interest_from }} et une indemnité de {{ recovery_indemnity|euros('fr') }}, soit "
            "{{ total_claimed|euros('fr') }}."
            "{% else %}"
            "Sauf erreur de notre part, la facture {{ number }} échue le {{ due_date }} présente un solde de "
            "{{ amount_due|euros('fr') }}. Conformément à la loi du 2 août 2002, des intérêts de retard au "
            "taux de l'article 5 ({{ annual_interest_rate_percent }} % par an, "
            "{{ interest_to_date|euros('fr') }} à ce jour) et l'indemnité forfaitaire de "
            "{{ recovery_indemnity|euros('fr') }} (article 6) sont dus de plein droit."
            "{% endif %}\n\n"
            "Paiement sur le compte {{ iban }} avec la communication structurée "
            "{{ structured_communication_display }}.\n\n"
            "{{ cooperative_name }} — n° d'entreprise {{ enterprise_number }}\n",
        ),
        "nl": Text(
            "{% if law == 'cdeb_book_xix' and level == 1 %}Eerste kosteloze herinnering{% else %}"
            "Herinnering{% endif %}: factuur {{ number }}",
            "Geachte,\n\n"
            "{% if law == 'cdeb_book_xix' and level == 1 %}"
            "Volgens onze gegevens staat op factuur {{ number }} ({{ service }}), vervallen op {{ due_date }}, "
            "nog {{ amount_due|euros('nl') }} open. Deze eerste herinnering is kosteloos. Gelieve dit bedrag "
            "uiterlijk op {{ pay_by }} te betalen; vóór die datum zijn geen interesten of kosten "
            "verschuldigd.{% if annual_interest_rate_percent != '0.00' or lump_sum_if_unpaid != '0.00' %} "
            "Zonder betaling op die datum kunnen worden aangerekend:"
            "{% if annual_interest_rate_percent != '0.00' %} nalatigheidsinteresten tegen "
            "{{ annual_interest_rate_percent }} % per jaar{% endif %}{% if lump_sum_if_unpaid != '0.00' %} en "
            "een forfaitaire vergoeding van {{ lump_sum_if_unpaid|euros('nl') }}{% endif %} (art. XIX.4 van "
            "het Wetboek van economisch recht).{% endif %}"
            "{% elif law == 'cdeb_book_xix' %}"
            "De betalingstermijn van onze eerste herinnering is verstreken op {{ pay_by }}. Op factuur "
            "{{ number }} ({{ service }}), vervallen op {{ due_date }}, staat nog {{ amount_due|euros('nl') }} "
            "open, vermeerderd met {{ interest_to_date|euros('nl') }} nalatigheidsinteresten sinds "
            "{{ interest_from }} en een vergoeding van {{ recovery_indemnity|euros('nl') }}, samen "
            "{{ total_claimed|euros('nl') }}."
            "{% else %}"
            "Volgens onze gegevens staat op factuur {{ number }}, vervallen op {{ due_date }}, nog "
            "{{ amount_due|euros('nl') }} open. Overeenkomstig de wet van 2 augustus 2002 zijn van rechtswege "
            "nalatigheidsinteresten tegen de rentevoet van artikel 5 ({{ annual_interest_rate_percent }} % per "
            "jaar, {{ interest_to_date|euros('nl') }} tot vandaag) en de forfaitaire vergoeding van "
            "{{ recovery_indemnity|euros('nl') }} (artikel 6) verschuldigd."
            "{% endif %}\n\n"
            "Betaling op rekening {{ iban }} met de gestructureerde mededeling "
            "{{ structured_communication_display }}.\n\n"
            "{{ cooperative_name }} — ondernemingsnummer {{ enterprise_number }}\n",
        ),
        "en": Text(
            "{% if law == 'cdeb_book_xix' and level == 1 %}Free first reminder{% else %}Reminder{% endif %}"
            ": invoice {{ number }}",
            "Dear customer,\n\n"
            "{% if law == 'cdeb_book_xix' and level == 1 %}"
            "Invoice {{ number }} ({{ service }}), due on {{ due_date }}, still shows "
            "{{ amount_due|euros('en') }} unpaid. This first reminder is free of charge. Please pay this "
            "amount by {{ pay_by }}; no interest or costs are due before that date."
            "{% if annual_interest_rate_percent != '0.00' or lump_sum_if_unpaid != '0.00' %} If it is not paid "
            "by then, the cooperative may claim{% if annual_interest_rate_percent != '0.00' %} late interest "
            "at {{ annual_interest_rate_percent }} % a year{% endif %}{% if lump_sum_if_unpaid != '0.00' %} and "
            "a lump sum of {{ lump_sum_if_unpaid|euros('en') }}{% endif %} (art. XIX.4 of the Belgian Code of "
            "Economic Law).{% endif %}"
            "{% elif law == 'cdeb_book_xix' %}"
            "The term of our first reminder ran out on {{ pay_by }}. Invoice {{ number }} ({{ service }}), due "
            "on {{ due_date }}, still shows {{ amount_due|euros('en') }} unpaid, plus "
            "{{ interest_to_date|euros('en') }} late interest since {{ interest_from }} and a lump sum of "
            "{{ recovery_indemnity|euros('en') }}: {{ total_claimed|euros('en') }} in all."
            "{% else %}"
            "Invoice {{ number }}, due on {{ due_date }}, still shows {{ amount_due|euros('en') }} unpaid. Under "
            "the Belgian law of 2 August 2002, late interest at the rate of its article 5 "
            "({{ annual_interest_rate_percent }} % a year, {{ interest_to_date|euros('en') }} to date) and the "
            "flat indemnity of {{ recovery_indemnity|euros('en') }} (article 6) are due without notice."
            "{% endif %}\n\n"
            "Please pay to account {{ iban }} with the structured communication "
            "{{ structured_communication_display }}.\n\n"
            "{{ cooperative_name }} — enterprise number {{ enterprise_number }}\n",
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
    # A company director's statement is announced in a director's words, never as a payslip
    # (docs/domain/payroll-directors.md, "Vocabulary"); chosen by the event's `document`.
    "director_statement_issued": {
        "fr": Text(
            "Votre rémunération de dirigeant d'entreprise {{ period }}",
            "Bonjour,\n\nLe relevé de votre rémunération de dirigeant d'entreprise de {{ period }} "
            "est prêt : rémunération brute {{ gross|euros('fr') }}, net versé {{ net_to_pay|euros('fr') }}, "
            "coût total pour l'activité {{ total_cost|euros('fr') }}. Les cotisations sociales "
            "provisoires sont versées chaque trimestre à votre caisse d'assurances sociales.\n",
        ),
        "nl": Text(
            "Je bezoldiging van bedrijfsleider {{ period }}",
            "Dag,\n\nHet overzicht van je bezoldiging van bedrijfsleider van {{ period }} is klaar: "
            "brutobezoldiging {{ gross|euros('nl') }}, netto gestort {{ net_to_pay|euros('nl') }}, totale "
            "kost voor de activiteit {{ total_cost|euros('nl') }}. De voorlopige sociale bijdragen worden "
            "elk kwartaal aan je sociaal verzekeringsfonds betaald.\n",
        ),
        "en": Text(
            "Your company director's remuneration {{ period }}",
            "Hello,\n\nThe statement of your company director's remuneration for {{ period }} is "
            "ready: gross remuneration {{ gross|euros('en') }}, net paid {{ net_to_pay|euros('en') }}, total "
            "cost to the activity {{ total_cost|euros('en') }}. The provisional social contributions are "
            "paid to your social insurance fund every quarter.\n",
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
            "aucune paie ne peut être versée : demandez-lui une copie du nouveau document.\n"
            "{% if coach is defined and coach %}\nAccompagnement : {{ coach }}.\n{% endif %}",
        ),
        "nl": Text(
            "Document van {{ member_name }} te vernieuwen",
            "Dag,\n\nHet document {{ reference }} van "
            "{{ member_name }} vervalt op {{ valid_until }} (over {{ days_left }} dagen). Zonder geldig "
            "document kan geen loon worden uitbetaald: vraag een kopie van het nieuwe document.\n"
            "{% if coach is defined and coach %}\nBegeleiding: {{ coach }}.\n{% endif %}",
        ),
        "en": Text(
            "Document of {{ member_name }} to renew",
            "Hello,\n\nDocument {{ reference }} of "
            "{{ member_name }} expires on {{ valid_until }} (in {{ days_left }} days). Without a valid "
            "document no pay can be made: ask them for a copy of the new document.\n"
            "{% if coach is defined and coach %}\nCoach: {{ coach }}.\n{% endif %}",
        ),
    },
    # Accompaniment (members' docs/domain/accompaniment.md)
    "appointment_due": {
        "fr": Text(
            "Rendez-vous le {{ starts }} : {{ title }}",
            "Bonjour {{ member_name }},\n\nNous vous rappelons votre rendez-vous « {{ title }} » le "
            "{{ starts }} ({{ duration_minutes }} minutes).{% if interpreter %} Un interprète "
            "({{ interpreter }}) sera présent.{% endif %}\n\n{{ cooperative }}\n",
        ),
        "nl": Text(
            "Afspraak op {{ starts }}: {{ title }}",
            'Dag {{ member_name }},\n\nWe herinneren je aan je afspraak "{{ title }}" op '
            "{{ starts }} ({{ duration_minutes }} minuten).{% if interpreter %} Er is een tolk "
            "({{ interpreter }}) aanwezig.{% endif %}\n\n{{ cooperative }}\n",
        ),
        "en": Text(
            "Appointment on {{ starts }}: {{ title }}",
            'Hello {{ member_name }},\n\nA reminder of your appointment "{{ title }}" on '
            "{{ starts }} ({{ duration_minutes }} minutes).{% if interpreter %} An interpreter "
            "({{ interpreter }}) will be there.{% endif %}\n\n{{ cooperative }}\n",
        ),
    },
    "appointment_due_staff": {
        "fr": Text(
            "Rendez-vous de {{ member_name }} le {{ starts }}",
            "Bonjour {{ coach }},\n\nRendez-vous « {{ title }} » avec {{ member_name }} le {{ starts }} "
            "({{ duration_minutes }} minutes), en {{ language }}.{% if interpreter %} Interprète à "
            "prévoir : {{ interpreter }}.{% endif %}\n",
        ),
        "nl": Text(
            "Afspraak van {{ member_name }} op {{ starts }}",
            'Dag {{ coach }},\n\nAfspraak "{{ title }}" met {{ member_name }} op {{ starts }} '
            "({{ duration_minutes }} minuten), in het {{ language }}.{% if interpreter %} Te voorziene "
            "tolk: {{ interpreter }}.{% endif %}\n",
        ),
        "en": Text(
            "Appointment of {{ member_name }} on {{ starts }}",
            'Hello {{ coach }},\n\nAppointment "{{ title }}" with {{ member_name }} on {{ starts }} '
            "({{ duration_minutes }} minutes), in {{ language }}.{% if interpreter %} Interpreter to "
            "book: {{ interpreter }}.{% endif %}\n",
        ),
    },
    # Accounts for people (members' docs/adr/024-accounts-for-people.md): the link is single-use;
    # an invitation lasts 72 hours, a reset link one hour.
    "person_invited": {
        "fr": Text(
            "Invitation à {{ cooperative }}",
            "Bonjour,\n\n{{ cooperative }} vous invite à utiliser son espace de gestion. Pour créer "
            "votre mot de passe, ouvrez ce lien (valable 72 heures, une seule fois) :\n\n{{ link }}\n\n"
            "Si vous n'attendiez pas cette invitation, ignorez ce message.\n",
        ),
        "nl": Text(
            "Uitnodiging van {{ cooperative }}",
            "Dag,\n\n{{ cooperative }} nodigt je uit om zijn beheeromgeving te gebruiken. Open deze "
            "link om je wachtwoord te kiezen (72 uur geldig, één keer te gebruiken):\n\n{{ link }}\n\n"
            "Verwachtte je deze uitnodiging niet, negeer dan dit bericht.\n",
        ),
        "en": Text(
            "Invitation from {{ cooperative }}",
            "Hello,\n\n{{ cooperative }} invites you to its back office. To choose your password, "
            "open this link (valid for 72 hours, once):\n\n{{ link }}\n\n"
            "If you did not expect this invitation, ignore this message.\n",
        ),
    },
    "password_reset_requested": {
        "fr": Text(
            "Réinitialisation de votre mot de passe",
            "Bonjour,\n\nQuelqu'un a demandé à réinitialiser votre mot de passe. Pour en choisir un "
            "nouveau, ouvrez ce lien (valable une heure, une seule fois) :\n\n{{ link }}\n\n"
            "Si ce n'était pas vous, ignorez ce message : votre mot de passe reste inchangé.\n",
        ),
        "nl": Text(
            "Je wachtwoord opnieuw instellen",
            "Dag,\n\nIemand heeft gevraagd je wachtwoord opnieuw in te stellen. Open deze link om "
            "een nieuw te kiezen (één uur geldig, één keer te gebruiken):\n\n{{ link }}\n\n"
            "Was jij het niet, negeer dan dit bericht: je wachtwoord blijft ongewijzigd.\n",
        ),
        "en": Text(
            "Resetting your password",
            "Hello,\n\nSomeone asked to reset your password. To choose a new one, open this link "
            "(valid for one hour, once):\n\n{{ link }}\n\n"
            "If this was not you, ignore this message: your password stays as it is.\n",
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
        "annual_interest_rate_percent": "10.50",
        "lump_sum_if_unpaid": "0.00",
        "total_claimed": "1226.80",
        "law": "law_2002_08_02",
        "pay_by": None,
        "interest_from": "2026-10-27",
        "service": "Livraisons à vélo — octobre",
        "iban": "BE05 0681 2345 6775",
        "structured_communication_display": "+++260/0000/00170+++",
        "cooperative_name": "Dies",
        "enterprise_number": "0403.170.701",
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
    "director_statement_issued": {
        "period": "2026-11",
        "gross": "3000.00",
        "net_to_pay": "1927.12",
        "total_cost": "3000.00",
        "cooperative": "BRUCOOP",
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
SAMPLES["appointment_due"] = {
    "member_name": "Yonas Tesfaye",
    "title": "Business plan",
    "starts": "2026-12-03 10:00",
    "duration_minutes": 90,
    "language": "en",
    "interpreter": "Tigrinya",
    "coach": "Coach Sarah",
    "cooperative": "BRUCOOP",
}
SAMPLES["appointment_due_staff"] = SAMPLES["appointment_due"]
SAMPLES["invoice_issued_copy"] = SAMPLES["invoice_issued"]
SAMPLES["invoice_delivery_failed"] = {
    "number": "DIES-2026-00001",
    "kind": "invoice",
    "customer_name": "Bakkerij Peeters BV",
    "status": "rejected",
    "reason": "Unknown order reference",
    "receiver": "0208:0202239951",
    "attempts": 1,
    "cooperative": "Dies",
}
SAMPLES["person_invited"] = {
    "cooperative": "Dies",
    "role": "staff",
    "link": "https://coop.example/invitation?token=inv_sample",
    "expires_at": "2026-12-04T10:00:00+00:00",
}
SAMPLES["password_reset_requested"] = {
    "cooperative": "Dies",
    "link": "https://coop.example/password-reset?token=rst_sample",
    "expires_at": "2026-12-01T11:00:00+00:00",
}
TEMPLATE_KEYS = tuple(DEFAULTS)


@dataclass(frozen=True)
class Email:
    subject: str
    text: str
    html: str


@functools.lru_cache(maxsize=64)
def _compiled(source: str):
    """A compiled template, kept: compiling costs more than rendering (the worker renders the
    same few templates all day). A syntax error is not cached."""
    return ENVIRONMENT.from_string(source)


def render(text: Text, context: dict) -> Text:
    """Subject and body with the event's values; raises ValidationError naming the part that failed."""
    rendered = {}
    for part in ("subject", "body"):
        try:
            rendered[part] = _compiled(getattr(text, part)).render(**context)
        except TemplateError as exc:
            raise ValidationError(f"The {part} does not render: {exc}", {part: [str(exc)]}) from None
    return Text(rendered["subject"].strip(), rendered["body"])


def default(event: str, language: str) -> Text:
    texts = DEFAULTS[event]
    return texts.get(language) or texts["fr"]


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


# The save-time check renders a template with several value sets, not only SAMPLES: a
# template that works for "Amina" and 1180.01 but breaks on a long name, a zero amount or
# the other branch of a reminder must be refused when it is saved (ADR 020).
VARIANTS: dict[str, list[dict]] = {
    "invoice_overdue": [
        {"law": "cdeb_book_xix", "level": 1, "pay_by": "2026-11-10", "lump_sum_if_unpaid": "40.00"},
        {"law": "cdeb_book_xix", "level": 2, "pay_by": "2026-11-10"},
        {"law": "law_2002_08_02", "level": 2},
    ],
    "invoice_delivery_failed": [{"status": "failed", "reason": "No access point answered"}],
    "appointment_due": [{"interpreter": None, "language": "fr"}, {"interpreter": "", "language": "nl"}],
    "document_expiring_staff": [{"coach": "Coach Sarah"}, {"coach": None}],
}
VARIANTS["appointment_due_staff"] = VARIANTS["appointment_due"]
# Values that choose a branch or are a code: kept as the samples and variants give them.
CHOICE_KEYS = frozenset({"law", "level", "status", "kind", "language", "receiver"})
LONG_NAME = "Anne-Marie Élisabeth O'Connor-Van den Bossche & <Fils> " * 3
LARGE_AMOUNT = "9999999999.99"


def _is_amount(value) -> bool:
    return (
        isinstance(value, str) and value.replace(".", "", 1).isascii() and value.replace(".", "", 1).isdigit()
    )


def _is_date(value) -> bool:
    return isinstance(value, str) and len(value) >= 10 and value[4:5] == "-" and value[:4].isdigit()


def _varied(values: dict, amount: str, text, number: int) -> dict:
    varied = {}
    for key, value in values.items():
        if key in CHOICE_KEYS or value is None or _is_date(value) or isinstance(value, bool):
            varied[key] = value
        elif _is_amount(value):
            varied[key] = amount
        elif isinstance(value, int):
            varied[key] = number
        elif isinstance(value, str):
            varied[key] = text(value)
        else:
            varied[key] = value
    return varied


def value_sets(event: str) -> list[tuple[str, dict]]:
    """(what the set is, the values) the save-time check renders: the samples, each branch's
    variant, short names with zero amounts, long names (with '&', '<', an apostrophe, accents)
    with large amounts."""
    if event not in SAMPLES:
        raise ValidationError(fields={"event": [f"No e-mail is sent for '{event}'."]})
    base = SAMPLES[event]
    sets = [("the sample values", base)]
    sets += [(f"the variant {variant}", dict(base, **variant)) for variant in VARIANTS.get(event, [])]
    for label, values in list(sets):
        sets.append(
            (f"{label} with short names and zero amounts", _varied(values, "0.00", lambda v: v[:1], 0))
        )
        sets.append(
            (
                f"{label} with long names and large amounts",
                _varied(values, LARGE_AMOUNT, lambda v: LONG_NAME, 99999),
            )
        )
    return sets

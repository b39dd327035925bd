"""Printed words of an invoice in the customer's language (fr, nl, en)."""

LABELS = {
    "fr": {
        "invoice": "FACTURE", "credit_note": "NOTE DE CRÉDIT", "number": "Numéro", "issue_date": "Date",
        "due_date": "Échéance", "customer": "Client", "vat": "TVA", "enterprise": "N° d'entreprise",
        "description": "Description", "quantity": "Qté", "unit_price": "Prix unitaire", "rate": "Taux",
        "net": "Montant HTVA", "breakdown": "Récapitulatif TVA", "taxable": "Base", "total_excl": "Total HTVA",
        "total_vat": "Total TVA", "total_incl": "Total TVAC", "pay_to": "À payer sur le compte",
        "communication": "Communication structurée", "activity": "Activité", "credits": "Note de crédit relative à la facture",
        "reason": "Motif",
        "credit_mention": "TVA à reverser à l'État dans la mesure où elle a été initialement déduite.",
        "late": "En cas de retard de paiement, un intérêt de retard au taux légal (loi du 2 août 2002) et "
                "une indemnité forfaitaire de 40 EUR sont dus de plein droit et sans mise en demeure.",
        "late_consumer": "En cas de retard de paiement, l'intérêt au taux légal est dû après mise en demeure.",
        "issued_by": "Facture émise par la coopérative pour le compte de l'activité",
        "scan": "Scannez pour payer",
    },
    "nl": {
        "invoice": "FACTUUR", "credit_note": "CREDITNOTA", "number": "Nummer", "issue_date": "Datum",
        "due_date": "Vervaldag", "customer": "Klant", "vat": "Btw", "enterprise": "Ondernemingsnr.",
        "description": "Omschrijving", "quantity": "Aantal", "unit_price": "Eenheidsprijs", "rate": "Tarief",
        "net": "Bedrag excl. btw", "breakdown": "Btw-overzicht", "taxable": "Grondslag", "total_excl": "Totaal excl. btw",
        "total_vat": "Totaal btw", "total_incl": "Totaal incl. btw", "pay_to": "Te betalen op rekening",
        "communication": "Gestructureerde mededeling", "activity": "Activiteit", "credits": "Creditnota bij factuur",
        "reason": "Reden",
        "credit_mention": "Btw terug te storten aan de Staat in de mate waarin ze oorspronkelijk in aftrek werd gebracht.",
        "late": "Bij laattijdige betaling zijn van rechtswege en zonder ingebrekestelling nalatigheidsinteresten "
                "(wet van 2 augustus 2002) en een forfaitaire vergoeding van 40 EUR verschuldigd.",
        "late_consumer": "Bij laattijdige betaling is na ingebrekestelling de wettelijke interest verschuldigd.",
        "issued_by": "Factuur uitgereikt door de coöperatie voor rekening van de activiteit",
        "scan": "Scan om te betalen",
    },
    "en": {
        "invoice": "INVOICE", "credit_note": "CREDIT NOTE", "number": "Number", "issue_date": "Date",
        "due_date": "Due date", "customer": "Customer", "vat": "VAT", "enterprise": "Enterprise no.",
        "description": "Description", "quantity": "Qty", "unit_price": "Unit price", "rate": "Rate",
        "net": "Amount excl. VAT", "breakdown": "VAT summary", "taxable": "Taxable", "total_excl": "Total excl. VAT",
        "total_vat": "Total VAT", "total_incl": "Total incl. VAT", "pay_to": "Pay to account",
        "communication": "Structured communication", "activity": "Activity", "credits": "Credit note for invoice",
        "reason": "Reason",
        "credit_mention": "VAT to be repaid to the State insofar as it was initially deducted.",
        "late": "Late payment automatically incurs interest (Belgian law of 2 August 2002) and a flat "
                "recovery indemnity of EUR 40, without notice.",
        "late_consumer": "Late payment incurs interest at the legal rate after formal notice.",
        "issued_by": "Invoice issued by the cooperative on behalf of the activity",
        "scan": "Scan to pay",
    },
}

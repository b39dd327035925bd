"""Printed words of an invoice in the customer's language (fr, nl, en)."""

LABELS = {
    "fr": {
        "invoice": "FACTURE",
        "credit_note": "NOTE DE CRÉDIT",
        "number": "Numéro",
        "issue_date": "Date",
        "due_date": "Échéance",
        "customer": "Client",
        "vat": "TVA",
        "enterprise": "N° d'entreprise",
        "description": "Description",
        "quantity": "Qté",
        "unit_price": "Prix unitaire",
        "rate": "Taux",
        "net": "Montant HTVA",
        "breakdown": "Récapitulatif TVA",
        "taxable": "Base",
        "total_excl": "Total HTVA",
        "total_vat": "Total TVA",
        "total_incl": "Total TVAC",
        "pay_to": "À payer sur le compte",
        "communication": "Communication structurée",
        "activity": "Activité",
        "credits": "Note de crédit relative à la facture",
        "reason": "Motif",
        "credit_mention": "TVA à reverser à l'État dans la mesure où elle a été initialement déduite.",
        "late": "En cas de retard de paiement, un intérêt de retard au taux fixé en application de "
        "l'article 5 de la loi du 2 août 2002 concernant la lutte contre le retard de paiement dans les "
        "transactions commerciales et une indemnité forfaitaire de 40 EUR (article 6 de cette loi) sont dus "
        "de plein droit et sans mise en demeure.",
        "late_consumer": "En cas de non-paiement à l'échéance, vous recevrez un premier rappel gratuit vous "
        "laissant 14 jours pour payer (livre XIX du Code de droit économique).",
        "late_consumer_interest": "Passé ce délai, un intérêt de retard est dû, au plus au taux de "
        "l'article 5 de la loi du 2 août 2002 (art. XIX.4 CDE).",
        "late_consumer_lump_sum": "Passé ce délai, une indemnité forfaitaire est due dans les limites de "
        "l'art. XIX.4 CDE : 20 EUR jusqu'à 150 EUR ; 30 EUR + 10 % de la part de 150,01 à 500 EUR ; "
        "65 EUR + 5 % de la part au-delà de 500 EUR, au plus 2 000 EUR.",
        "issued_by": "Fournisseur : {cooperative}. {trade_name} est un nom commercial de {cooperative} "
        "(activité {code}).",
        "supply_date": "Date de la livraison ou de la prestation",
        "period": "Période facturée",
        "period_to": "au",
        "unit": "Unité",
        "renovation_declaration": "Déclaration du client reçue",
        "scan": "Scannez pour payer",
    },
    "nl": {
        "invoice": "FACTUUR",
        "credit_note": "CREDITNOTA",
        "number": "Nummer",
        "issue_date": "Datum",
        "due_date": "Vervaldag",
        "customer": "Klant",
        "vat": "Btw",
        "enterprise": "Ondernemingsnr.",
        "description": "Omschrijving",
        "quantity": "Aantal",
        "unit_price": "Eenheidsprijs",
        "rate": "Tarief",
        "net": "Bedrag excl. btw",
        "breakdown": "Btw-overzicht",
        "taxable": "Grondslag",
        "total_excl": "Totaal excl. btw",
        "total_vat": "Totaal btw",
        "total_incl": "Totaal incl. btw",
        "pay_to": "Te betalen op rekening",
        "communication": "Gestructureerde mededeling",
        "activity": "Activiteit",
        "credits": "Creditnota bij factuur",
        "reason": "Reden",
        "credit_mention": "Btw terug te storten aan de Staat in de mate waarin ze oorspronkelijk in aftrek werd gebracht.",
        "late": "Bij laattijdige betaling zijn van rechtswege en zonder ingebrekestelling "
        "nalatigheidsinteresten verschuldigd tegen de rentevoet bepaald met toepassing van artikel 5 van de "
        "wet van 2 augustus 2002 betreffende de bestrijding van de betalingsachterstand bij "
        "handelstransacties, en een forfaitaire vergoeding van 40 EUR (artikel 6 van die wet).",
        "late_consumer": "Bij niet-betaling op de vervaldag ontvangt u een eerste kosteloze herinnering met "
        "een termijn van 14 dagen om te betalen (boek XIX van het Wetboek van economisch recht).",
        "late_consumer_interest": "Na die termijn is een nalatigheidsinterest verschuldigd van ten hoogste de "
        "rentevoet van artikel 5 van de wet van 2 augustus 2002 (art. XIX.4 WER).",
        "late_consumer_lump_sum": "Na die termijn is een forfaitaire schadevergoeding verschuldigd binnen de "
        "grenzen van art. XIX.4 WER: 20 EUR tot 150 EUR; 30 EUR + 10 % van het deel van 150,01 tot 500 EUR; "
        "65 EUR + 5 % van het deel boven 500 EUR, ten hoogste 2.000 EUR.",
        "issued_by": "Leverancier: {cooperative}. {trade_name} is een handelsnaam van {cooperative} "
        "(activiteit {code}).",
        "supply_date": "Datum van levering of dienst",
        "period": "Gefactureerde periode",
        "period_to": "tot",
        "unit": "Eenheid",
        "renovation_declaration": "Verklaring van de klant ontvangen",
        "scan": "Scan om te betalen",
    },
    "en": {
        "invoice": "INVOICE",
        "credit_note": "CREDIT NOTE",
        "number": "Number",
        "issue_date": "Date",
        "due_date": "Due date",
        "customer": "Customer",
        "vat": "VAT",
        "enterprise": "Enterprise no.",
        "description": "Description",
        "quantity": "Qty",
        "unit_price": "Unit price",
        "rate": "Rate",
        "net": "Amount excl. VAT",
        "breakdown": "VAT summary",
        "taxable": "Taxable",
        "total_excl": "Total excl. VAT",
        "total_vat": "Total VAT",
        "total_incl": "Total incl. VAT",
        "pay_to": "Pay to account",
        "communication": "Structured communication",
        "activity": "Activity",
        "credits": "Credit note for invoice",
        "reason": "Reason",
        "credit_mention": "VAT to be repaid to the State insofar as it was initially deducted.",
        "late": "Late payment automatically incurs, without notice, interest at the rate set under article 5 "
        "of the Belgian law of 2 August 2002 on combating late payment in commercial transactions, and a "
        "flat recovery indemnity of EUR 40 (article 6 of that law).",
        "late_consumer": "If the invoice is not paid when due, you will receive a free first reminder giving "
        "you 14 days to pay (Book XIX of the Belgian Code of Economic Law).",
        "late_consumer_interest": "After that period, late interest is due at most at the rate of article 5 "
        "of the law of 2 August 2002 (art. XIX.4 CEL).",
        "late_consumer_lump_sum": "After that period, a lump sum is due within the limits of art. XIX.4 CEL: "
        "EUR 20 up to EUR 150; EUR 30 + 10 % of the part from EUR 150.01 to 500; EUR 65 + 5 % of the part "
        "above EUR 500, at most EUR 2,000.",
        "issued_by": "Supplier: {cooperative}. {trade_name} is a trade name of {cooperative} "
        "(activity {code}).",
        "supply_date": "Date of supply",
        "period": "Invoicing period",
        "period_to": "to",
        "unit": "Unit",
        "renovation_declaration": "Customer's declaration received",
        "scan": "Scan to pay",
    },
}

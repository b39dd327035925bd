"""The console's accounting page with a stand-in for the services (no broker): a month's VAT
return with its grids in words and amounts as Belgians write them, the rules it was built with,
the trial balance, and the files for the accountant as downloads."""

import base64

from coop_shared.errors import NotFound
from tests.unit.test_console_payroll_pages import Services, client

XML = '<?xml version="1.0" encoding="UTF-8"?><ns2:VATConsignment xmlns:ns2="http://www.minfin.fgov.be/VATConsignment"/>'
VAT = {
    "period": "2026-11",
    "grids": {"00": "0.00", "03": "12500.00", "54": "2625.00", "59": "310.40", "71": "2314.60", "72": "0.00"},
    "intervat_xml": XML,
    "status": "draft",
    "rules_version": "be-books-2026.1",
    "vat_rules": {
        "version": "be-vat-2026.1",
        "valid_from": "2026-01-01",
        "source": "AR n°1",
        "certain": False,
    },
}
TRIAL = {
    "period": "2026-11",
    "accounts": [
        {
            "account": "400000",
            "label": {"fr": "Clients", "nl": "Handelsdebiteuren", "en": "Trade receivables"},
            "debit": "15125.00",
            "credit": "0.00",
            "balance": "15125.00",
        },
        {
            "account": "700000",
            "label": {"fr": "Ventes", "nl": "Verkopen", "en": "Sales"},
            "debit": "0.00",
            "credit": "15125.00",
            "balance": "-15125.00",
        },
    ],
    "total_debit": "15125.00",
    "total_credit": "15125.00",
    "balance": "0.00",
    "rules_version": "be-books-2026.1",
}


def services():
    return Services({"accounting.vat_return": VAT, "accounting.trial_balance": TRIAL})


def test_the_vat_return_shows_each_grid_in_words_with_its_amount_and_the_rules_named():
    s = services()
    page = client(s).get("/console/accounting?period=2026-11&lang=fr")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Comptabilité de novembre 2026" in html
    assert "Opérations à 21 %" in html and "12\u202f500,00\xa0€" in html
    assert "TVA due sur les grilles 01, 02 et 03" in html and "2\u202f625,00\xa0€" in html
    assert "Taxe due à l&#39;État" in html and "2\u202f314,60\xa0€" in html
    assert "be-vat-2026.1" in html and "restent à confirmer" in html
    assert s.payloads("accounting.vat_return") == [{"period": "2026-11"}]
    assert s.payloads("accounting.trial_balance") == [{"period": "2026-11"}]


def test_the_trial_balance_names_each_account_in_the_page_language():
    html = client(services()).get("/console/accounting?period=2026-11&lang=nl").get_data(as_text=True)
    assert "Handelsdebiteuren" in html and "Verkopen" in html
    assert "€\xa015.125,00" in html and "€\xa0-15.125,00" in html


def test_the_files_for_the_accountant_are_downloads():
    s = services()
    s.answers["accounting.export_books"] = {
        "filename": "winbooks-dies-2026-11.zip",
        "content_type": "application/zip",
        "content": base64.b64encode(b"PK\x03\x04").decode(),
    }
    s.answers["accounting.export_pack"] = dict(
        s.answers["accounting.export_books"], filename="books-dies-2026-11.zip"
    )
    s.answers["accounting.client_listing"] = {"year": 2026, "customers": [], "intervat_xml": XML}
    c = client(s)
    html = c.get("/console/accounting?period=2026-11").get_data(as_text=True)
    for link in (
        "2026-11/vat-return.xml",
        "2026-11/books/winbooks",
        "2026-11/books/csv",
        "2026-11/pack",
        "listing/2026.xml",
    ):
        assert f'href="/console/accounting/{link}"' in html
    intervat = c.get("/console/accounting/2026-11/vat-return.xml")
    assert intervat.data == XML.encode() and intervat.headers["Content-Type"].startswith("application/xml")
    winbooks = c.get("/console/accounting/2026-11/books/winbooks")
    assert winbooks.data == b"PK\x03\x04"
    assert winbooks.headers["Content-Disposition"] == 'attachment; filename="winbooks-dies-2026-11.zip"'
    assert s.payloads("accounting.export_books") == [{"period": "2026-11", "format": "winbooks"}]
    assert (
        c.get("/console/accounting/2026-11/pack")
        .headers["Content-Disposition"]
        .endswith('books-dies-2026-11.zip"')
    )
    assert c.get("/console/accounting/listing/2026.xml").data == XML.encode()
    assert s.payloads("accounting.client_listing") == [{"year": 2026}]


def test_a_month_that_is_not_one_is_the_404_page_or_this_month_with_a_word():
    c = client(services())
    assert c.get("/console/accounting/2026-13/pack").status_code == 404
    assert c.get("/console/accounting/2026-11/books/excel").status_code == 404
    page = c.get("/console/accounting?period=nonsense&lang=en")
    assert page.status_code == 200 and "Not a month: YYYY-MM, such as 2026-11." in page.get_data(as_text=True)


def test_a_refusal_of_accounting_is_the_page_with_its_status():
    s = Services({"accounting.vat_return": NotFound("No cooperative."), "accounting.trial_balance": TRIAL})
    page = client(s).get("/console/accounting?period=2026-11")
    assert page.status_code == 404 and "<main" in page.get_data(as_text=True)

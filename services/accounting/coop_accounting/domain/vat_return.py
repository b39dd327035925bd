"""The periodic VAT return: its grids from the period's tagged lines, and its Intervat XML
draft (docs/domain/accounting.md "Return grids", "Intervat XML"; art. 53 §1 VAT Code, AR n°1
art. 18). The accountant files it: the suite only prepares it."""

from __future__ import annotations

from xml.sax.saxutils import escape

from coop_shared.money import Money

# Grids fed by credits (sales, VAT due, regularisations in the State's favour) and by debits
# (purchases, deductible VAT, credit notes issued).
CREDIT_GRIDS = ("00", "01", "02", "03", "44", "45", "46", "47", "54", "55", "56", "57", "61", "63", "85")
DEBIT_GRIDS = ("48", "49", "59", "62", "64", "81", "82", "83", "86", "87", "88")
REPORTED = (
    "00",
    "01",
    "02",
    "03",
    "44",
    "45",
    "46",
    "47",
    "48",
    "49",
    "54",
    "55",
    "56",
    "57",
    "59",
    "61",
    "62",
    "63",
    "64",
    "71",
    "72",
    "81",
    "82",
    "83",
    "84",
    "85",
    "86",
    "87",
    "88",
)
NAMESPACE_COMMON = "http://www.minfin.fgov.be/InputCommon"
NAMESPACE_VAT = "http://www.minfin.fgov.be/VATConsignment"
NAMESPACE_LISTING = "http://www.minfin.fgov.be/ClientListingConsignment"


def grids(tagged: dict[str, tuple[Money, Money]]) -> dict[str, Money]:
    """Every reported grid from `{grid: (debits, credits)}`, with 71 (due to the State) or 72
    (refundable): 54+55+56+57+61+63 against 59+62+64 (Intervat, frame VI)."""
    out = {g: Money.zero() for g in REPORTED}
    for grid, (debit, credit) in tagged.items():
        if grid in CREDIT_GRIDS:
            out[grid] = credit - debit
        elif grid in DEBIT_GRIDS:
            out[grid] = debit - credit
    due = sum((out[g] for g in ("54", "55", "56", "57", "61", "63")), Money.zero())
    deductible = sum((out[g] for g in ("59", "62", "64")), Money.zero())
    balance = due - deductible
    out["71"] = balance if not balance.is_negative() else Money.zero()
    out["72"] = -balance if balance.is_negative() else Money.zero()
    return out


def _vat_digits(vat_number: str | None) -> str:
    return "".join(c for c in (vat_number or "") if c.isdigit())


def _declarant(cooperative: dict) -> str:
    return (
        f"<ns2:Declarant><VATNumber>{_vat_digits(cooperative.get('vat_number'))}</VATNumber>"
        f"<Name>{escape(cooperative.get('name') or '')}</Name>"
        f"<Street>{escape(cooperative.get('street') or '')}</Street>"
        f"<PostCode>{escape(cooperative.get('postcode') or '')}</PostCode>"
        f"<City>{escape(cooperative.get('city') or '')}</City>"
        f"<CountryCode>BE</CountryCode>"
        f"<EmailAddress>{escape(cooperative.get('email') or '')}</EmailAddress>"
        f"<Phone>{escape(cooperative.get('phone') or '')}</Phone></ns2:Declarant>"
    )


def intervat_xml(cooperative: dict, period: str, values: dict[str, Money], reference: str) -> str:
    """The monthly return as an Intervat VATConsignment: grids in ascending order, zero grids
    left out, two decimals; 71 is always given (one of 71/72 is mandatory)."""
    amounts = "".join(
        f'<ns2:Amount GridNumber="{g}">{values[g]}</ns2:Amount>'
        for g in sorted(values)
        if values[g].amount or g == "71" and not values["72"].amount
    )
    refund = "YES" if values["72"].amount else "NO"
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<ns2:VATConsignment xmlns="{NAMESPACE_COMMON}" xmlns:ns2="{NAMESPACE_VAT}" VATDeclarationsNbr="1">'
        f'<ns2:VATDeclaration SequenceNumber="1" DeclarantReference="{escape(reference)}">'
        f"{_declarant(cooperative)}"
        f"<ns2:Period><ns2:Month>{int(period[5:])}</ns2:Month><ns2:Year>{period[:4]}</ns2:Year></ns2:Period>"
        f"<ns2:Data>{amounts}</ns2:Data>"
        "<ns2:ClientListingNihil>NO</ns2:ClientListingNihil>"
        f'<ns2:Ask Restitution="{refund}"/>'
        "</ns2:VATDeclaration></ns2:VATConsignment>"
    )


def listed_customers(
    turnover: dict[str, tuple[Money, Money]], threshold: Money
) -> list[tuple[str, Money, Money]]:
    """Belgian VAT-registered customers with a turnover of `threshold` (€250 in 2026: the dated
    rules, domain/vat_rules.py) or more excluding VAT in the year (art. 53quinquies VAT Code),
    sorted by VAT number: (vat number, turnover, VAT)."""
    return sorted(
        (vat, base, vat_amount)
        for vat, (base, vat_amount) in turnover.items()
        if vat.upper().startswith("BE") and base >= threshold
    )


def client_listing_xml(cooperative: dict, year: int, customers, reference: str) -> str:
    """The yearly listing of VAT customers as an Intervat ClientListingConsignment."""
    total = sum((c[1] for c in customers), Money.zero())
    vat_total = sum((c[2] for c in customers), Money.zero())
    clients = "".join(
        f'<ns2:Client SequenceNumber="{i}"><ns2:CompanyVATNumber issuedBy="BE">{_vat_digits(vat)}'
        f"</ns2:CompanyVATNumber><ns2:TurnOver>{base}</ns2:TurnOver><ns2:VATAmount>{vat_amount}</ns2:VATAmount></ns2:Client>"
        for i, (vat, base, vat_amount) in enumerate(customers, start=1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<ns2:ClientListingConsignment xmlns="{NAMESPACE_COMMON}" xmlns:ns2="{NAMESPACE_LISTING}" ClientListingsNbr="1">'
        f'<ns2:ClientListing SequenceNumber="1" ClientsNbr="{len(customers)}" DeclarantReference="{escape(reference)}" '
        f'TurnOverSum="{total}" VATAmountSum="{vat_total}">'
        f"{_declarant(cooperative)}<ns2:Period>{year}</ns2:Period>{clients}"
        "</ns2:ClientListing></ns2:ClientListingConsignment>"
    )

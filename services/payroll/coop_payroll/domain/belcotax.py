"""The yearly forms 281.10 and 281.20 as one Belcotax-on-web file (docs/domain/tax-forms.md).

The FPS Finance structure: no namespace, Dutch tags, amounts in euro cents. A sending
(`Verzending`, fields v00xx) holds one declaration (`Aangifte`, fields a10xx) per kind of form,
each with its fiches under `Opgaven/Opgave32510` (fields f2xxx for the person, f10_xxxx or
f20_xxxx for the amounts) and its trailer r80xx: records (fiches + 2), the sum of the sequence
numbers, the sum of the control totals and of the withholding. The sending's trailer r90xx
counts the declarations + 2 and the records (fiches + 2 per declaration + 2), and repeats the
three sums over the whole file. Built with the standard library only.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET  # noqa: S405 (we write XML, we never parse untrusted input here)
from dataclasses import dataclass
from datetime import date

from coop_payroll.domain.tax_forms import FORM_281_10, FORM_281_20, Fiche

BELCOTAX, TEST = "BELCOTAX", "BCTEST"
COUNTRY_BE = "00150"  # the FPS code of Belgium in the declarant's address
FICHE_TAG = {FORM_281_10: "Fiche28110", FORM_281_20: "Fiche28120"}
FICHE_TYPE = {FORM_281_10: "28110", FORM_281_20: "28120"}
LANGUAGE_CODE = {"nl": "1", "fr": "2", "de": "3"}  # anything else: French


@dataclass(frozen=True)
class Debtor:
    """The cooperative that paid and withheld: its enterprise number and address."""

    name: str
    enterprise_number: str  # 10 digits
    street: str
    postal_code: str
    city: str
    email: str
    language: str


@dataclass(frozen=True)
class Beneficiary:
    """The member a fiche is for, as members knows them."""

    national_number: str  # 11 digits
    last_name: str
    first_names: str
    street: str
    postal_code: str
    city: str
    country: str
    language: str


def digits(text: str | None) -> str:
    return "".join(c for c in (text or "") if c.isdigit())


def _add(parent: ET.Element, tag: str, value) -> None:
    ET.SubElement(parent, tag).text = str(value)


def _fiche(parent: ET.Element, year: int, debtor: Debtor, fiche: Fiche, person: Beneficiary) -> None:
    node = ET.SubElement(parent, FICHE_TAG[fiche.form])
    belgian = person.country.upper() == "BE"
    for tag, value in (
        ("f2002_inkomstenjaar", year),
        ("f2005_registratienummer", debtor.enterprise_number),
        ("f2008_typefiche", FICHE_TYPE[fiche.form]),
        ("f2009_volgnummer", fiche.sequence),
        ("f2011_nationaalnr", person.national_number),
        ("f2013_naam", person.last_name[:41]),
        ("f2015_adres", person.street[:200]),
        ("f2016_postcodebelgisch" if belgian else "f2112_buitenlandspostnummer", person.postal_code),
        ("f2017_gemeente", person.city[:100]),
        ("f2018_landwoonplaats", "150" if belgian else "0"),
        ("f2027_taalcode", LANGUAGE_CODE.get(person.language, "2")),
        ("f2028_typetraitement", 0),
        ("f2029_enkelopgave325", 0),
        ("f2114_voornamen", person.first_names[:30]),
    ):
        _add(node, tag, value)
    for tag in sorted(fiche.codes):
        _add(node, tag, fiche.codes[tag])


def belcotax_xml(
    year: int,
    debtor: Debtor,
    fiches: list[Fiche],
    people: dict[str, Beneficiary],
    created: date,
    file_type: str = BELCOTAX,
) -> bytes:
    """The sending of `fiches` (one declaration per kind of form that has fiches); `people`
    holds each fiche's member by id."""
    root = ET.Element("Verzendingen")
    sending = ET.SubElement(root, "Verzending")
    for tag, value in (
        ("v0002_inkomstenjaar", year),
        ("v0010_bestandtype", file_type),
        ("v0011_aanmaakdatum", created.strftime("%d-%m-%Y")),
        ("v0014_naam", debtor.name[:41]),
        ("v0015_adres", debtor.street[:200]),
        ("v0016_postcode", debtor.postal_code),
        ("v0017_gemeente", debtor.city[:100]),
        ("v0021_contactpersoon", debtor.name[:41]),
        ("v0022_taalcode", LANGUAGE_CODE.get(debtor.language, "2")),
        ("v0023_emailadres", debtor.email),
        ("v0024_nationaalnr", debtor.enterprise_number),
        ("v0025_typeenvoi", 0),
    ):
        _add(sending, tag, value)
    declarations = ET.SubElement(sending, "Aangiften")
    kinds = [form for form in (FORM_281_10, FORM_281_20) if any(f.form == form for f in fiches)]
    for form in kinds:
        mine = [f for f in fiches if f.form == form]
        declaration = ET.SubElement(declarations, "Aangifte")
        for tag, value in (
            ("a1002_inkomstenjaar", year),
            ("a1005_registratienummer", debtor.enterprise_number),
            ("a1011_naamnl1", debtor.name[:28]),
            ("a1013_adresnl", debtor.street[:200]),
            ("a1014_postcodebelgisch", debtor.postal_code),
            ("a1015_gemeente", debtor.city[:100]),
            ("a1016_landwoonplaats", COUNTRY_BE),
            ("a1020_taalcode", LANGUAGE_CODE.get(debtor.language, "2")),
        ):
            _add(declaration, tag, value)
        summary = ET.SubElement(ET.SubElement(declaration, "Opgaven"), "Opgave32510")
        for fiche in mine:
            _fiche(summary, year, debtor, fiche, people[fiche.member_id])
        for tag, value in (
            ("r8002_inkomstenjaar", year),
            ("r8005_registratienummer", debtor.enterprise_number),
            ("r8010_aantalrecords", len(mine) + 2),
            ("r8011_controletotaal", sum(f.sequence for f in mine)),
            ("r8012_controletotaal", sum(f.control for f in mine)),
            ("r8013_totaalvoorheffingen", sum(f.withholding for f in mine)),
        ):
            _add(declaration, tag, value)
    for tag, value in (
        ("r9002_inkomstenjaar", year),
        ("r9010_aantallogbestanden", len(kinds) + 2),
        ("r9011_totaalaantalrecords", len(fiches) + 2 * len(kinds) + 2),
        ("r9012_controletotaal", sum(f.sequence for f in fiches)),
        ("r9013_controletotaal", sum(f.control for f in fiches)),
        ("r9014_controletotaal", sum(f.withholding for f in fiches)),
    ):
        _add(sending, tag, value)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)

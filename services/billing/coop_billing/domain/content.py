"""What an invoice must say beyond its figures, in the document's language
(art. 5 §1 of Royal Decree no. 1; CSA art. 2:20; docs/domain/vat-and-invoices.md): units of
measure, country names, the cooperative's legal form and register court, the supply date or
period."""

from __future__ import annotations

from datetime import date

DEFAULT_UNIT = "C62"
# UN/ECE Recommendation 20 codes the suite accepts (the Peppol unit code list is a superset),
# with their names as printed on the PDF. "one" (C62) prints as "pc"/"st" (piece).
UNITS = {
    "C62": {"fr": "pièce", "nl": "stuk", "en": "unit"},
    "HUR": {"fr": "heure", "nl": "uur", "en": "hour"},
    "DAY": {"fr": "jour", "nl": "dag", "en": "day"},
    "KGM": {"fr": "kg", "nl": "kg", "en": "kg"},
    "MTR": {"fr": "m", "nl": "m", "en": "m"},
    "MTK": {"fr": "m²", "nl": "m²", "en": "m²"},
    "LTR": {"fr": "litre", "nl": "liter", "en": "litre"},
    "KMT": {"fr": "km", "nl": "km", "en": "km"},
}

# Country names (ISO 3166-1 alpha-2) on the PDF: the Peppol document carries the code, a person
# reads the name. Belgium's neighbours and the EU; any other code prints as it is.
COUNTRIES = {
    "BE": ("Belgique", "België", "Belgium"),
    "NL": ("Pays-Bas", "Nederland", "Netherlands"),
    "FR": ("France", "Frankrijk", "France"),
    "DE": ("Allemagne", "Duitsland", "Germany"),
    "LU": ("Luxembourg", "Luxemburg", "Luxembourg"),
    "AT": ("Autriche", "Oostenrijk", "Austria"),
    "BG": ("Bulgarie", "Bulgarije", "Bulgaria"),
    "CY": ("Chypre", "Cyprus", "Cyprus"),
    "CZ": ("Tchéquie", "Tsjechië", "Czechia"),
    "DK": ("Danemark", "Denemarken", "Denmark"),
    "EE": ("Estonie", "Estland", "Estonia"),
    "GR": ("Grèce", "Griekenland", "Greece"),
    "ES": ("Espagne", "Spanje", "Spain"),
    "FI": ("Finlande", "Finland", "Finland"),
    "HR": ("Croatie", "Kroatië", "Croatia"),
    "HU": ("Hongrie", "Hongarije", "Hungary"),
    "IE": ("Irlande", "Ierland", "Ireland"),
    "IT": ("Italie", "Italië", "Italy"),
    "LT": ("Lituanie", "Litouwen", "Lithuania"),
    "LV": ("Lettonie", "Letland", "Latvia"),
    "MT": ("Malte", "Malta", "Malta"),
    "PL": ("Pologne", "Polen", "Poland"),
    "PT": ("Portugal", "Portugal", "Portugal"),
    "RO": ("Roumanie", "Roemenië", "Romania"),
    "SE": ("Suède", "Zweden", "Sweden"),
    "SI": ("Slovénie", "Slovenië", "Slovenia"),
    "SK": ("Slovaquie", "Slowakije", "Slovakia"),
    "GB": ("Royaume-Uni", "Verenigd Koninkrijk", "United Kingdom"),
    "CH": ("Suisse", "Zwitserland", "Switzerland"),
    "NO": ("Norvège", "Noorwegen", "Norway"),
    "US": ("États-Unis", "Verenigde Staten", "United States"),
    "CA": ("Canada", "Canada", "Canada"),
}
_LANGUAGE_INDEX = {"fr": 0, "nl": 1, "en": 2}

# Legal forms (CSA) and register courts as members stores them (in French, e.g. "SC",
# "RPM Bruxelles"), in the language of the document (CSA art. 2:20 asks for the legal form and
# "RPM"/"RPR" with the seat of the enterprise court; a Dutch document says "CV", "RPR Brussel").
LEGAL_FORMS = {
    "SC": {"fr": "SC", "nl": "CV", "en": "SC"},
    "SCRL": {"fr": "SCRL", "nl": "CVBA", "en": "SCRL"},
    "CV": {"fr": "SC", "nl": "CV", "en": "SC"},
    "SRL": {"fr": "SRL", "nl": "BV", "en": "SRL"},
    "BV": {"fr": "SRL", "nl": "BV", "en": "SRL"},
    "SA": {"fr": "SA", "nl": "NV", "en": "SA"},
    "NV": {"fr": "SA", "nl": "NV", "en": "SA"},
    "ASBL": {"fr": "ASBL", "nl": "VZW", "en": "ASBL"},
    "VZW": {"fr": "ASBL", "nl": "VZW", "en": "ASBL"},
}
REGISTER_WORD = {"fr": "RPM", "nl": "RPR", "en": "RLE"}
COURT_SEATS = {
    "bruxelles": {"fr": "Bruxelles", "nl": "Brussel", "en": "Brussels"},
    "brussel": {"fr": "Bruxelles", "nl": "Brussel", "en": "Brussels"},
    "liège": {"fr": "Liège", "nl": "Luik", "en": "Liège"},
    "luik": {"fr": "Liège", "nl": "Luik", "en": "Liège"},
    "anvers": {"fr": "Anvers", "nl": "Antwerpen", "en": "Antwerp"},
    "antwerpen": {"fr": "Anvers", "nl": "Antwerpen", "en": "Antwerp"},
    "gand": {"fr": "Gand", "nl": "Gent", "en": "Ghent"},
    "gent": {"fr": "Gand", "nl": "Gent", "en": "Ghent"},
    "louvain": {"fr": "Louvain", "nl": "Leuven", "en": "Leuven"},
    "leuven": {"fr": "Louvain", "nl": "Leuven", "en": "Leuven"},
}


def unit_name(code: str | None, language: str) -> str:
    return UNITS.get(code or DEFAULT_UNIT, {}).get(language, code or "")


def country_name(code: str | None, language: str) -> str:
    names = COUNTRIES.get((code or "").upper())
    return names[_LANGUAGE_INDEX.get(language, 0)] if names else (code or "")


def legal_form(form: str | None, language: str) -> str:
    if not form:
        return ""
    return LEGAL_FORMS.get(form.strip().upper(), {}).get(language, form)


def register(text: str | None, language: str) -> str:
    """'RPM Bruxelles' → 'RPR Brussel' (nl), 'RLE Brussels' (en); an unknown seat stays as written."""
    if not text:
        return ""
    word, _, seat = text.strip().partition(" ")
    if word.upper() not in ("RPM", "RPR", "RLE"):
        return text
    seat_name = COURT_SEATS.get(seat.strip().lower(), {}).get(language, seat.strip())
    return f"{REGISTER_WORD[language]} {seat_name}".strip()


def differs_from_issue(data: dict, issue_date: date | None) -> bool:
    """Art. 5 §1 7° AR n°1: the supply date is printed when it differs from the issue date."""
    supply = data.get("supply_date")
    return bool(data.get("period_start")) or (supply is not None and supply != issue_date)

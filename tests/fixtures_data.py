"""Realistic payloads: two Brussels cooperatives and their entrepreneurs (valid numbers)."""

DIES = {
    "slug": "dies",
    "name": "Dies",
    "legal_form": "SC",
    "register": "RPM Bruxelles",
    "enterprise_number": "0403.170.701",
    "vat_number": "BE0403170701",
    "iban": "BE05 0681 2345 6775",
    "bic": "GKCCBEBB",
    "address": {"street": "Rue de la Loi 16", "postal_code": "1000", "city": "Bruxelles", "country": "BE"},
    "email": "bureau@dies.example",
    "languages": ["fr", "nl"],
    "status_models": ["be_salaried", "trial"],
    "contribution_rate": "0.10",
}
BRUCOOP = {
    "slug": "brucoop",
    "name": "BRUCOOP SC",
    "enterprise_number": "0202.239.951",
    "vat_number": "BE0202239951",
    "iban": "BE71 0961 2345 6769",
    "address": {"street": "Boulevard Anspach 1", "postal_code": "1000", "city": "Bruxelles", "country": "BE"},
    "email": "admin@brucoop.example",
    "languages": ["fr", "nl", "en"],
    "status_models": ["be_director", "trial"],
    "contribution_rate": "0.08",
    "payment_terms_days": 45,
}
AMINA = {
    "first_name": "Amina",
    "last_name": "Diallo",
    "email": "amina@example.org",
    "language": "fr",
    "birth_date": "1990-03-14",
    "national_number": "90031400036",
    "nationality": "GN",
    "iban": "BE46 7351 2345 6736",
}

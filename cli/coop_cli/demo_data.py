"""The Brussels demo's people and customers: two cooperatives as they could be on a Tuesday in
November. Identifiers are valid (check digits), names invented."""

from datetime import date, timedelta

DIES = {
    "slug": "dies",
    "name": "Dies",
    "legal_form": "SC",
    "register": "RPM Bruxelles",
    "enterprise_number": "0403.170.701",
    "vat_number": "BE0403170701",
    "iban": "BE05 0681 2345 6775",
    "bic": "GKCCBEBB",
    "email": "bureau@dies.example",
    "languages": ["fr", "nl"],
    "address": {"street": "Rue de la Loi 16", "postal_code": "1000", "city": "Bruxelles", "country": "BE"},
    "status_models": ["be_salaried", "trial"],
    "contribution_rate": "0.10",
}
BRUCOOP = {
    "slug": "brucoop",
    "name": "BRUCOOP",
    "legal_form": "SC",
    "register": "RPM Bruxelles",
    "enterprise_number": "0202.239.951",
    "vat_number": "BE0202239951",
    "iban": "BE71 0961 2345 6769",
    "email": "admin@brucoop.example",
    "languages": ["fr", "nl", "en"],
    "address": {"street": "Boulevard Anspach 1", "postal_code": "1000", "city": "Bruxelles", "country": "BE"},
    "status_models": ["be_director", "trial"],
    "contribution_rate": "0.08",
    "payment_terms_days": 45,
}


def members(today: date) -> dict:
    """Per cooperative: (member, activity, status model, parameters, documents)."""
    next_year = (today + timedelta(days=365)).isoformat()
    soon = (today + timedelta(days=20)).isoformat()
    return {
        "dies": [
            (
                {
                    "first_name": "Amina",
                    "last_name": "Diallo",
                    "email": "amina.diallo@demo.example",
                    "language": "fr",
                    "nationality": "GN",
                    "national_number": "90031400036",
                    "iban": "BE46 7351 2345 6736",
                },
                {"name": "Vélo-livraisons", "sector": "bike delivery", "trade_name": "Amina Cargo"},
                "be_salaried",
                # Part time (13 h a week): her budget's gross stays above the minimum wage for her
                # hours (docs/domain/payroll-employees.md).
                {"household": "single", "dependent_children": 1, "weekly_hours": 13},
                [
                    {
                        "kind": "residence_card",
                        "reference": "B0123456",
                        "valid_from": "2025-06-01",
                        "valid_until": next_year,
                        "labour_market": "unlimited",
                    }
                ],
            ),
            (
                {
                    "first_name": "Jonas",
                    "last_name": "Peeters",
                    "email": "jonas.peeters@demo.example",
                    "language": "nl",
                    "nationality": "BE",
                    "iban": "BE35 3101 2345 6737",
                },
                {"name": "Meubelmakerij", "sector": "cabinet-making", "trade_name": "Peeters Hout"},
                "be_salaried",
                {"household": "spouse_with_income", "dependent_children": 2},
                [],
            ),
            (
                {
                    "first_name": "Sofia",
                    "last_name": "Moreau",
                    "email": "sofia.moreau@demo.example",
                    "language": "fr",
                    "nationality": "FR",
                },
                {"name": "Traduction (en formation)", "sector": "training"},
                "trial",
                {},
                [],
            ),
        ],
        "brucoop": [
            (
                {
                    "first_name": "Lena",
                    "last_name": "De Smet",
                    "email": "lena.desmet@demo.example",
                    "language": "nl",
                    "nationality": "BE",
                    "iban": "BE56 3631 2345 6788",
                },
                {"name": "Conseil en mobilité", "sector": "consulting", "trade_name": "Mobiliteit De Smet"},
                "be_director",
                {},
                [],
            ),
            (
                {
                    "first_name": "Yonas",
                    "last_name": "Tesfaye",
                    "email": "yonas.tesfaye@demo.example",
                    "language": "en",
                    "nationality": "ER",
                    "iban": "BE89 7350 9876 5485",
                },
                {"name": "Réparation de vélos (accompagnement)", "sector": "accompaniment track"},
                "trial",
                {},
                [
                    {
                        "kind": "residence_card",
                        "reference": "A7654321",
                        "valid_from": "2025-12-01",
                        "valid_until": soon,
                        "labour_market": "limited",
                    }
                ],
            ),
        ],
    }


CUSTOMERS = {
    "dies": [
        {
            "name": "Bakkerij Peeters BV",
            "kind": "company",
            "vat_number": "BE0412345614",
            "language": "nl",
            "email": "boekhouding@peeters.example",
            "address": {
                "street": "Vlaamsesteenweg 20",
                "postal_code": "1000",
                "city": "Brussel",
                "country": "BE",
            },
        },
        {
            "name": "Claire Dubois",
            "kind": "person",
            "language": "fr",
            "email": "claire.dubois@demo.example",
            "address": {
                "street": "Rue Haute 100",
                "postal_code": "1000",
                "city": "Bruxelles",
                "country": "BE",
            },
        },
    ],
    "brucoop": [
        {
            "name": "Brasserie de la Senne",
            "kind": "company",
            "vat_number": "BE0456789034",
            "language": "fr",
            "email": "compta@senne.example",
            "address": {
                "street": "Anderlechtsesteenweg 565",
                "postal_code": "1070",
                "city": "Anderlecht",
                "country": "BE",
            },
        },
        {
            "name": "Fietsersbond vzw",
            "kind": "company",
            "vat_number": "BE0876543270",
            "language": "nl",
            "email": "factuur@fietsersbond.example",
            "address": {"street": "Pijlstraat 1", "postal_code": "1000", "city": "Brussel", "country": "BE"},
        },
        {
            "name": "Dies",
            "kind": "company",
            "vat_number": "BE0403170701",
            "language": "fr",
            "email": "bureau@dies.example",
            "address": {
                "street": "Rue de la Loi 16",
                "postal_code": "1000",
                "city": "Bruxelles",
                "country": "BE",
            },
        },
    ],
}

# Each cooperative's Peppol access point: the `loopback` network of this machine. Who is on it:
# Bakkerij Peeters, Brasserie de la Senne and Dies; Fietsersbond is not, so its invoice goes by
# e-mail with the reason recorded; Claire Dubois is a consumer (e-mail).
PEPPOL = {
    "dies": {"access_point": "loopback", "registered": ["0208:0412345614"]},
    "brucoop": {"access_point": "loopback", "registered": ["0208:0456789034", "0208:0403170701"]},
}
# The supplier invoice Dies receives over Peppol (BRUCOOP's, below) is booked on this activity.
PURCHASES_ASSIGNED_TO = ("dies", "Sofia")

# (cooperative, member's first name, customer index, lines, paid by the bank statement?)
INVOICES = [
    ("dies", "Amina", 0, [("Livraisons à vélo — novembre", "22", "45.00", "0.21")], True),
    ("dies", "Amina", 1, [("Livraison de courses", "4", "18.50", "0.21")], True),
    (
        "dies",
        "Jonas",
        0,
        [("Comptoir en chêne", "1", "3200.00", "0.21"), ("Pose", "6", "55.00", "0.21")],
        True,
    ),
    ("dies", "Jonas", 1, [("Bibliothèque sur mesure", "1", "1850.00", "0.21")], False),
    ("brucoop", "Lena", 0, [("Plan de mobilité — phase 1", "8", "95.00", "0.21")], True),
    ("brucoop", "Lena", 1, [("Mobiliteitsadvies", "12", "90.00", "0.21")], True),
    # To Dies over Peppol: Dies receives it as a supplier invoice and books it on an activity.
    ("brucoop", "Lena", 2, [("Atelier mobilité douce (formation)", "1", "600.00", "0.21")], False),
]

# BRUCOOP's accompaniment programme and the newcomer on it (docs/domain/accompaniment.md): an
# applicant for international protection in the test phase, with no contribution meanwhile.
PROGRAMME = {
    "name": "From asylum to enterprise 2026",
    "funders": ["ESF+", "Brussels-Capital Region"],
    "eligibility": ["international_protection_applicant", "job_seeker", "cpas_beneficiary"],
    "capacity": 20,
    "starts_on": "2026-01-01",
}
NEWCOMER = ("brucoop", "Yonas")


def newcomer_enrolment(today: date) -> dict:
    """Yonas's enrolment: entered two months before this month, applied for protection six
    months before today (so the four-month wait is over)."""
    first = today.replace(day=1)
    entered = (first - timedelta(days=1)).replace(day=1) - timedelta(days=1)
    return {
        "entered_on": entered.replace(day=1).isoformat(),
        "language": "en",
        "interpreter": "Tigrinya",
        "profile": {
            "labour_situation": "international_protection_applicant",
            "education_level": "isced_3_4",
            "languages": ["ti", "en"],
        },
        "goals": ["A bicycle repair workshop of his own"],
        "milestones": [{"text": "First ten paying customers", "due_on": None}],
        "protection_applied_on": (today - timedelta(days=183)).isoformat(),
    }


# The people who sign in to the console and the portal (docs/adr/024-accounts-for-people.md):
# an admin of each cooperative (the staff side; an admin always has a second factor) and an
# entrepreneur of each (role `member`, linked to a member whose activity has invoices and a
# payslip). An entrepreneur signs in with the member's own e-mail address. Their pages come in
# English (the account's language); `?lang=fr` or `?lang=nl` switches and is remembered.
LOGINS = {
    "dies_staff": {"cooperative": "dies", "role": "admin", "email": "admin.dies@demo.example"},
    "brucoop_staff": {"cooperative": "brucoop", "role": "admin", "email": "admin.brucoop@demo.example"},
    "dies_member": {"cooperative": "dies", "role": "member", "member": "Amina"},
    "brucoop_member": {"cooperative": "brucoop", "role": "member", "member": "Lena"},
}
LOGIN_LANGUAGE = "en"

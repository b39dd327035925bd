"""The Belgian minimum chart of accounts a cooperative's books start from, and which account
each kind of booking uses by default (docs/domain/accounting.md, "Chart of accounts").

The chart is the annex of the Royal Decree of 12 September 1983 (now executing CDE Book III,
Title 3); the codes and their use by a cooperative are those of docs/domain/accounting.md.
"""

from __future__ import annotations

from dataclasses import dataclass

# Every document names the rules version that produced it (docs/architecture.md).
RULES_VERSION = "be-accounting-2026.1"


@dataclass(frozen=True)
class Account:
    code: str
    fr: str
    nl: str
    en: str


CHART = (
    Account("100", "Capital souscrit", "Geplaatst kapitaal", "Subscribed capital"),
    Account(
        "1100",
        "Apport disponible hors capital",
        "Beschikbare inbreng buiten kapitaal",
        "Contributions outside capital",
    ),
    Account("400", "Clients", "Klanten", "Customers"),
    Account("411", "TVA à récupérer", "Terug te vorderen btw", "VAT recoverable"),
    Account("440", "Fournisseurs", "Leveranciers", "Suppliers"),
    Account("451", "TVA à payer", "Te betalen btw", "VAT due"),
    Account("453", "Précomptes retenus", "Ingehouden voorheffingen", "Withholding tax withheld"),
    Account(
        "454", "Office national de sécurité sociale", "Rijksdienst voor sociale zekerheid", "Social security"
    ),
    Account(
        "4550",
        "Rémunérations dues aux administrateurs",
        "Verschuldigde bezoldigingen bestuurders",
        "Remuneration due to directors",
    ),
    Account(
        "4552",
        "Rémunérations dues aux employés",
        "Verschuldigde bezoldigingen bedienden",
        "Remuneration due to employees",
    ),
    Account("456", "Pécules de vacances", "Vakantiegeld", "Holiday pay"),
    Account("459", "Autres dettes sociales", "Andere sociale schulden", "Other social debts"),
    Account("499", "Comptes d'attente", "Wachtrekeningen", "Suspense"),
    Account("550", "Établissements de crédit", "Kredietinstellingen", "Bank"),
    Account("580", "Virements internes", "Interne overboekingen", "Internal transfers"),
    Account("610", "Services et biens divers", "Diensten en diverse goederen", "Services and other goods"),
    Account(
        "618",
        "Rémunérations des administrateurs hors contrat de travail",
        "Bezoldigingen bestuurders niet uit hoofde van een arbeidsovereenkomst",
        "Directors' remuneration (no employment contract)",
    ),
    Account("6202", "Rémunérations employés", "Bezoldigingen bedienden", "Employees' remuneration"),
    Account("621", "Cotisations patronales", "Werkgeversbijdragen", "Employer contributions"),
    Account(
        "625",
        "Provisions pour pécules de vacances et primes",
        "Voorzieningen voor vakantiegeld en premies",
        "Holiday pay and premium provisions",
    ),
    Account("7001", "Prestations de services en Belgique", "Dienstverlening België", "Services in Belgium"),
    Account(
        "7005",
        "Prestations, TVA due par le cocontractant",
        "Dienstverlening, btw verschuldigd door medecontractant",
        "Services, VAT due by the co-contractor",
    ),
    Account(
        "7006",
        "Livraisons intracommunautaires",
        "Intracommunautaire leveringen",
        "Intra-EU supplies of goods",
    ),
    Account("70061", "Prestations intracommunautaires", "Intracommunautaire diensten", "Intra-EU services"),
    Account("7007", "Exportations hors UE", "Uitvoer buiten de EU", "Exports outside the EU"),
)
CODES = frozenset(a.code for a in CHART)

# The account each kind of booking uses unless the cooperative maps it elsewhere
# (set_account_mapping). Kinds name what a line *is*, not where it goes.
DEFAULT_MAPPING = {
    "receivable": "400",
    "payable": "440",
    "vat_due": "451",
    "vat_recoverable": "411",
    "bank": "550",
    "transfers": "580",  # payments handed to the bank, not yet seen on a statement
    "suspense": "499",
    "sales.standard": "7001",
    "sales.renovation": "7001",
    "sales.exempt": "7001",
    "sales.outside_scope": "7001",
    "sales.reverse_charge_construction": "7005",
    "sales.intra_eu_goods": "7006",
    "sales.intra_eu_services": "70061",
    "sales.export": "7007",
    "purchases": "610",
    "remuneration.employees": "6202",
    "remuneration.directors": "618",
    "employer_contributions": "621",
    "provisions_expense": "625",
    "withholding": "453",
    "social_security": "454",
    "net_due.employees": "4552",
    "net_due.directors": "4550",
    "provision.holiday_pay": "456",
    "provision.other": "459",
    "social_fund": "459",
}
KINDS = frozenset(DEFAULT_MAPPING)


def account_for(kind: str, overrides: dict[str, str]) -> str:
    """The account of `kind`: the cooperative's own mapping, else the default."""
    return overrides.get(kind) or DEFAULT_MAPPING[kind]


def is_valid_code(code: str) -> bool:
    """A general-ledger code: digits only, 3 to 8 of them (the class is its first digit, and
    WinBooks takes at most 8 characters: docs/domain/accounting.md)."""
    return code.isdigit() and 3 <= len(code) <= 8

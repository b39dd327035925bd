"""VAT of an invoice: rates, regimes and their legal mentions (docs/domain/vat-and-invoices.md).

Each line's net is rounded half-up to the cent once (quantity × unit price). The VAT is
computed per category and rate on the total taxable amount of that rate and rounded ONCE
(art. 5 §1 of Royal Decree no. 1 lists the taxable amount and the VAT per rate; EN 16931
BR-S-09/BR-CO-17 compute the VAT of a breakdown line from its taxable amount), never rounded line
by line and summed. Each line still carries its share of that VAT, allotted so that the shares
add up to the rate's amount exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from coop_shared.errors import ValidationError
from coop_shared.money import CENT, Money

RATES = (Decimal("0.21"), Decimal("0.12"), Decimal("0.06"), Decimal("0"))
RENOVATION_RATE = Decimal("0.06")

STANDARD = "standard"
REVERSE_CHARGE_CONSTRUCTION = "reverse_charge_construction"
INTRA_EU_SERVICES = "intra_eu_services"
EXEMPT = "exempt"
INTRA_EU_GOODS = "intra_eu_goods"
EXPORT = "export"
OUTSIDE_SCOPE = "outside_scope"
# 6 % for the renovation of a private home of more than 10 years (AR n°20 table A rubric XXXI):
# a taxed regime, allowed only with the customer's declaration (AR n°20 art. 1quater).
RENOVATION = "renovation"
REGIMES = (
    STANDARD,
    REVERSE_CHARGE_CONSTRUCTION,
    INTRA_EU_SERVICES,
    EXEMPT,
    INTRA_EU_GOODS,
    EXPORT,
    OUTSIDE_SCOPE,
    RENOVATION,
)
TAXED = (STANDARD, RENOVATION)

# EN 16931 VAT category codes (UNCL5305) per untaxed regime; used again by the Peppol UBL.
# Intra-EU services are a reverse charge (AE, art. 196 Directive 2006/112/EC), not an
# intra-community supply (K is for goods, art. 39bis VAT Code).
CATEGORY = {
    REVERSE_CHARGE_CONSTRUCTION: "AE",
    INTRA_EU_SERVICES: "AE",
    EXEMPT: "E",
    INTRA_EU_GOODS: "K",
    EXPORT: "G",
    OUTSIDE_SCOPE: "O",
}
# VATEX exemption reason codes (CEF code list) per category; E carries the article as text only.
EXEMPTION_CODES = {"AE": "VATEX-EU-AE", "K": "VATEX-EU-IC", "G": "VATEX-EU-G", "O": "VATEX-EU-O"}
EU_COUNTRIES = frozenset(
    ("AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "EL", "ES", "FI", "FR", "HR", "HU")
    + ("IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK", "XI")
)

# Legal mentions printed on the invoice, by regime and language (docs/domain/vat-and-invoices.md;
# exemption: art. 44 of the VAT Code).
MENTIONS = {
    REVERSE_CHARGE_CONSTRUCTION: {
        "fr": "Autoliquidation : En l'absence de contestation par écrit, dans un délai d'un mois à "
        "compter de la réception de la facture, le client est présumé reconnaître qu'il est un "
        "assujetti tenu au dépôt de déclarations périodiques. Si cette condition n'est pas "
        "remplie, le client endossera, par rapport à cette condition, la responsabilité quant au "
        "paiement de la taxe, des intérêts et des amendes dus.",
        "nl": "Verlegging van heffing: Bij gebrek aan schriftelijke betwisting binnen een termijn van "
        "één maand na de ontvangst van de factuur, wordt de klant geacht te erkennen dat hij een "
        "belastingplichtige is gehouden tot de indiening van periodieke aangiften. Als die "
        "voorwaarde niet vervuld is, is de klant ten aanzien van die voorwaarde aansprakelijk "
        "voor de betaling van de verschuldigde belasting, interesten en geldboeten.",
        "en": "Reverse charge: unless contested in writing within one month of receipt of the invoice, "
        "the customer is presumed to acknowledge being a taxable person required to file periodic "
        "VAT returns. If this condition is not met, the customer bears, with respect to this "
        "condition, liability for the payment of the tax, interest and fines due.",
    },
    INTRA_EU_SERVICES: {
        "fr": "Autoliquidation — prestation de services intracommunautaire "
        "(art. 21, § 2 du Code de la TVA ; art. 196 de la directive 2006/112/CE).",
        "nl": "Verlegging van heffing — intracommunautaire dienst "
        "(art. 21, § 2 van het Btw-wetboek; art. 196 van richtlijn 2006/112/EG).",
        "en": "Reverse charge — intra-EU supply of services (art. 21(2) Belgian VAT Code; art. 196 Directive 2006/112/EC).",
    },
    EXEMPT: {
        "fr": "Exonération de la TVA — article 44 du Code de la TVA.",
        "nl": "Vrijgesteld van btw — artikel 44 van het Btw-wetboek.",
        "en": "Exempt from VAT — article 44 of the Belgian VAT Code.",
    },
    INTRA_EU_GOODS: {
        "fr": "Livraison intracommunautaire exemptée — article 39bis du Code de la TVA "
        "(art. 138 de la directive 2006/112/CE).",
        "nl": "Vrijgestelde intracommunautaire levering — artikel 39bis van het Btw-wetboek "
        "(art. 138 van richtlijn 2006/112/EG).",
        "en": "Exempt intra-Community supply of goods — article 39bis of the Belgian VAT Code "
        "(art. 138 Directive 2006/112/EC).",
    },
    EXPORT: {
        "fr": "Exportation exemptée — article 39 du Code de la TVA.",
        "nl": "Vrijgestelde uitvoer — artikel 39 van het Btw-wetboek.",
        "en": "Exempt export — article 39 of the Belgian VAT Code.",
    },
    OUTSIDE_SCOPE: {
        "fr": "Hors du champ d'application de la TVA belge (lieu de la prestation hors de Belgique, "
        "art. 21 et 21bis du Code de la TVA).",
        "nl": "Buiten het toepassingsgebied van de Belgische btw (plaats van de dienst buiten België, "
        "art. 21 en 21bis van het Btw-wetboek).",
        "en": "Outside the scope of Belgian VAT (place of supply outside Belgium, "
        "art. 21 and 21bis of the Belgian VAT Code).",
    },
    RENOVATION: {
        "fr": "Taux de 6 % : le client a déclaré que les travaux portent sur un logement privé de plus de "
        "10 ans (AR n° 20, tableau A, rubrique XXXI ; art. 1quater). En cas de déclaration inexacte, "
        "le client est tenu au paiement de la TVA, des intérêts et des amendes dus.",
        "nl": "Tarief van 6 %: de klant heeft verklaard dat de werken betrekking hebben op een privéwoning "
        "van meer dan 10 jaar (KB nr. 20, tabel A, rubriek XXXI; art. 1quater). Bij een onjuiste "
        "verklaring is de klant gehouden tot betaling van de btw, interesten en geldboeten.",
        "en": "6 % rate: the customer declared that the works concern a private home more than 10 years old "
        "(Royal Decree no. 20, table A, heading XXXI; art. 1quater). If the declaration is wrong, the "
        "customer owes the VAT, interest and fines due.",
    },
}


@dataclass(frozen=True)
class Line:
    description: str
    quantity: Decimal
    unit_price: Money
    vat_rate: Decimal

    @property
    def net(self) -> Money:
        """quantity × unit price, rounded half-up to the cent."""
        return self.unit_price.times(self.quantity)


def category(regime: str, rate: Decimal) -> str:
    """EN 16931 category: S for a taxed rate, Z for the 0 % rate, else the regime's code."""
    if regime in TAXED:
        return "S" if rate > 0 else "Z"
    return CATEGORY[regime]


def check_lines(regime: str, lines: list[Line], renovation_declaration: bool = False) -> None:
    """Rates must be Belgian rates; regimes other than the taxed ones carry no VAT; the 6 %
    renovation regime needs the customer's declaration (AR n°20 art. 1quater)."""
    errors = {}
    if regime == RENOVATION and not renovation_declaration:
        errors["renovation_declaration"] = [
            "The 6 % renovation rate needs the customer's declaration (AR n°20 art. 1quater)."
        ]
    for index, line in enumerate(lines):
        if line.vat_rate not in RATES:
            errors[f"lines.{index}.vat_rate"] = ["VAT rate must be 0.21, 0.12, 0.06 or 0."]
        elif regime not in TAXED and line.vat_rate != 0:
            errors[f"lines.{index}.vat_rate"] = [f"Under '{regime}' the invoice carries no VAT: use 0."]
    if regime == RENOVATION and not any(line.vat_rate == RENOVATION_RATE for line in lines):
        errors["vat_regime"] = ["The renovation regime is for lines at 6 %."]
    if errors:
        raise ValidationError(fields=errors)


def _country(vat_number: str | None) -> str:
    return (vat_number or "")[:2].upper()


def check_customer(regime: str, customer_vat_number: str | None) -> None:
    """Reverse charge needs the customer's Belgian VAT number; intra-EU services and goods,
    one of another EU member state (art. 21 §2 and art. 39bis VAT Code)."""
    if regime == REVERSE_CHARGE_CONSTRUCTION and _country(customer_vat_number) != "BE":
        raise ValidationError(
            fields={
                "customer_id": ["Reverse charge (construction) needs a customer with a Belgian VAT number."]
            }
        )
    foreign_eu = _country(customer_vat_number) in EU_COUNTRIES - {"BE"}
    if regime == INTRA_EU_SERVICES and not foreign_eu:
        raise ValidationError(
            fields={
                "customer_id": [
                    "Intra-EU services need a customer with a VAT number of another EU member state."
                ]
            }
        )
    if regime == INTRA_EU_GOODS and not foreign_eu:
        raise ValidationError(
            fields={
                "customer_id": [
                    "An intra-Community supply of goods needs the customer's VAT number of another "
                    "EU member state (art. 39bis VAT Code)."
                ]
            }
        )


@dataclass(frozen=True)
class Totals:
    excl_vat: Money
    vat: Money
    incl_vat: Money
    breakdown: tuple  # ((category, rate, taxable, vat), ...)
    line_vats: tuple = ()  # each line's share of its rate's VAT, in the order of the lines


def _shares(total: Money, exact: list[Decimal]) -> list[Money]:
    """Split `total` over lines in proportion to their exact VAT: each share rounded down to
    the cent, the cents left over given to the largest remainders, so shares add up to total."""
    floors = [value.quantize(CENT, rounding=ROUND_DOWN) for value in exact]
    left = int((total.amount - sum(floors, Decimal(0))) / CENT)
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - floors[i]), i))
    step = CENT if left >= 0 else -CENT
    for i in order[: abs(left)]:
        floors[i] += step
    return [Money(value) for value in floors]


def recorded_totals(lines: list[tuple[str, Decimal, Money, Money]]) -> Totals:
    """The breakdown of an invoice as it was recorded: (category, rate, net, VAT share) per
    line, summed per (category, rate). An issued document reads back exactly as issued, whatever
    rounding rule was in force when it was (its VAT shares sum to each rate's amount)."""
    groups: dict[tuple[str, Decimal], list[Money]] = {}
    for cat, rate, net, vat in lines:
        taxable, tax = groups.get((cat, rate), [Money.zero(), Money.zero()])
        groups[(cat, rate)] = [taxable + net, tax + vat]
    breakdown = tuple(
        (cat, rate, taxable, tax)
        for (cat, rate), (taxable, tax) in sorted(groups.items(), key=lambda i: -i[0][1])
    )
    excl = sum((b[2] for b in breakdown), Money.zero())
    vat = sum((b[3] for b in breakdown), Money.zero())
    return Totals(excl, vat, excl + vat, breakdown, tuple(line[3] for line in lines))


def totals(regime: str, lines: list[Line]) -> Totals:
    """Per (category, rate): the sum of the rounded line nets, and the VAT on that sum rounded
    once. Totals are the sums of the breakdown."""
    groups: dict[tuple[str, Decimal], list[int]] = {}
    for index, line in enumerate(lines):
        groups.setdefault((category(regime, line.vat_rate), line.vat_rate), []).append(index)
    breakdown, line_vats = [], [Money.zero()] * len(lines)
    for (cat, rate), indexes in sorted(groups.items(), key=lambda item: -item[0][1]):
        taxable = sum((lines[i].net for i in indexes), Money.zero())
        vat = taxable.times(rate)
        for i, share in zip(
            indexes, _shares(vat, [lines[i].net.amount * rate for i in indexes]), strict=True
        ):
            line_vats[i] = share
        breakdown.append((cat, rate, taxable, vat))
    excl = sum((b[2] for b in breakdown), Money.zero())
    vat = sum((b[3] for b in breakdown), Money.zero())
    return Totals(excl, vat, excl + vat, tuple(breakdown), tuple(line_vats))

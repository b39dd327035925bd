"""VAT of an invoice: rates, regimes and their legal mentions (docs/domain/vat-and-invoices.md).

Each line is computed once and rounded half-up to the cent (net, then VAT on that net); totals
and the breakdown per rate are sums of rounded lines, never re-rounded.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from coop_shared.errors import ValidationError
from coop_shared.money import Money

RATES = (Decimal("0.21"), Decimal("0.12"), Decimal("0.06"), Decimal("0"))

STANDARD = "standard"
REVERSE_CHARGE_CONSTRUCTION = "reverse_charge_construction"
INTRA_EU_SERVICES = "intra_eu_services"
EXEMPT = "exempt"
REGIMES = (STANDARD, REVERSE_CHARGE_CONSTRUCTION, INTRA_EU_SERVICES, EXEMPT)

# EN 16931 VAT category codes (UNCL5305) per regime; used again by the Peppol UBL.
CATEGORY = {REVERSE_CHARGE_CONSTRUCTION: "AE", INTRA_EU_SERVICES: "K", EXEMPT: "E"}

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

    @property
    def vat(self) -> Money:
        """VAT on the rounded net, rounded half-up to the cent."""
        return self.net.times(self.vat_rate)


def category(regime: str, rate: Decimal) -> str:
    """EN 16931 category: S for a taxed rate, Z for the 0 % rate, else the regime's code."""
    if regime == STANDARD:
        return "S" if rate > 0 else "Z"
    return CATEGORY[regime]


def check_lines(regime: str, lines: list[Line]) -> None:
    """Rates must be Belgian rates; regimes other than standard carry no VAT."""
    errors = {}
    for index, line in enumerate(lines):
        if line.vat_rate not in RATES:
            errors[f"lines.{index}.vat_rate"] = ["VAT rate must be 0.21, 0.12, 0.06 or 0."]
        elif regime != STANDARD and line.vat_rate != 0:
            errors[f"lines.{index}.vat_rate"] = [f"Under '{regime}' the invoice carries no VAT: use 0."]
    if errors:
        raise ValidationError(fields=errors)


def check_customer(regime: str, customer_vat_number: str | None) -> None:
    """Reverse charge needs the customer's Belgian VAT number; intra-EU, another EU one."""
    if regime == REVERSE_CHARGE_CONSTRUCTION and not (customer_vat_number or "").startswith("BE"):
        raise ValidationError(
            fields={
                "customer_id": ["Reverse charge (construction) needs a customer with a Belgian VAT number."]
            }
        )
    if regime == INTRA_EU_SERVICES and (not customer_vat_number or customer_vat_number.startswith("BE")):
        raise ValidationError(
            fields={
                "customer_id": [
                    "Intra-EU services need a customer with a VAT number of another EU member state."
                ]
            }
        )


@dataclass(frozen=True)
class Totals:
    excl_vat: Money
    vat: Money
    incl_vat: Money
    breakdown: tuple  # ((category, rate, taxable, vat), ...)


def totals(regime: str, lines: list[Line]) -> Totals:
    """Sums of the rounded lines, and the breakdown per (category, rate)."""
    groups: dict[tuple[str, Decimal], list[Money]] = {}
    for line in lines:
        key = (category(regime, line.vat_rate), line.vat_rate)
        taxable, vat = groups.get(key, [Money.zero(), Money.zero()])
        groups[key] = [taxable + line.net, vat + line.vat]
    breakdown = tuple(
        (cat, rate, taxable, vat)
        for (cat, rate), (taxable, vat) in sorted(groups.items(), key=lambda i: -i[0][1])
    )
    excl = sum((b[2] for b in breakdown), Money.zero())
    vat = sum((b[3] for b in breakdown), Money.zero())
    return Totals(excl, vat, excl + vat, breakdown)

"""How amounts are printed for people, in their language (documents, e-mails)."""

from decimal import Decimal


def amount_text(value, language: str) -> str:
    """1234.5 → '1 234,50 €' (fr, narrow no-break space), '1.234,50 €' (nl), '€1,234.50' (en)."""
    text = f"{Decimal(value):,.2f}"
    if language == "en":
        return f"€{text}"
    thousands = "\u202f" if language == "fr" else "."
    return text.replace(",", "#").replace(".", ",").replace("#", thousands) + " €"

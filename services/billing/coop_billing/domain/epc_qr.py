"""The EPC QR payload of an invoice (EPC069-12 v2; docs/domain/payments-and-bank-statements.md):
a banking app scans it and fills in the transfer, structured communication included."""

from decimal import Decimal

from coop_shared.money import Money


def epc_payload(
    beneficiary: str,
    iban: str,
    amount: Money,
    structured_digits: str | None,
    bic: str | None = None,
    text: str | None = None,
) -> str:
    """Lines separated by LF: BCD, 002, 1 (UTF-8), SCT, BIC, name (≤ 70), IBAN, EUR amount,
    purpose, structured reference (the 12-digit OGM, Belgian practice) or a text, never both."""
    if not Decimal("0.01") <= amount.amount <= Decimal("999999999.99"):
        raise ValueError("An EPC QR amount lies between 0.01 and 999,999,999.99 euros.")
    reference, remittance = (structured_digits, "") if structured_digits else ("", (text or "")[:140])
    lines = [
        "BCD",
        "002",
        "1",
        "SCT",
        bic or "",
        beneficiary[:70],
        iban,
        f"EUR{amount}",
        "",
        reference,
        remittance,
    ]
    return "\n".join(lines).rstrip("\n")

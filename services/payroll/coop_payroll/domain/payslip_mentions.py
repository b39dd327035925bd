"""The mandatory mentions of an employee's payslip (law of 12 April 1965 on the protection of
pay, art. 15, and the Royal Decree of 27 September 1966): who employs and who works, for which
period and hours, paid when; docs/domain/payroll-employees.md, "The payslip". Pure: the
renderer prints the rows it is given, in the member's language."""

from __future__ import annotations

WORDS = {
    "fr": {
        "employer": "Employeur",
        "address": "Adresse",
        "enterprise_number": "Numéro d'entreprise",
        "onss_number": "Numéro ONSS",
        "joint_committee": "Commission paritaire",
        "worker": "Travailleur",
        "national_number": "Numéro de registre national",
        "function": "Fonction",
        "hours": "Régime de travail",
        "hours_value": "{hours} h / semaine (temps plein {full} h)",
        "period": "Période",
        "payment_date": "Date de paiement",
        "not_paid": "à la clôture de la paie",
        "kind": "Nature",
        "provisions": "Provisions de l'activité (hors rémunération)",
        "from_provision": "Payé par la provision",
        "monthly": "Rémunération mensuelle",
        "double_holiday_pay": "Double pécule de vacances",
        "year_end_premium": "Prime de fin d'année",
        "exit_holiday_pay": "Pécule de vacances de sortie",
        "unknown": "non communiqué",
    },
    "nl": {
        "employer": "Werkgever",
        "address": "Adres",
        "enterprise_number": "Ondernemingsnummer",
        "onss_number": "RSZ-nummer",
        "joint_committee": "Paritair comité",
        "worker": "Werknemer",
        "national_number": "Rijksregisternummer",
        "function": "Functie",
        "hours": "Arbeidsregeling",
        "hours_value": "{hours} u / week (voltijds {full} u)",
        "period": "Periode",
        "payment_date": "Betaaldatum",
        "not_paid": "bij de afsluiting van de loonberekening",
        "kind": "Aard",
        "provisions": "Provisies van de activiteit (geen loon)",
        "from_provision": "Betaald uit de provisie",
        "monthly": "Maandloon",
        "double_holiday_pay": "Dubbel vakantiegeld",
        "year_end_premium": "Eindejaarspremie",
        "exit_holiday_pay": "Vertrekvakantiegeld",
        "unknown": "niet meegedeeld",
    },
    "en": {
        "employer": "Employer",
        "address": "Address",
        "enterprise_number": "Enterprise number",
        "onss_number": "ONSS number",
        "joint_committee": "Joint committee",
        "worker": "Worker",
        "national_number": "National register number",
        "function": "Function",
        "hours": "Working time",
        "hours_value": "{hours} h / week (full time {full} h)",
        "period": "Period",
        "payment_date": "Payment date",
        "not_paid": "when the payroll closes",
        "kind": "Kind",
        "provisions": "Activity provisions (not pay)",
        "from_provision": "Paid from the provision",
        "monthly": "Monthly pay",
        "double_holiday_pay": "Double holiday pay",
        "year_end_premium": "End-of-year premium",
        "exit_holiday_pay": "Exit holiday pay",
        "unknown": "not given",
    },
}


def _address(address: dict | None) -> str:
    if not address:
        return ""
    return ", ".join(
        part
        for part in (
            address.get("street"),
            " ".join(p for p in (address.get("postal_code"), address.get("city")) if p),
            address.get("country"),
        )
        if part
    )


def mentions(
    payslip: dict, member: dict, cooperative: dict, language: str, paid_on: str | None, amount_text
) -> list[tuple[str, str]]:
    """(label, value) rows: employer name, address, enterprise and ONSS numbers, joint committee;
    worker's name, national number, function, hours; period, payment date; the payslip's kind,
    and the provisions it sets aside or draws on, apart from the pay."""
    w = WORDS.get(language, WORDS["fr"])
    parameters = payslip.get("parameters") or {}
    unknown = w["unknown"]
    rows = [
        (w["employer"], cooperative.get("name") or unknown),
        (w["address"], _address(cooperative.get("address")) or unknown),
        (w["enterprise_number"], cooperative.get("enterprise_number") or unknown),
        (w["onss_number"], cooperative.get("onss_number") or unknown),
        (w["joint_committee"], str(parameters.get("joint_committee") or unknown)),
        (w["worker"], member.get("name") or unknown),
        (w["national_number"], member.get("national_number") or unknown),
        (w["function"], parameters.get("function") or unknown),
        (
            w["hours"],
            w["hours_value"].format(
                hours=parameters.get("weekly_hours", 38), full=parameters.get("full_time_hours", 38)
            ),
        ),
        (w["period"], payslip["period"]),
        (w["payment_date"], paid_on or w["not_paid"]),
        (w["kind"], w.get(payslip.get("kind") or "monthly", payslip.get("kind") or "")),
    ]
    provisions = payslip.get("provisions") or {}
    if provisions:
        rows.append(
            (
                w["provisions"],
                " · ".join(
                    f"{w.get(kind, kind)} {amount_text(amount, language)}"
                    for kind, amount in provisions.items()
                ),
            )
        )
    if payslip.get("draws_on"):
        rows.append((w["from_provision"], amount_text(payslip.get("from_provision") or "0.00", language)))
    return rows

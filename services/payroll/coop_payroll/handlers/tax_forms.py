"""The withholding tax the cooperative declares: the month's 274 summary, the year's 281.10 and
281.20 as a Belcotax-on-web file with each member's PDF and the 325 totals
(domain/tax_forms.py, domain/belcotax.py; docs/domain/tax-forms.md)."""

from __future__ import annotations

import base64

from coop_payroll.domain import belcotax
from coop_payroll.domain import tax_forms as rules
from coop_payroll.render import tax_forms as pdf
from coop_payroll.views import payslip_out
from coop_shared.credentials import AUDITOR, OPERATORS, acting_cooperative, require_role
from coop_shared.errors import BusinessRuleViolation


def _with_forms(payslips, models: dict) -> list[tuple[dict, str]]:
    """(payslip as returned, tax form of its status model) of each payslip. A form is read
    from the installed model, never guessed from its key: a model no longer installed refuses
    the declaration rather than filing it on the wrong form."""
    out = []
    for p in payslips:
        model = models.get(p.status_model)
        if model is None:
            raise BusinessRuleViolation(
                f"Status model '{p.status_model}' is not installed: its tax form is unknown.",
                {"payslip_id": p.id},
            )
        out.append((payslip_out(p), model.tax_form))
    return out


def withholding_summary(uow, identity, models: dict, data: dict) -> dict:
    """The 274 of `data["period"]`: per category, the taxable base and the withholding of the
    month's closed payslips."""
    require_role(identity, *OPERATORS, AUDITOR)
    cooperative_id, period = acting_cooperative(identity), data["period"]
    payslips = uow.repo.closed_payslips_between(cooperative_id, period, period)
    return rules.withholding_summary(period, _with_forms(payslips, models))


def _debtor(cooperative: dict) -> belcotax.Debtor:
    address = cooperative.get("address") or {}
    return belcotax.Debtor(
        name=cooperative["name"],
        enterprise_number=belcotax.digits(cooperative.get("enterprise_number")),
        street=address.get("street", ""),
        postal_code=address.get("postal_code", ""),
        city=address.get("city", ""),
        email=cooperative.get("email") or "",
        language=(cooperative.get("languages") or ["fr"])[0],
    )


def _beneficiary(member: dict, national_number: str | None) -> belcotax.Beneficiary:
    """The person of a fiche; `national_number` in full, as the 281.xx forms require it (the
    member's own answer is masked)."""
    address = member.get("address") or {}
    return belcotax.Beneficiary(
        national_number=belcotax.digits(national_number),
        last_name=member["last_name"],
        first_names=member["first_name"],
        street=address.get("street", ""),
        postal_code=address.get("postal_code", ""),
        city=address.get("city", ""),
        country=address.get("country", "BE"),
        language=member.get("language") or "fr",
    )


def export_tax_forms(uow, identity, models: dict, members, data: dict, today) -> dict:
    """The year's 281.10 and 281.20 of every member paid, from the closed payslips: the
    Belcotax XML (base64), each member's PDF in their language, and the 325 totals. `members`
    is the MembersClient (the cooperative and each member's national number and address, read
    now: the forms name the person as members knows them when they are filed); `today` dates the
    file."""
    require_role(identity, *OPERATORS)
    year = data["year"]
    payslips = uow.repo.closed_payslips_of_year(acting_cooperative(identity), year)
    fiches = rules.fiches(_with_forms(payslips, models))
    cooperative = members.cooperative()
    debtor = _debtor(cooperative)
    numbers = members.national_numbers([f.member_id for f in fiches], "tax_form")
    people = {
        f.member_id: _beneficiary(members.member(f.member_id), numbers.get(f.member_id)) for f in fiches
    }
    document = belcotax.belcotax_xml(year, debtor, fiches, people, today)
    forms = []
    for fiche in fiches:
        person = people[fiche.member_id]
        content = pdf.render(year, fiche, person.language, debtor.name, debtor.enterprise_number)
        forms.append(
            {
                "member_id": fiche.member_id,
                "member_name": fiche.member_name,
                "form": fiche.form,
                "sequence": fiche.sequence,
                "codes": dict(fiche.codes),
                "remuneration": rules.euros(fiche.remuneration),
                "withholding": rules.euros(fiche.withholding),
                "filename": f"{fiche.form.replace('.', '')}-{year}-{fiche.member_id[:8]}.pdf",
                "content_type": "application/pdf",
                "content": base64.b64encode(content).decode("ascii"),
            }
        )
    return {
        "year": year,
        "filename": f"{cooperative.get('slug') or identity.cooperative}-{year}-belcotax.xml",
        "content_type": "application/xml",
        "content": base64.b64encode(document).decode("ascii"),
        "forms": forms,
        "summary_325": rules.summary_325(fiches),
    }

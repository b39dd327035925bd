"""Reports over a cooperative's books: trial balance, general ledger, analytic balance per
activity, aged receivables, the VAT return and the yearly listing of VAT customers."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from coop_accounting import views
from coop_accounting.domain import periods, vat_return, vat_rules
from coop_accounting.domain.chart import CHART, account_for
from coop_shared.credentials import AUDITOR, OPERATORS, acting_cooperative, require_role
from coop_shared.money import Money

READ = (*OPERATORS, AUDITOR)
ZERO = Money.zero()


def _scope(data: dict) -> dict:
    return {"period": data.get("period"), "up_to": data.get("up_to")}


def trial_balance(uow, identity, data: dict) -> dict:
    """Debits, credits and balance per account; the totals' balance is zero (double entry)."""
    require_role(identity, *READ)
    cooperative_id = acting_cooperative(identity)
    sums = defaultdict(lambda: (ZERO, ZERO))
    for line, _ in uow.repo.lines(cooperative_id, period=data.get("period"), up_to=data.get("up_to")):
        d, c = sums[line.account]
        sums[line.account] = (d + line.debit, c + line.credit)
    labels = {a.code: {"fr": a.fr, "nl": a.nl, "en": a.en} for a in CHART}
    labels.update(
        {
            a.code: {"fr": a.label_fr, "nl": a.label_nl, "en": a.label_en}
            for a in uow.repo.accounts(cooperative_id)
        }
    )
    debit = sum((d for d, _ in sums.values()), ZERO)
    credit = sum((c for _, c in sums.values()), ZERO)
    return views.trial_balance_out(sorted(sums.items()), labels, debit, credit, _scope(data))


def general_ledger(uow, identity, data: dict) -> dict:
    require_role(identity, *READ)
    cooperative_id = acting_cooperative(identity)
    rows = uow.repo.lines(cooperative_id, data.get("period"), data.get("up_to"), account=data["account"])
    balance, items = ZERO, []
    for line, entry in rows:
        balance = balance + line.debit - line.credit
        items.append(dict(views.line_out(line, entry), balance=str(balance)))
    return {"account": data["account"], **_scope(data), "lines": items, "balance": str(balance)}


def analytic_balance(uow, identity, data: dict) -> dict:
    """Per activity (analytic code): revenue (class 7, net of the contribution transferred to
    the cooperative), costs (class 6), result; and the same on billing's cash basis
    (`cash_result`: revenue received excluding VAT, less contribution and costs), which is
    what billing's activity account holds (docs/domain/accounting.md "Analytic balance")."""
    require_role(identity, *READ)
    cooperative_id = acting_cooperative(identity)
    receivable = account_for("receivable", uow.repo.mappings(cooperative_id))
    rows = defaultdict(
        lambda: [ZERO, ZERO, ZERO, ZERO, ZERO]
    )  # revenue, costs, receivable, received, contribution
    for line, entry in uow.repo.lines(cooperative_id, data.get("period"), data.get("up_to")):
        row = rows[line.activity_id]
        if line.account.startswith("7"):
            row[0] = row[0] + line.credit - line.debit
            if entry.source == "contribution":
                row[4] = row[4] + line.debit - line.credit
        elif line.account.startswith("6"):
            row[1] = row[1] + line.debit - line.credit
        elif line.account == receivable:
            row[2] = row[2] + line.debit - line.credit
            if entry.revenue is not None:
                row[3] = row[3] + entry.revenue
    return views.analytic_out({k: tuple(v) for k, v in rows.items() if k is not None}, _scope(data))


BUCKETS = (("not_due", None), ("1-30", 30), ("31-60", 60), ("61-90", 90), ("over_90", None))


def aged_receivables(uow, identity, data: dict, today: date) -> dict:
    """The invoices still open on `on` (today by default), by days past their due date."""
    require_role(identity, *READ)
    cooperative_id = acting_cooperative(identity)
    on = data.get("on") or today
    receivable = account_for("receivable", uow.repo.mappings(cooperative_id))
    open_ = defaultdict(lambda: ZERO)
    partner = {}
    for line, entry in uow.repo.lines(cooperative_id, account=receivable):
        if entry.entry_date <= on and line.reference:
            open_[line.reference] = open_[line.reference] + line.debit - line.credit
            partner.setdefault(line.reference, line.partner)
    due = uow.repo.due_dates(cooperative_id)
    buckets = {name: ZERO for name, _ in BUCKETS}
    items = []
    for ref, amount in sorted(open_.items()):
        if not amount.amount:
            continue
        due_date, number = due.get(ref, (None, None))
        late = (on - due_date).days if due_date else 0
        bucket = (
            "not_due"
            if late <= 0
            else "1-30"
            if late <= 30
            else "31-60"
            if late <= 60
            else "61-90"
            if late <= 90
            else "over_90"
        )
        buckets[bucket] = buckets[bucket] + amount
        items.append(
            {
                "invoice_id": ref,
                "number": number,
                "customer_id": partner.get(ref),
                "due_date": views.day(due_date),
                "days_late": max(late, 0),
                "open": str(amount),
                "bucket": bucket,
            }
        )
    return views.aged_out(on, items, buckets)


def _declarant(cooperative: dict) -> dict:
    address = cooperative.get("address") or {}
    return {
        "vat_number": cooperative.get("vat_number"),
        "name": cooperative.get("name"),
        "street": address.get("street") or address.get("line1"),
        "postcode": address.get("postcode") or address.get("postal_code"),
        "city": address.get("city"),
        "email": cooperative.get("email"),
    }


def period_grids(uow, cooperative_id: str, period: str) -> dict:
    tagged = defaultdict(lambda: (ZERO, ZERO))
    for line, _ in uow.repo.lines(cooperative_id, period=period):
        if line.vat_grid:
            d, c = tagged[line.vat_grid]
            tagged[line.vat_grid] = (d + line.debit, c + line.credit)
    return vat_return.grids(dict(tagged))


def vat_return_of(uow, identity, members, data: dict) -> dict:
    """The month's return: each grid from the entries booked in the month (sales VAT at the
    invoice date), and its Intervat XML as a draft for the accountant."""
    require_role(identity, *READ)
    cooperative_id = acting_cooperative(identity)
    grids = period_grids(uow, cooperative_id, data["period"])
    reference = f"{identity.cooperative}-{data['period']}"
    xml = vat_return.intervat_xml(_declarant(members.cooperative()), data["period"], grids, reference)
    rules = vat_rules.rules_on(periods.first_day(data["period"]))
    return views.vat_return_out(data["period"], grids, xml, rules.out())


def client_listing(uow, identity, members, data: dict) -> dict:
    """The yearly listing of Belgian VAT customers invoiced €250 or more (art. 53quinquies)."""
    require_role(identity, *READ)
    cooperative_id = acting_cooperative(identity)
    rules = vat_rules.rules_on(date(data["year"], 12, 31))
    turnover, turnover_back = (
        rules.values["listing_turnover_grids"],
        rules.values["listing_turnover_credit_grids"],
    )
    vat_due, vat_back = rules.values["listing_vat_grids"], rules.values["listing_vat_credit_grids"]
    per_customer = defaultdict(lambda: (ZERO, ZERO))
    vat_of_partner = {}
    for line, entry in uow.repo.lines(cooperative_id, year=data["year"]):
        if entry.source not in ("invoice", "credit_note"):
            continue
        if line.partner_vat:
            vat_of_partner[entry.id] = line.partner_vat
    for line, entry in uow.repo.lines(cooperative_id, year=data["year"]):
        vat = vat_of_partner.get(entry.id)
        if not vat or line.vat_grid is None:
            continue
        base, tax = per_customer[vat]
        if line.vat_grid in turnover or line.vat_grid in turnover_back:
            base = base + line.credit - line.debit  # a credit note's base is a debit
        elif line.vat_grid in vat_due or line.vat_grid in vat_back:
            tax = tax + line.credit - line.debit
        per_customer[vat] = (base, tax)
    customers = vat_return.listed_customers(dict(per_customer), rules.listing_threshold)
    reference = f"{identity.cooperative}-{data['year']}-listing"
    xml = vat_return.client_listing_xml(_declarant(members.cooperative()), data["year"], customers, reference)
    return views.client_listing_out(data["year"], customers, xml, rules.out())

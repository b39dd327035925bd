"""Booking business facts from the other services' events, once each (the inbox, and the
unique `(source, source_id)` of an entry as a second guard)."""

from __future__ import annotations

from datetime import date

from coop_accounting.domain import chart, entries, periods, vat_rules
from coop_accounting.orm import Account, EntryLine, JournalEntry
from coop_shared.money import Money


def ensure_chart(uow, cooperative_id: str) -> None:
    """Seed the cooperative's chart from the minimum chart the first time it is needed."""
    if uow.repo.accounts(cooperative_id):
        return
    uow.repo.add_all(
        Account(cooperative_id=cooperative_id, code=a.code, label_fr=a.fr, label_nl=a.nl, label_en=a.en)
        for a in chart.CHART
    )
    uow.repo.flush()


def accounts_of(uow, cooperative_id: str):
    """`kind -> account` with the cooperative's mapping as it is now (read at booking time:
    a later change of mapping never rewrites what was posted).

    Every booking starts here, so here it takes the cooperative's books for its transaction:
    facts that read each other's entries (a match and the unmatched money it takes from 499, a
    statement's movement out and the transfer it clears) are booked one after the other, never
    side by side in two workers that would each miss the other's entry."""
    uow.repo.lock_books(cooperative_id)
    overrides = uow.repo.mappings(cooperative_id)
    return lambda kind: chart.account_for(kind, overrides)


def book(
    uow,
    event: dict,
    source: str,
    source_id: str,
    entry: entries.Entry,
    document_date: date,
    document_number: str | None = None,
    due_date: date | None = None,
    revenue: Money | None = None,
) -> JournalEntry | None:
    """Write `entry` in the first open period from its date on; None if this fact was booked."""
    cooperative_id = event["cooperative_id"]
    if uow.repo.entry_of(cooperative_id, source, source_id) is not None:
        return None
    ensure_chart(uow, cooperative_id)
    period = periods.booking_period(document_date, uow.repo.closed_periods(cooperative_id))
    entry_date = periods.booking_date(document_date, period)
    row = JournalEntry(
        cooperative_id=cooperative_id,
        cooperative=event.get("cooperative"),
        journal=entry.journal,
        year=entry_date.year,
        number=uow.repo.next_number(cooperative_id, entry.journal, entry_date.year),
        period=period,
        entry_date=entry_date,
        document_date=document_date,
        due_date=due_date,
        source=source,
        source_id=source_id,
        document_number=document_number,
        description=entry.description,
        revenue=revenue,
        event_id=event.get("event_id"),
        occurred_at=event.get("occurred_at"),
        rules_version=chart.RULES_VERSION,
    )
    row.lines = [
        EntryLine(
            cooperative_id=cooperative_id,
            line_no=n,
            account=line.account,
            debit=line.debit,
            credit=line.credit,
            activity_id=line.activity_id,
            partner=(line.partner or None) and str(line.partner)[:200],
            partner_vat=line.partner_vat,
            reference=line.reference,
            vat_grid=line.vat_grid,
        )
        for n, line in enumerate(entry.lines, start=1)
    ]
    uow.repo.add_entry(row)
    return row


def _day(value: str | None, event: dict) -> date:
    return date.fromisoformat((value or event["occurred_at"])[:10])


def invoice_issued(uow, event: dict, data: dict):
    """Sales journal on the invoice date: VAT due then (accrual), not on payment."""
    day = _day(data.get("issue_date"), event)
    entry = entries.sale(data, accounts_of(uow, event["cooperative_id"]), False, vat_rules.rules_on(day))
    return book(
        uow,
        event,
        "invoice",
        data["invoice_id"],
        entry,
        day,
        data.get("number"),
        date.fromisoformat(data["due_date"]) if data.get("due_date") else None,
    )


def credit_note_issued(uow, event: dict, data: dict):
    day = _day(data.get("issue_date"), event)
    entry = entries.sale(data, accounts_of(uow, event["cooperative_id"]), True, vat_rules.rules_on(day))
    return book(
        uow,
        event,
        "credit_note",
        data["credit_note_id"],
        entry,
        day,
        data.get("number"),
    )


def payment_received(uow, event: dict, data: dict):
    """Bank journal: D 550 (or 499 for money that first arrived unmatched) / C 400; then the
    contribution as an analytic transfer (domain/entries.py contribution)."""
    cooperative_id = event["cooperative_id"]
    account = accounts_of(uow, cooperative_id)
    sale = uow.repo.entry_of(cooperative_id, "invoice", data.get("invoice_id"))
    customer = next((line.partner for line in sale.lines if line.reference), None) if sale else None
    waiting = uow.repo.suspense_left(cooperative_id, account("suspense"), data["payment_id"])
    amount = Money.of(data["amount"])
    from_suspense = min(max(waiting, Money.zero()), amount)
    doc = dict(data, customer_id=customer)
    key = f"{data['payment_id']}:{data.get('invoice_id')}"
    day = _day(data.get("value_date"), event)
    booked = book(
        uow,
        event,
        "payment",
        key,
        entries.payment(doc, account, from_suspense),
        day,
        revenue=Money.of(data["revenue"]) if data.get("revenue") is not None else None,
    )
    if booked is not None and Money.of(data.get("contribution") or "0").amount:
        # on the account the invoice's revenue was booked to, so the general ledger is unmoved
        revenue = (
            next((line.account for line in sale.lines if line.account.startswith("7")), None)
            if sale
            else None
        )
        book(
            uow,
            event,
            "contribution",
            key,
            entries.contribution(data, revenue or account("sales.standard")),
            day,
        )
    return booked


def payment_unmatched(uow, event: dict, data: dict):
    """D 550 / C 499. Events may arrive out of order: a match announced *after* this fact but
    booked before it took its money from the bank; that part moves back to the suspense
    account here, so the bank counts the money once (domain/entries.py unmatched)."""
    cooperative_id = event["cooperative_id"]
    account = accounts_of(uow, cooperative_id)
    early = uow.repo.bank_receipts_after(
        cooperative_id, account("bank"), data["payment_id"], event["occurred_at"]
    )
    entry = entries.unmatched(data, account, min(early, Money.of(data["unallocated"])))
    return book(uow, event, "unmatched", data["payment_id"], entry, _day(None, event))


def expense_recorded(uow, event: dict, data: dict):
    entry = entries.purchase(data, accounts_of(uow, event["cooperative_id"]))
    return book(uow, event, "expense", data["expense_id"], entry, _day(data.get("date"), event))


def payslip_issued(uow, event: dict, data: dict):
    entry = entries.payslip(data, accounts_of(uow, event["cooperative_id"]))
    return book(uow, event, "payslip", data["payslip_id"], entry, _day(None, event))


def payments_instructed(uow, event: dict, data: dict):
    """payroll handed a run's nets and fund payments to the bank (its first SEPA file):
    D 4552/4550/459 / C 580 per transfer, on the execution date."""
    cooperative_id = event["cooperative_id"]
    account = accounts_of(uow, cooperative_id)
    waiting = [
        (ref, amount)
        for ref, amount, _ in uow.repo.open_items(cooperative_id, account("suspense"))
        if amount.amount > 0  # money out that no transfer claimed yet (a debit on 499)
    ]

    def seen(amount: Money) -> str | None:
        for n, (ref, waits) in enumerate(waiting):
            if waits == amount:
                del waiting[n]
                return ref
        return None

    entry = entries.instructed(data, account, seen)
    return book(
        uow, event, "payment_instruction", data["run_id"], entry, _day(data.get("execution_date"), event)
    )


def bank_debit_recorded(uow, event: dict, data: dict):
    """Money out on an imported statement, booked once per bank reference (an overlapping file
    repeats it): it clears the open transfer of the same amount (580), else the supplier's open
    invoice of that amount and name (440), else waits on 499 for the accountant
    (docs/domain/accounting.md "Payments out")."""
    cooperative_id = event["cooperative_id"]
    account = accounts_of(uow, cooperative_id)
    amount = Money.of(data["amount"])
    cleared, reference = account("suspense"), None
    transfer = _open_item(uow.repo.open_items(cooperative_id, account("transfers")), amount)
    if transfer is not None:
        cleared, reference = account("transfers"), transfer
    else:
        supplier = _open_item(
            uow.repo.open_items(cooperative_id, account("payable")), amount, data.get("counterparty_name")
        )
        if supplier is not None:
            cleared, reference = account("payable"), supplier
    entry = entries.bank_debit(data, cleared, reference, account)
    return book(uow, event, "bank_debit", data["bank_reference"], entry, _day(data.get("value_date"), event))


def _open_item(items, amount: Money, name: str | None = None) -> str | None:
    """The oldest open credit item of exactly `amount` (and, when `name` is given, whose partner
    is that name, case and spacing aside); None when there is none."""
    wanted = " ".join((name or "").split()).casefold()
    for reference, balance, partner in items:
        if balance == -amount and (name is None or " ".join((partner or "").split()).casefold() == wanted):
            return reference
    return None

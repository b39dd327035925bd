"""Output of the accounting service: rows and figures turned into JSON-safe dicts (amounts as
decimal strings)."""

from __future__ import annotations

from coop_accounting.domain.chart import RULES_VERSION


def day(value):
    return value.isoformat() if value else None


def account_out(row, mapped_kinds=()) -> dict:
    """An account of the chart (a row, or the minimum chart's `domain.chart.Account`)."""
    labels = {
        lang: getattr(row, f"label_{lang}", None) or getattr(row, lang, None) for lang in ("fr", "nl", "en")
    }
    return {"code": row.code, "label": labels, "kinds": sorted(mapped_kinds)}


def mapping_out(kind: str, account: str, default: str) -> dict:
    return {"kind": kind, "account": account, "default": default}


def period_out(cooperative: str | None, period: str, closed, changes) -> dict:
    return {
        "period": period,
        "status": "closed" if closed else "open",
        "closed_by": getattr(closed, "closed_by", None),
        "closed_at": closed.closed_at.isoformat() if closed else None,
        "log": [
            {"action": c.action, "by": c.by, "at": c.at.isoformat()} for c in changes if c.period == period
        ],
    }


def line_out(line, entry) -> dict:
    return {
        "entry_id": entry.id,
        "journal": entry.journal,
        "number": entry.number,
        "period": entry.period,
        "date": day(entry.entry_date),
        "document_date": day(entry.document_date),
        "document_number": entry.document_number,
        "description": entry.description,
        "account": line.account,
        "debit": str(line.debit),
        "credit": str(line.credit),
        "activity_id": line.activity_id,
        "partner": line.partner,
        "vat_grid": line.vat_grid,
    }


def trial_balance_out(rows, labels: dict, debit, credit, scope: dict) -> dict:
    return {
        **scope,
        "accounts": [
            {
                "account": code,
                "label": labels.get(code, {}),
                "debit": str(d),
                "credit": str(c),
                "balance": str(d - c),
            }
            for code, (d, c) in rows
        ],
        "total_debit": str(debit),
        "total_credit": str(credit),
        "balance": str(debit - credit),
        "rules_version": RULES_VERSION,
    }


def analytic_out(rows: dict, scope: dict) -> dict:
    return {
        **scope,
        "activities": [
            {
                "activity_id": activity,
                "revenue": str(r),
                "costs": str(c),
                "result": str(r - c),
                "receivable": str(open_),
                "revenue_received": str(received),
                "contribution": str(contribution),
                "cash_result": str(received - contribution - c),
            }
            for activity, (r, c, open_, received, contribution) in sorted(
                rows.items(), key=lambda kv: kv[0] or ""
            )
        ],
        "rules_version": RULES_VERSION,
    }


def aged_out(on, items, buckets) -> dict:
    return {
        "on": on.isoformat(),
        "invoices": items,
        "buckets": {name: str(amount) for name, amount in buckets.items()},
        "rules_version": RULES_VERSION,
    }


def vat_return_out(period: str, grids: dict, xml: str, vat_rules: dict) -> dict:
    """`vat_rules`: the dated VAT rules (version, source, certain) the grids were built with."""
    return {
        "period": period,
        "grids": {g: str(v) for g, v in sorted(grids.items())},
        "intervat_xml": xml,
        "status": "draft",
        "rules_version": RULES_VERSION,
        "vat_rules": vat_rules,
    }


def client_listing_out(year: int, customers, xml: str, vat_rules: dict) -> dict:
    return {
        "year": year,
        "customers": [{"vat_number": v, "turnover": str(t), "vat_amount": str(a)} for v, t, a in customers],
        "intervat_xml": xml,
        "rules_version": RULES_VERSION,
        "vat_rules": vat_rules,
    }


def export_out(filename: str, content_type: str, content: str) -> dict:
    return {
        "filename": filename,
        "content_type": content_type,
        "content": content,
        "rules_version": RULES_VERSION,
    }

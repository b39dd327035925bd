"""The dated VAT rules the books apply (`data/be_vat_rules.json`): the return grid of each
base and the threshold of the yearly listing of VAT customers. Each row is in force from its
`valid_from` until the next, repeats only what changed, names its source and says whether it is
confirmed (`certain`); every return and listing names the version it was built with
(docs/domain/accounting.md "Return grids")."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from importlib import resources

from coop_shared.money import Money


@dataclass(frozen=True)
class VatRules:
    valid_from: date
    version: str
    source: str
    certain: bool
    values: dict

    @property
    def listing_threshold(self) -> Money:
        return Money.of(self.values["listing_threshold"])

    def base_grid(self, regime: str, rate: Decimal, taxed: bool, credit_note: bool) -> str | None:
        """The grid of one base: 00-03 by rate for taxed regimes, else by regime (None: outside
        the return); a credit note issued goes to 48 on 44/46 operations, else 49 (art. 79)."""
        if taxed:
            rates = {Decimal(r).normalize(): g for r, g in self.values["rate_grids"].items()}
            grid = rates.get(Decimal(rate).normalize())
        else:
            grid = self.values["regime_grids"].get(regime)
        if grid is None or not credit_note:
            return grid
        notes = self.values["credit_note_grids"]
        return notes.get(grid, notes["other"])

    def out(self) -> dict:
        """The rules named in a return or a listing."""
        return {
            "version": self.version,
            "valid_from": self.valid_from.isoformat(),
            "source": self.source,
            "certain": self.certain,
        }


@cache
def _rows() -> tuple[VatRules, ...]:
    raw = json.loads(
        resources.files("coop_accounting.domain").joinpath("data", "be_vat_rules.json").read_text("utf-8")
    )
    rows, values = [], {}
    for row in sorted(raw["rows"], key=lambda r: r["valid_from"]):
        values = {**values, **row["values"]}
        rows.append(
            VatRules(
                date.fromisoformat(row["valid_from"]),
                row["version"],
                row["source"],
                row.get("certain", True),
                values,
            )
        )
    return tuple(rows)


def rules_on(day: date) -> VatRules:
    """The rules in force on `day`; before the first row, the first row (the books start in 2026)."""
    rows = _rows()
    return ([row for row in rows if row.valid_from <= day] or rows[:1])[-1]

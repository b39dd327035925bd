"""Dated parameter rows read from `data/*.json`: each row applies from `valid_from` until the
next one, and repeats only what changed (it is merged over the row before it). A row marked
`"certain": false` names why in its `source`."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class ParameterRow:
    valid_from: date
    values: dict
    source: str
    certain: bool

    def decimal(self, *path) -> Decimal:
        value = self.values
        for key in path:
            value = value[key]
        return Decimal(str(value))

    def get(self, *path):
        value = self.values
        for key in path:
            value = value[key]
        return value


def _merge(base: dict, change: dict) -> dict:
    merged = copy.deepcopy(base)
    for key, value in change.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


@cache
def table(name: str) -> tuple[ParameterRow, ...]:
    """The rows of `data/<name>.json`, each complete (merged), oldest first."""
    raw = json.loads(
        resources.files("coop_payroll.status_models").joinpath("data", f"{name}.json").read_text()
    )
    rows, values = [], {}
    for row in sorted(raw["rows"], key=lambda r: r["valid_from"]):
        values = _merge(values, row["values"])
        rows.append(
            ParameterRow(
                date.fromisoformat(row["valid_from"]), values, row["source"], row.get("certain", True)
            )
        )
    return tuple(rows)


@cache
def row_on(name: str, day: date) -> ParameterRow:
    """The row in force on `day`; a day before the first row has no rules. Kept per day (the
    rows never change while the service runs): every payslip of a run, and every cost its
    budget search asks, read the same row (issue 18)."""
    rows = [row for row in table(name) if row.valid_from <= day]
    if not rows:
        raise LookupError(f"No {name} parameters before {table(name)[0].valid_from}.")
    return rows[-1]

"""The staff console (admin, staff, auditor) of one cooperative at a time, switching between
the cooperatives a person works for (docs/adr/025-console-and-portal.md).

One blueprint under `/console`; each part of the back office is its own module adding its pages
to it. `NAV` is the menu every console page shows, in this order.
"""

from __future__ import annotations

from flask import Blueprint

from coop_web.i18n import N_

console = Blueprint("console", __name__, url_prefix="/console")

# (path, label): the labels are translated when the menu is drawn (templates/ui_base.html)
NAV = (
    ("/console", N_("Home")),
    ("/console/members", N_("Members")),
    ("/console/customers", N_("Customers")),
    ("/console/invoices", N_("Invoices")),
    ("/console/bank", N_("Bank")),
    ("/console/payroll", N_("Payroll")),
    ("/console/notifications", N_("Notifications")),
    ("/console/accounting", N_("Accounting")),
)

from coop_web.console import (  # noqa: E402,F401  (each module adds its pages to `console`)
    accounting,
    bank,
    billing,
    home,
    members,
    notifications,
    payroll,
)

"""The entrepreneur's portal (role `member`): their own activity account, invoices, payslips,
pay simulation, documents and programme (docs/adr/025-console-and-portal.md).

The services answer a member only with their own records (coop_shared.credentials.may_see_member),
so a page never filters what it is given: it shows what the services let the person see.
"""

from __future__ import annotations

from flask import Blueprint

from coop_web.i18n import N_

portal = Blueprint("portal", __name__, url_prefix="/portal")

NAV = (
    ("/portal", N_("My account")),
    ("/portal/invoices", N_("My invoices")),
    ("/portal/payslips", N_("My payslips")),
    ("/portal/pay", N_("What can I pay myself?")),
    ("/portal/documents", N_("My documents")),
    ("/portal/programme", N_("My programme")),
)

from coop_web.portal import pages  # noqa: E402,F401  (adds the portal's pages)

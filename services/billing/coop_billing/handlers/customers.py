"""Customers of a cooperative: companies, persons, public bodies."""

import functools

from coop_billing.orm import Customer, CustomerChange
from coop_billing.views import customer_change_out, customer_out, page_out
from coop_shared import rectification
from coop_shared.credentials import ADMIN, MEMBER, OPERATORS, READERS, acting_cooperative, require_role


def create_customer(uow, identity, data: dict) -> dict:
    """A Belgian VAT number gives the enterprise number when none is given."""
    require_role(identity, *OPERATORS, MEMBER)
    cooperative_id = acting_cooperative(identity, data.pop("cooperative", None))
    if (
        data.get("vat_number", "")
        and data["vat_number"].startswith("BE")
        and not data.get("enterprise_number")
    ):
        data["enterprise_number"] = data["vat_number"][2:]
    customer = Customer(cooperative_id=cooperative_id, **data)
    uow.repo.add(customer)
    uow.repo.flush()
    return customer_out(customer)


def get_customer(uow, identity, data: dict) -> dict:
    require_role(identity, *READERS)
    cooperative_id = acting_cooperative(identity, data.get("cooperative"))
    return customer_out(uow.repo.customer(cooperative_id, data["id"]))


def list_customers(uow, identity, data: dict) -> dict:
    """Customers by name; `q` matches part of the name, whatever the case."""
    require_role(identity, *READERS)
    cooperative_id = acting_cooperative(identity, data.get("cooperative"))
    rows, total = uow.repo.customers_page(cooperative_id, data, data["limit"], data["offset"])
    return page_out([customer_out(c) for c in rows], total)


# Rectification (GDPR art. 16 when the customer is a person; docs/adr/017-personal-data-at-rest-and-rectification.md)

CUSTOMER_FIELDS = ("name", "vat_number", "enterprise_number", "email", "address", "language", "peppol_id")


def update_customer(uow, identity, data: dict) -> dict:
    """The customer with the given fields rectified and "changed" (the fields that changed),
    each change kept with who made it and when; emits customer_details_changed. Invoices
    already issued keep the buyer they were issued to (`Invoice.buyer`, a snapshot): an
    issued invoice never changes (CTVA/WBTW art. 53 and AR n°1 art. 5; docs/domain/vat-and-invoices.md)."""
    require_role(identity, *OPERATORS)
    cooperative_id = acting_cooperative(identity)
    customer = uow.repo.customer_for_update(cooperative_id, data["customer_id"])
    requested = dict(data)
    vat = requested.get("vat_number")
    if vat and vat.startswith("BE") and "enterprise_number" not in requested:
        requested["enterprise_number"] = vat[2:]  # a Belgian VAT number is BE + the enterprise number
    history_row = functools.partial(CustomerChange, cooperative_id=cooperative_id, customer_id=customer.id)
    changed = rectification.rectify(uow, identity, customer, requested, CUSTOMER_FIELDS, history_row)
    if changed:
        uow.emit(
            "customer_details_changed",
            cooperative_id,
            identity.cooperative,
            {"customer_id": customer.id, "fields": changed},
        )
    return dict(customer_out(customer), changed=changed)


def list_customer_changes(uow, identity, data: dict) -> dict:
    """{"items", "total"}: the customer's rectifications, oldest first (admins)."""
    require_role(identity, ADMIN)
    customer = uow.repo.customer(acting_cooperative(identity), data["customer_id"])
    items = [
        customer_change_out(c, rectification.from_text(c.old_value), rectification.from_text(c.new_value))
        for c in uow.repo.customer_changes(customer.id)
    ]
    return page_out(items, len(items))

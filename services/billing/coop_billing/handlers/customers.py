"""Customers of a cooperative: companies, persons, public bodies."""

from coop_billing.orm import Customer
from coop_billing.views import customer_out, page_out
from coop_shared.credentials import MEMBER, OPERATORS, READERS, acting_cooperative, require_role


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

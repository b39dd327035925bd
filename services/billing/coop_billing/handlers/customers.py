"""Customers of a cooperative: companies, persons, public bodies."""

import sqlalchemy as sa

from coop_billing import repository as repo
from coop_billing.orm import Customer
from coop_billing.views import customer_out
from coop_shared.credentials import MEMBER, OPERATORS, READERS, acting_cooperative, require_role
from coop_shared.storage.paging import page


def create_customer(uow, identity, data: dict) -> dict:
    require_role(identity, *OPERATORS, MEMBER)
    cooperative_id = acting_cooperative(identity, data.pop("cooperative", None))
    if (
        data.get("vat_number", "")
        and data["vat_number"].startswith("BE")
        and not data.get("enterprise_number")
    ):
        data["enterprise_number"] = data["vat_number"][2:]
    customer = Customer(cooperative_id=cooperative_id, **data)
    uow.session.add(customer)
    uow.session.flush()
    return customer_out(customer)


def get_customer(uow, identity, data: dict) -> dict:
    require_role(identity, *READERS)
    cooperative_id = acting_cooperative(identity, data.get("cooperative"))
    return customer_out(repo.customer(uow.session, cooperative_id, data["id"]))


def list_customers(uow, identity, data: dict) -> dict:
    require_role(identity, *READERS)
    cooperative_id = acting_cooperative(identity, data.get("cooperative"))
    query = sa.select(Customer).where(Customer.cooperative_id == cooperative_id)
    if data.get("kind"):
        query = query.where(Customer.kind == data["kind"])
    if data.get("q"):
        query = query.where(sa.func.lower(Customer.name).like(f"%{data['q'].lower()}%"))
    rows, total = page(uow.session, query, (Customer.name, Customer.id), data["limit"], data["offset"])
    return {"items": [customer_out(c) for c in rows], "total": total}

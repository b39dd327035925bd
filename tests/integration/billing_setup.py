"""A Dies with an entrepreneur, an activity and customers, ready for billing tests."""

from dataclasses import dataclass

from tests import support
from tests.fixtures_data import AMINA, BRUCOOP, DIES

NL_CUSTOMER = {
    "name": "Bakkerij Peeters BV",
    "kind": "company",
    "vat_number": "BE0202239951",
    "email": "boekhouding@peeters.example",
    "language": "nl",
    "address": {"street": "Vlaamsesteenweg 20", "postal_code": "1000", "city": "Brussel", "country": "BE"},
}
FR_PERSON = {
    "name": "Claire Dubois",
    "kind": "person",
    "email": "claire@example.org",
    "language": "fr",
    "address": {"street": "Rue Haute 100", "postal_code": "1000", "city": "Bruxelles", "country": "BE"},
}
DE_COMPANY = {
    "name": "Lastenrad GmbH",
    "kind": "company",
    "vat_number": "DE136695976",
    "language": "en",
    "address": {"street": "Hauptstraße 1", "postal_code": "10115", "city": "Berlin", "country": "DE"},
}


@dataclass
class World:
    dies: object  # billing proxy with Dies' admin key
    dies_members: object  # members proxy with Dies' admin key
    brucoop: object  # billing proxy with BRUCOOP's admin key
    member: dict
    activity: dict
    nl_customer: dict
    keys: dict


def build(rpc_client) -> World:
    keys = support.admin_keys(rpc_client, DIES, BRUCOOP)
    members = rpc_client(keys["dies"]).members
    member = members.register_member(AMINA)
    activity = members.add_activity(
        {"member_id": member["id"], "name": "Vélo-livraisons", "trade_name": "Amina Cargo"}
    )
    dies = rpc_client(keys["dies"]).billing
    customer = dies.create_customer(NL_CUSTOMER)
    return World(dies, members, rpc_client(keys["brucoop"]).billing, member, activity, customer, keys)


def two_line_invoice(world: World, **extra) -> dict:
    """800.00 at 21 % and 3 × 66.67 at 6 %."""
    return dict(
        {
            "activity_id": world.activity["id"],
            "customer_id": world.nl_customer["id"],
            "vat_regime": "standard",
            "lines": [
                {
                    "description": "Livraisons à vélo — octobre",
                    "quantity": "1",
                    "unit_price": "800.00",
                    "vat_rate": "0.21",
                },
                {
                    "description": "Livres de recettes",
                    "quantity": "3",
                    "unit_price": "66.67",
                    "vat_rate": "0.06",
                },
            ],
        },
        **extra,
    )

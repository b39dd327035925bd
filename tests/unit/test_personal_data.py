"""National numbers sealed at rest and masked, the key ring and its rotation, and rectification
with history (docs/adr/017-personal-data-at-rest-and-rectification.md)."""

import json
from datetime import date

import marshmallow
import pytest
import sqlalchemy as sa
import sqlalchemy.orm

from coop_billing.handlers import customers
from coop_billing.orm import Base as BillingBase
from coop_billing.repository import BillingRepository
from coop_billing.schemas import CreateCustomerSchema, UpdateCustomerSchema
from coop_members.handlers import api_keys, cooperatives, members, rectification
from coop_members.orm import Base
from coop_members.repository import MembersRepository
from coop_members.schemas import (
    CreateCooperativeSchema,
    ListMembersSchema,
    RegisterMemberSchema,
    UpdateMemberAddressSchema,
    UpdateMemberIbanSchema,
    UpdateMemberIdentitySchema,
)
from coop_payroll.handlers import payslips
from coop_payroll.orm import Base as PayrollBase
from coop_payroll.repository import PayrollRepository
from coop_shared import personal_data, settings
from coop_shared.credentials import ADMIN, PLATFORM, SERVICE, STAFF, Identity
from coop_shared.errors import Forbidden, NotFound
from coop_shared.personal_data import DataKeyError, KeyRing, mask_national_number
from coop_shared.storage import sealing
from coop_shared.storage.migrations import upgrade
from tests.fixtures_data import AMINA, BRUCOOP, DIES
from tests.unit.fake_uow import FakeUnitOfWork

KEY_2026 = "k2026:" + "a" * 43
KEY_2027 = "k2027:" + "b" * 43
AMINA_NUMBER = "90031400036"  # tests/fixtures_data.py


# The key ring


def test_a_sealed_number_names_its_key_and_opens_only_for_its_column():
    ring = KeyRing(KEY_2026)
    sealed = ring.seal(AMINA_NUMBER, "members.national_number")
    assert sealed.startswith("v1:k2026:") and AMINA_NUMBER not in sealed
    assert ring.open(sealed, "members.national_number") == AMINA_NUMBER
    # A fresh nonce each time: two seals of one number differ (no frequency analysis).
    assert ring.seal(AMINA_NUMBER, "members.national_number") != sealed
    with pytest.raises(DataKeyError):
        ring.open(sealed, "member_changes.value")  # copied into another column, it does not open


def test_after_a_rotation_old_values_open_are_found_and_are_flagged_for_resealing():
    before = KeyRing(KEY_2026)
    sealed = before.seal(AMINA_NUMBER, "members.national_number")
    old_hash = before.index(AMINA_NUMBER)
    after = KeyRing(KEY_2027, (KEY_2026,))
    assert after.open(sealed, "members.national_number") == AMINA_NUMBER
    assert after.needs_reseal(sealed) and not after.needs_reseal(after.seal("x", "p"))
    assert old_hash in after.indexes(AMINA_NUMBER) and after.index(AMINA_NUMBER) != old_hash
    with pytest.raises(DataKeyError, match="k2026"):
        KeyRing(KEY_2027).open(sealed, "members.national_number")  # the retired key was dropped


def test_a_key_is_an_id_and_a_long_secret():
    with pytest.raises(DataKeyError):
        KeyRing("no-id-here-" + "x" * 40)
    with pytest.raises(DataKeyError):
        KeyRing("k1:short")


def test_production_refuses_a_missing_or_development_key():
    assert settings.data_keys({}) == (settings.DEVELOPMENT_DATA_KEY, ())
    with pytest.raises(RuntimeError, match="COOP_DATA_KEY"):
        settings.data_keys({"COOP_ENVIRONMENT": "production"})
    with pytest.raises(RuntimeError, match="development data key"):
        settings.data_keys({"COOP_ENVIRONMENT": "production", "COOP_DATA_KEY": settings.DEVELOPMENT_DATA_KEY})
    assert settings.data_keys(
        {"COOP_ENVIRONMENT": "production", "COOP_DATA_KEY": KEY_2027, "COOP_DATA_OLD_KEYS": f"{KEY_2026}, "}
    ) == (KEY_2027, (KEY_2026,))


def test_the_mask_keeps_the_birth_date_part_only():
    assert mask_national_number("85073003328") == "85.07.30-***.**"
    assert mask_national_number("85.07.30-033.28") == "85.07.30-***.**"
    assert mask_national_number(None) is None


# Members: sealed at rest, masked when read, full only to the service credential


@pytest.fixture
def uow():
    return FakeUnitOfWork(Base.metadata, repository=MembersRepository)


def key_of(uow, payload, role=ADMIN):
    if role == ADMIN:
        cooperatives.create_cooperative(uow, Identity(role=PLATFORM), CreateCooperativeSchema().load(payload))
    key = api_keys.issue_api_key(
        uow, Identity(role=PLATFORM), {"cooperative": payload["slug"], "role": role, "label": role}
    )
    return api_keys.identity_for_secret(uow, key["secret"])


def service_of(admin: Identity) -> Identity:
    return Identity(role=SERVICE, cooperative_id=admin.cooperative_id, cooperative=admin.cooperative)


def stored_numbers(uow) -> list[tuple]:
    uow.commit()
    with uow.engine.connect() as connection:
        return connection.execute(sa.text("SELECT national_number, national_number_hash FROM members")).all()


def test_the_row_holds_no_clear_number_and_every_role_reads_the_mask(uow):
    admin = key_of(uow, DIES)
    staff = key_of(uow, DIES, role=STAFF)
    member = members.register_member(uow, admin, RegisterMemberSchema().load(AMINA))
    assert member["national_number"] == "90.03.14-***.**"
    [(stored, hashed)] = stored_numbers(uow)
    assert AMINA_NUMBER not in stored and stored.startswith("v1:dev:")
    assert hashed == personal_data.keyring().index(AMINA_NUMBER)
    for reader in (admin, staff):
        read = members.get_member(uow, reader, {"id": member["id"]}, date(2026, 12, 1))
        assert read["national_number"] == "90.03.14-***.**"
    listed = members.list_members(uow, staff, ListMembersSchema().load({}))
    assert listed["items"][0]["national_number"] == "90.03.14-***.**"


def test_a_member_is_found_by_national_number_through_its_hash(uow):
    admin = key_of(uow, DIES)
    amina = members.register_member(uow, admin, RegisterMemberSchema().load(AMINA))
    members.register_member(
        uow, admin, RegisterMemberSchema().load(dict(AMINA, national_number="85073003328"))
    )
    found = members.list_members(uow, admin, ListMembersSchema().load({"national_number": "90.03.14-000.36"}))
    assert [m["id"] for m in found["items"]] == [amina["id"]]


def test_only_the_service_credential_gets_the_full_number_of_its_own_cooperative(uow):
    dies, brucoop = key_of(uow, DIES), key_of(uow, BRUCOOP)
    amina = members.register_member(uow, dies, RegisterMemberSchema().load(AMINA))
    ask = {"member_ids": [amina["id"]], "purpose": "tax_form"}
    answer = rectification.get_national_numbers(uow, service_of(dies), ask)
    assert answer["items"] == [{"member_id": amina["id"], "national_number": AMINA_NUMBER}]
    for caller in (dies, key_of(uow, DIES, role=STAFF)):
        with pytest.raises(Forbidden):
            rectification.get_national_numbers(uow, caller, ask)
    with pytest.raises(NotFound):
        rectification.get_national_numbers(uow, service_of(brucoop), ask)


# Rectification


def test_rectifying_identity_address_and_iban_keeps_a_history_with_the_number_sealed(uow):
    admin = key_of(uow, DIES)
    staff = key_of(uow, DIES, role=STAFF)
    amina = members.register_member(uow, admin, RegisterMemberSchema().load(AMINA))
    identity = UpdateMemberIdentitySchema().load(
        {
            "member_id": amina["id"],
            "last_name": "Diallo-Barry",
            "national_number": "90.03.14-000.36",
            "reason": "mariage",
        }
    )
    updated = rectification.update_member_identity(uow, staff, identity)
    assert updated["changed"] == ["last_name"]  # the number given is the one already known
    new_number = {"member_id": amina["id"], "national_number": "85073003328"}
    rectification.update_member_identity(uow, staff, UpdateMemberIdentitySchema().load(new_number))
    address = {"street": "Rue Haute 12", "postal_code": "1000", "city": "Bruxelles", "country": "BE"}
    rectification.update_member_address(
        uow, admin, UpdateMemberAddressSchema().load({"member_id": amina["id"], "address": address})
    )
    rectification.update_member_iban(
        uow, admin, UpdateMemberIbanSchema().load({"member_id": amina["id"], "iban": "BE35 3101 2345 6737"})
    )
    again = rectification.update_member_iban(
        uow, admin, UpdateMemberIbanSchema().load({"member_id": amina["id"], "iban": "BE35310123456737"})
    )
    assert again["changed"] == []  # the same request twice changes nothing the second time

    history = rectification.list_member_changes(uow, admin, {"member_id": amina["id"]})
    assert [(c["field"], c["old_value"], c["new_value"]) for c in history["items"]] == [
        ("last_name", "Diallo", "Diallo-Barry"),
        ("national_number", "90.03.14-***.**", "85.07.30-***.**"),
        ("address", None, address),
        ("iban", "BE46735123456736", "BE35310123456737"),
    ]
    assert history["items"][0]["changed_by_key_id"] == staff.key_id
    assert history["items"][0]["reason"] == "mariage"
    assert [e["fields"] for e in uow.events_of("member_details_changed")] == [
        ["last_name"],
        ["national_number"],
        ["address"],
        ["iban"],
    ]
    assert all("85073003328" not in str(e) and "BE35" not in str(e) for e in uow.events)
    # At rest, the history holds no value in clear.
    uow.commit()
    with uow.engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT old_value, new_value FROM member_changes")).all()
    assert rows and all(v is None or v.startswith("v1:") for row in rows for v in row)
    assert not any("85073003328" in (v or "") or "Diallo" in (v or "") for row in rows for v in row)
    # And the new number is the one payroll gets.
    full = rectification.get_national_numbers(
        uow, service_of(admin), {"member_ids": [amina["id"]], "purpose": "payslip"}
    )
    assert full["items"][0]["national_number"] == "85073003328"


def test_who_may_rectify_and_read_the_history(uow):
    admin = key_of(uow, DIES)
    auditor = key_of(uow, DIES, role="auditor")
    staff = key_of(uow, DIES, role=STAFF)
    amina = members.register_member(uow, admin, RegisterMemberSchema().load(AMINA))
    with pytest.raises(Forbidden):
        rectification.update_member_iban(uow, auditor, {"member_id": amina["id"], "iban": "BE35310123456737"})
    with pytest.raises(Forbidden):
        rectification.list_member_changes(uow, staff, {"member_id": amina["id"]})
    brucoop = key_of(uow, BRUCOOP)
    with pytest.raises(NotFound):
        rectification.update_member_address(uow, brucoop, {"member_id": amina["id"], "address": None})


def test_a_rectification_is_validated_like_a_registration():
    with pytest.raises(Exception) as refused:
        UpdateMemberIdentitySchema().load(
            {"member_id": "00000000-0000-4000-8000-000000000001", "national_number": "85073003329"}
        )
    assert "national_number" in str(refused.value)
    with pytest.raises(Exception) as empty:
        UpdateMemberIdentitySchema().load({"member_id": "00000000-0000-4000-8000-000000000001"})
    assert "_schema" in str(empty.value)
    with pytest.raises(marshmallow.ValidationError, match="IBAN"):
        UpdateMemberIbanSchema().load(
            {"member_id": "00000000-0000-4000-8000-000000000001", "iban": "BE00 0000 0000 0000"}
        )


# Billing customers


def test_a_customer_rectified_keeps_its_history_and_a_belgian_vat_number_its_enterprise_number():
    uow = FakeUnitOfWork(BillingBase.metadata, repository=BillingRepository)
    coop_id = "00000000-0000-4000-8000-0000000000d1"
    admin = Identity(role=ADMIN, cooperative_id=coop_id, cooperative="dies", key_id="k-admin")
    customer = customers.create_customer(
        uow,
        admin,
        CreateCustomerSchema().load(
            {
                "name": "Peeters BV",
                "kind": "company",
                "vat_number": "BE0403170701",
                "address": {"street": "Meir 1", "postal_code": "2000", "city": "Antwerpen", "country": "BE"},
                "language": "nl",
            }
        ),
    )
    updated = customers.update_customer(
        uow,
        admin,
        UpdateCustomerSchema().load(
            {
                "customer_id": customer["id"],
                "name": "Peeters & Zonen BV",
                "vat_number": "BE0202239951",
                "email": "boekhouding@peeters.example",
            }
        ),
    )
    assert updated["changed"] == ["name", "vat_number", "enterprise_number", "email"]
    assert updated["enterprise_number"] == "0202239951"
    history = customers.list_customer_changes(uow, admin, {"customer_id": customer["id"]})
    assert [(c["field"], c["old_value"], c["new_value"]) for c in history["items"]] == [
        ("name", "Peeters BV", "Peeters & Zonen BV"),
        ("vat_number", "BE0403170701", "BE0202239951"),
        ("enterprise_number", "0403170701", "0202239951"),
        ("email", None, "boekhouding@peeters.example"),
    ]
    assert uow.events_of("customer_details_changed") == [
        {"customer_id": customer["id"], "fields": ["name", "vat_number", "enterprise_number", "email"]}
    ]
    with pytest.raises(Forbidden):
        customers.list_customer_changes(
            uow,
            Identity(role=STAFF, cooperative_id=coop_id, cooperative="dies"),
            {"customer_id": customer["id"]},
        )


# The migration that seals what was stored in clear


def test_migration_0006_seals_the_numbers_an_existing_database_holds_in_clear(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'members.db'}"
    upgrade("coop_members", url, "0005")
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO cooperatives (id, slug, name, enterprise_number, vat_number, iban, address, email,"
                " languages, status_models, contribution_rate, payment_terms_days, next_activity_number, created_at)"
                " VALUES ('c1', 'dies', 'Dies', '0403170701', 'BE0403170701', 'BE05068123456775', '{}',"
                " 'a@dies.example', '[\"fr\"]', '[]', 0.1, 30, 1, '2026-01-01')"
            )
        )
        for member_id, number in (("m1", AMINA_NUMBER), ("m2", None)):
            connection.execute(
                sa.text(
                    "INSERT INTO members (id, cooperative_id, first_name, last_name, email, language,"
                    " national_number, lifecycle, created_at)"
                    " VALUES (:id, 'c1', 'A', 'B', 'a@example.org', 'fr', :number, 'candidate', '2026-01-01')"
                ),
                {"id": member_id, "number": number},
            )
    monkeypatch.setenv("COOP_DATA_KEY", KEY_2027)
    upgrade("coop_members", url, "0006")
    with engine.connect() as connection:
        rows = dict(
            (r[0], r[1:])
            for r in connection.execute(
                sa.text("SELECT id, national_number, national_number_hash FROM members")
            )
        )
    engine.dispose()
    sealed, hashed = rows["m1"]
    ring = KeyRing(KEY_2027)
    assert sealed.startswith("v1:k2027:") and AMINA_NUMBER not in sealed
    assert ring.open(sealed, "members.national_number") == AMINA_NUMBER
    assert hashed == ring.index(AMINA_NUMBER)
    assert rows["m2"] == (None, None)


def test_after_a_rotation_reseal_moves_every_row_under_the_new_key():
    personal_data.install(KeyRing(KEY_2026))
    try:
        uow = FakeUnitOfWork(Base.metadata, repository=MembersRepository)
        admin = key_of(uow, DIES)
        amina = members.register_member(uow, admin, RegisterMemberSchema().load(AMINA))
        rectification.update_member_identity(
            uow, admin, UpdateMemberIdentitySchema().load({"member_id": amina["id"], "last_name": "Barry"})
        )
        uow.commit()

        new_ring = KeyRing(KEY_2027, (KEY_2026,))
        counts = sealing.reseal_service(uow.engine, "members", new_ring)
        assert counts == {
            "members.national_number": 1,
            "member_changes.old_value": 1,
            "member_changes.new_value": 1,
            "people.totp_secret": 0,  # no person has a second factor in this test
        }
        assert sealing.reseal_service(uow.engine, "members", new_ring)["members.national_number"] == 0
        with uow.engine.connect() as connection:
            [(stored, hashed)] = connection.execute(
                sa.text("SELECT national_number, national_number_hash FROM members")
            ).all()
        assert stored.startswith("v1:k2027:") and hashed == new_ring.index(AMINA_NUMBER)
        # Once resealed, the old key is no longer needed.
        personal_data.install(KeyRing(KEY_2027))
        with sa.orm.Session(uow.engine) as session:
            again = MembersRepository(session).member(admin.cooperative_id, amina["id"])
            assert again.national_number == AMINA_NUMBER
    finally:
        personal_data.install(KeyRing.from_config({}))


# Payroll's payslip snapshots: migration 0007 and the reseal


def _payslip_with_member(connection, payslip_id: str, member: dict) -> None:
    """A payslip row as payroll at revision 0006 held it, its member snapshot as given."""
    connection.execute(
        sa.text(
            "INSERT INTO payslips (id, run_id, cooperative_id, period, member_id, activity_id, member,"
            " status_model, parameters, mode, amount, gross, net_to_pay, total_cost, lines, payments,"
            " notes, rules_version, balance_before, balance_after, created_at, kind, provisions, from_provision)"
            " VALUES (:id, 'r1', 'c1', '2026-05', :member_id, 'a1', :member, 'be_salaried', '{}', 'gross',"
            " 2000, 2000, 1500, 2600, '[]', '[]', '[]', 'test', 3000, 400, '2026-05-31', 'monthly', '{}', 0)"
        ),
        {"id": payslip_id, "member_id": "m-" + payslip_id, "member": json.dumps(member)},
    )


def test_payroll_migration_0007_seals_the_numbers_old_payslip_snapshots_hold_in_clear(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'payroll.db'}"
    upgrade("coop_payroll", url, "0006")
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO payroll_runs (id, cooperative_id, cooperative_slug, period, status, payer, created_at)"
                " VALUES ('r1', 'c1', 'dies', '2026-05', 'closed', '{}', '2026-05-31')"
            )
        )
        _payslip_with_member(
            connection,
            "p1",
            {"name": "Amina Diallo", "iban": "BE05068123456775", "national_number": AMINA_NUMBER},
        )
        _payslip_with_member(connection, "p2", {"name": "Erased", "national_number": None})
    monkeypatch.setenv("COOP_DATA_KEY", KEY_2027)
    upgrade("coop_payroll", url, "0007")
    with engine.connect() as connection:
        stored = dict(connection.execute(sa.text("SELECT id, member FROM payslips")).all())
    # No clear number anywhere in the stored text; the rest of the snapshot is unchanged.
    assert AMINA_NUMBER not in stored["p1"]
    snapshot = json.loads(stored["p1"])
    assert snapshot["national_number"].startswith("v1:k2027:")
    assert (snapshot["name"], snapshot["iban"]) == ("Amina Diallo", "BE05068123456775")
    assert json.loads(stored["p2"]) == {"name": "Erased", "national_number": None}
    # Payroll's own code opens it, as render_payslip prints it.
    personal_data.install(KeyRing(KEY_2027))
    try:
        with sa.orm.Session(engine) as session:
            payslip = PayrollRepository(session).payslip("c1", "p1")
            assert payslips.snapshot_national_number(payslip) == AMINA_NUMBER
    finally:
        personal_data.install(KeyRing.from_config({}))
        engine.dispose()


def test_after_a_rotation_reseal_moves_payslip_snapshots_under_the_new_key():
    uow = FakeUnitOfWork(PayrollBase.metadata, repository=PayrollRepository)
    old = KeyRing(KEY_2026)
    with uow.engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO payroll_runs (id, cooperative_id, cooperative_slug, period, status, payer, created_at)"
                " VALUES ('r1', 'c1', 'dies', '2026-05', 'closed', '{}', '2026-05-31')"
            )
        )
        sealed = old.seal(AMINA_NUMBER, payslips.SEALED_NATIONAL_NUMBER)
        _payslip_with_member(connection, "p1", {"name": "Amina Diallo", "national_number": sealed})
        _payslip_with_member(connection, "p2", {"name": "Erased"})
    new_ring = KeyRing(KEY_2027, (KEY_2026,))
    assert sealing.reseal_service(uow.engine, "payroll", new_ring) == {"payslips.member.national_number": 1}
    assert sealing.reseal_service(uow.engine, "payroll", new_ring) == {"payslips.member.national_number": 0}
    assert "payroll" in sealing.SERVICES  # `coop data-key reseal payroll`
    personal_data.install(KeyRing(KEY_2027))  # the old key dropped
    try:
        with sa.orm.Session(uow.engine) as session:
            payslip = PayrollRepository(session).payslip("c1", "p1")
            assert payslip.member["national_number"].startswith("v1:k2027:")
            assert payslips.snapshot_national_number(payslip) == AMINA_NUMBER
    finally:
        personal_data.install(KeyRing.from_config({}))

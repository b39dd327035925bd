import pytest

from coop_shared.credentials import (
    Identity,
    bearer_secret,
    hash_secret,
    matches_key,
    new_secret,
    require_role,
)
from coop_shared.errors import Forbidden


@pytest.mark.parametrize("value", [None, "", "coop_abc", "Basic abc", "Bearer ", 42])
def test_missing_or_malformed_authorization_is_forbidden(value):
    with pytest.raises(Forbidden):
        bearer_secret(value)


def test_bearer_secret_is_extracted():
    assert bearer_secret("Bearer coop_xyz") == "coop_xyz"
    assert bearer_secret("bearer  coop_xyz ") == "coop_xyz"


def test_secrets_are_random_and_stored_as_sha256():
    first, second = new_secret(), new_secret()
    assert first != second and first.startswith("coop_") and len(first) == 48
    assert hash_secret("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_platform_key_never_matches_when_unset():
    assert matches_key("x", "x")
    assert not matches_key("x", None)
    assert not matches_key("", "")


def test_roles():
    staff = Identity(role="staff", cooperative_id="c1", cooperative="dies")
    assert require_role(staff, "admin", "staff") is staff
    with pytest.raises(Forbidden):
        require_role(staff, "admin")
    assert Identity.from_dict(staff.as_dict()) == staff


def test_a_service_credential_reads_for_the_one_cooperative_it_names():
    from coop_shared.credentials import READERS, SERVICE, service_context, service_identity

    context = service_context("svc-key", "c1", "dies")
    assert context["authorization"] == "Bearer svc-key"
    identity = service_identity(context)
    assert (identity.role, identity.cooperative_id, identity.cooperative) == (SERVICE, "c1", "dies")
    assert SERVICE in READERS and not identity.is_platform
    with pytest.raises(Forbidden):
        service_identity({"authorization": "Bearer svc-key"})

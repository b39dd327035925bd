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


def test_a_service_claim_reads_for_the_one_cooperative_and_method_it_was_signed_for():
    from coop_shared.credentials import READERS, SERVICE, bearer_secret, service_context, verify_service_claim

    now = 1_790_000_000.0
    context = service_context("svc-key", "billing.render_invoice", "c1", "dies", now=now)
    claim = bearer_secret(context["authorization"])
    assert "svc-key" not in context["authorization"]  # the key itself never travels
    identity = verify_service_claim(claim, ("svc-key", None), "billing.render_invoice", now + 59)
    assert (identity.role, identity.cooperative_id, identity.cooperative) == (SERVICE, "c1", "dies")
    assert SERVICE in READERS and not identity.is_platform


def test_a_captured_claim_cannot_be_replayed_for_another_cooperative_method_or_later():
    import base64
    import json

    from coop_shared.credentials import sign_service_claim, verify_service_claim

    now = 1_790_000_000.0
    claim = sign_service_claim("svc-key", "members.get_member", "c1", "dies", now)
    keys = ("svc-key", None)
    with pytest.raises(Forbidden, match="members.get_member"):  # another method
        verify_service_claim(claim, keys, "members.issue_api_key", now)
    with pytest.raises(Forbidden, match="expired"):  # later than its minute (and the skew)
        verify_service_claim(claim, keys, "members.get_member", now + 60 + 6)
    # Another cooperative: the body rewritten, the signature no longer matches.
    prefix, rest = claim[:5], claim[5:]
    body, _, mac = rest.partition(".")
    forged = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    forged.update(c="c2", s="brucoop")
    forged_body = base64.urlsafe_b64encode(json.dumps(forged).encode()).decode().rstrip("=")
    with pytest.raises(Forbidden, match="Unknown credential"):
        verify_service_claim(f"{prefix}{forged_body}.{mac}", keys, "members.get_member", now)
    # Signed with another key (a guess, or the platform key): refused.
    with pytest.raises(Forbidden, match="Unknown credential"):
        verify_service_claim(
            sign_service_claim("other", "members.get_member", "c2", "brucoop", now),
            keys,
            "members.get_member",
            now,
        )
    # A claim made to live for an hour is refused even when correctly signed.
    with pytest.raises(Forbidden, match="at most a minute"):
        verify_service_claim(
            sign_service_claim("svc-key", "members.get_member", "c1", "dies", now, ttl=3600),
            keys,
            "members.get_member",
            now,
        )
    # No service key configured: nothing verifies.
    with pytest.raises(Forbidden):
        verify_service_claim(claim, (None, None), "members.get_member", now)


def test_the_service_key_rotates_alone_the_previous_key_still_verifies():
    from coop_shared.credentials import sign_service_claim, verify_service_claim

    now = 1_790_000_000.0
    old = sign_service_claim("key-2026-11", "payroll.render_payslip", "c1", "dies", now)
    new = sign_service_claim("key-2026-12", "payroll.render_payslip", "c1", "dies", now)
    rotating = ("key-2026-12", "key-2026-11")
    for claim in (old, new):
        assert verify_service_claim(claim, rotating, "payroll.render_payslip", now).cooperative == "dies"
    with pytest.raises(Forbidden):  # once the previous key is dropped
        verify_service_claim(old, ("key-2026-12", None), "payroll.render_payslip", now)

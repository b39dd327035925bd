"""A cooperative's payroll settings: its directors' social insurance fund and its headcount."""

from __future__ import annotations

from coop_payroll.views import settings_out
from coop_shared import audit
from coop_shared.credentials import ADMIN, acting_cooperative, require_role


def set_payroll_settings(uow, identity, data: dict) -> dict:
    """Only an admin names the fund the SEPA files pay and the fee directors are charged."""
    require_role(identity, ADMIN)
    settings = uow.repo.settings_of(acting_cooperative(identity))
    for key, value in data.items():  # only what the admin gave changes
        setattr(settings, key, value)
    uow.repo.save_settings(settings)
    audit.record(
        uow, identity, "payroll.settings_changed", settings.cooperative_id, {"changed": sorted(data)}
    )
    return settings_out(settings)

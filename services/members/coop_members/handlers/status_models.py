"""A member's status model over time (be_salaried, be_director, ...): the cooperative enables
models, payroll runs them and states their parameters, members keeps each member's history."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from coop_members.domain.status_history import day_before, starts_after_current
from coop_members.orm import MemberStatus
from coop_members.views import member_view
from coop_shared import audit
from coop_shared.credentials import OPERATORS, Identity, acting_cooperative, require_role
from coop_shared.errors import BusinessRuleViolation, ValidationError
from coop_shared.status_models import validate_parameters

if TYPE_CHECKING:
    from coop_members.clients import PayrollClient
    from coop_members.repository import MembersRepository
    from coop_shared.unit_of_work import UnitOfWork


def set_status_model(
    uow: UnitOfWork[MembersRepository], identity: Identity, payroll: PayrollClient, data: dict, today: date
) -> dict:
    """Start a status period on `valid_from`, closing the current one the day before."""
    require_role(identity, *OPERATORS)
    cooperative_id = acting_cooperative(identity)
    member = uow.repo.member(cooperative_id, str(data["member_id"]))
    key = data["status_model"]
    parameters = _checked_parameters(
        uow.repo.cooperative_by_id(cooperative_id), payroll, key, data["parameters"]
    )
    history = uow.repo.status_history(member.id)
    if not starts_after_current(history, data["valid_from"]):
        raise BusinessRuleViolation(
            "A new status starts after the current one.",
            {"current_valid_from": history[-1].valid_from.isoformat()},
        )
    if history:
        history[-1].valid_until = day_before(data["valid_from"])
    uow.repo.add(
        MemberStatus(
            cooperative_id=cooperative_id,
            member_id=member.id,
            status_model=key,
            parameters=parameters,
            valid_from=data["valid_from"],
        )
    )
    uow.repo.flush()
    uow.emit(
        "member_status_model_changed",
        cooperative_id,
        identity.cooperative,
        {"member_id": member.id, "status_model": key, "valid_from": data["valid_from"].isoformat()},
    )
    audit.record(
        uow,
        identity,
        "members.status_model_changed",
        member.id,
        {"status_model": key, "valid_from": data["valid_from"].isoformat()},
    )
    return member_view(member, uow.repo.status_history(member.id), today)


def _checked_parameters(cooperative, payroll: PayrollClient, key: str, parameters: dict) -> dict:
    """The member's parameters for model `key`, defaults filled in: the cooperative must have
    enabled the model, payroll must run it, the parameters must fit the model's schema."""
    if key not in cooperative.status_models:
        raise BusinessRuleViolation(
            f"The status model '{key}' is not enabled for {cooperative.slug}.",
            {"enabled": list(cooperative.status_models)},
        )
    schema = payroll.parameters_schema(key)
    if schema is None:
        raise ValidationError(fields={"status_model": [f"No status model '{key}' is installed."]})
    return validate_parameters(schema, parameters)

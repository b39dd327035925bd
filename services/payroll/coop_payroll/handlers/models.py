"""The installed status models: listing and simulating."""

from coop_payroll.domain.payslips import pay
from coop_payroll.views import result_out, status_model_out
from coop_shared.credentials import AUDITOR, MEMBER, OPERATORS, require_role
from coop_shared.dates import brussels_today
from coop_shared.errors import ValidationError
from coop_shared.money import Money
from coop_shared.status_models import PayRequest, validate_parameters


def list_status_models(models: dict) -> dict:
    """Public (no credential): which models this installation runs, with this month's rules."""
    period = brussels_today().strftime("%Y-%m")
    items = [status_model_out(m, period) for m in models.values()]
    return {"items": sorted(items, key=lambda i: i["key"]), "total": len(items)}


def model_for(models: dict, key: str):
    if key not in models:
        raise ValidationError(fields={"status_model": [f"No status model '{key}' is installed."]})
    return models[key]


def simulate(models: dict, identity, data: dict) -> dict:
    """A model's result for an amount and parameters, outside any run: nothing is stored, and
    no cooperative fact is given (the model uses the parameters or its defaults)."""
    require_role(identity, *OPERATORS, AUDITOR, MEMBER)
    model = model_for(models, data["status_model"])
    parameters = validate_parameters(model.parameters_schema(), data["parameters"])
    request = PayRequest(data["period"], data["mode"], Money(data["amount"]), parameters)
    return dict(result_out(pay(model, request)), status_model=model.key)

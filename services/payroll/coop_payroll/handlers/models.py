"""The installed status models: listing and simulating."""

from coop_payroll.schemas import result_out
from coop_shared.dates import brussels_today
from coop_shared.errors import BusinessRuleViolation, ValidationError
from coop_shared.money import Money
from coop_shared.status_models import NotEligible, PayRequest, validate_parameters


def list_status_models(models: dict) -> dict:
    items = [
        {
            "key": m.key,
            "label": m.label,
            "country": m.country,
            "pays": m.pays,
            "rules_version": m.rules_version(brussels_today().strftime("%Y-%m")),
            "parameters_schema": m.parameters_schema(),
        }
        for m in models.values()
    ]
    return {"items": sorted(items, key=lambda i: i["key"]), "total": len(items)}


def model_for(models: dict, key: str):
    if key not in models:
        raise ValidationError(fields={"status_model": [f"No status model '{key}' is installed."]})
    return models[key]


def compute(model, request: PayRequest):
    try:
        return model.compute(request)
    except NotEligible as exc:
        raise BusinessRuleViolation(str(exc), {"status_model": model.key}) from None
    except LookupError as exc:  # no parameter rows for that period
        raise ValidationError(fields={"period": [str(exc)]}) from None


def simulate(models: dict, data: dict) -> dict:
    model = model_for(models, data["status_model"])
    parameters = validate_parameters(model.parameters_schema(), data["parameters"])
    request = PayRequest(data["period"], data["mode"], Money(data["amount"]), parameters)
    return dict(result_out(compute(model, request)), status_model=model.key)

"""marshmallow schemas for every payroll payload, and the dicts the service returns."""

from decimal import Decimal

from marshmallow import Schema, fields, validate

from coop_shared.money import Money
from coop_shared.schema_fields import Amount, Bic, Iban, Rate
from coop_shared.status_models import BUDGET, GROSS
from coop_shared.wire_schemas import PageSchema

PERIOD = validate.Regexp(r"^20\d\d-(0[1-9]|1[0-2])$", error="A period reads YYYY-MM.")
MODES = validate.OneOf((BUDGET, GROSS))


class SimulateSchema(Schema):
    status_model = fields.String(required=True)
    period = fields.String(required=True, validate=PERIOD)
    mode = fields.String(required=True, validate=MODES)
    amount = Amount(required=True, positive=True)
    parameters = fields.Dict(load_default=dict)


class RunItemSchema(Schema):
    member_id = fields.UUID(required=True)
    activity_id = fields.UUID(required=True)
    mode = fields.String(required=True, validate=MODES)
    amount = Amount(required=True, positive=True)


class PrepareRunSchema(Schema):
    period = fields.String(required=True, validate=PERIOD)
    items = fields.List(fields.Nested(RunItemSchema), required=True, validate=validate.Length(1, 20000))


class ListPayslipsSchema(PageSchema):
    member_id = fields.UUID()
    period = fields.String(validate=PERIOD)
    run_id = fields.UUID()


class SettingsSchema(Schema):
    """The directors' social insurance fund: named with its account, or refused (an empty payload
    must not erase the fund the SEPA files pay)."""

    social_fund_name = fields.String(required=True, validate=validate.Length(1, 140))
    social_fund_iban = Iban(required=True)
    social_fund_bic = Bic(load_default=None)
    social_fund_fee_rate = Rate(load_default=Decimal("0.0305"))


def money(value) -> str:
    return str(Money(Decimal(value)))


def result_out(result) -> dict:
    """A status model's result on the wire."""
    return {
        "gross": str(result.gross),
        "net_to_pay": str(result.net_to_pay),
        "total_cost": str(result.total_cost),
        "lines": [line_out(line) for line in result.lines],
        "rules_version": result.rules_version,
        "payments": [{"to": to, "amount": str(amount)} for to, amount in result.payments],
        "notes": list(result.notes),
    }


def line_out(line) -> dict:
    return {
        "code": line.code,
        "label": line.label,
        "base": str(line.base) if line.base is not None else None,
        "rate": format(line.rate.normalize(), "f") if line.rate is not None else None,
        "amount": str(line.amount),
        "borne_by": line.borne_by,
    }


def payslip_out(p) -> dict:
    return {
        "id": p.id,
        "run_id": p.run_id,
        "period": p.period,
        "member_id": p.member_id,
        "activity_id": p.activity_id,
        "member_name": p.member.get("name"),
        "status_model": p.status_model,
        "mode": p.mode,
        "amount": money(p.amount),
        "gross": money(p.gross),
        "net_to_pay": money(p.net_to_pay),
        "total_cost": money(p.total_cost),
        "lines": p.lines,
        "payments": p.payments,
        "notes": p.notes,
        "rules_version": p.rules_version,
        "balance_before": money(p.balance_before),
        "balance_after": money(p.balance_after),
    }


def run_out(run) -> dict:
    return {
        "id": run.id,
        "period": run.period,
        "status": run.status,
        "payslips": [payslip_out(p) for p in run.payslips],
        "problems": [
            {"member_id": x.member_id, "activity_id": x.activity_id, "code": x.code, "message": x.message}
            for x in run.problems
        ],
        "total_cost": str(sum((Money(Decimal(p.total_cost)) for p in run.payslips), Money.zero())),
        "total_net_to_pay": str(sum((Money(Decimal(p.net_to_pay)) for p in run.payslips), Money.zero())),
    }

"""`flat_fee`: an invented model for tests only. The member is paid the amount less a flat
withholding of 10 %; the cooperative adds a 2 % management fee on top. It knows nothing of
the suite but the plugin contract."""

from decimal import ROUND_DOWN, Decimal

from coop_shared.money import Money
from coop_shared.status_models import BUDGET, COOPERATIVE, MEMBER, PayLine, PayRequest, PayResult, StatusModel

WITHHOLDING, FEE = Decimal("0.10"), Decimal("0.02")


class FlatFee(StatusModel):
    key = "flat_fee"
    label = {"fr": "Forfait (test)", "nl": "Forfait (test)", "en": "Flat fee (test)"}
    country = "XX"

    def rules_version(self, period: str) -> str:
        return "flat_fee/1"

    def compute(self, request: PayRequest) -> PayResult:
        if request.mode == BUDGET:
            gross = Money((request.amount.amount / (1 + FEE)).quantize(Decimal("0.01"), ROUND_DOWN))
        else:
            gross = request.amount
        lines = (
            PayLine(
                "flat_withholding", "Flat withholding", gross, WITHHOLDING, gross.times(WITHHOLDING), MEMBER
            ),
            PayLine("management_fee", "Management fee", gross, FEE, gross.times(FEE), COOPERATIVE),
        )
        return PayResult(
            gross, gross - lines[0].amount, gross + lines[1].amount, lines, self.rules_version(request.period)
        )

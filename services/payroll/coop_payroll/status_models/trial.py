"""`trial`: a test phase (e.g. during an accompaniment track). Invoicing is allowed and the
turnover accumulates on the activity; no remuneration is paid."""

from coop_shared.status_models import NotEligible, PayRequest, PayResult, StatusModel


class Trial(StatusModel):
    key = "trial"
    label = {"fr": "Phase de test", "nl": "Testfase", "en": "Trial"}
    pays = False

    def rules_version(self, period: str) -> str:
        return "trial/1"

    def eligibility(self, request: PayRequest) -> list[str]:
        return ["Trial status: the activity may invoice, but no remuneration is paid during the test phase."]

    def compute(self, request: PayRequest) -> PayResult:
        raise NotEligible(self.eligibility(request)[0])

"""payroll: nameko entrypoints only. Validate, call one handler, return."""

from coop_payroll.orm import Base
from coop_shared.runtime.caller import Caller
from coop_shared.runtime.database import Database
from coop_shared.runtime.entrypoints import CredentialRevocationListener
from coop_shared.runtime.health import HealthMixin


class PayrollService(HealthMixin, CredentialRevocationListener):
    name = "payroll"

    uow = Database(Base.metadata)
    caller = Caller()

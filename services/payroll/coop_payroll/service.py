"""payroll: nameko entrypoints only. Validate, call one handler, return."""

from coop_payroll.orm import Base
from coop_shared.runtime.caller import Caller
from coop_shared.runtime.database import Database
from coop_shared.runtime.entrypoints import CredentialRevocationListener
from coop_shared.runtime.common_rpc import CommonRpc


class PayrollService(CommonRpc, CredentialRevocationListener):
    name = "payroll"

    uow = Database(Base.metadata)
    caller = Caller()

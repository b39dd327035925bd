"""The typed errors every RPC method may raise.

They cross the bus as themselves (see `coop_shared.runtime.errors`), so an integrator catches
`coop_shared.errors.NotFound`, not a generic remote error. Every argument is JSON-safe so the
exception can be rebuilt on the caller's side from its `args`.
"""


class CoopError(Exception):
    """Root of every error the suite raises on purpose."""

    code = "coop_error"

    def __init__(self, message="", details=None):
        super().__init__(message, details or {})

    @property
    def message(self):
        return self.args[0]

    @property
    def details(self):
        return self.args[1]

    def __str__(self):
        if self.details:
            return f"{self.message} {self.details}"
        return self.message


class ValidationError(CoopError):
    """The payload is malformed; `fields` maps each bad field to its messages."""

    code = "validation_error"

    def __init__(self, message="Invalid payload.", fields=None):
        super().__init__(message, fields or {})

    @property
    def fields(self):
        return self.details


class NotFound(CoopError):
    """No such record in the caller's cooperative (another cooperative's ids included)."""

    code = "not_found"


class Forbidden(CoopError):
    """No credential, a revoked or unknown one, or a role that may not do this."""

    code = "forbidden"


class Conflict(CoopError):
    """The request clashes with the current state (duplicate slug, concurrent change)."""

    code = "conflict"


class BusinessRuleViolation(CoopError):
    """The request is well formed but a business rule refuses it."""

    code = "business_rule_violation"


ALL_ERRORS = (CoopError, ValidationError, NotFound, Forbidden, Conflict, BusinessRuleViolation)

"""The contract's typed errors as HTTP statuses, each with a JSON body naming its code.

    {"error": {"code": "validation_error", "message": "Invalid payload.",
               "fields": {"lines.0.vat_rate": ["..."]}}}

`BusinessRuleViolation` is 422: the request is well formed and the current state is not at
fault, a rule refuses it (an invoice without lines, a payslip over the balance); `Conflict` (409)
is kept for a clash with the current state, which may pass once that state changes (a slug
taken, an idempotency key reused with another payload). Anything unexpected is a 500 that shows
no internals; a broker that does not take the call is 503 (docs/adr/023-http-api.md).
"""

from __future__ import annotations

from coop_shared.errors import (
    BusinessRuleViolation,
    Conflict,
    CoopError,
    Forbidden,
    NotFound,
    ValidationError,
)

STATUS = {
    ValidationError: 422,
    NotFound: 404,
    Forbidden: 403,
    Conflict: 409,
    BusinessRuleViolation: 422,
}
# The codes the gateway adds for what happens before or around the RPC call.
GATEWAY_CODES = {
    400: "bad_request",
    401: "unauthorized",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "too_large",
    415: "unsupported_media_type",
    429: "too_many_requests",
    500: "internal_error",
    503: "unavailable",
    504: "timeout",
}
CODES = sorted(
    {error.code for error in (CoopError, *STATUS)} | set(GATEWAY_CODES.values()),
)


def body(code: str, message: str, fields: dict | None = None) -> dict:
    error = {"code": code, "message": message}
    if fields is not None:
        error["fields"] = fields
    return {"error": error}


def retry_after(error: CoopError) -> int | None:
    """Seconds to wait, when a rule refuses for a while only: a locked login says
    `retry_after_seconds` (docs/adr/024-accounts-for-people.md); answered 429 with Retry-After."""
    details = error.details if isinstance(error, BusinessRuleViolation) else None
    if not isinstance(details, dict) or "retry_after_seconds" not in details:
        return None
    try:
        return max(1, int(float(str(details["retry_after_seconds"]))))
    except ValueError:
        return None


def typed(error: CoopError) -> tuple[int, dict]:
    """(status, body) of a typed error raised by a service."""
    status = next((s for cls, s in STATUS.items() if isinstance(error, cls)), 400)
    if retry_after(error) is not None:
        status = 429
    fields = error.fields if isinstance(error, ValidationError) else None
    return status, body(error.code, error.message or type(error).__name__, fields)


def gateway(status: int, message: str) -> tuple[int, dict]:
    return status, body(GATEWAY_CODES.get(status, "error"), message)

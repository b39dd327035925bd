"""One compiled validator per process (compiling the Peppol Schematron takes seconds), shared
by every worker of the process under a lock: Saxon calls do not yield to other greenthreads,
and the lock keeps real threads from sharing it at once (einvoicing/validator.py)."""

from __future__ import annotations

import threading

from coop_billing.einvoicing.validator import Report, Validator

_lock = threading.Lock()
_validator: Validator | None = None


def validate(content: bytes) -> Report:
    """The report of the UBL XSD, the CEN EN 16931 rules and the Peppol BIS 3.0 rules."""
    global _validator
    with _lock:
        if _validator is None:
            _validator = Validator()
        return _validator.validate(content)


def findings_out(report: Report) -> list[dict]:
    """The fatal findings of a report, as stored and shown to staff."""
    return [
        {"rule": f.rule, "flag": f.flag, "location": f.location, "text": f.text, "rule_set": f.rule_set}
        for f in report.fatal
    ]

"""Use cases of payroll: status models (list, simulate), runs (prepare, close, read),
payslips (read, list, render), settings and the SEPA file. Each checks the caller's role and
works through the unit of work (coop_shared.unit_of_work): `uow.repo`, `uow.emit`."""

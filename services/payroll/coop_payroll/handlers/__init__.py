"""Use cases of payroll: simulation, runs (prepare, close), payslips, SEPA, rendering."""

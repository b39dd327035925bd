"""Documents payroll produces: the payslip PDF."""

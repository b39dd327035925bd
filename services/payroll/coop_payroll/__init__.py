"""payroll: status-model plugins, payroll runs and payslips."""

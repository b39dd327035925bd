"""The payroll rules, framework-free (.importlinter, "Domain rules import no framework"):
periods and run states (`runs`), and what a payslip must pass and how its figures are built
(`payslips`). The status models compute the pay itself (coop_shared.status_models)."""

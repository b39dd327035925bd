"""Built-in status models, registered through the `coop.status_models` entry points
(services/payroll/pyproject.toml) exactly as a third-party model would be."""

"""Pure accounting rules: the chart, balanced entries, periods, VAT grids (no framework)."""

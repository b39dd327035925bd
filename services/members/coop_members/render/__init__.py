"""Documents members prints: the funder report of a programme (PDF)."""

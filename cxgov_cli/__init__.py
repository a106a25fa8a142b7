"""`cxgov`: the command-line client of the cxgov API (never shipped in the Lambda package)."""

"""The surge watch (DESIGN.md "Surge watch and backlog risk"): surges of intake against a robust
weekly baseline, the backlog's FIFO forecast over staffed hours, and the alerts the hourly job
records, from the hourly counters voc keeps (voc/hourly.py)."""

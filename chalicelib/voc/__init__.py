"""Voice of the customer: feedback records (feedback.py, records.py, store.py), their counters and
summary (facts.py, counters.py, summary.py, reconcile.py), imports in cxgov's fields or a source's
own format (ingest*.py, profiles*.py, builtin/), following sources over time (updates.py), and
pulling Open311 sources on a schedule (sources*.py, pull.py). Other domains call service.py."""

"""What other domains ask of the surveys a department collects first-hand:
- a11 (the quarterly CX collection): per journey, how often its surveys were offered (their
  questions shown, on the hosted page or an embed) and answered in those months."""
from __future__ import annotations

from chalicelib.surveys import store


def journey_offers(dept: str, first_month: str, last_month: str) -> dict[str, dict[str, int]]:
    """journey id -> {"views", "responses"} of the department's surveys in those months."""
    found: dict[str, dict[str, int]] = {}
    for name, value in store.counters(dept, first_month, last_month).items():
        parts = name.split("__")
        if len(parts) == 4 and parts[1] == "journey" and parts[3] in ("views", "responses"):
            found.setdefault(parts[2], {"views": 0, "responses": 0})[parts[3]] += int(value)
    return found


def survey_counts(dept: str, survey_id: str, first_month: str, last_month: str) -> dict[str, int]:
    """{"views", "responses", "honeypot"} of one survey in those months."""
    counters = store.counters(dept, first_month, last_month)
    return {what: int(counters.get(f"srv__survey__{survey_id}__{what}", 0))
            for what in ("views", "responses", "honeypot")}

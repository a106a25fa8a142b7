"""A realistic FY2017 (1 October 2016 - 30 September 2017) for each demo department, so that every
dashboard page has trends on a first start: thousands of feedback records with weekly and seasonal
patterns written through the batch import path, KPI measurements for every month (or quarter) of
the year computed from the same feedback where they measure it, and recommendations at every stage
of their lifecycle (devtools/seed_year_audits.py).

The SMOC (corp-comms) follows MS-AR-17-006's figures (DOMAIN.md): 43% of responses within the
six-hour target and a 16-hour mean first response, about 31% of posts outside staffed hours (Mon-Fri
08:00-18:00 Eastern) with 17% between 18:00 and 22:00, Instagram never answered, Facebook answered
inconsistently, and a holiday peak on 23 December 2016 with most posts left unanswered.

Deterministic (a seeded random generator) and repeatable: every row names its source, so a second
run imports nothing (`duplicate`) and PUTs identical measurements (no write)."""
from __future__ import annotations

import math
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from chalicelib.core.auth import Principal

FY_START, FY_END = date(2016, 10, 1), date(2017, 10, 1)
SOURCE_SYSTEM = "demo-fy2017"
IMPORT_CHUNK = 2000
CATEGORIES = (("complaint", 0.35), ("request_for_help", 0.30), ("question", 0.20), ("compliment", 0.10),
              ("suggestion", 0.05))


@dataclass(frozen=True)
class Profile:
    """How one department's year of feedback looks."""

    per_day: float  # mean records on a weekday of an ordinary month
    zone: str
    channels: tuple[tuple[str, float], ...]
    answered: dict[str, float]  # channel -> share of actionable items that get an answer
    within: float  # share of answers within the target
    target_hours: float
    late_mean_hours: float  # mean delay beyond the target of a late answer
    weekend: float  # weekend volume relative to a weekday
    months: dict[int, float] = field(default_factory=dict)  # month -> volume factor
    peak_days: dict[date, float] = field(default_factory=dict)  # day -> volume factor
    # local hour -> weight on weekdays (the rest of the day shares what is left)
    hours: tuple[tuple[range, float], ...] = ((range(8, 18), 0.80), (range(18, 22), 0.16), (range(0, 24), 0.04))
    comments: tuple[str, ...] = ()
    scored: float = 0.2  # share of records with survey scores


PROFILES = {
    "corp-comms": Profile(
        per_day=10, zone="America/New_York",
        channels=(("twitter", 0.62), ("facebook", 0.30), ("instagram", 0.08)),
        answered={"twitter": 0.85, "facebook": 0.5, "instagram": 0.0}, within=0.43, target_hours=6,
        late_mean_hours=20.5, weekend=0.4, months={11: 1.2, 12: 1.9, 1: 1.1, 7: 0.85, 8: 0.85},
        peak_days={date(2016, 12, 23): 5.0, date(2016, 12, 22): 2.0, date(2016, 12, 26): 2.5},
        hours=((range(8, 18), 0.78), (range(18, 22), 0.19), (range(0, 24), 0.03)),
        comments=("where is my package? tracking has not updated for days",
                  "carrier skipped our street again this week",
                  "are post offices open on the holiday?",
                  "tracking says delivered but nothing arrived",
                  "long line at the post office, only one window open",
                  "thank you to our carrier for delivering in the snow",
                  "please add weekend hours for passport appointments",
                  "my package was damaged, who do I talk to?")),
    "customer-care": Profile(
        per_day=7, zone="America/Chicago",
        channels=(("phone", 0.5), ("web", 0.25), ("email", 0.15), ("chat", 0.10)),
        answered={"phone": 0.99, "web": 0.95, "email": 0.95, "chat": 0.98}, within=0.86, target_hours=24,
        late_mean_hours=30, weekend=0.5, months={12: 1.6, 1: 1.2},
        hours=((range(8, 20), 0.88), (range(20, 23), 0.08), (range(0, 24), 0.04)),
        comments=("caller asked about a lost money order", "web form: redelivery never came",
                  "package held at the wrong facility", "change of address not applied",
                  "thanks for sorting out my claim quickly")),
    "public-works": Profile(
        per_day=5.5, zone="America/Los_Angeles",
        channels=(("app_311", 0.55), ("phone", 0.30), ("web", 0.15)),
        answered={"app_311": 0.9, "phone": 0.95, "web": 0.85}, within=0.72, target_hours=48,
        late_mean_hours=60, weekend=0.7, months={1: 1.4, 2: 1.4, 6: 1.1, 7: 1.1},
        hours=((range(7, 19), 0.80), (range(19, 23), 0.15), (range(0, 24), 0.05)),
        comments=("missed trash pickup on our block", "pothole on the avenue still not fixed",
                  "streetlight out at the corner", "graffiti on the underpass",
                  "bulky item pickup never came", "thank you for clearing the storm drain")),
    "parks": Profile(
        per_day=3.5, zone="America/Denver",
        channels=(("web", 0.45), ("phone", 0.35), ("in_person", 0.20)),
        answered={"web": 0.93, "phone": 0.95, "in_person": 0.9}, within=0.88, target_hours=72,
        late_mean_hours=48, weekend=1.3, months={5: 1.6, 6: 1.9, 7: 1.9, 8: 1.6, 11: 0.6, 12: 0.5, 1: 0.5, 2: 0.6},
        hours=((range(9, 17), 0.75), (range(17, 21), 0.20), (range(0, 24), 0.05)),
        comments=("picnic shelter booking was double-booked", "lovely new playground at Riverside park",
                  "restrooms at the trailhead were closed", "how do I book the pavilion for a birthday?",
                  "sprinklers flooding the path every morning")),
}


def _pick(rng: random.Random, weighted: tuple[tuple[str, float], ...]) -> str:
    roll, total = rng.random(), 0.0
    for value, weight in weighted:
        total += weight
        if roll < total:
            return value
    return weighted[-1][0]


def _count(rng: random.Random, mean: float) -> int:
    return max(0, round(rng.gauss(mean, math.sqrt(mean))))


def _local_time(rng: random.Random, day: date, profile: Profile) -> datetime:
    weekend = day.weekday() >= 5
    hours = ((range(9, 21), 0.9), (range(0, 24), 0.1)) if weekend else profile.hours
    roll, total = rng.random(), 0.0
    span = hours[-1][0]
    for span, weight in hours:
        total += weight
        if roll < total:
            break
    hour = rng.choice(list(span))
    return datetime(day.year, day.month, day.day, hour, rng.randrange(60), rng.randrange(60),
                    tzinfo=ZoneInfo(profile.zone))


def _scores(rng: random.Random, good: bool) -> dict:
    base = 4 if good else 2
    clamp = lambda v, lo, hi: max(lo, min(hi, v))  # noqa: E731
    return {"csat": clamp(base + rng.choice((-1, 0, 0, 1)), 1, 5),
            "nps": clamp((8 if good else 4) + rng.choice((-3, -1, 0, 1, 2)), 0, 10),
            "ces": clamp((2 if good else 5) + rng.choice((-1, 0, 1)), 1, 7),
            "a11": {"trust": clamp(base + rng.choice((-1, 0, 1)), 1, 5),
                    "ease": clamp(base + rng.choice((-1, 0, 1)), 1, 5),
                    "effectiveness": clamp(base + rng.choice((-1, 0, 0, 1)), 1, 5)}}


def feedback_rows(dept: str) -> list[dict]:
    """The department's FY2017 feedback in the import's native format, oldest first."""
    profile = PROFILES[dept]
    rng = random.Random(f"cxgov-fy2017-{dept}")
    rows: list[dict] = []
    day = FY_START
    while day < FY_END:
        mean = profile.per_day * (profile.weekend if day.weekday() >= 5 else 1.0)
        mean *= profile.months.get(day.month, 1.0) * profile.peak_days.get(day, 1.0)
        peak = profile.peak_days.get(day, 1.0) >= 3
        # After the audit (May 2017) the SMOC improves a little each month.
        improving = 1.0 + (0.04 * (day.month - 5) if dept == "corp-comms" and day >= date(2017, 6, 1) else 0.0)
        for _ in range(_count(rng, mean)):
            received = _local_time(rng, day, profile).astimezone(timezone.utc)
            channel = _pick(rng, profile.channels)
            category = _pick(rng, CATEGORIES)
            actionable = category != "compliment"
            row = {"channel": channel, "received_at": received.isoformat(), "category": category,
                   "actionable": actionable, "comment": rng.choice(profile.comments),
                   "source_system": SOURCE_SYSTEM, "source_id": f"{dept}-{len(rows):05d}"}
            answered = rng.random() < profile.answered.get(channel, 0.9) * (0.3 if peak else 1.0)
            good = False
            if answered:
                if rng.random() < min(0.95, profile.within * improving):
                    delay = rng.uniform(0.15, profile.target_hours)
                    good = True
                else:
                    delay = profile.target_hours + min(rng.expovariate(1 / profile.late_mean_hours), 400)
                row["first_responded_at"] = (received + timedelta(hours=delay)).isoformat(timespec="seconds")
            if rng.random() < profile.scored:
                row.update(_scores(rng, good))
            rows.append(row)
        day += timedelta(days=1)
    return rows


def monthly_response_figures(rows: list[dict], zone: str) -> dict[str, tuple[int, int, float]]:
    """month -> (answered within the target, answered, mean first response hours), from the rows,
    as the SMOC's own dashboard reports them (responses only, like MS-AR-17-006's figures)."""
    by_month: dict[str, list[float]] = defaultdict(list)
    for row in rows:
        if "first_responded_at" not in row:
            continue
        received = datetime.fromisoformat(row["received_at"])
        hours = (datetime.fromisoformat(row["first_responded_at"]) - received).total_seconds() / 3600
        by_month[received.astimezone(ZoneInfo(zone)).strftime("%Y-%m")].append(hours)
    return {m: (sum(1 for h in hs if h <= 6), len(hs), round(sum(hs) / len(hs), 1)) for m, hs in by_month.items()}


def seed_feedback(seeder: Principal) -> dict[str, int]:
    """Imports every department's year in chunks through the batch import path; answers the
    records created per department (0 on a second run)."""
    from chalicelib.voc import store as feedback_dal
    from chalicelib.voc import ingest

    created = {}
    for dept in PROFILES:
        rows = feedback_rows(dept)
        # Chunks are imported in order: when the last row is there, the whole year is (a re-run
        # then costs one read instead of re-checking every row).
        if feedback_dal.source_owner(dept, SOURCE_SYSTEM, rows[-1]["source_id"]) is not None:
            created[dept] = 0
            continue
        created[dept] = sum(
            ingest.import_feedback(dept, [("json", r) for r in rows[i:i + IMPORT_CHUNK]], seeder).created
            for i in range(0, len(rows), IMPORT_CHUNK))
    return created


FY2017_MONTHS = [f"2016-{m}" for m in ("10", "11", "12")] + [f"2017-{m:02d}" for m in range(1, 10)]
FY2017_QUARTERS = ["2016-Q4", "2017-Q1", "2017-Q2", "2017-Q3"]

# New KPIs for the year (the v1 seed's KPIs are kept as they are): derived ones, and a monthly one for parks.
YEAR_KPIS = {
    "customer-care": [{"name": "Contacts answered within 24 hours (from feedback)", "unit": "percent",
                       "direction": "higher", "frequency": "monthly", "target": 90,
                       "derived_from": "voc.within_target_share"}],
    "public-works": [{"name": "311 requests answered within 48 hours (from feedback)", "unit": "percent",
                      "direction": "higher", "frequency": "monthly", "target": 80,
                      "derived_from": "voc.within_target_share"}],
    "parks": [{"name": "Shelter booking call-back within one business day", "unit": "percent",
               "direction": "higher", "frequency": "monthly", "target": 90}],
}


def _measurements(rng: random.Random) -> dict[tuple[str, str], dict[str, dict]]:
    """(department, KPI name) -> {period: measurement body} for FY2017."""
    smoc = monthly_response_figures(feedback_rows("corp-comms"), PROFILES["corp-comms"].zone)
    out: dict[tuple[str, str], dict[str, dict]] = {}
    out[("corp-comms", "Social media first response within 6 hours")] = {
        m: {"numerator": smoc[m][0], "denominator": smoc[m][1], "source": "SMOC response dashboard"}
        for m in FY2017_MONTHS if m in smoc}
    out[("corp-comms", "Social media average first response time")] = {
        m: {"value": smoc[m][2], "source": "SMOC response dashboard"} for m in FY2017_MONTHS if m in smoc}
    total = (sum(smoc[m][0] for m in FY2017_MONTHS if m in smoc), sum(smoc[m][1] for m in FY2017_MONTHS if m in smoc))
    out[("corp-comms", "Social media responses within target, FY")] = {
        "FY2017": {"numerator": total[0], "denominator": total[1], "source": "SMOC response dashboard"}}
    calls = {"2016-Q4": 84000, "2017-Q1": 79000, "2017-Q2": 76000, "2017-Q3": 74000}
    out[("customer-care", "Calls answered within 20 seconds")] = {
        q: {"numerator": round(n * share), "denominator": n, "source": "ACD report"}
        for (q, n), share in zip(calls.items(), (0.78, 0.81, 0.83, 0.84))}
    out[("customer-care", "Abandonment rate")] = {
        q: {"numerator": round(n * share), "denominator": n, "source": "ACD report"}
        for (q, n), share in zip(calls.items(), (0.061, 0.052, 0.047, 0.044))}
    out[("customer-care", "Post-contact CSAT")] = {
        q: {"numerator": round(2200 * share), "denominator": 2200, "sample_size": 2200, "source": "post-call survey"}
        for q, share in zip(FY2017_QUARTERS, (0.81, 0.83, 0.86, 0.87))}
    out[("public-works", "311 first contact resolution")] = {
        m: {"numerator": round(4000 * (0.70 + 0.01 * i + rng.uniform(-0.02, 0.02))), "denominator": 4000,
            "source": "311 CRM"} for i, m in enumerate(FY2017_MONTHS)}
    out[("public-works", "Ease of reporting (A-11)")] = {
        "FY2017": {"numerator": 655, "denominator": 820, "sample_size": 820, "source": "A-11 post-transaction survey"}}
    out[("parks", "Booking NPS")] = {
        q: {"value": v, "sample_size": 300, "source": "booking survey"}
        for q, v in zip(FY2017_QUARTERS, (24, 28, 35, 38))}
    out[("parks", "Shelter booking call-back within one business day")] = {
        m: {"numerator": round(120 * (0.86 + rng.uniform(-0.05, 0.06))), "denominator": 120, "source": "booking system"}
        for m in FY2017_MONTHS}
    return out


def seed_kpis() -> list[str]:
    """The year's KPIs (created when missing, matched by name) and FY2017 measurements of every
    typed KPI. Answers the KPIs it created."""
    from chalicelib.org import journeys
    from chalicelib.kpis import service as kpis
    from chalicelib.kpis.schemas import KpiCreate, MeasurementPut

    created = []
    rng = random.Random("cxgov-fy2017-kpis")
    wanted = _measurements(rng)
    for dept in PROFILES:
        seeder = Principal(subject="seed", role="dcxo", department=dept, name="demo seed")
        existing = {k.name: k for k in kpis.list_kpis(dept, None, 200, None)[0]}
        journey = journeys.list_journeys(dept, 1, None)[0][0]
        for definition in YEAR_KPIS.get(dept, []):
            if definition["name"] not in existing:
                kpi = kpis.create_kpi(dept, KpiCreate.model_validate({**definition, "journey_id": journey.id}), seeder)
                existing[kpi.name] = kpi
                created.append(f"{dept}: {kpi.name}")
        for (owner, name), periods in wanted.items():
            if owner != dept or name not in existing:
                continue
            for period, body in periods.items():
                kpis.put_measurement(dept, existing[name].id, period, MeasurementPut.model_validate(body), seeder)
    return created


def seed() -> list[str]:
    """The whole year: feedback, KPIs and measurements, recommendations at every stage."""
    from devtools import seed_year_audits

    seeder = Principal(subject="seed", role="ccxo", department=None, name="demo seed")
    created = [f"{dept}: {n} FY2017 feedback record(s)" for dept, n in seed_feedback(seeder).items() if n]
    return created + seed_kpis() + seed_year_audits.seed()

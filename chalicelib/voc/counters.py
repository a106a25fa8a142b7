"""The voice-of-the-customer measures as pure functions over feedback facts (facts.py) and counters.

One rule keeps the pre-aggregated counters exact: the counters a feedback record contributes are a
pure function of its state (`contributions(facts)`). Every write adds
`contributions(new) - contributions(old)` in the same transaction as the record; the reconcile
command recounts `sum(contributions(record))` over the records. The summary is computed from the
counters only (`summarize`), with the clock supplied by the caller for the time-dependent figures.

Scopes (aggregate items, sk `AGG#{scope}`, all under pk `{dept}`; see docs/data-model.md):
- `VOC#{yyyy-mm}`: month of receipt in the department's zone; volumes, responses, scores.
- `VOCRT#{yyyy-mm}#{channel}`: first-response-time histogram of that month's items on that channel.
- `VOCDUE#{yyyy-mm}#{yyyy-mm-dd}`: unanswered actionable items of that month, by UTC due date and
  minute, per channel. The month item also counts them by due day (`voc__dueday__{channel}__{day}`):
  overdue-at-a-moment is every item due on an earlier day plus today's buckets up to the moment.
- `VOCFY#FY{yyyy}` and `VOCFYDUE#FY{yyyy}#{yyyy-mm-dd}`: the same counters as the month and due
  items, summed over the federal fiscal year of the month of receipt (issue 31), so a fiscal-year
  rollup reads one item per department instead of twelve.
- `VOCHR#{yyyy-mm-ddThh}`: UTC hour; intake, first responses and the backlog ledger (hourly.py)."""
from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import datetime, timezone
from typing import Iterable, Mapping

from chalicelib.voc import hourly
from chalicelib.voc.facts import FeedbackFacts

CHANNELS = ("phone", "email", "web", "chat", "sms", "facebook", "twitter", "instagram", "in_person",
            "mail", "app_311", "other")
CATEGORIES = ("complaint", "request_for_help", "question", "compliment", "suggestion", "other")
A11_DRIVERS = ("satisfaction", "trust", "effectiveness", "ease", "efficiency", "transparency",
               "humanity", "employee_helpfulness")
MINUTE_BUCKETS_UP_TO = 7 * 24 * 60  # response times below 7 days are kept to the minute, then to the hour

Counters = dict[str, dict[str, int]]  # scope -> counter name -> value


# --- counters ---------------------------------------------------------------------------------

def main_scope(month: str) -> str:
    return f"VOC#{month}"


def rt_scope(month: str, channel: str) -> str:
    return f"VOCRT#{month}#{channel}"


def due_scope(month: str, due_day: str) -> str:
    return f"VOCDUE#{month}#{due_day}"


def fiscal_year(month: str) -> str:
    """`FY2017` for every month from 2016-10 to 2017-09 (US federal fiscal year)."""
    year, number = int(month[:4]), int(month[5:7])
    return f"FY{year + (number >= 10):04d}"


def fy_scope(fy: str) -> str:
    return f"VOCFY#{fy}"


def fy_due_scope(fy: str, due_day: str) -> str:
    return f"VOCFYDUE#{fy}#{due_day}"


def rt_bucket(seconds: int) -> str:
    minutes = max(seconds, 0) // 60
    if minutes < MINUTE_BUCKETS_UP_TO:
        return f"rt__m{minutes}"
    return f"rt__h{minutes // 60}"


def bucket_minutes(name: str) -> int:
    """The response time (whole minutes, floored) a histogram bucket stands for."""
    unit, value = name[4], int(name[5:])
    return value if unit == "m" else value * 60


def contributions(f: FeedbackFacts) -> Counters:
    out: Counters = defaultdict(dict)
    main, ch = out[main_scope(f.month)], f"voc__ch__{f.channel}"

    def add(bag: dict[str, int], name: str, value: int = 1) -> None:
        if value:
            bag[name] = bag.get(name, 0) + value

    add(main, "voc__volume")
    add(main, f"{ch}__volume")
    add(main, f"voc__cat__{f.category}__volume")
    add(main, "voc__out_of_hours", int(f.out_of_hours))
    add(main, "voc__actionable", int(f.actionable))
    add(main, "voc__ever_actionable", int(f.ever_actionable))
    add(main, "voc__reclassified_na", int(f.reclassified_not_actionable))
    add(main, "voc__reclassified_na_changes", f.reclassification_changes)
    seconds = f.response_seconds
    if seconds is not None:
        for prefix in ("voc", ch):
            add(main, f"{prefix}__responded")
            add(main, f"{prefix}__rt_seconds", seconds)
        add(out[rt_scope(f.month, f.channel)], rt_bucket(seconds))
        if f.actionable:
            for prefix in ("voc", ch):
                add(main, f"{prefix}__due_responded")
                add(main, f"{prefix}__within", int(f.within_target))
    elif f.actionable:
        due = f.due_at.astimezone(timezone.utc)
        day = due.strftime("%Y-%m-%d")
        add(out[due_scope(f.month, day)], f"due__{f.channel}__{due.strftime('%H%M')}")
        # The same item by due day on the month item: whole past days need no due-minute item.
        add(main, f"voc__dueday__{f.channel}__{day}")
    if f.nps is not None:
        add(main, "voc__nps__n")
        add(main, "voc__nps__promoters", int(f.nps >= 9))
        add(main, "voc__nps__detractors", int(f.nps <= 6))
    if f.csat is not None:
        add(main, "voc__csat__n")
        add(main, "voc__csat__top2", int(f.csat >= 4))
    if f.ces is not None:
        add(main, "voc__ces__n")
        add(main, "voc__ces__sum", f.ces)
    for driver in A11_DRIVERS:
        score = (f.a11 or {}).get(driver)
        if score is not None:
            add(main, f"voc__a11__{driver}__n")
            add(main, f"voc__a11__{driver}__agree", int(score >= 4))
    if f.journey_id:
        # OMB A-11's quarterly CX collection: customers, survey opportunities and respondents per journey.
        journey = f"voc__journey__{f.journey_id}"
        add(main, f"{journey}__volume")
        add(main, f"{journey}__offered", int(f.respondent or bool(f.survey_offered)))
        add(main, f"{journey}__respondents", int(f.respondent))
    # The fiscal year's items carry the same counts as the month's (the rollup's default period).
    fy = fiscal_year(f.month)
    for scope, bag in list(out.items()):
        if scope == main_scope(f.month):
            out[fy_scope(fy)] = dict(bag)
        elif scope.startswith("VOCDUE#"):
            out[fy_due_scope(fy, scope.rsplit("#", 1)[1])] = dict(bag)
    for scope, bag in hourly.contributions(f).items():  # the surge watch's hourly items (hourly.py)
        for name, value in bag.items():
            add(out[scope], name, value)
    return {scope: bag for scope, bag in out.items() if bag}


def merge(*many: Counters, sign: int = 1) -> Counters:
    total: Counters = defaultdict(dict)
    for counters in many:
        for scope, bag in counters.items():
            for name, value in bag.items():
                total[scope][name] = total[scope].get(name, 0) + sign * value
    return {scope: {n: v for n, v in bag.items() if v} for scope, bag in total.items()
            if any(bag.values())}


def delta(old: FeedbackFacts | None, new: FeedbackFacts) -> Counters:
    """What to add to the counters when a record goes from `old` (None: did not exist) to `new`."""
    if old is None:
        return contributions(new)
    return merge(contributions(new), merge(contributions(old), sign=-1))


def recount(facts: Iterable[FeedbackFacts]) -> Counters:
    return merge(*(contributions(f) for f in facts))


# --- summary ----------------------------------------------------------------------------------

def _share(part: float, whole: float) -> float | None:
    return round(part / whole, 6) if whole else None


def _median_minutes(histogram: Mapping[str, float]) -> float | None:
    values = sorted((bucket_minutes(name), int(count)) for name, count in histogram.items() if count > 0)
    n = sum(count for _, count in values)
    if not n:
        return None
    wanted = [(n - 1) // 2, n // 2]  # zero-based ranks of the middle one or two
    found, seen = [], 0
    for minutes, count in values:
        while wanted and wanted[0] < seen + count:
            found.append(minutes)
            wanted.pop(0)
        seen += count
    return statistics.fmean(found)


def _hours(responded: float, seconds: float, histogram: Mapping[str, float]) -> dict:
    median = _median_minutes(histogram)
    return {"mean": round(seconds / responded / 3600, 6) if responded else None,
            "median": round(median / 60, 6) if median is not None else None}


def overdue_today_needed(main: Mapping[str, float], now: datetime) -> bool:
    """Whether some unanswered item falls due today (UTC), so today's due-minute item must be read."""
    today = now.astimezone(timezone.utc).strftime("%Y-%m-%d")
    return any(count for name, count in main.items()
               if name.startswith("voc__dueday__") and name.endswith(f"__{today}"))


def _overdue_by_channel(main: Mapping[str, float], due_items: Mapping[str, Mapping[str, float]],
                        now: datetime) -> dict[str, int]:
    """Unanswered actionable items due at or before `now`, per channel: every item due on a day
    before today (the month items' per-day counts), and today's to the minute (today's due item)."""
    now_utc = now.astimezone(timezone.utc)
    today = now_utc.strftime("%Y-%m-%d")
    result: dict[str, int] = defaultdict(int)
    for name, count in main.items():
        if name.startswith("voc__dueday__") and count:
            _, _, channel, day = name.split("__")
            if day < today:
                result[channel] += int(count)
    for scope, bag in due_items.items():
        day = scope.rsplit("#", 1)[1]
        if day != today:
            continue
        for name, count in bag.items():
            _, channel, hhmm = name.split("__")
            due = datetime.strptime(f"{day} {hhmm}", "%Y-%m-%d %H%M").replace(tzinfo=timezone.utc)
            if due <= now_utc and count:
                result[channel] += int(count)
    return dict(result)


def summarize(period: str, items: Mapping[str, Mapping[str, float]], now: datetime) -> dict:
    """The VoC summary (DESIGN.md's shape) from the aggregate items of the period's months:
    `items` maps scope -> counters (main `VOC#`, `VOCRT#` and `VOCDUE#` scopes, any months; or a
    fiscal year's `VOCFY#` and `VOCFYDUE#` items, read only when no month item is given). Of the
    `VOCDUE#` items only today's (UTC) are needed; without `VOCRT#` items medians are null."""
    main: dict[str, float] = defaultdict(float)
    histograms: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    due_items: dict[str, Mapping[str, float]] = {}
    # A fiscal year's items repeat its months' counts: read them only when no month item is given.
    main_family, due_family = (("VOC", "VOCDUE") if any(s.startswith("VOC#") for s in items)
                               else ("VOCFY", "VOCFYDUE"))
    for scope, bag in items.items():
        family = scope.split("#", 1)[0]
        if family == main_family:
            for name, value in bag.items():
                main[name] += value
        elif family == "VOCRT":
            channel = scope.rsplit("#", 1)[1]
            for name, value in bag.items():
                histograms[channel][name] += value
        elif family == due_family:
            due_items[scope] = bag
    overdue = _overdue_by_channel(main, due_items, now)
    all_hist: dict[str, float] = defaultdict(float)
    for hist in histograms.values():
        for name, value in hist.items():
            all_hist[name] += value

    def g(name: str) -> float:
        return main.get(name, 0)

    by_channel = {}
    for channel in CHANNELS:
        ch = f"voc__ch__{channel}"
        if not g(f"{ch}__volume") and not overdue.get(channel):
            continue
        due_total = g(f"{ch}__due_responded") + overdue.get(channel, 0)
        by_channel[channel] = {
            "volume": int(g(f"{ch}__volume")),
            "responded": int(g(f"{ch}__responded")),
            "within_target_share": _share(g(f"{ch}__within"), due_total),
            "first_response_hours": _hours(g(f"{ch}__responded"), g(f"{ch}__rt_seconds"),
                                           histograms.get(channel, {})),
            "overdue_unanswered": overdue.get(channel, 0),
        }
    overdue_total = sum(overdue.values())
    nps_n = g("voc__nps__n")
    return {
        "period": period,
        "as_of": now,
        "volume": int(g("voc__volume")),
        "responded": int(g("voc__responded")),
        "actionable": int(g("voc__actionable")),
        "first_response_hours": _hours(g("voc__responded"), g("voc__rt_seconds"), all_hist),
        "within_target_share": _share(g("voc__within"), g("voc__due_responded") + overdue_total),
        "overdue_unanswered": overdue_total,
        "out_of_hours_share": _share(g("voc__out_of_hours"), g("voc__volume")),
        "nps": round((g("voc__nps__promoters") - g("voc__nps__detractors")) / nps_n * 100, 6) if nps_n else None,
        "csat": _share(g("voc__csat__top2"), g("voc__csat__n")),
        "ces": round(g("voc__ces__sum") / g("voc__ces__n"), 6) if g("voc__ces__n") else None,
        "a11": {d: _share(g(f"voc__a11__{d}__agree"), g(f"voc__a11__{d}__n")) for d in A11_DRIVERS},
        "reclassified_not_actionable": {
            "count": int(g("voc__reclassified_na")),
            "share": _share(g("voc__reclassified_na"), g("voc__ever_actionable")),
            "changes": int(g("voc__reclassified_na_changes")),
        },
        "by_channel": by_channel,
        "by_category": {c: int(g(f"voc__cat__{c}__volume")) for c in CATEGORIES if g(f"voc__cat__{c}__volume")},
    }

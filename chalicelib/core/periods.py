"""Reporting periods: `2017-03` (month), `2017-Q2` (calendar quarter), `FY2016` (US federal fiscal
year, 1 Oct 2015 - 30 Sep 2016), `FY2017-Q2` (federal fiscal quarter: January-March 2017; FY2017-Q1
is October-December 2016). One parser for the whole API. A moment belongs to a period in the
department's time zone: 23:59 on 31 December in Los Angeles is December."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Literal
from zoneinfo import ZoneInfo

Frequency = Literal["monthly", "quarterly", "fiscal_year"]
# What a period can be; KPIs are measured at a `Frequency`, reports also take fiscal quarters.
Kind = Literal["monthly", "quarterly", "fiscal_year", "fiscal_quarter"]
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_FISCAL = re.compile(r"^FY(\d{4})$")
_FISCAL_QUARTER = re.compile(r"^FY(\d{4})-Q([1-4])$")
MIN_YEAR, MAX_YEAR = 1900, 2999


@dataclass(frozen=True, order=True)
class Period:
    start: date  # first day, inclusive
    end: date  # first day after, exclusive
    frequency: Kind
    label: str

    def __str__(self) -> str:
        return self.label

    def contains(self, day: date) -> bool:
        return self.start <= day < self.end

    def months(self) -> list["Period"]:
        """The calendar months that make up this period, in order."""
        result, cursor = [], self.start
        while cursor < self.end:
            result.append(month(cursor.year, cursor.month))
            cursor = result[-1].end
        return result

    def utc_bounds(self, zone: str) -> tuple[datetime, datetime]:
        """[start, end) as aware datetimes, midnight to midnight in `zone`."""
        tz = ZoneInfo(zone)
        return (datetime.combine(self.start, time(), tz), datetime.combine(self.end, time(), tz))


def _next_month(year: int, m: int) -> date:
    return date(year + 1, 1, 1) if m == 12 else date(year, m + 1, 1)


def month(year: int, m: int) -> Period:
    return Period(date(year, m, 1), _next_month(year, m), "monthly", f"{year:04d}-{m:02d}")


def quarter(year: int, q: int) -> Period:
    first = 3 * (q - 1) + 1
    return Period(date(year, first, 1), _next_month(year, first + 2), "quarterly", f"{year:04d}-Q{q}")


def fiscal_year(fy: int) -> Period:
    return Period(date(fy - 1, 10, 1), date(fy, 10, 1), "fiscal_year", f"FY{fy:04d}")


def fiscal_quarter(fy: int, q: int) -> Period:
    """Quarter `q` of federal fiscal year `fy`: Q1 is October-December of the year before."""
    first_year, first_month = (fy - 1, 10) if q == 1 else (fy, 3 * (q - 2) + 1)
    start = date(first_year, first_month, 1)
    end_year, end_month = (fy, 1) if q == 1 else (fy, first_month + 3) if q < 4 else (fy, 10)
    return Period(start, date(end_year, end_month, 1), "fiscal_quarter", f"FY{fy:04d}-Q{q}")


def parse(text: str) -> Period:
    """`2017-03`, `2017-Q2`, `FY2016` or `FY2017-Q2`; anything else raises ValueError saying what
    is expected."""
    if not isinstance(text, str):
        raise ValueError("a period is text such as 2017-03, 2017-Q2, FY2016 or FY2017-Q2")
    for pattern, build in ((_MONTH, lambda g: month(int(g[0]), int(g[1]))),
                           (_QUARTER, lambda g: quarter(int(g[0]), int(g[1]))),
                           (_FISCAL, lambda g: fiscal_year(int(g[0]))),
                           (_FISCAL_QUARTER, lambda g: fiscal_quarter(int(g[0]), int(g[1])))):
        found = pattern.match(text)
        if found:
            if not MIN_YEAR <= int(found.group(1)) <= MAX_YEAR:
                raise ValueError(f"the year must be between {MIN_YEAR} and {MAX_YEAR}")
            return build(found.groups())
    raise ValueError("use 2017-03 (month), 2017-Q2 (quarter), FY2016 (federal fiscal year) "
                     "or FY2017-Q2 (federal fiscal quarter)")


def parse_fiscal_quarter(text: str) -> Period:
    """Only a federal fiscal quarter such as FY2017-Q2 (what OMB's quarterly CX collection takes)."""
    if not isinstance(text, str) or not _FISCAL_QUARTER.match(text):
        raise ValueError("use a federal fiscal quarter such as FY2017-Q2 (January-March 2017)")
    return parse(text)


def containing(day: date, frequency: Frequency) -> Period:
    if frequency == "monthly":
        return month(day.year, day.month)
    if frequency == "quarterly":
        return quarter(day.year, (day.month - 1) // 3 + 1)
    return fiscal_year(day.year + 1 if day.month >= 10 else day.year)


def local_date(moment: datetime, zone: str) -> date:
    """The calendar day of an aware moment in the department's zone."""
    return moment.astimezone(ZoneInfo(zone)).date()


def period_of(moment: datetime, zone: str, frequency: Frequency) -> Period:
    return containing(local_date(moment, zone), frequency)

"""Times without an offset, as 311 exports write them, read on the wall clock of a zone.

A wall time the zone skips (the spring DST gap) is refused: nobody can say which instant was
meant. A wall time the zone shows twice (the autumn fold) takes its first occurrence (PEP 495's
`fold=0`), the earlier instant, which is also the conservative reading for response times."""
from __future__ import annotations

from datetime import datetime, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

ISO = "iso"  # a profile's datetime_format for W3C / RFC 3339 times (an offset, or local when absent)


class LocalTimeError(ValueError):
    pass


@lru_cache(maxsize=64)
def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise LocalTimeError(f"unknown time zone {name!r}") from exc


def localize(naive: datetime, zone_name: str) -> datetime:
    """The instant that wall time `naive` names in the zone (first occurrence in a fold)."""
    tz = zone(zone_name)
    aware = naive.replace(tzinfo=tz, fold=0)
    back = aware.astimezone(timezone.utc).astimezone(tz).replace(tzinfo=None)
    if back != naive:
        raise LocalTimeError(f"{naive.isoformat(sep=' ')} does not exist in {zone_name} "
                             "(the clocks moved forward over it)")
    return aware


def parse(text: str, fmt: str, zone_name: str) -> datetime:
    """`text` read with strptime `fmt` (or ISO 8601 for `iso`); without an offset it is a wall time in
    the zone. Raises LocalTimeError with a message fit for the row's error."""
    try:
        moment = datetime.fromisoformat(text) if fmt == ISO else datetime.strptime(text, fmt)
    except ValueError:
        expected = "an ISO 8601 / W3C datetime" if fmt == ISO else f"the format {fmt!r}"
        raise LocalTimeError(f"{text!r} is not {expected}") from None
    if moment.tzinfo is not None:
        return moment
    return localize(moment, zone_name)

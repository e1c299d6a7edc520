"""ISO weeks in the configured time zone: the reporting period, as local days and UTC bounds."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


@dataclass(frozen=True)
class IsoWeek:
    """One ISO week (Monday to Sunday), e.g. 2026-W47."""

    year: int
    week: int

    @property
    def label(self) -> str:
        """The week as `YYYY-Www`."""
        return f"{self.year}-W{self.week:02d}"

    @property
    def monday(self) -> date:
        """Its first day."""
        return date.fromisocalendar(self.year, self.week, 1)

    def days(self) -> list[date]:
        """Its seven days, Monday first."""
        return [self.monday + timedelta(days=n) for n in range(7)]

    def bounds(self, tz: ZoneInfo) -> tuple[datetime, datetime]:
        """[Monday 00:00, next Monday 00:00) local time in `tz`, as UTC datetimes."""
        start = datetime.combine(self.monday, time(0), tzinfo=tz)
        end = datetime.combine(self.monday + timedelta(days=7), time(0), tzinfo=tz)
        return start.astimezone(UTC), end.astimezone(UTC)

    def previous(self) -> IsoWeek:
        """The week before."""
        return week_of(self.monday - timedelta(days=7))


def week_of(day: date) -> IsoWeek:
    """The ISO week that contains `day`."""
    iso = day.isocalendar()
    return IsoWeek(iso.year, iso.week)


def parse_week(text: str) -> IsoWeek:
    """`YYYY-Www` as an IsoWeek; ValueError with a readable message otherwise."""
    match = _WEEK.match(text.strip())
    if not match:
        raise ValueError(f"expected an ISO week like 2026-W47, got {text!r}")
    year, week = int(match[1]), int(match[2])
    try:
        date.fromisocalendar(year, week, 1)
    except ValueError:
        raise ValueError(f"{text!r}: {year} has no week {week}") from None
    return IsoWeek(year, week)


def last_complete_week(now: datetime, tz: ZoneInfo) -> IsoWeek:
    """The last ISO week that ended before `now`, in `tz`."""
    return week_of(now.astimezone(tz).date()).previous()

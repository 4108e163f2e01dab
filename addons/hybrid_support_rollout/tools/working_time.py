"""Working hours between two moments on a weekly calendar, without the ORM.

Odoo's ``resource.calendar.get_work_hours_count`` reads the calendar and its
leaves from the database on every call: right for one case, far too slow to
reconstruct the response times of a hundred thousand imported threads. The
ORM side reads the calendar once (its attendances and the global leaves of
the period) into a ``WorkingTime``, which then answers in memory. Times are
naive UTC, as Odoo stores them; attendances are wall-clock hours in the
calendar's time zone.
"""

from bisect import bisect_right
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

DAY = timedelta(days=1)


def wall_clock_hours(start, end):
    return max((end - start).total_seconds() / 3600.0, 0.0)


def _merge(intervals):
    merged = []
    for start, end in sorted(intervals):
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


class WorkingTime:
    """A weekly schedule: ``attendances`` are (weekday 0=Monday, hour_from,
    hour_to) in the zone ``tz``; ``leaves`` are (start, end) naive UTC
    periods off work (public holidays). Without attendances every hour
    counts (wall clock)."""

    def __init__(self, attendances=(), tz="UTC", leaves=()):
        self.zone = ZoneInfo(tz or "UTC")
        days = {weekday: [] for weekday in range(7)}
        for weekday, hour_from, hour_to in attendances:
            days[int(weekday)].append((float(hour_from), float(hour_to)))
        self.days = {weekday: _merge(spans) for weekday, spans in days.items()}
        self.week_hours = sum(b - a for spans in self.days.values() for a, b in spans)
        self.leaves = _merge((self.local(a), self.local(b)) for a, b in leaves)
        self.leave_starts = [start for start, _end in self.leaves]
        self.leave_ends = [end for _start, end in self.leaves]

    def local(self, moment):
        """Naive wall-clock time in the calendar's zone of a naive UTC time."""
        return moment.replace(tzinfo=UTC).astimezone(self.zone).replace(tzinfo=None)

    def hours(self, start, end):
        """Working hours from ``start`` to ``end`` (naive UTC datetimes)."""
        if not (isinstance(start, datetime) and isinstance(end, datetime)):
            return 0.0
        if end <= start:
            return 0.0
        if not self.week_hours:
            return wall_clock_hours(start, end)
        start, end = self.local(start), self.local(end)
        total = 0.0
        weeks = (end - start).days // 7
        if weeks and not self._leave_between(start, start + timedelta(weeks=weeks)):
            total += weeks * self.week_hours  # whole weeks without a leave
            start += timedelta(weeks=weeks)
        day = datetime(start.year, start.month, start.day)
        while day < end:
            for hour_from, hour_to in self.days[day.weekday()]:
                span_start = max(start, day + timedelta(hours=hour_from))
                span_end = min(end, day + timedelta(hours=hour_to))
                if span_end > span_start:
                    total += self._worked(span_start, span_end)
            day += DAY
        return total

    def _leave_between(self, start, end):
        """Whether a leave overlaps [start, end) (leaves are merged, so
        sorted by their start and by their end alike)."""
        index = bisect_right(self.leave_ends, start)
        return index < len(self.leaves) and self.leaves[index][0] < end

    def _worked(self, start, end):
        """Hours of [start, end) outside leaves (local naive times)."""
        seconds = (end - start).total_seconds()
        index = max(bisect_right(self.leave_starts, start) - 1, 0)
        for leave_start, leave_end in self.leaves[index:]:
            if leave_start >= end:
                break
            overlap = (min(end, leave_end) - max(start, leave_start)).total_seconds()
            if overlap > 0:
                seconds -= overlap
        return seconds / 3600.0

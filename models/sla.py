"""Working-day arithmetic and the SLA deadlines of the SOP's "Mutu Baku".

Working days are Monday to Friday in the province's own time (WITA, UTC+8), less the
public holidays the superadmin keeps in the `Holiday` table. Timestamps are stored as naive
UTC; the arithmetic happens on the local calendar and the result goes back to UTC.
"""
from datetime import date, datetime, timedelta

from models import db
from models.cache import cached_for_request
from models.settings import Holiday, Setting
from models.vocabulary import local_time, utc_time


def is_workday(day: date, holidays=frozenset()) -> bool:
    return day.weekday() < 5 and day not in holidays


def holidays_between(first: date, last: date) -> frozenset:
    """The public holidays from `first` to `last`, as dates."""
    every = cached_for_request(
        "holidays", lambda: frozenset(db.session.execute(db.select(Holiday.day)).scalars()))
    return frozenset(day for day in every if first <= day <= last)


def add_workdays(start: datetime, days: int, holidays=frozenset()) -> datetime:
    """`start` (UTC) plus `days` working days, keeping the local time of day.

    A start on a day off counts from the next working day at the same time.
    """
    current = local_time(start)
    while not is_workday(current.date(), holidays):
        current += timedelta(days=1)
    added = 0
    while added < days:
        current += timedelta(days=1)
        if is_workday(current.date(), holidays):
            added += 1
    return utc_time(current)


def workdays_between(start: datetime, end: datetime, holidays=frozenset()) -> int:
    """Whole working days from `start` to `end` (UTC; 0 on the same local day)."""
    count, day, last = 0, local_time(start).date(), local_time(end).date()
    while day < last:
        day += timedelta(days=1)
        if is_workday(day, holidays):
            count += 1
    return count


def _holidays_around(start: datetime, days: int) -> frozenset:
    # Wide enough for any run of weekends and holidays the calendar can hold.
    first = local_time(start).date()
    return holidays_between(first, first + timedelta(days=days * 3 + 30))


def triage_deadline(created_at: datetime) -> datetime:
    return created_at + timedelta(minutes=Setting.get_int("sla_triage_minutes"))


def answer_deadline(forwarded_at: datetime, subcategory=None) -> datetime:
    if subcategory is not None and subcategory.sla_hours:
        return forwarded_at + timedelta(hours=subcategory.sla_hours)
    days = Setting.get_int("sla_answer_workdays")
    return add_workdays(forwarded_at, days, _holidays_around(forwarded_at, days))


def workdays_since(start: datetime, now: datetime) -> int:
    first, last = local_time(start).date(), local_time(now).date()
    return workdays_between(start, now, holidays_between(first, last))

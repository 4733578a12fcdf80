"""Working-day arithmetic and the SLA deadlines of the SOP's "Mutu Baku"."""
from datetime import date, datetime, timedelta

from models.settings import Setting


def is_workday(day: date) -> bool:
    return day.weekday() < 5


def add_workdays(start: datetime, days: int) -> datetime:
    """`start` plus `days` working days (Monday to Friday), keeping the time of day.

    A start on a weekend counts from the next Monday at the same time.
    """
    current = start
    while not is_workday(current.date()):
        current += timedelta(days=1)
    added = 0
    while added < days:
        current += timedelta(days=1)
        if is_workday(current.date()):
            added += 1
    return current


def workdays_between(start: datetime, end: datetime) -> int:
    """Whole working days from `start` to `end` (0 on the same day)."""
    count, day = 0, start.date()
    while day < end.date():
        day += timedelta(days=1)
        if is_workday(day):
            count += 1
    return count


def triage_deadline(created_at: datetime) -> datetime:
    return created_at + timedelta(minutes=Setting.get_int("sla_triage_minutes"))


def answer_deadline(forwarded_at: datetime, subcategory=None) -> datetime:
    if subcategory is not None and subcategory.sla_hours:
        return forwarded_at + timedelta(hours=subcategory.sla_hours)
    return add_workdays(forwarded_at, Setting.get_int("sla_answer_workdays"))

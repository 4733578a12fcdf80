"""The SOP's steps and their time standards ("Mutu Baku"), measured per message.

Each step ends with a timeline entry and starts with an earlier one:
- terima (receive): from the submission to the first thing staff do with the message;
- klasifikasi (classify): from the submission to its triage (forward, direct answer, close);
- opd (the OPD answers): from the latest hand-over to the OPD (forward, reroute, reopen) to
  its reply; the deadline is the one the lifecycle set then (`answer_due_at`: working days,
  or the sub category's hours);
- periksa (check and relay): from the OPD's latest reply to the admin's release, when the
  answers are checked; the standard is the check's and the relay's minutes together, because
  one release does both;
- umumkan (publish): from the answer the citizen can read (a direct answer, an unchecked
  reply, a release) to the moment the mail telling them of it went out.

A step not finished yet is not measured. Only the latest cycle of a step is measured: a
message reopened and answered again is judged on its second answer.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l

from models import db
from models.notification import QueuedMail
from models.settings import Setting

STEPS = ("terima", "klasifikasi", "opd", "periksa", "umumkan")
STEP_LABELS = {
    "terima": _l("Menerima pesan"),
    "klasifikasi": _l("Mengklasifikasi dan meneruskan"),
    "opd": _l("Tanggapan OPD"),
    "periksa": _l("Memeriksa dan menyampaikan tanggapan"),
    "umumkan": _l("Pemberitahuan ke pelapor"),
}
# Which setting (minutes) each step's standard is; the OPD's is its own deadline.
STEP_MINUTES = {
    "terima": ("sla_receive_minutes",),
    "klasifikasi": ("sla_triage_minutes",),
    "periksa": ("sla_review_minutes", "sla_relay_minutes"),
    "umumkan": ("sla_publish_minutes",),
}

# The timeline entries that start or end the steps.
TRIAGE_ACTIONS = ("forward", "answer", "close")
HAND_OVER_ACTIONS = ("forward", "reroute", "reopen")
CITIZEN_ONLY = ("submit", "withdraw", "reopen", "rate")
ANSWER_ACTIONS = ("answer", "reply", "release")  # a reply only when the citizen sees it


@dataclass
class Moments:
    """The times one message's steps start and end (naive UTC; None: not happened)."""
    created: datetime
    touched: datetime | None = None     # first staff action
    triaged: datetime | None = None     # first forward, direct answer or close
    handed: datetime | None = None      # latest forward, reroute or reopen
    replied: datetime | None = None     # the OPD's latest reply
    released: datetime | None = None    # the admin's latest release
    answer_due: datetime | None = None  # the OPD's deadline
    answered: datetime | None = None    # the latest answer the citizen can read
    notified: datetime | None = None    # when the citizen's mail about it went out

    @classmethod
    def of_events(cls, message):
        """The moments of one message, read from its timeline."""
        moments = cls(created=message.created_at, answer_due=message.answer_due_at)
        for event in message.events:
            at, action = event.created_at, event.action
            if action not in CITIZEN_ONLY and moments.touched is None:
                moments.touched = at
            if action in TRIAGE_ACTIONS and moments.triaged is None:
                moments.triaged = at
            if action in HAND_OVER_ACTIONS:
                moments.handed = at
            elif action == "reply":
                moments.replied = at
            elif action == "release":
                moments.released = at
            if action in ANSWER_ACTIONS and event.public:
                moments.answered, answer_event = at, event
        if moments.answered is not None:
            moments.notified = notice_sent_at(answer_event)
        return moments


def notice_sent_at(event) -> datetime | None:
    """When the citizen's mail about this timeline entry went out (None: not yet, or none)."""
    if event.id is None:
        return None
    return db.session.scalar(db.select(db.func.max(QueuedMail.sent_at))
                             .where(QueuedMail.event_id == event.id))


@dataclass
class StepTime:
    step: str
    started: datetime
    ended: datetime
    due: datetime
    standard_minutes: int | None  # None: the OPD's deadline (working days or hours)

    @property
    def took(self) -> timedelta:
        return self.ended - self.started

    @property
    def within(self) -> bool:
        return self.ended <= self.due

    @property
    def label(self):
        return STEP_LABELS[self.step]

    @property
    def shown_at(self) -> datetime:
        """The moment of the timeline entry the step is shown on: the one that ended it, or
        for the notice (which is no entry) the answer it told of."""
        return self.started if self.step == "umumkan" else self.ended


def standard_minutes() -> dict[str, int]:
    """Each minute-measured step's standard, from the settings."""
    return {step: sum(Setting.get_int(key) for key in keys) for step, keys in STEP_MINUTES.items()}


def measure(moments: Moments, minutes: dict[str, int]) -> list[StepTime]:
    """The finished steps of one message, in SOP order."""
    steps = []

    def by_minutes(step, start, end):
        if start is not None and end is not None:
            steps.append(StepTime(step, start, end, start + timedelta(minutes=minutes[step]),
                                  minutes[step]))

    by_minutes("terima", moments.created, moments.touched)
    by_minutes("klasifikasi", moments.created, moments.triaged)
    if (moments.handed and moments.replied and moments.answer_due
            and moments.replied >= moments.handed):
        steps.append(StepTime("opd", moments.handed, moments.replied, moments.answer_due, None))
    if moments.replied and moments.released and moments.released >= moments.replied:
        by_minutes("periksa", moments.replied, moments.released)
    if moments.answered and moments.notified and moments.notified >= moments.answered:
        by_minutes("umumkan", moments.answered, moments.notified)
    return steps


def steps_of(message) -> list[StepTime]:
    """One message's measured steps, for its page."""
    return measure(Moments.of_events(message), standard_minutes())


def duration_text(value: timedelta) -> str:
    """A duration as people say it: "2 hari 3 jam", "1 jam 5 menit", "4 menit"."""
    from flask_babel import gettext as _

    minutes = max(int(value.total_seconds() // 60), 0)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return _("%(d)s hari %(h)s jam", d=days, h=hours)
    if hours:
        return _("%(h)s jam %(m)s menit", h=hours, m=minutes)
    return _("%(m)s menit", m=minutes)


def steps_by_event(message) -> dict[int, list[StepTime]]:
    """The measured steps keyed by the timeline entry that ended each (its first entry at
    that moment), so the page shows each step's time on the entry that finished it."""
    shown = {}
    for step in steps_of(message):
        event = next((e for e in message.events if e.created_at == step.shown_at), None)
        if event is not None:
            shown.setdefault(event.id, []).append(step)
    return shown

"""The report's "Mutu Baku" figures: how many of each SOP step met its time standard, over
all messages and per OPD.

One GROUP BY query gives every message's step moments (first staff action, triage, latest
hand-over, reply, release, answer and the sending of its notice); `models.steps.measure`
judges them, the same rule the message page shows in its timeline. The page shows them cached
(`cached_step_compliance`), as it does the rest of the report.
"""
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import case, func

from models import Message, MessageEvent, Opd, QueuedMail, db
from models.access import counted_clause, staff_message_scope, staff_scope_key
from models.cache import cached_figure
from models.steps import (
    ANSWER_ACTIONS,
    CITIZEN_ONLY,
    HAND_OVER_ACTIONS,
    STEP_LABELS,
    STEPS,
    TRIAGE_ACTIONS,
    Moments,
    measure,
    standard_minutes,
)
from services.charts import percent
from services.report_figures import period_key


@dataclass
class Tally:
    measured: int = 0
    within: int = 0

    @property
    def percent(self):
        return percent(self.within, self.measured) if self.measured else None

    def text(self) -> str:
        if not self.measured:
            return "–"
        return f"{self.within}/{self.measured} ({self.percent} %)"


@dataclass
class StepCompliance:
    minutes: dict
    steps: dict = field(default_factory=lambda: {step: Tally() for step in STEPS})
    opds: dict = field(default_factory=dict)  # OPD name -> {step: Tally}

    def count(self, opd_name, step_time):
        for tallies in (self.steps, self.opds.setdefault(opd_name, {s: Tally() for s in STEPS})):
            tally = tallies[step_time.step]
            tally.measured += 1
            tally.within += step_time.within

    def step_rows(self) -> list[tuple]:
        return [(STEP_LABELS[step], self.standard_text(step), tally.measured, tally.within,
                 tally.percent) for step, tally in self.steps.items()]

    def opd_rows(self) -> list[tuple]:
        return [(name, *(tallies[step].text() for step in STEPS))
                for name, tallies in sorted(self.opds.items())]

    def standard_text(self, step) -> str:
        if step in self.minutes:
            return _("%(n)s menit", n=self.minutes[step])
        return _("batas tanggapan OPD")


def step_compliance(user, period) -> StepCompliance:
    """The steps measured on the messages `user` may see that arrived in `period`."""
    event = MessageEvent

    def first(actions):
        return func.min(case((event.action.in_(actions), event.created_at)))

    def latest(actions):
        return func.max(case((event.action.in_(actions), event.created_at)))

    answer = event.action.in_(ANSWER_ACTIONS) & event.public
    rows = (db.session.query(
        Message.created_at, Message.answer_due_at, Opd.name,
        func.min(case((event.action.notin_(CITIZEN_ONLY), event.created_at))),
        first(TRIAGE_ACTIONS), latest(HAND_OVER_ACTIONS), latest(("reply",)),
        latest(("release",)), func.max(case((answer, event.created_at))),
        func.max(case((answer, QueuedMail.sent_at))))
        .select_from(Message).join(event, event.message_id == Message.id)
        .outerjoin(Opd, Opd.id == Message.opd_id)
        .outerjoin(QueuedMail, QueuedMail.event_id == event.id)
        .filter(staff_message_scope(user), counted_clause(), *period.conditions())
        .group_by(Message.id, Message.created_at, Message.answer_due_at, Opd.name)
        .yield_per(5000))  # one row per message: read in batches, memory stays flat
    result = StepCompliance(minutes=standard_minutes())
    no_opd = _("Belum diteruskan ke OPD")
    for (created, due, opd_name, touched, triaged, handed, replied, released, answered,
         notified) in rows:
        moments = Moments(created=created, touched=touched, triaged=triaged, handed=handed,
                          replied=replied, released=released, answer_due=due,
                          answered=answered, notified=notified)
        for step_time in measure(moments, result.minutes):
            result.count(opd_name or no_opd, step_time)
    return result


def cached_step_compliance(user, period) -> StepCompliance:
    """`step_compliance`, cached like the report (per staff scope, period and language) and
    counted again also when a notice to a citizen went out: that ends the publish step."""
    sent = db.session.scalar(db.select(func.max(QueuedMail.sent_at)))
    return cached_figure(f"langkah:{staff_scope_key(user)}:{period_key(period)}",
                         lambda: step_compliance(user, period), marks=(sent,))

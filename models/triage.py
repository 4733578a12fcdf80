"""Triage suggestions as records: one row per suggested field of a triage decision, saying
what was suggested, how sure the model was and what the admin chose; and the acceptance
figures read from those rows for the report.

How suggestions are learned and made lives beside this module, in models/triage_learning.py.
"""
from dataclasses import dataclass

from models import db
from models.base import utcnow
from models.message import Message

FIELDS = ("category", "subcategory", "opd")


class TriageSuggestion(db.Model):
    """One suggested field of one triage decision: what was suggested, how sure, by which
    model, and what the admin chose (None: the admin's action set no value for it)."""
    __tablename__ = "triage_suggestion"
    id = db.Column(db.Integer, primary_key=True)
    message_id = db.Column(db.Integer, db.ForeignKey("message.id", ondelete="CASCADE"),
                           nullable=False, index=True)
    field = db.Column(db.String(12), nullable=False)
    suggested_id = db.Column(db.Integer, nullable=False)
    confidence = db.Column(db.Float, nullable=False)
    chosen_id = db.Column(db.Integer)
    model_version = db.Column(db.String(40), nullable=False)
    actor_id = db.Column(db.Integer, db.ForeignKey("user.id"))
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow, index=True)

    @property
    def taken(self) -> bool:
        return self.chosen_id == self.suggested_id


# --- what the admin did with them ---------------------------------------------------------------

def record_outcome(message: Message, suggestions, chosen: dict, actor) -> list:
    """Add one row per field of `suggestions` (models.triage_learning.Suggestions) that the
    admin's action decided: `chosen` maps a field to the id the admin set (fields the action
    does not set are left out)."""
    rows = []
    for name, guess in suggestions.guesses.items():
        if name not in chosen:
            continue
        row = TriageSuggestion(message_id=message.id, field=name, suggested_id=guess.id,
                               confidence=guess.confidence, chosen_id=chosen[name],
                               model_version=suggestions.version,
                               actor_id=actor.id if actor is not None else None)
        db.session.add(row)
        rows.append(row)
    return rows


@dataclass
class Acceptance:
    field: str
    suggested: int
    taken: int


def acceptance(conditions) -> list[Acceptance]:
    """Per field: how many recorded suggestions, and how many the admin took, over the
    messages matching `conditions` (SQL conditions on Message)."""
    taken = db.func.sum(db.case((TriageSuggestion.chosen_id == TriageSuggestion.suggested_id, 1),
                                else_=0))
    rows = dict((name, (count, took or 0)) for name, count, took in db.session.execute(
        db.select(TriageSuggestion.field, db.func.count(TriageSuggestion.id), taken)
        .join(Message, Message.id == TriageSuggestion.message_id)
        .where(*conditions).group_by(TriageSuggestion.field)))
    return [Acceptance(name, *rows.get(name, (0, 0))) for name in FIELDS]

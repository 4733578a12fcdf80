"""The triage page's helpers: suggested category, sub category and OPD (with confidence),
likely duplicates, and the record of whether the admin took the suggestion.

Suggestions are shown only where the admin classifies (forward or answer); the admin takes
them by following a link that pre-fills the form, never by an automatic change. On a server
installed without scikit-learn (the `triage` extra) the panel says that suggestions and
similar subjects are unavailable there. Any other failure of the suggestion code (an
unreadable model, say) is logged and the page shows no suggestion: it never breaks the page
or the admin's action.
"""
import logging
from dataclasses import dataclass, field

from models import Category, Message, Opd, Subcategory, db, lifecycle, triage, triage_learning
from models.duplicates import likely_duplicates
from services import triage_store

log = logging.getLogger(__name__)

CLASSIFYING_ACTIONS = ("forward", "answer")
ROW_OF = {"category": Category, "subcategory": Subcategory, "opd": Opd}


@dataclass
class Panel:
    """What the triage page shows beside the form.

    `state`: "saran" (suggestions below), "kurang" (not enough history yet), "belum" (enough
    history, no model trained yet), "asing" (the model knows none of the message's words),
    "nonaktif" (scikit-learn is not installed on this server) or "tidak" (nothing to say: no
    model usable now).
    `similar_subjects`: whether the duplicates include those found by a similar subject
    (they need scikit-learn too).
    """
    state: str
    suggestions: triage_learning.Suggestions | None = None
    rows: dict = field(default_factory=dict)  # field -> the suggested row
    duplicates: list = field(default_factory=list)
    originals: dict = field(default_factory=dict)  # duplicate id -> the original a close names
    refusals: dict = field(default_factory=dict)  # duplicate id -> why it cannot be the original
    may_close: bool = False
    similar_subjects: bool = True

    def prefill(self) -> dict:
        """The form values the "use the suggestion" link fills in."""
        return {f"{name}_id": str(row.id) for name, row in self.rows.items()}


def current_suggestions(message) -> triage_learning.Suggestions | None:
    """The stored model's suggestions for `message`; None without scikit-learn, without a
    usable model, or on any failure (logged)."""
    if not triage_learning.available():
        return None
    try:
        model = triage_store.current_model()
        if model is None:
            return None
        texts = triage_learning.message_texts(message.perihal, message.body, message.kabupaten)
        return triage_learning.suggest(model, texts, triage_learning.Choices.current())
    except Exception:  # a broken model must never break the triage page
        log.exception("triage suggestion failed for message %s", message.id)
        return None


def suggestion_panel(message, allowed) -> Panel | None:
    """The suggestions part of the panel; None where the admin does not classify."""
    if not any(action in allowed for action in CLASSIFYING_ACTIONS):
        return None
    if not triage_learning.available():
        return Panel("nonaktif")
    suggestions = current_suggestions(message)
    if suggestions is not None and suggestions.unknown_words:
        return Panel("asing")
    if suggestions is None or not suggestions.guesses:
        if not triage_learning.enough_history():
            return Panel("kurang")
        return Panel("belum" if triage_store.current_model() is None else "tidak")
    rows = {name: db.session.get(ROW_OF[name], guess.id)
            for name, guess in suggestions.guesses.items()}
    return Panel("saran", suggestions, {name: row for name, row in rows.items() if row})


def triage_panel(message, user, allowed) -> Panel | None:
    """The whole panel for the message page, or None when the viewer does not triage it."""
    panel = suggestion_panel(message, allowed)
    if "close" in allowed:
        panel = panel or Panel("tidak")
        panel.may_close = True
        panel.similar_subjects = triage_learning.available()
        panel.duplicates = likely_duplicates(user, message)
        panel.originals, panel.refusals = duplicate_originals(user, message, panel.duplicates)
    return panel


def duplicate_originals(user, message, duplicates) -> tuple[dict, dict]:
    """({candidate id: the message a close as its duplicate names: the candidate, or the root
    of its chain}, {candidate id: why the rules refuse it}): the page offers the button
    exactly where `lifecycle.perform` would accept it."""
    originals, refusals = {}, {}
    if not duplicates:
        return originals, refusals
    rows = db.session.scalars(
        db.select(Message).where(Message.id.in_([d.id for d in duplicates])))
    for row in rows:
        refusal = lifecycle.refusal(user, message, "close", reason="duplicate", duplicate_of=row)
        if refusal is None:
            originals[row.id] = lifecycle.original_of(row)
        else:
            refusals[row.id] = str(refusal)
    return originals, refusals


def record_choice(message, action, actor, shown_version) -> None:
    """After a classifying action, add what was suggested and what the admin chose.

    Recorded only when the page showed suggestions from the model still in place
    (`shown_version`): the same model gives the same suggestion for the same words, so the
    server computes it again rather than trusting what the form posts."""
    if action not in CLASSIFYING_ACTIONS or not shown_version:
        return
    suggestions = current_suggestions(message)
    if suggestions is None or suggestions.version != shown_version:
        return
    chosen = {"category": message.category_id}
    if action == "forward":
        chosen.update(subcategory=message.subcategory_id, opd=message.opd_id)
    elif message.subcategory_id is not None:
        chosen["subcategory"] = message.subcategory_id
    triage.record_outcome(message, suggestions, chosen, actor)

"""Likely duplicates of a message, for the admin who triages it.

Another message is a likely duplicate when it arrived in the last `WINDOW_DAYS` days, the
viewer may see it (`access.staff_message_scope`), it is not withdrawn, and either
- its reporter has the same NIK (an account's or a guest's), or
- the same phone number, or
- a similar subject at the same place: TF-IDF cosine similarity of the perihal at least
  `SIMILAR`, and the same kabupaten/kota when this message names one.

Similar subjects are compared with scikit-learn, so only where it is installed (the `triage`
extra); the same NIK or phone number is found without it.

The most alike come first: a similar subject before a different one, then the same reporter,
then how alike the subjects are, then the newest. A reporter's other messages about other
things are listed below, each with how little its subject is alike.

Only the reason is given (which of these matched, and how similar), never the matching NIK
or number: the list tells the admin nothing about a reporter that the message pages do not.
"""
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from models import db, triage_learning
from models.access import not_withdrawn_clause, reporter_is_erased, staff_message_scope
from models.base import utcnow
from models.message import Message
from models.reporter_lookup import matching_reporter
from models.user import User

WINDOW_DAYS = 30
SIMILAR = 0.5
# The newest messages of the window compared by subject: a month of a large province.
CANDIDATE_LIMIT = 3000
SHOWN = 10


@dataclass(frozen=True)
class LikelyDuplicate:
    id: int
    tracking: str
    created_at: datetime
    status: str
    perihal: str
    same_nik: bool = False
    same_phone: bool = False
    similarity: float | None = None  # of the subjects, when similar at the same place
    likeness: float | None = None  # of the subjects, whatever it is (None: not compared)

    @property
    def similarity_percent(self) -> int | None:
        return round(self.similarity * 100) if self.similarity is not None else None

    @property
    def likeness_percent(self) -> int | None:
        return round(self.likeness * 100) if self.likeness is not None else None

    def rank(self) -> tuple:
        """Sorts the most likely duplicate first (see the module)."""
        likeness = self.likeness or 0
        return (-(likeness >= SIMILAR), -(self.same_nik + self.same_phone), -likeness,
                -self.created_at.timestamp())


def _window(viewer, message: Message, now: datetime) -> list:
    return [staff_message_scope(viewer), Message.id != message.id, not_withdrawn_clause(),
            Message.created_at >= now - timedelta(days=WINDOW_DAYS)]


def _same_reporter_clause(message: Message):
    """(messages whose reporter has this message's NIK, ... its phone number); each None when
    this message has no such number."""
    if reporter_is_erased(message):
        return None, None  # an erased account has no identity left to match
    reporter = message.reporter
    nik = message.nik
    phone = reporter.phone if reporter is not None else message.guest_phone
    by_nik = matching_reporter(Message.guest_nik, User.nik, [nik]) if nik else None
    by_phone = matching_reporter(Message.guest_phone, User.phone, [phone]) if phone else None
    return by_nik, by_phone


def _stems(text: str) -> set:
    return {word[:4] for word in re.findall(r"\w{4,}", (text or "").lower())}


def _subject_likeness(message: Message, rows) -> dict:
    """{message id: cosine similarity of its perihal to this one's} for `rows` (id, perihal);
    {} without scikit-learn (the triage panel says subjects were not compared).

    Subjects sharing no word beginning with this one cannot come near the threshold; they
    score 0 before the (costlier) character n-grams are counted."""
    if not rows or not triage_learning.available():
        return {}
    stems = _stems(message.perihal)
    likeness = {row_id: 0.0 for row_id, _perihal in rows}
    rows = [(row_id, perihal) for row_id, perihal in rows if stems & _stems(perihal)]
    if not rows:
        return likeness
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import linear_kernel

    subjects = [message.perihal] + [perihal for _id, perihal in rows]
    # Character n-grams within words: "Jl. Juanda berlubang" is like "jalan juanda lubang".
    vectors = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 4), sublinear_tf=True,
                              strip_accents="unicode").fit_transform(subjects)
    scores = linear_kernel(vectors[0:1], vectors[1:])[0]
    likeness.update((row_id, float(score))
                    for (row_id, _perihal), score in zip(rows, scores, strict=True))
    return likeness


def likely_duplicates(viewer, message: Message) -> list:
    """The likely duplicates of `message` that `viewer` may see, most alike first."""
    window = _window(viewer, message, utcnow())
    found: dict[int, dict] = {}
    by_nik, by_phone = _same_reporter_clause(message)
    for reason, clause in (("same_nik", by_nik), ("same_phone", by_phone)):
        if clause is None:
            continue
        for (row_id,) in db.session.execute(db.select(Message.id).where(*window, clause)
                                            .order_by(Message.created_at.desc()).limit(SHOWN)):
            found.setdefault(row_id, {})[reason] = True
    place = [Message.kabupaten == message.kabupaten] if message.kabupaten else []
    rows = db.session.execute(
        db.select(Message.id, Message.perihal).where(*window, *place)
        .order_by(Message.created_at.desc()).limit(CANDIDATE_LIMIT)).all()
    likeness = _subject_likeness(message, rows)
    for row_id, score in likeness.items():
        if score >= SIMILAR:
            found.setdefault(row_id, {})["similarity"] = score
    if not found:
        return []
    shown = {row.id: row for row in db.session.execute(
        db.select(Message.id, Message.tracking, Message.created_at, Message.status,
                  Message.perihal).where(Message.id.in_(found)))}
    # The same reporter's messages elsewhere in the province were not among the rows compared.
    likeness.update(_subject_likeness(
        message, [(row.id, row.perihal) for row in shown.values() if row.id not in likeness]))
    duplicates = [LikelyDuplicate(**shown[row_id]._asdict(), **reasons,
                                  likeness=likeness.get(row_id))
                  for row_id, reasons in found.items()]
    duplicates.sort(key=LikelyDuplicate.rank)
    return duplicates[:SHOWN]
